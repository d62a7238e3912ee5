"""Which transactions take SQLite's write lock at BEGIN, and how a view ends its reads."""

import pytest
from sqlalchemy import create_engine, event, inspect, text

from learning.database import end_read_transaction, single_statement_write, write_transaction
from tests import factories


@pytest.fixture
def begins(app, db):
    """The BEGIN statements sent to SQLite while the test runs."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("BEGIN IMMEDIATE is SQLite's")
    db.session.rollback()
    seen = []

    def record(conn, cursor, statement, parameters, context, executemany):
        if statement.startswith("BEGIN"):
            seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    yield seen
    event.remove(db.engine, "before_cursor_execute", record)


def _first_statement_in(app, db, path, method):
    with app.test_request_context(path, method=method):
        db.session.execute(text("SELECT 1"))
        db.session.rollback()


def test_state_changing_requests_write_from_their_first_statement(app, db, begins):
    _first_statement_in(app, db, "/progress/items/1/complete", "POST")
    _first_statement_in(app, db, "/sign-out", "POST")
    _first_statement_in(app, db, "/no-such-page", "POST")
    assert begins == ["BEGIN IMMEDIATE"] * 3


def test_reads_stay_deferred(app, db, begins):
    _first_statement_in(app, db, "/progress/items/1/watch", "GET")
    _first_statement_in(app, db, "/", "GET")
    assert begins == ["BEGIN", "BEGIN"]


def test_a_view_that_reads_then_writes_takes_the_lock_only_in_its_write_transaction(app, db,
                                                                                    begins):
    with app.test_request_context("/progress/items/1/watch", method="POST"):
        db.session.execute(text("SELECT 1"))
        end_read_transaction()
        with write_transaction():
            db.session.execute(text("SELECT 1"))
            db.session.rollback()
    assert begins == ["BEGIN", "BEGIN IMMEDIATE"]


def test_ending_the_reads_keeps_what_they_loaded(app, db):
    user = factories.make_user()
    db.session.commit()
    assert user.email  # loaded again after the commit above
    end_read_transaction()
    assert not inspect(user).expired_attributes
    assert db.session().expire_on_commit  # the session's setting is back
    # SQLite: the read transaction is over. PostgreSQL: nothing to end (in a request, such
    # reads run in autocommit; outside one, as here, the transaction goes on).
    assert db.session().in_transaction() == (db.engine.dialect.name != "sqlite")


def test_ending_the_reads_refuses_changes_made_before_the_write(app, db):
    user = factories.make_user()
    db.session.commit()
    user.name = "Changed"
    with pytest.raises(RuntimeError, match="before the write transaction"):
        end_read_transaction()
    db.session.rollback()


def _names(db) -> list[str]:
    db.session.rollback()
    names = db.session.scalars(text('SELECT name FROM "user" ORDER BY id')).all()
    db.session.rollback()
    return names


def test_a_single_statement_write_is_committed_when_its_block_ends(app, db):
    user = factories.make_user(name="Before")
    db.session.commit()
    with app.test_request_context("/progress/items/1/watch", method="POST"):
        db.session.execute(text("SELECT 1"))  # the view's reads
        end_read_transaction()
        with single_statement_write():
            db.session.execute(text('UPDATE "user" SET name = :name WHERE id = :id'),
                               {"name": "After", "id": user.id})
        db.session.remove()  # a rollback now would have nothing left to undo
    assert _names(db) == ["After"]


def test_a_single_statement_write_refuses_to_run_inside_a_transaction(app, db):
    with app.test_request_context("/sign-out", method="POST"), pytest.raises(
            RuntimeError, match="inside a transaction"), single_statement_write():
        pass
    with app.test_request_context("/progress/items/1/watch", method="POST"), \
            write_transaction(), pytest.raises(RuntimeError, match="inside a transaction"), \
            single_statement_write():
        pass


def test_a_single_statement_write_takes_the_sqlite_lock_for_itself(app, db, begins):
    with app.test_request_context("/progress/items/1/watch", method="POST"):
        db.session.execute(text("SELECT 1"))
        end_read_transaction()
        with single_statement_write():
            db.session.execute(text("SELECT 1"))
    assert begins == ["BEGIN", "BEGIN IMMEDIATE"]


# --- PostgreSQL: reads in autocommit, idle connections checked --------------------------------


@pytest.fixture
def postgresql(db):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("autocommit reads and the idle check are PostgreSQL's")
    db.session.remove()
    return db


def _in_autocommit(app, db, path, method, *, writes=False):
    """Whether the request's first statement runs outside a transaction."""
    with app.test_request_context(path, method=method):
        if writes:
            with write_transaction():
                connection = db.session.connection()
        else:
            connection = db.session.connection()
        autocommit = connection.connection.driver_connection.autocommit
        db.session.remove()
    return autocommit


def test_safe_requests_and_reads_before_writes_run_in_autocommit_on_postgresql(app, postgresql):
    assert _in_autocommit(app, postgresql, "/", "GET")
    assert _in_autocommit(app, postgresql, "/", "HEAD")
    assert _in_autocommit(app, postgresql, "/progress/items/1/watch", "POST")  # reads_then_writes
    # The connection goes back to the pool with its transactions, for whoever comes next.
    assert not _in_autocommit(app, postgresql, "/sign-out", "POST")
    assert not _in_autocommit(app, postgresql, "/progress/items/1/watch", "POST", writes=True)
    assert not _in_autocommit(app, postgresql, "/", "GET", writes=True)
    with app.app_context():
        assert not postgresql.session.connection().connection.driver_connection.autocommit
        postgresql.session.remove()


def _pooled_backend(db) -> int:
    pid = db.session.execute(text("SELECT pg_backend_pid()")).scalar_one()
    db.session.remove()  # back to the pool
    return pid


def test_a_connection_killed_a_moment_after_use_is_replaced_before_a_request_uses_it(
        app, postgresql, client):
    dead = _pooled_backend(postgresql)
    other = create_engine(postgresql.engine.url, isolation_level="AUTOCOMMIT")
    try:
        with other.connect() as connection:
            connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": dead})
    finally:
        other.dispose()
    assert client.get("/").status_code == 200
    assert _pooled_backend(postgresql) != dead


def test_sqlite_commits_wait_for_the_disk(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path / 'durable.db'}")
    try:
        with engine.connect() as connection:
            # 2 is FULL: WAL mode with NORMAL could lose the last commits on a power cut.
            assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 2
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    finally:
        engine.dispose()


def test_a_connection_lost_as_the_request_ends_does_not_turn_the_answer_into_a_500(
        app, db, monkeypatch):
    # The database restarts between a request's last statement and the rollback its session
    # sends on closing (seen in scripts/faults.py's restart runs). Raised from the teardown,
    # that error replaced the answer already made with a 500; now the session lets go.
    from sqlalchemy.exc import OperationalError

    from learning.database import Session

    db.session.execute(text("SELECT 1"))
    closes = []
    real_close = Session.close

    def close_broken(self):
        closes.append(self)
        raise OperationalError("ROLLBACK", {}, Exception("terminating connection"))

    monkeypatch.setattr(Session, "close", close_broken)
    app.do_teardown_appcontext()  # every teardown, as at the end of a request: no raise
    assert len(closes) == 1
    assert not db.session.registry.has()  # Flask-SQLAlchemy's own teardown had nothing left
    monkeypatch.setattr(Session, "close", real_close)
    assert db.session.execute(text("SELECT 1")).scalar() == 1  # a fresh session works
