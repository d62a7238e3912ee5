"""How Flask-Login finds the user behind a session cookie: through an open UserSession."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload

from learning.accounts.models import User, UserSession, hash_token
from learning.extensions import db, login_manager

login_manager.login_view = "accounts.sign_in"
login_manager.login_message = _l("Please sign in to see this page.")
login_manager.login_message_category = "info"
login_manager.session_protection = "basic"


# Built once: this runs on every signed-in request, and building a statement costs more
# than running it.
_USER_BY_SESSION = (
    select(User)
    .join(UserSession, UserSession.user_id == User.id)
    .options(joinedload(User.roles))
    .where(UserSession.token_hash == bindparam("token_hash"), UserSession.ended_at.is_(None))
)


@login_manager.user_loader
def load_user(token: str):
    """The active user whose session has this token and has not been ended.

    The user's roles come in the same query: nearly every page asks for them.
    """
    user = db.session.scalars(
        _USER_BY_SESSION, {"token_hash": hash_token(token)}
    ).unique().first()
    if user is None or not user.is_active:
        return None
    user.session_token = token
    return user
