"""How Flask-Login finds the user behind a session cookie: through an open UserSession.

The session check is a query on every signed-in request, and a query costs more than most of
a page. Each process remembers the answers for SESSION_CHECK_SECONDS (default 5): a page and
the requests that follow it (the player's reports, the next click) check the session once.
What changes an account or a session (signing out, a new password, a role granted or taken,
an account switched off) forgets every remembered answer in the process that made the change
as soon as it commits; other processes forget theirs within SESSION_CHECK_SECONDS. So a copy
of a signed-out cookie stops working at once where the session was ended and within seconds
everywhere. Set SESSION_CHECK_SECONDS to 0 to check the database on every request.
"""

import time
from itertools import chain
from threading import Lock

from flask import current_app, has_app_context
from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, event, func, select
from sqlalchemy.orm import Session, lazyload, make_transient_to_detached
from sqlalchemy.orm.util import identity_key

from learning.accounts.models import User, UserRole, UserSession, hash_token
from learning.extensions import db, login_manager

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
    )
    .join(UserSession, UserSession.user_id == User.id)
    .options(lazyload(User.roles))
    .where(UserSession.token_hash == bindparam("token_hash"), UserSession.ended_at.is_(None))
)


class SessionChecks:
    """Recent answers of the session check in one process: user and roles by token hash.

    Each user is kept detached from any database session, and merged into the request's
    without a query (`Session.merge(load=False)`, SQLAlchemy's way for objects kept in a
    cache). At most `limit` answers, each for `seconds`; `clock` is for tests.
    """

    def __init__(self, seconds: float, limit: int = 10_000, clock=time.monotonic) -> None:
        self.seconds = seconds
        self.limit = limit
        self.clock = clock
        self._answers: dict[str, tuple[float, User, frozenset[str]]] = {}
        self._lock = Lock()

    def get(self, token_hash: str) -> tuple[User, frozenset[str]] | None:
        found = self._answers.get(token_hash)
        if found is None:
            return None
        checked_at, user, roles = found
        if self.clock() - checked_at >= self.seconds:
            self._answers.pop(token_hash, None)
            return None
        return user, roles

    def keep(self, token_hash: str, user: User, roles: frozenset[str]) -> None:
        with self._lock:
            if len(self._answers) >= self.limit:
                self._answers.clear()
            self._answers[token_hash] = (self.clock(), user, roles)

    def forget(self) -> None:
        with self._lock:
            self._answers.clear()


def session_checks() -> SessionChecks:
    """The application's remembered session checks."""
    checks = current_app.extensions.get("accounts.session_checks")
    if checks is None:
        seconds = current_app.config["SESSION_CHECK_SECONDS"]
        checks = current_app.extensions.setdefault("accounts.session_checks",
                                                   SessionChecks(seconds))
    return checks


@login_manager.user_loader
def load_user(token: str):
    """The active user whose session has this token and has not been ended.

    The user's roles come in the same query: nearly every page asks for them.
    """
    token_hash = hash_token(token)
    checks = session_checks()
    remembered = checks.get(token_hash)
    if remembered is not None:
        kept, roles = remembered
        user = _in_this_session(kept)
    else:
        row = db.session.execute(_USER_BY_SESSION, {"token_hash": token_hash}).first()
        if row is None or not row[0].is_active:
            return None
        user, found_roles = row
        roles = frozenset(found_roles.split()) if found_roles else frozenset()
        if checks.seconds > 0:
            checks.keep(token_hash, _detached_copy(user), roles)
    user.loaded_role_names = roles
    user.session_token = token
    return user


_COLUMNS = tuple(attribute.key for attribute in User.__mapper__.column_attrs)


def _detached_copy(user: User) -> User:
    """A copy of the loaded user, in no session: the request keeps working on its own."""
    copy = User(**{key: getattr(user, key) for key in _COLUMNS})
    make_transient_to_detached(copy)
    return copy


def _in_this_session(kept: User) -> User:
    """The request's instance of a remembered user: the one it already has, else a copy."""
    present = db.session.identity_map.get(identity_key(User, kept.id))
    return present if present is not None else db.session.merge(kept, load=False)


# Forgetting: whatever changes a user, a role or an existing session, once committed.

_ACCOUNTS = (User, UserRole, UserSession)
_CHANGED = "accounts.changed"


def _changes_accounts(session) -> bool:
    # A new user changes no one's check, and a new session is not in use yet; a new role
    # changes its holder's.
    return (any(isinstance(obj, _ACCOUNTS) for obj in chain(session.dirty, session.deleted))
            or any(isinstance(obj, UserRole) for obj in session.new))


@event.listens_for(Session, "before_flush")
def _note_changes(session, flush_context, instances) -> None:
    if _changes_accounts(session):
        session.info[_CHANGED] = True


@event.listens_for(Session, "do_orm_execute")
def _note_statements(orm_execute_state) -> None:
    # UPDATE and DELETE statements, such as the one that ends a session.
    if (orm_execute_state.is_update or orm_execute_state.is_delete) and (
            orm_execute_state.bind_mapper is not None
            and orm_execute_state.bind_mapper.class_ in _ACCOUNTS):
        orm_execute_state.session.info[_CHANGED] = True


@event.listens_for(Session, "after_commit")
def _forget_after_changes(session) -> None:
    if session.info.pop(_CHANGED, False) and has_app_context():
        checks = current_app.extensions.get("accounts.session_checks")
        if checks is not None:
            checks.forget()


@event.listens_for(Session, "after_rollback")
def _nothing_changed(session) -> None:
    session.info.pop(_CHANGED, None)
