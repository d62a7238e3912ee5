"""How Flask-Login finds the user behind a session cookie: through an open UserSession.

Every signed-in request asks the database, in one query, for the session's user and roles.
Nothing about a session is remembered between requests, in this process or any other: a
sign-out, a new password, a role taken away, an account switched off or a session gone
idle or too old (learning/accounts/sessions.py) is seen by the very next request on every
server, with no time window.
"""

from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import lazyload

from learning.accounts import sessions
from learning.accounts.models import User, UserRole, UserSession, hash_token
from learning.database import db
from learning.extensions import login_manager

login_manager.login_view = "accounts.sign_in"
login_manager.login_message = _l("Please sign in to see this page.")
login_manager.login_message_category = "info"
login_manager.session_protection = "basic"


# Built once: this runs on every signed-in request, and building a statement costs more
# than running it.
_USER_BY_SESSION = (
    select(
        User,
        select(func.aggregate_strings(UserRole.role, " "))
        .where(UserRole.user_id == User.id)
        .scalar_subquery(),
        UserSession.id,
        UserSession.last_seen_at,
    )
    .join(UserSession, UserSession.user_id == User.id)
    .options(lazyload(User.roles))
    .where(
        UserSession.token_hash == bindparam("token_hash"),
        UserSession.ended_at.is_(None),
        UserSession.last_seen_at > bindparam("seen_after"),
        UserSession.created_at > bindparam("began_after"),
    )
)


@login_manager.user_loader
def load_user(token: str):
    """The active user whose session has this token, is not ended, idle or too old.

    The user's roles come in the same query: nearly every page asks for them. The request
    is recorded as the session's last activity when the last record is a minute old.
    """
    at = sessions.now()
    row = db.session.execute(
        _USER_BY_SESSION, {"token_hash": hash_token(token), **sessions.live_bounds(at)}
    ).first()
    if row is None or not row[0].is_active:
        return None
    user, found_roles, session_id, last_seen_at = row
    if sessions.activity_is_due(last_seen_at, at):
        sessions.record_activity(session_id, at)
    user.loaded_role_names = frozenset(found_roles.split()) if found_roles else frozenset()
    user.session_token = token
    return user
