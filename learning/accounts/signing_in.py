"""Signing in: the password checked, where to land, a password changed, who never signed in.

The sessions a sign-in opens, and a sign-out or a new password ends, are
learning/accounts/sessions.py.

Services add and flush; the caller (a view or a CLI command) commits.
"""

from urllib.parse import urlsplit

from sqlalchemy import select

from learning.accounts.models import User, UserSession
from learning.accounts.passwords import hash_password, placeholder_hash, verify_password
from learning.accounts.sessions import end_sessions
from learning.accounts.users import find_user_by_email
from learning.database import db

MAX_NEXT_LENGTH = 2000


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
