"""Account rules: registration, authentication, sessions, password changes and resets, roles.

Services add and flush; the caller (a view or a CLI command) commits.
"""

import hashlib
import hmac
import smtplib
from urllib.parse import urlsplit

from flask import current_app, url_for
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from learning.accounts import countries, mail, sessions
from learning.accounts.models import (
    ROLES,
    User,
    UserRole,
    UserSession,
    email_key,
    hash_token,
    utcnow,
)
from learning.accounts.passwords import hash_password, placeholder_hash, verify_password
from learning.database import db

RESET_SALT = "password-reset"
MAX_NEXT_LENGTH = 2000


class AccountError(ValueError):
    """A refusal with a message fit to show to the person who asked."""


class EmailTakenError(AccountError):
    """Another account already uses this email address."""


class RoleError(AccountError):
    """A role cannot be granted or removed."""


class LastAdminError(RoleError):
    """Removing the role would leave the installation without an administrator."""


class InvalidResetLinkError(AccountError):
    """A password reset link that cannot be used: tampered, used already, or expired."""

    def __init__(self, message: str, *, expired: bool = False):
        super().__init__(message)
        self.expired = expired


# Registration and lookup

def find_user_by_email(email: str) -> User | None:
    """The user with this email address, compared case-insensitively."""
    return db.session.scalar(select(User).where(User.email == email_key(email)))


def email_taken(email: str) -> bool:
    """True if an account already uses this email address (in any letter case)."""
    return db.session.scalar(
        select(func.count(User.id)).where(User.email == email_key(email))
    ) > 0


def create_user(*, email: str, name: str, password: str, roles=("participant",),
                organisation: str = "", country: str = "", job_title: str = "") -> User:
    """Create an active account. The password must already satisfy the policy.

    `country` is an ISO code from the list (learning/countries.py) or "" for none.
    Raises EmailTakenError if the address is in use, also when another request registered it
    a moment ago (the unique constraint catches what the check above it could not).
    """
    if email_taken(email):
        raise EmailTakenError(_("An account with this email address already exists."))
    user = User(
        email=email_key(email),
        name=name,
        organisation=organisation,
        country=countries.check_country(country),
        job_title=job_title,
        password_hash=hash_password(password),
    )
    for role in dict.fromkeys(roles):
        _check_role_name(role)
        user.roles.append(UserRole(role=role))
    try:
        with db.session.begin_nested():
            db.session.add(user)
    except IntegrityError as error:
        raise EmailTakenError(_("An account with this email address already exists.")) from error
    return user


def update_profile(user: User, *, name: str, organisation: str, country: str,
                   job_title: str) -> None:
    """Change what a person says about themselves; the email address stays.

    Choosing a country (an ISO code) ends any text kept from before there was a list.
    """
    user.name = name
    user.organisation = organisation
    user.job_title = job_title
    countries.set_country(user, country)


# Signing in and out

def authenticate(email: str, password: str) -> User | None:
    """The user with this email and password, or None.

    Inactive users are returned too (the caller refuses them); an unknown email still costs a
    hash check so that response times do not tell which addresses have accounts.
    """
    user = find_user_by_email(email)
    if user is None:
        verify_password(placeholder_hash(), password)
        return None
    if not verify_password(user.password_hash, password):
        return None
    return user


def start_session(user: User) -> str:
    """Open a server-side session for the user and return its token (kept in the cookie)."""
    token = UserSession.new_token()
    at = sessions.now()
    db.session.add(UserSession(user_id=user.id, token_hash=hash_token(token), created_at=at,
                               last_seen_at=at))
    db.session.flush()
    user.session_token = token
    return token


def end_session(token: str | None) -> None:
    """End the session with this token, so that any copy of its cookie stops working."""
    if not token:
        return
    db.session.execute(
        update(UserSession)
        .where(UserSession.token_hash == hash_token(token), UserSession.ended_at.is_(None))
        .values(ended_at=utcnow())
    )


def end_sessions(user: User, *, keep_token: str | None = None) -> None:
    """End every open session of the user, except the one with `keep_token`."""
    statement = (
        update(UserSession)
        .where(UserSession.user_id == user.id, UserSession.ended_at.is_(None))
        .values(ended_at=utcnow())
    )
    if keep_token:
        statement = statement.where(UserSession.token_hash != hash_token(keep_token))
    db.session.execute(statement)


# Who reports on cohorts: they sign in to their cohorts list, not to a learner's page.
REPORTING_ROLES = ("facilitator", "manager")


def landing_endpoint(user: User) -> str:
    """Where a signed-in user starts: reports for those who follow cohorts, else learning.

    Facilitators, managers and admins land on the cohorts they report on; everyone else on
    a learner's "My learning".

    Decided from the roles alone, which every request has loaded: no query.
    """
    return "reports.index" if user.has_role(*REPORTING_ROLES) else "catalog.my_learning"


def safe_next(target: str | None) -> str | None:
    """The target if it is a path on this site, else None (no open redirects).

    Browsers read a leading double slash, or a slash and a backslash, as another site, so
    both are refused, like any scheme or host.
    """
    if not target or len(target) > MAX_NEXT_LENGTH:
        return None
    if not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target or any(ord(char) < 32 or ord(char) == 127 for char in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


# Passwords

def change_password(user: User, new_password: str, *, keep_token: str | None = None) -> None:
    """Set a new password and end the user's other sessions (keeping `keep_token`'s)."""
    user.password_hash = hash_password(new_password)
    end_sessions(user, keep_token=keep_token)
    db.session.flush()


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=RESET_SALT)


def _password_fingerprint(user: User) -> str:
    # The link names the current password hash, so it stops working once the password changes.
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:32]


def password_reset_token(user: User) -> str:
    """A signed token that resets this user's password until used or expired."""
    return _serializer().dumps({"user": user.id, "password": _password_fingerprint(user)})


def user_for_reset_token(token: str) -> User:
    """The user a reset token was made for.

    Raises InvalidResetLinkError when the token is tampered with, expired, already used (the
    password changed since), or its account is gone or inactive.
    """
    max_age = current_app.config["PASSWORD_RESET_MAX_AGE"]
    used = _("This link is not valid. It may have been used already or copied incompletely.")
    try:
        data = _serializer().loads(token, max_age=max_age)
    except SignatureExpired as error:
        raise InvalidResetLinkError(
            _("This link has expired. Links to reset a password work for %(minutes)d minutes.",
              minutes=max(1, max_age // 60)),
            expired=True,
        ) from error
    except BadSignature as error:
        raise InvalidResetLinkError(used) from error
    if not isinstance(data, dict) or not isinstance(data.get("user"), int):
        raise InvalidResetLinkError(used)
    user = db.session.get(User, data["user"])
    if user is None or not user.is_active:
        raise InvalidResetLinkError(used)
    if not hmac.compare_digest(str(data.get("password", "")), _password_fingerprint(user)):
        raise InvalidResetLinkError(used)
    return user


def send_password_reset(email: str) -> None:
    """Email a reset link if an active account has this address; otherwise do nothing.

    The caller answers the same either way. A mail server failure is logged, not shown, for
    the same reason.
    """
    user = find_user_by_email(email)
    if user is None or not user.is_active:
        return
    link = current_app.config["BASE_URL"] + url_for(
        "accounts.reset_password", token=password_reset_token(user)
    )
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
    try:
        mail.send_mail(user.email, _("Reset your password"), body)
    except (OSError, smtplib.SMTPException):
        current_app.logger.exception("Could not send the password reset email to user %s", user.id)


def send_account_invitation(user: User, course_title: str | None = None) -> None:
    """Email a new account, made for someone by a facilitator or an admin, a password link.

    The link is a password reset link: it works once and for PASSWORD_RESET_MAX_AGE, after
    which "Forgotten your password?" sends another. A mail server failure is logged.
    """
    link = current_app.config["BASE_URL"] + url_for(
        "accounts.reset_password", token=password_reset_token(user)
    )
    minutes = max(1, current_app.config["PASSWORD_RESET_MAX_AGE"] // 60)
    if course_title:
        opening = _("You have been added to the course %(course)s on Changing Mindsets "
                    "Learning, with an account for this email address.", course=course_title)
    else:
        opening = _("An account on Changing Mindsets Learning has been made for you, for this "
                    "email address.")
    body = _(
        "Hello %(name)s,\n\n%(opening)s To choose your password, open this link within "
        "%(minutes)d minutes. It works once.\n\n%(link)s\n\n"
        "Later, use \"Forgotten your password?\" on the sign-in page with this email address "
        "to get a new link.",
        name=user.name, opening=opening, minutes=minutes, link=link,
    )
    try:
        mail.send_mail(user.email, _("Your account on Changing Mindsets Learning"), body)
    except (OSError, smtplib.SMTPException):
        current_app.logger.exception("Could not send the invitation email to user %s", user.id)


def reset_password(user: User, new_password: str) -> None:
    """Set a new password from a reset link and end every session of the user."""
    user.password_hash = hash_password(new_password)
    end_sessions(user)
    db.session.flush()


# Roles

def _check_role_name(role: str) -> None:
    if role not in ROLES:
        raise RoleError(_("Unknown role: %(role)s.", role=role))


def _is_last_active_admin(user: User) -> bool:
    """True if the user is the only active administrator left."""
    if not (user.is_active and "admin" in user.role_names):
        return False
    # Locked rows (on PostgreSQL) keep two concurrent removals or deactivations of two
    # administrators from both passing.
    admins = db.session.scalars(
        select(UserRole.user_id)
        .join(User, User.id == UserRole.user_id)
        .where(UserRole.role == "admin", User.is_active.is_(True))
        .with_for_update(of=UserRole)
    ).all()
    return not set(admins) - {user.id}


def grant_role(user: User, role: str) -> bool:
    """Give the user a role. Granting a role already held changes nothing.

    Returns True if the role was added.
    """
    _check_role_name(role)
    if role in user.role_names:
        return False
    user.roles.append(UserRole(role=role))
    db.session.flush()
    return True


def revoke_role(user: User, role: str) -> bool:
    """Take a role from the user. Returns True if the role was held and is now removed.

    Raises LastAdminError rather than leave no active administrator.
    """
    _check_role_name(role)
    held = next((r for r in user.roles if r.role == role), None)
    if held is None:
        return False
    if role == "admin" and _is_last_active_admin(user):
        raise LastAdminError(
            _("%(email)s is the last administrator; grant the role to someone else first.",
              email=user.email)
        )
    user.roles.remove(held)
    db.session.flush()
    return True


# Deactivation

def deactivate_user(user: User) -> bool:
    """Deactivate the account and end its sessions: it is signed out on its very next request.

    Its progress, answers and certificates stay. Returns False if it was already
    deactivated; raises LastAdminError rather than leave no active administrator.
    """
    if not user.is_active:
        return False
    if _is_last_active_admin(user):
        raise LastAdminError(
            _("%(email)s is the last administrator; grant the role to someone else first.",
              email=user.email)
        )
    user.is_active = False
    end_sessions(user)
    db.session.flush()
    return True


def reactivate_user(user: User) -> bool:
    """Let the account sign in again. Returns False if it was active."""
    if user.is_active:
        return False
    user.is_active = True
    db.session.flush()
    return True
