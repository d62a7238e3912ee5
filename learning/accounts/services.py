"""Account rules: registration, sign-in, sessions, passwords, invitations, details, roles.

Registration answers alike whether or not the address has an account (`register`): the
account is made for a new address, nothing changes for a taken one, and the address is
written to either way (`emails.send_registration_email`), so that only its owner learns which.

Services add and flush; the caller (a view or a CLI command) commits.
"""

import hashlib
import hmac
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from learning.accounts import countries, sessions
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

# Each kind of link signs with its own salt: a reset link is no invitation, nor the reverse.
RESET_SALT = "password-reset"
INVITATION_SALT = "account-invitation"
MAX_NEXT_LENGTH = 2000
SECONDS_A_DAY = 86_400


class AccountError(ValueError):
    """A refusal with a message fit to show to the person who asked."""


class EmailTakenError(AccountError):
    """Another account already uses this email address."""


class RoleError(AccountError):
    """A role cannot be granted or removed."""


class LastAdminError(RoleError):
    """Removing the role would leave the installation without an administrator."""


class InvalidLinkError(AccountError):
    """An emailed link that cannot be used: tampered, used already, or expired."""

    def __init__(self, message: str, *, expired: bool = False):
        super().__init__(message)
        self.expired = expired


class InvalidResetLinkError(InvalidLinkError):
    """A password reset link that cannot be used."""


class InvalidInvitationError(InvalidLinkError):
    """An invitation link that cannot be used."""


# Registration and lookup

def find_user_by_email(email: str) -> User | None:
    """The user with this email address, compared case-insensitively."""
    return db.session.scalar(select(User).where(User.email == email_key(email)))


def email_taken(email: str) -> bool:
    """True if an account already uses this email address (in any letter case)."""
    return db.session.scalar(
        select(func.count(User.id)).where(User.email == email_key(email))
    ) > 0


def create_user(*, email: str, name: str, password: str | None, roles=("participant",),
                organisation: str = "", country: str = "", job_title: str = "") -> User:
    """Create an active account. The password must already satisfy the policy.

    A password of None makes an invited account, which cannot sign in until its owner
    chooses one (with a welcome link).
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
        password_hash=None if password is None else hash_password(password),
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


def users_by_email(emails) -> dict[str, User]:
    """The accounts of these addresses, by their address as stored (`email_key`)."""
    keys = sorted({email_key(email) for email in emails})
    found = {}
    for start in range(0, len(keys), 500):
        found.update((user.email, user) for user in db.session.scalars(
            select(User).where(User.email.in_(keys[start:start + 500]))))
    return found


def add_invited_user(*, email: str, name: str, organisation: str = "",
                     country: str = "") -> User:
    """Add a participant's account without a password, for someone invited by a roster.

    The caller has found no account with the address in its own transaction (a roster's
    job, which holds it); the unique address refuses the account at flush otherwise, and
    the job, run again, finds it then. It cannot sign in until a password is chosen.
    """
    user = User(email=email_key(email), name=name, organisation=organisation,
                country=countries.check_country(country), job_title="", password_hash=None)
    user.roles.append(UserRole(role="participant"))
    db.session.add(user)
    return user


@dataclass(frozen=True)
class Registration:
    """What a registration did, for the email that follows it; never shown on the page.

    `user` is the new account, or the account that already had the address (unchanged);
    None only when that account has gone again since.
    """

    user: User | None
    created: bool


def register(*, email: str, name: str, password: str, organisation: str, country: str,
             job_title: str) -> Registration:
    """Create a participant's account for a new address; for a taken one, change nothing.

    The caller answers alike either way, and then calls `emails.send_registration_email`, which
    writes to the address: a welcome to a new account, to the owner of an existing one a
    notice that someone tried. A taken address costs a password hash too, as creating an
    account does, so that the time the answer takes does not tell either.
    """
    try:
        user = create_user(email=email, name=name, password=password, organisation=organisation,
                           country=country, job_title=job_title)
    except EmailTakenError:
        hash_password(password)
        return Registration(user=find_user_by_email(email), created=False)
    return Registration(user=user, created=True)


def update_profile(user: User, *, name: str, organisation: str, country: str,
                   job_title: str) -> None:
    """Change what a person says about themselves; the email address stays.

    Choosing a country (an ISO code) ends any text kept from before there was a list.
    """
    user.name = name
    user.organisation = organisation
    user.job_title = job_title
    countries.set_country(user, country)


# Correcting someone's details (administrators)

@dataclass
class DetailsChange:
    """What an edit of someone's details changed: each field's value before and after.

    `previous_email` is the address the account had before the edit, whether or not it
    changed; `by` is who made the edit.
    """

    user: User
    by: User
    previous_email: str
    changed: dict[str, tuple[str, str]] = field(default_factory=dict)

    @property
    def email_changed(self) -> bool:
        """Whether the account now signs in with another address."""
        return "email" in self.changed


def email_clash(user: User, email: str) -> str | None:
    """Why `user` cannot take this address (the other account holding it), or None.

    Addresses compare as they are stored (`email_key`): in any letter case.
    """
    owner = find_user_by_email(email)
    if owner is None or owner.id == user.id:
        return None
    return _("%(email)s is already the address of another account, %(name)s: each address "
             "signs in one account.", email=owner.email, name=owner.name)


def change_details(user: User, *, by: User, name: str, email: str, organisation: str,
                   country: str) -> DetailsChange:
    """Correct a person's name, email address, organisation and country.

    `country` is an ISO code from the list or "" for none; choosing one ends any text kept
    from before the list, as on the profile. Raises EmailTakenError when another account
    has the address, also when it took it a moment ago (the unique constraint catches what
    the check could not). Returns what changed, which may be nothing.
    """
    wanted = {"name": name, "email": email_key(email), "organisation": organisation,
              "country": countries.check_country(country)}
    change = DetailsChange(user=user, by=by, previous_email=user.email)
    change.changed = {key: (getattr(user, key), value) for key, value in wanted.items()
                      if getattr(user, key) != value}
    if change.email_changed and (clash := email_clash(user, email)):
        raise EmailTakenError(clash)
    user.name, user.email, user.organisation = name, wanted["email"], organisation
    try:
        with db.session.begin_nested():
            countries.set_country(user, wanted["country"])
    except IntegrityError as error:
        raise EmailTakenError(_("%(email)s is already the address of another account: each "
                                "address signs in one account.", email=wanted["email"])
                              ) from error
    return change


def log_details_change(change: DetailsChange) -> None:
    """Record in the application log who changed which of someone's details (not the values)."""
    if change.changed:
        current_app.logger.info("User %s changed the %s of user %s.", change.by.id,
                                ", ".join(change.changed), change.user.id)


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


def never_signed_in(user_ids) -> set[int]:
    """Those of these users who have never signed in, so never chose their password.

    Sessions are ended, never deleted: an account without any has not been used. (An
    invitation and a reset link sign the person in; registering does not, so a registered
    account counts until its first sign-in.)
    """
    ids = set(user_ids)
    if not ids:
        return set()
    used = set(db.session.scalars(
        select(UserSession.user_id).where(UserSession.user_id.in_(ids)).distinct()
    ))
    return ids - used


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
