"""The emails accounts send: a reset link, an invitation, a notice of changed details.

Each is written to the outbox (`learning.mail`) in the caller's transaction and sent by a
worker once it commits. A password reset asked for anonymously is looked up in a job, so
that the request does the same work whether or not the address has an account.
"""

from flask import current_app, has_request_context, url_for
from flask_babel import gettext as _

from learning import jobs
from learning.accounts.links import invitation_days, invitation_token, password_reset_token
from learning.accounts.models import User
from learning.accounts.users import DetailsChange, Registration, find_user_by_email
from learning.countries import country_name
from learning.database import db
from learning.mail import services as mail


def _detail_lines(change: DetailsChange) -> str:
    labels = {"name": _("Name"), "email": _("Email address"), "organisation": _("Organisation"),
              "country": _("Country")}
    shown = {"country": country_name}
    lines = []
    for key, (before, after) in change.changed.items():
        show = shown.get(key, str)
        lines.append(_("%(field)s: %(before)s, now %(after)s",
                       field=labels[key], before=show(before) or _("not given"),
                       after=show(after) or _("not given")))
    return "\n".join(f"- {line}" for line in lines)


def send_details_changed(change: DetailsChange) -> None:
    """Tell the person what an administrator changed in their account's details.

    Written to the outbox (sent once the caller commits) for the address the account had
    and, when the address changed, for the new one too: the old address learns where its
    account went. Nothing is written when nothing changed.
    """
    if not change.changed:
        return
    user = change.user
    body = _("Hello %(name)s,\n\n"
             "An administrator of Changing Mindsets Learning has changed the details of your "
             "account:\n\n%(lines)s\n\n", name=user.name, lines=_detail_lines(change))
    if change.email_changed:
        body += _("From now on, sign in with %(email)s; your password stays as it is. ",
                  email=user.email)
    body += _("If any of this is not right, tell the people who run the programme.")
    recipients = [change.previous_email] + ([user.email] if change.email_changed else [])
    for address in recipients:
        mail.queue_mail(address, _("Your account details have changed"), body,
                        "details_changed")


def public_link(endpoint: str, **values) -> str:
    """The public address of a page, from a request or from a job (which has none)."""
    if has_request_context():
        return current_app.config["BASE_URL"] + url_for(endpoint, **values)
    with current_app.test_request_context():
        return current_app.config["BASE_URL"] + url_for(endpoint, **values)


def request_password_reset(email: str) -> None:
    """Ask for a reset link for this address, once the caller commits.

    The request only queues `password_reset_requested`, which looks the address up in a
    worker: the request does the same work, and so takes the same time, whether or not the
    address has an account, and the caller answers the same either way.
    """
    jobs.after_commit(password_reset_requested, email)


@jobs.job()
def password_reset_requested(email: str) -> None:
    """Write a reset link to the outbox if an active account has this address."""
    user = find_user_by_email(email)
    if user is None or not user.is_active:
        current_app.logger.info("A password reset was asked for an address without an "
                                "active account: nothing sent.")
        return
    send_password_reset(user)
    db.session.commit()


def send_password_reset(user: User) -> None:
    """Write a password reset link for this account to the outbox (sent after commit)."""
    link = public_link("accounts.reset_password", token=password_reset_token(user))
    minutes = max(1, current_app.config["PASSWORD_RESET_MAX_AGE"] // 60)
    body = _(
        "Hello %(name)s,\n\n"
        "Someone, hopefully you, asked to reset the password of your account on "
        "Changing Mindsets Learning. To choose a new password, open this link within "
        "%(minutes)d minutes. It works once.\n\n%(link)s\n\n"
        "If you did not ask for this, you can ignore this message: your password stays "
        "as it is.",
        name=user.name, minutes=minutes, link=link,
    )
    mail.queue_mail(user.email, _("Reset your password"), body, "password_reset")


def send_account_invitation(user: User, course_title: str | None = None,
                            course_id: int | None = None, cohort_id: int | None = None) -> None:
    """Email an account, made for someone by a facilitator or an admin, a welcome link.

    The link opens the welcome page, where they choose their first password; it works once
    and for INVITATION_MAX_AGE_DAYS; given a cohort (a roster's), choosing the password also
    enrols them in it, and they are not in it before. A facilitator may send another while
    the person has never signed in; later, "Forgotten your password?" sends a reset link.
    Written to the outbox: sent once the caller commits.
    """
    token = invitation_token(user, course_id, cohort_id)
    link = public_link("accounts.accept_invitation", token=token)
    if course_title:
        opening = (_("You have been invited to the course %(course)s on Changing Mindsets "
                     "Learning, with an account for this email address.", course=course_title)
                   if cohort_id is not None else
                   _("You have been added to the course %(course)s on Changing Mindsets "
                     "Learning, with an account for this email address.", course=course_title))
    else:
        opening = _("An account on Changing Mindsets Learning has been made for you, for this "
                    "email address.")
    body = _(
        "Hello %(name)s,\n\n%(opening)s To choose your password and sign in, open this link "
        "within %(days)d days. It works once.\n\n%(link)s\n\n"
        "If the link has expired, ask the person who invited you to send it again, or use "
        "\"Forgotten your password?\" on the sign-in page with this email address.",
        name=user.name, opening=opening, days=invitation_days(), link=link,
    )
    mail.queue_mail(user.email, _("Welcome to Changing Mindsets Learning"), body, "invitation")


def send_registration_email(registration: Registration) -> None:
    """Write to the address just registered; the one place registration sends mail.

    A new account is welcomed and pointed to the sign-in page; the owner of an address that
    had an account already is told that someone tried to register with it, that nothing
    changed, and how to sign in or choose a new password. Written to the outbox: no mail
    server is asked during the request.
    """
    user = registration.user
    if user is None:
        return
    base = current_app.config["BASE_URL"]
    sign_in = base + url_for("accounts.sign_in")
    if registration.created:
        subject = _("Welcome to Changing Mindsets Learning")
        body = _(
            "Hello %(name)s,\n\n"
            "Your account on Changing Mindsets Learning is ready. Sign in with this email "
            "address and the password you chose:\n\n%(sign_in)s\n\n"
            "If you did not create this account, tell the people who run the programme.",
            name=user.name, sign_in=sign_in)
    else:
        subject = _("Someone tried to register with your address")
        body = _(
            "Hello %(name)s,\n\n"
            "Someone, perhaps you, tried to create an account on Changing Mindsets Learning "
            "with this email address, which has one already. Nothing has changed in your "
            "account.\n\nTo sign in:\n\n%(sign_in)s\n\n"
            "If you have forgotten your password, choose a new one here:\n\n%(reset)s\n\n"
            "If it was not you, you can ignore this message.",
            name=user.name, sign_in=sign_in,
            reset=base + url_for("accounts.request_password_reset"))
    mail.queue_mail(user.email, subject, body,
                    "welcome" if registration.created else "registration_attempt")
