"""Signed-in sessions: opened at sign-in, ended at sign-out, and how long one lasts.

A session is a row (`UserSession`) named by a hash of the token its cookie holds
(`start_session`). It ends at sign-out (`end_session`), with a new password or a
deactivated account (`end_sessions`), `SESSION_IDLE_MINUTES` after its last request and,
however busy, at the latest `SESSION_MAX_HOURS` after signing in. All are conditions of the
one query that loads the user on every signed-in request (learning/accounts/loader.py), so
they hold on every server with no time window.

The last request's time (`UserSession.last_seen_at`) is written at most once every
`ACTIVITY_WRITE_INTERVAL`, not on every request: an idle expiry may therefore come up to
that much early, never late. A page read writes it at once; a form sent writes it with the
form's own changes, so a refused form, which commits nothing, leaves it to the next request.
"""

from datetime import UTC, datetime, timedelta

from flask import current_app
from sqlalchemy import update

from learning.accounts.models import User, UserSession, hash_token, utcnow
from learning.database import db, write_beside_reads

ACTIVITY_WRITE_INTERVAL = timedelta(minutes=1)


def now() -> datetime:
    """The time sessions are measured by (tests set it)."""
    return datetime.now(UTC)


def idle_limit() -> timedelta:
    """How long a session lasts without a request."""
    return timedelta(minutes=current_app.config["SESSION_IDLE_MINUTES"])


def lifetime() -> timedelta:
    """How long a session lasts at most, from signing in."""
    return timedelta(hours=current_app.config["SESSION_MAX_HOURS"])


def live_bounds(at: datetime) -> dict[str, datetime]:
    """A session is live at `at` if it was seen after `seen_after` and began after `began_after`."""
    return {"seen_after": at - idle_limit(), "began_after": at - lifetime()}


def activity_is_due(last_seen_at: datetime, at: datetime) -> bool:
    """Whether a request at `at` should record itself as the session's last activity."""
    return at - last_seen_at >= ACTIVITY_WRITE_INTERVAL


def record_activity(session_id: int, at: datetime) -> None:
    """Write `at` as the session's last activity (see `write_beside_reads` for when it commits).

    Conditional, so that of several requests arriving together only the first writes.
    """
    write_beside_reads(
        update(UserSession)
        .where(UserSession.id == session_id,
               UserSession.last_seen_at <= at - ACTIVITY_WRITE_INTERVAL)
        .values(last_seen_at=at)
    )


def start_session(user: User) -> str:
    """Open a server-side session for the user and return its token (kept in the cookie)."""
    token = UserSession.new_token()
    at = now()
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
