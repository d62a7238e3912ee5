"""Which transactions take SQLite's write lock at BEGIN, and how a view ends its reads."""

import pytest
from sqlalchemy import event, inspect, text

from learning.database import end_read_transaction, write_transaction
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
    # SQLite: the read transaction is over; PostgreSQL: it goes on into the write.
    assert db.session().in_transaction() == (db.engine.dialect.name != "sqlite")


def test_ending_the_reads_refuses_changes_made_before_the_write(app, db):
    user = factories.make_user()
    db.session.commit()
    user.name = "Changed"
    with pytest.raises(RuntimeError, match="before the write transaction"):
        end_read_transaction()
    db.session.rollback()
