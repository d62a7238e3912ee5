"""Which transactions take SQLite's write lock at BEGIN, and how a view ends its reads."""

import time

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


def _kill_pooled(db) -> None:
    """Terminate every other connection to the test database, and wait until they have gone.

    The pool may hold several connections and hands out any: all of them are killed.
    """
    other = create_engine(db.engine.url, isolation_level="AUTOCOMMIT")
    others = ("FROM pg_stat_activity WHERE datname = current_database() "
              "AND pid <> pg_backend_pid()")
    try:
        with other.connect() as connection:
            connection.execute(text(f"SELECT pg_terminate_backend(pid) {others}"))
            for _ in range(500):
                if not connection.execute(text(f"SELECT count(*) {others}")).scalar_one():
                    return
                time.sleep(0.01)
    finally:
        other.dispose()
    raise AssertionError("the pooled connections are still there")


@pytest.fixture
def failures(postgresql):
    """The statements that failed, as SQLAlchemy's handle_error event sees them."""
    seen = []

    def record(context):
        seen.append(context.is_disconnect)

    event.listen(postgresql.engine, "handle_error", record)
    yield seen
    event.remove(postgresql.engine, "handle_error", record)


@pytest.fixture
def blind_check_out(monkeypatch):
    """The check as a connection leaves the pool sees nothing: the server closes it just after."""
    import learning.database

    monkeypatch.setattr(learning.database, "_closed_by_server", lambda connection: False)


def test_no_round_trip_is_spent_on_checking_a_connection(app, postgresql, client, monkeypatch):
    pings = []
    monkeypatch.setattr(type(postgresql.engine.dialect), "do_ping",
                        lambda self, connection: pings.append(connection) or True)
    assert client.get("/sign-in").status_code == 200
    assert pings == []


def _signed_in(postgresql, auth) -> None:
    # Fresh connections: an earlier test may have left killed ones in the pool, which a test
    # with the check blinded would otherwise meet in its own set-up.
    postgresql.engine.dispose()
    factories.make_user("participant@example.org")
    postgresql.session.commit()
    assert auth.login().status_code == 302
    postgresql.session.remove()


def test_a_connection_the_server_closed_is_replaced_before_anything_is_sent_on_it(
        app, postgresql, client, auth, failures):
    _signed_in(postgresql, auth)
    dead = _pooled_backend(postgresql)
    _kill_pooled(postgresql)
    assert client.get("/learning").status_code == 200
    assert _pooled_backend(postgresql) != dead
    assert failures == []  # found on the way out of the pool, not by a failed statement


def test_a_page_whose_connection_closes_after_the_check_reads_again_on_a_new_one(
        app, postgresql, client, auth, blind_check_out, failures):
    _signed_in(postgresql, auth)
    _kill_pooled(postgresql)
    # Signed in, the page's first statement is the session check, in autocommit.
    assert client.get("/learning").status_code == 200
    assert failures == [True]  # that statement failed once, and was sent again


def test_a_form_whose_connection_closes_after_the_check_is_sent_on_a_new_one(
        app, postgresql, client, auth, blind_check_out, failures):
    _signed_in(postgresql, auth)
    _kill_pooled(postgresql)
    # A POST runs in a transaction: its first statement failed and committed nothing.
    assert client.post("/sign-out").status_code == 302
    assert failures == [True]
    assert client.get("/learning").status_code == 302  # signed out for good


def test_a_write_in_autocommit_or_after_changes_is_not_sent_twice(
        app, postgresql, blind_check_out, failures):
    from sqlalchemy import select, update
    from sqlalchemy.exc import DBAPIError

    from learning.accounts.models import User

    user_id = factories.make_user("once@example.org").id
    postgresql.session.commit()
    postgresql.session.remove()
    for method, statement, changes in [
        ("GET", update(User).where(User.id == user_id).values(name="Twice?"), False),
        ("POST", select(User.id), True),  # the changes would be flushed first
    ]:
        with app.test_request_context("/", method=method):
            postgresql.engine.dispose()  # one connection in the pool, and nothing marked stale
            _pooled_backend(postgresql)
            _kill_pooled(postgresql)
            if changes:
                postgresql.session.add(User(email="pending@example.org", name="Pending"))
            with pytest.raises(DBAPIError) as failure:
                postgresql.session.execute(statement)
            assert failure.value.connection_invalidated
            postgresql.session.rollback()
            postgresql.session.remove()
    assert failures == [True, True]  # each tried once, not again


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
