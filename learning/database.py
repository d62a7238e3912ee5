"""The database (`db`), its session class and connection behaviour per database.

`db` is defined here, beside the session class it uses, and every module imports it from
here. SQLite runs in WAL with immediate write transactions.

SQLite's default deferred transaction takes its write lock only at the first write, so a
transaction that read first can fail at once with "database is locked" whatever the busy
timeout: the waiting is skipped to avoid a deadlock. A transaction that means to write must
therefore start with BEGIN IMMEDIATE. Requests that may change state (anything but GET, HEAD
and OPTIONS) and code inside `write_transaction()` get one; reads stay deferred and concurrent.

The rule for requests, then:

- By default a state-changing request is one immediate transaction from its first statement
  (the session check) to its commit: simple and safe, but on SQLite it holds the write lock
  for the whole request, so such requests run one at a time, across processes too.
- A busy view that writes little may declare `@reads_then_writes`. Its reads (session,
  item, access checks) then run in a deferred transaction, which it ends with
  `end_read_transaction()`; it writes only inside `write_transaction()` (or
  `single_statement_write()`, below), whose BEGIN IMMEDIATE waits (busy timeout) for the
  lock, and commits there: the lock covers the write alone. Never a write in the deferred
  transaction ("database is locked" above): `end_read_transaction()` refuses pending
  changes. What was read may change before the write begins, as between two requests: the
  write reads again, under its lock, the rows it changes, or writes on condition that they
  have not changed; the access checks and the rest stand as of the reads, as for a request
  a moment earlier.

PostgreSQL has no database-wide write lock: a writer locks the rows it writes (or selects
FOR UPDATE). There, a safe request (GET, HEAD, OPTIONS) and a `@reads_then_writes` view read
in autocommit outside `write_transaction()`: no BEGIN and no ROLLBACK, two round trips fewer
on every page. Their reads see no less than before: at READ COMMITTED, the server's default
and ours, each statement of a transaction takes its own snapshot anyway. Such a request
writes only inside `write_transaction()`, which gets a transaction of its own, or as one
statement inside `single_statement_write()`.

`single_statement_write()` is for a write that is one statement, atomic on its own, such as
an UPDATE conditional on what was read: on PostgreSQL it runs in autocommit, one round trip
instead of three (BEGIN, the statement, COMMIT); on SQLite in an immediate transaction.

Durability: an answer of success means the write is on disk. PostgreSQL commits
synchronously (its default, never turned off here); SQLite runs with `synchronous=FULL`, so
a commit in WAL mode survives a power cut too, not only a crash of the process.

A connection the server closed (a restart, an idle timeout, a killed backend) never gives a
500, however recently it was used, and without a round trip per request (SQLAlchemy's
`pool_pre_ping` sent one on every check-out). Two checks, neither asking the server:

- As it leaves the pool (`_check_out`), a PostgreSQL connection whose socket has something to
  read is dropped and replaced: an idle connection is sent nothing unless the server is
  closing it (its farewell and the end of the stream). A false alarm costs a new connection.
- A server that closes the connection a moment after that check (the farewell still on its
  way) fails the first statement the session sends on it. That statement is sent once more,
  on a new connection (`Session.execute`), when repeating it cannot do anything twice: the
  session had no changes waiting to be flushed, and either the statement ran in a
  transaction (which ended with the connection, committing nothing) or it is a SELECT.
"""

import select
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime

from flask import current_app, has_request_context, request
from flask_sqlalchemy import SQLAlchemy
from flask_sqlalchemy.session import Session as _FlaskSession
from sqlalchemy import DateTime, MetaData, event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, DisconnectionError, InterfaceError, OperationalError
from sqlalchemy.orm import DeclarativeBase, registry
from sqlalchemy.pool import Pool
from sqlalchemy.types import TypeDecorator

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
SQLITE_BUSY_TIMEOUT_MS = 15_000

_write_intent: ContextVar[bool] = ContextVar("write_intent", default=False)


@contextmanager
def write_transaction() -> Iterator[None]:
    """Mark the transactions begun inside this block as ones that will write."""
    token = _write_intent.set(True)
    try:
        yield
    finally:
        _write_intent.reset(token)


@contextmanager
def single_statement_write() -> Iterator[None]:
    """Run one writing statement, committed when the block ends (see the module docstring).

    For a `@reads_then_writes` view after `end_read_transaction()`. The block sends that one
    statement and nothing else: on PostgreSQL it commits as it runs, so a second statement
    would not be atomic with it. Outside a request (a command, a test), the block's
    statement runs in the session's transaction, committed when the block ends.
    """
    if _write_intent.get() or (has_request_context() and not _autocommits()):
        # On PostgreSQL it would run on a second connection, outside the transaction, and
        # wait for the locks that transaction holds.
        raise RuntimeError("single_statement_write() inside a transaction")
    if db.engine.dialect.name == "sqlite":
        with write_transaction():
            yield
            db.session.commit()
        return
    yield
    db.session.commit()  # in autocommit, no round trip: ends the session's transaction


def reads_then_writes(view):
    """Declare that a state-changing view writes only inside `write_transaction()`.

    Its reads then begin deferred instead of taking SQLite's write lock at the first
    statement. The view must end them with `end_read_transaction()` before it writes (see
    the module docstring). Found through `request.endpoint`, so it marks the view whatever
    the order of its decorators.
    """
    view.reads_then_writes = True
    return view


def end_read_transaction() -> None:
    """End a `@reads_then_writes` view's reads, before its `write_transaction()`.

    On SQLite, commits the deferred read transaction: the write must begin its own,
    immediate, one. On PostgreSQL the reads ran in autocommit: there is nothing to end.

    The commit keeps the objects the reads loaded as they are. Expiring them, as a commit
    does by default, would load them again at the next attribute read, inside the write
    transaction and holding its lock; the session's own setting applies again afterwards.
    Refuses pending changes: they would be written here, in a deferred transaction.
    """
    session = db.session()
    if session.new or session.dirty or session.deleted:
        raise RuntimeError("changes made before the write transaction began")
    if db.engine.dialect.name != "sqlite":
        return
    expire_on_commit = session.expire_on_commit
    session.expire_on_commit = False
    try:
        session.commit()
    finally:
        session.expire_on_commit = expire_on_commit


def write_beside_reads(statement) -> None:
    """Run one small writing statement on the side of a request, such as bookkeeping.

    In a transaction that writes (a state-changing request, `write_transaction()`, code
    outside a request) it joins that transaction and commits with it. In a request that
    so far only reads (GET, a `@reads_then_writes` view before its write) it commits at
    once, on its own: on PostgreSQL in autocommit; on SQLite the reads' deferred transaction
    ends (`end_read_transaction()`) and the statement runs in an immediate one of its own.
    Either way the objects already loaded stay loaded.
    """
    if not _autocommits():
        db.session.execute(statement)
        return
    end_read_transaction()
    session = db.session()
    expire_on_commit = session.expire_on_commit
    session.expire_on_commit = False
    try:
        with single_statement_write():
            session.execute(statement)
    finally:
        session.expire_on_commit = expire_on_commit


def _view_writes_explicitly() -> bool:
    view = current_app.view_functions.get(request.endpoint or "")
    return getattr(view, "reads_then_writes", False)


def _wants_immediate() -> bool:
    if _write_intent.get():
        return True
    if not has_request_context() or request.method in SAFE_METHODS:
        return False
    return not _view_writes_explicitly()


def _autocommits() -> bool:
    """On PostgreSQL: whether statements now run in autocommit (see the module docstring)."""
    if _write_intent.get() or not has_request_context():
        return False
    return request.method in SAFE_METHODS or _view_writes_explicitly()


_autocommit_engines: weakref.WeakKeyDictionary[Engine, Engine] = weakref.WeakKeyDictionary()


def _autocommit(engine: Engine) -> Engine:
    """The engine's autocommit twin: the same pool, connections without transactions."""
    twin = _autocommit_engines.get(engine)
    if twin is None:
        twin = _autocommit_engines[engine] = engine.execution_options(
            isolation_level="AUTOCOMMIT"
        )
    return twin


class Session(_FlaskSession):
    """Flask-SQLAlchemy's session, in autocommit on PostgreSQL where reads need no transaction.

    Its first statement on a connection the server has just closed is sent once more on a
    new one, when that cannot do anything twice (see the module docstring).
    """

    def get_bind(self, mapper=None, clause=None, bind=None, **kwargs):
        engine = super().get_bind(mapper, clause=clause, bind=bind, **kwargs)
        if engine.dialect.name == "postgresql" and _autocommits():
            return _autocommit(engine)
        return engine

    def execute(self, statement, *args, **kwargs):
        return self._on_a_live_connection(super().execute, statement, *args, **kwargs)

    def scalars(self, statement, *args, **kwargs):
        return self._on_a_live_connection(super().scalars, statement, *args, **kwargs)

    def scalar(self, statement, *args, **kwargs):
        return self._on_a_live_connection(super().scalar, statement, *args, **kwargs)

    def _on_a_live_connection(self, run, statement, *args, **kwargs):
        """Run the statement; once more on a new connection if the first one was dead."""
        # Without a transaction, the statement is the first on a connection from the pool.
        first = not self.in_transaction()
        repeatable = first and self._may_repeat(statement)
        try:
            return run(statement, *args, **kwargs)
        except DBAPIError as error:
            if not (repeatable and error.connection_invalidated):
                raise
        current_app.logger.warning(
            "The database had closed a pooled connection: the statement ran again on a new one."
        )
        self.rollback()  # lets the dead connection go; there was nothing else to roll back
        return run(statement, *args, **kwargs)

    def _may_repeat(self, statement) -> bool:
        """Whether sending the statement again, on a new connection, cannot do anything twice."""
        if self.new or self.dirty or self.deleted:
            return False  # a flush would go first, and the rollback would forget the changes
        # In a transaction, a lost connection committed nothing; in autocommit a write may
        # have been done before the connection broke, so only a read is repeated.
        return not _autocommits() or getattr(statement, "is_select", False)


# Named constraints so that Alembic can drop and alter them, on SQLite too.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator):
    """A timestamp stored as UTC and always read back timezone-aware, on SQLite too."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None:
            if value.tzinfo is None:
                raise ValueError("naive datetime given for a UTC column")
            value = value.astimezone(UTC)
            if dialect.name == "sqlite":
                value = value.replace(tzinfo=None)
        return value

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value


class Base(DeclarativeBase):
    """Declarative base for every model."""

    registry = registry(
        metadata=MetaData(naming_convention=NAMING_CONVENTION),
        type_annotation_map={datetime: UTCDateTime()},
    )


db = SQLAlchemy(model_class=Base, session_options={"class_": Session})


def init_app(app) -> None:
    """`db` for the app, and a session end that survives a server that went away."""
    db.init_app(app)
    # Registered after Flask-SQLAlchemy's own teardown, so it runs before it (Flask runs
    # them in reverse) and leaves it nothing to do.
    app.teardown_appcontext(_end_session)


def _end_session(error: BaseException | None) -> None:
    """Close the request's session, letting go of a connection the server has dropped.

    Closing rolls back what is open. If the server went away since the last statement (a
    restart, a crash), that ROLLBACK fails too, after the answer was decided: a 503 the
    error handler made, or a page already done. Raised from here it would turn that answer
    into a 500. There is nothing left to roll back on a dropped connection (the server
    ended the transaction), so the session lets the connection go and the pool replaces it.
    """
    try:
        db.session.remove()
    except (OperationalError, InterfaceError):
        current_app.logger.warning("The database connection was lost as the request ended.")
        db.session.registry().invalidate()
        db.session.registry.clear()


def engine_options(uri: str) -> dict:
    """Engine options for the database the URI names: none (see the module docstring).

    No `pool_pre_ping`: a round trip on every request, where the checks above ask nothing.
    """
    return {}


@event.listens_for(Pool, "checkout")
def _check_out(dbapi_connection, connection_record, connection_proxy) -> None:
    """Replace a PostgreSQL connection the server has closed, before anyone uses it.

    An idle connection is sent nothing unless the server is ending it: a socket with
    something to read (the server's farewell, the end of the stream) or an error means
    closed. Raising DisconnectionError makes the pool drop it and connect again. Asks the
    operating system, not the server: no round trip.
    """
    if type(dbapi_connection).__module__.startswith("psycopg") and _closed_by_server(
            dbapi_connection):
        raise DisconnectionError("the server closed the connection")


def _closed_by_server(dbapi_connection) -> bool:
    """Whether an idle psycopg connection was closed, or has something to read (its end)."""
    if dbapi_connection.closed:
        return True
    poller = select.poll()
    poller.register(dbapi_connection.fileno(),
                    select.POLLIN | select.POLLPRI | select.POLLERR | select.POLLHUP)
    return bool(poller.poll(0))


@event.listens_for(Engine, "connect")
def _on_connect(dbapi_connection, connection_record) -> None:
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        # Let SQLAlchemy emit BEGIN itself (below) instead of the driver's implicit one.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.close()


@event.listens_for(Engine, "begin")
def _on_begin(connection) -> None:
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("BEGIN IMMEDIATE" if _wants_immediate() else "BEGIN")
