"""Emailed links: a password reset and an invitation to choose a first password.

Each is a signed token naming the account and a fingerprint of its password and address,
so it stops working once used (the password set), or once the account changes address.

Services add and flush; the caller (a view) commits.
"""

import hashlib
import hmac
from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from learning.accounts.errors import (
    InvalidInvitationError,
    InvalidLinkError,
    InvalidResetLinkError,
)
from learning.accounts.models import User
from learning.accounts.passwords import hash_password
from learning.accounts.sessions import end_sessions
from learning.database import db

# Each kind of link signs with its own salt: a reset link is no invitation, nor the reverse.
RESET_SALT = "password-reset"
INVITATION_SALT = "account-invitation"
SECONDS_A_DAY = 86_400


def _serializer(salt: str = RESET_SALT) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=salt)


def _password_fingerprint(user: User) -> str:
    # A link names the current password hash and email address, so it stops working once
    # the password is set or changed, and once the account moves to another address.
    material = f"{user.password_hash}\n{user.email}"
    return hashlib.sha256(material.encode()).hexdigest()[:32]


def password_reset_token(user: User) -> str:
    """A signed token that resets this user's password until used or expired."""
    return _serializer().dumps({"user": user.id, "password": _password_fingerprint(user)})


def _read_token(token: str, *, salt: str, max_age: int, error: type[InvalidLinkError],
                expired: str) -> tuple[User, dict]:
    """The user a token of this kind names, and what else the token says.

    The user must be active, and have the password and address the token was made with.
    """
    used = _("This link is not valid. It may have been used already or copied incompletely.")
    try:
        data = _serializer(salt).loads(token, max_age=max_age)
    except SignatureExpired as problem:
        raise error(expired, expired=True) from problem
    except BadSignature as problem:
        raise error(used) from problem
    if not isinstance(data, dict) or not isinstance(data.get("user"), int):
        raise error(used)
    user = db.session.get(User, data["user"])
    if user is None or not user.is_active:
        raise error(used)
    if not hmac.compare_digest(str(data.get("password", "")), _password_fingerprint(user)):
        raise error(used)
    return user, data


def user_for_reset_token(token: str) -> User:
    """The user a reset token was made for.

    Raises InvalidResetLinkError when the token is tampered with, expired, already used (the
    password changed since), made for another purpose (an invitation), or its account is
    gone or inactive.
    """
    max_age = current_app.config["PASSWORD_RESET_MAX_AGE"]
    user, _data = _read_token(
        token, salt=RESET_SALT, max_age=max_age, error=InvalidResetLinkError,
        expired=_("This link has expired. Links to reset a password work for %(minutes)d "
                  "minutes.", minutes=max(1, max_age // 60)))
    return user


def invitation_days() -> int:
    """How many days an invitation to choose a first password works."""
    return current_app.config["INVITATION_MAX_AGE_DAYS"]


def invitation_token(user: User, course_id: int | None = None,
                     cohort_id: int | None = None) -> str:
    """A signed token that lets a new account choose its first password, once.

    It names the course the person was invited to, if any, for the welcome page to greet
    them with, and the cohort (from a roster) that choosing the password enrols them in; and,
    like a reset token, the password it replaces, so that it stops working
    once a password is chosen.
    """
    data = {"user": user.id, "password": _password_fingerprint(user)}
    if course_id is not None:
        data["course"] = course_id
    if cohort_id is not None:
        data["cohort"] = cohort_id
    return _serializer(INVITATION_SALT).dumps(data)


@dataclass(frozen=True)
class Invitation:
    """Who an invitation link is for, and the course and cohort they were invited to."""

    user: User
    course_id: int | None
    cohort_id: int | None = None


def read_invitation(token: str) -> Invitation:
    """The user an invitation was made for, and its course.

    Raises InvalidInvitationError when the token is tampered with, older than
    INVITATION_MAX_AGE_DAYS, used already (a password was chosen since), made for another
    purpose (a password reset), or its account is gone or inactive.
    """
    days = invitation_days()
    user, data = _read_token(
        token, salt=INVITATION_SALT, max_age=days * SECONDS_A_DAY, error=InvalidInvitationError,
        expired=_("This invitation has expired: invitations work for %(days)d days.", days=days))
    course, cohort = data.get("course"), data.get("cohort")
    return Invitation(user=user, course_id=course if isinstance(course, int) else None,
                      cohort_id=cohort if isinstance(cohort, int) else None)


def accept_invitation(user: User, password: str) -> None:
    """Set the first password of an invited account: its invitation stops working."""
    user.password_hash = hash_password(password)
    end_sessions(user)
    db.session.flush()


def reset_password(user: User, new_password: str) -> None:
    """Set a new password from a reset link and end every session of the user."""
    user.password_hash = hash_password(new_password)
    end_sessions(user)
    db.session.flush()
