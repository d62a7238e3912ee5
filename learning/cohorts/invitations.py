"""Invitations to a cohort for people who already have an account: they accept, or stay out.

A facilitator's roster may name someone who registered on their own, for another course or
none. They are never enrolled by it: they get an email with a link (a token signed for this
purpose only, naming the account, its address and the cohort) to a page where, signed in as
that account, they press "Accept". Only then are they in the cohort, and only then does the
facilitator see them. The link works for INVITATION_MAX_AGE_DAYS; once they are in the
cohort it has done its work, and it works for no other account.
"""

from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from learning.accounts.emails import public_link
from learning.accounts.links import SECONDS_A_DAY, invitation_days
from learning.accounts.models import User
from learning.cohorts import joining
from learning.cohorts.models import Cohort
from learning.database import db
from learning.mail import services as mail

# Its own salt: neither a welcome link nor a password reset link is a cohort invitation.
SALT = "cohort-invitation"


class CohortInvitationError(ValueError):
    """A link that cannot be used, with the reason fit to show; `expired` when too old."""

    def __init__(self, message: str, *, expired: bool = False):
        super().__init__(message)
        self.expired = expired


@dataclass(frozen=True)
class CohortInvitation:
    """Who a link invites, and to which cohort."""

    user: User
    cohort: Cohort


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def invitation_token(user: User, cohort: Cohort) -> str:
    """A signed token inviting this account, at its current address, to this cohort."""
    return _serializer().dumps({"user": user.id, "email": user.email, "cohort": cohort.id})


def read_invitation(token: str) -> CohortInvitation:
    """The account and the cohort a token names.

    Raises CohortInvitationError when the token is tampered with or made for another purpose,
    older than INVITATION_MAX_AGE_DAYS, or its account (or cohort) is gone, deactivated, or
    (for the account) at another address since.
    """
    invalid = _("This invitation link is not valid. It may have been copied incompletely.")
    days = invitation_days()
    try:
        data = _serializer().loads(token, max_age=days * SECONDS_A_DAY)
    except SignatureExpired as problem:
        raise CohortInvitationError(
            _("This invitation has expired: invitations work for %(days)d days. Ask the "
              "course's facilitator to invite you again.", days=days), expired=True) from problem
    except BadSignature as problem:
        raise CohortInvitationError(invalid) from problem
    if not isinstance(data, dict) or not all(
            isinstance(data.get(key), kind) for key, kind in
            (("user", int), ("cohort", int), ("email", str))):
        raise CohortInvitationError(invalid)
    user = db.session.get(User, data["user"])
    cohort = db.session.get(Cohort, data["cohort"])
    if user is None or not user.is_active or user.email != data["email"] or cohort is None:
        raise CohortInvitationError(_("This invitation can no longer be used."))
    return CohortInvitation(user=user, cohort=cohort)


def send_invitation(user: User, cohort: Cohort) -> None:
    """Write an existing account an invitation to the cohort (sent once the caller commits).

    Nothing is written for a deactivated account: it could not accept.
    """
    if not user.is_active:
        return
    link = public_link("cohorts.accept_invitation", token=invitation_token(user, cohort))
    body = _(
        "Hello %(name)s,\n\n"
        "You have been invited to join %(cohort)s, a group taking the course %(course)s on "
        "Changing Mindsets Learning. You are not in it until you accept: open this link "
        "within %(days)d days, sign in with this email address, and press \"Accept\".\n\n"
        "%(link)s\n\n"
        "If you have forgotten your password, use \"Forgotten your password?\" on the sign-in "
        "page. If you do not want to join, ignore this message: nothing changes.",
        name=user.name, cohort=cohort.name, course=cohort.course.title,
        days=invitation_days(), link=link)
    mail.queue_mail(user.email, _("Invitation to join %(cohort)s", cohort=cohort.name), body,
                    "cohort_invitation")


def accept(invitation: CohortInvitation, user: User) -> bool:
    """Enrol the signed-in account the invitation names; False when it was in already.

    Raises CohortInvitationError when `user` is another account than the one invited.
    """
    if user.id != invitation.user.id:
        raise CohortInvitationError(_(
            "This invitation was sent to another account. Sign out, then open the link again "
            "and sign in with the email address it was sent to."))
    return joining.join_cohort(user, invitation.cohort)
