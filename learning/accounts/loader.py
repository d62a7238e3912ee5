"""How Flask-Login finds the user behind a session cookie: through an open UserSession."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from learning.accounts.models import User, UserSession, hash_token
from learning.extensions import db, login_manager

login_manager.login_view = "accounts.sign_in"
login_manager.login_message = _l("Please sign in to see this page.")
login_manager.login_message_category = "info"
login_manager.session_protection = "basic"


@login_manager.user_loader
def load_user(token: str):
    """The active user whose session has this token and has not been ended.

    The user's roles come in the same query: nearly every page asks for them, and this runs
    on every signed-in request.
    """
    session = db.session.scalars(
        select(UserSession)
        .options(joinedload(UserSession.user).joinedload(User.roles))
        .where(UserSession.token_hash == hash_token(token), UserSession.ended_at.is_(None))
    ).unique().first()
    if session is None or not session.user.is_active:
        return None
    session.user.session_token = token
    return session.user
