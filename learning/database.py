"""Connection behaviour per database: SQLite in WAL with immediate write transactions.

SQLite's default deferred transaction takes its write lock only at the first write, so a
transaction that read first can fail at once with "database is locked" whatever the busy
timeout: the waiting is skipped to avoid a deadlock. A transaction that means to write must
therefore start with BEGIN IMMEDIATE. Requests that may change state (anything but GET, HEAD
and OPTIONS) and code inside `write_transaction()` get one; reads stay deferred and concurrent.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from flask import has_request_context, request
from sqlalchemy import event
from sqlalchemy.engine import Engine

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


def _wants_immediate() -> bool:
    if _write_intent.get():
        return True
    return has_request_context() and request.method not in SAFE_METHODS


def engine_options(uri: str) -> dict:
    """Engine options for the database the URI names."""
    if uri.startswith("postgresql"):
        return {"pool_pre_ping": True}
    return {}


@event.listens_for(Engine, "connect")
def _on_connect(dbapi_connection, connection_record) -> None:
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        # Let SQLAlchemy emit BEGIN itself (below) instead of the driver's implicit one.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()


@event.listens_for(Engine, "begin")
def _on_begin(connection) -> None:
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("BEGIN IMMEDIATE" if _wants_immediate() else "BEGIN")
