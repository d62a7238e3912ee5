"""A heartbeat reads its row with its item, then writes in one statement or a short transaction.

Most heartbeats write the row back in one UPDATE conditional on the revision they read; the
first on an item, a completion, and one overtaken by another write take the row's lock. On
SQLite either write is the only one that takes the database's write lock, so heartbeats from
several processes check sessions and access side by side and take turns only for the write.
Nothing is read back after the commit.
"""

import json
import sqlite3
import threading

import pytest
from flask import request_started
from sqlalchemy import event, select, text

from learning import create_app
from learning.certificates.models import Certificate
from learning.config import TestingConfig
from learning.database import db as _db
from learning.progress import services
from learning.progress.models import Progress
from tests import factories
from tests.conftest import _fresh_request_globals

# Reports here are about merging and writing; tests/progress/test_pace.py times them.
pytestmark = pytest.mark.usefixtures("unhurried")


def _world(db):
    course = factories.make_course(slug="mindsets")
    module = factories.make_module(course, slug="one")
    factories.enrol(factories.make_user("participant@example.org"), factories.make_cohort(course))
    db.session.commit()
    return module


class Transactions:
    """The statements sent while recording, with "COMMIT" where a transaction ended.

    On SQLite the BEGIN statements show which kind of transaction began.
    """

    def __init__(self, engine):
        self.engine = engine
        self.log: list[str] = []

    def _statement(self, conn, cursor, statement, parameters, context, executemany):
        self.log.append(statement)

    def _commit(self, conn):
        self.log.append("COMMIT")

    def __enter__(self):
        event.listen(self.engine, "before_cursor_execute", self._statement)
        event.listen(self.engine, "commit", self._commit)
        return self

    def __exit__(self, *exc):
        event.remove(self.engine, "before_cursor_execute", self._statement)
        event.remove(self.engine, "commit", self._commit)


def _shape(statement: str) -> str:
    """"SELECT progress", "INSERT certificate"...: a statement's verb and table (BEGINs whole)."""
    words = statement.replace("\n", " ").split()
    if words[0] == "SELECT" and "FROM progress" in " ".join(words):
        return "SELECT progress"
    if words[0] in ("INSERT", "UPDATE"):
        return f"{words[0]} {words[2 if words[0] == 'INSERT' else 1]}"
    return statement if words[0] == "BEGIN" else words[0]


def _reads_and_write(log: list[str]) -> tuple[list[str], list[str]]:
    """The shapes of the statements before the heartbeat's write, and of the write's."""
    shapes = [_shape(s) for s in log]
    start = next(n for n, shape in enumerate(shapes)
                 if shape in ("SELECT progress", "UPDATE progress"))
    return shapes[:start], shapes[start:]


def _heartbeat(client, item_id, intervals, position):
    return client.post(f"/progress/items/{item_id}/watch",
                       data={"intervals": json.dumps(intervals), "position": str(position)})


def test_a_heartbeat_writes_the_row_it_read_with_its_item_in_one_statement(app, client, auth,
                                                                          db):
    item_id = _world(db).items[0].id
    auth.login()
    with Transactions(db.engine) as first:
        response = _heartbeat(client, item_id, [[0, 12]], 12)
    assert response.status_code == 200
    assert response.json == {"status": "in_progress", "watched_percent": 20, "position": 12}
    with Transactions(db.engine) as later:
        response = _heartbeat(client, item_id, [[10, 30]], 30)
    assert response.json == {"status": "in_progress", "watched_percent": 50, "position": 30}

    # The first report found no row: it creates one under the lock. (On PostgreSQL the
    # session commits its autocommit connection of the reads as well: no round trip.)
    write = _reads_and_write(first.log)[1]
    assert write[:5] == ["SELECT progress", "INSERT progress", "SELECT progress",
                         "UPDATE progress", "COMMIT"]
    assert set(write[5:]) <= {"COMMIT"}
    # The next found the row with its item: one UPDATE, if the row is still as read.
    assert _reads_and_write(later.log)[1] == ["UPDATE progress", "COMMIT"]
    update = next(s for s in later.log if s.startswith("UPDATE progress"))
    assert "progress.revision = " in update
    # Every report checks its session again (learning/accounts/loader.py).
    assert any("user_session" in s for s in first.log)
    assert any("user_session" in s for s in later.log)
    for recorded in (first, later):
        reads, _ = _reads_and_write(recorded.log)
        assert "SELECT" in reads  # the session, the item and its row, the access checks
        assert not any(shape.startswith(("INSERT", "UPDATE")) for shape in reads)
        if db.engine.dialect.name == "sqlite":
            # Read in a deferred transaction, ended before the write takes the lock.
            assert reads[0] == "BEGIN" and reads[-2:] == ["COMMIT", "BEGIN IMMEDIATE"]
            assert reads.count("COMMIT") == 1 and reads.count("BEGIN IMMEDIATE") == 1
        else:
            assert "COMMIT" not in reads  # read in autocommit: no transaction to end
    if db.engine.dialect.name == "postgresql":
        assert "FOR UPDATE" in next(s for s in first.log if "FROM progress" in s)
    # Committed like every other write: the answer comes once the report is on disk.
    assert not any("synchronous_commit" in s for s in first.log + later.log)
    db.session.rollback()
    assert db.session.scalar(select(Progress.revision)) == 2  # every write counts


def test_a_heartbeat_overtaken_by_another_write_merges_under_the_lock(racing_app, monkeypatch):
    app, item_id = racing_app
    client = app.test_client()
    client.post("/sign-in", data={"email": "participant@example.org",
                                  "password": factories.DEFAULT_PASSWORD})
    assert _heartbeat(client, item_id, [[20, 30]], 30).status_code == 200
    if_unchanged = services.record_watch_if_unchanged
    outcomes = []

    def overtaken(seen, item, intervals, position):
        # Between the heartbeat's read and its write, another tab's report is written.
        with _db.engine.begin() as connection:
            connection.execute(
                text("UPDATE progress SET detail = :detail, revision = revision + 1 "
                     "WHERE id = :id"),
                {"detail": json.dumps({"intervals": [[20, 30], [40, 50]]}), "id": seen.id})
        outcomes.append(if_unchanged(seen, item, intervals, position))
        return outcomes[-1]

    monkeypatch.setattr(services, "record_watch_if_unchanged", overtaken)
    response = _heartbeat(client, item_id, [[0, 10]], 10)
    assert response.status_code == 200
    assert outcomes == [None]  # the UPDATE found the row changed and wrote nothing
    # The locked merge that followed kept the other report's interval.
    assert response.json == {"status": "in_progress", "watched_percent": 50, "position": 10}
    with app.app_context():
        row = _db.session.scalar(select(Progress))
        assert row.detail["intervals"] == [[0, 10], [20, 30], [40, 50]]
        assert row.revision == 3


def test_other_state_changing_requests_keep_one_immediate_transaction(app, client, auth, db):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("BEGIN IMMEDIATE is SQLite's")
    reading_id = _world(db).items[1].id
    auth.login()
    with Transactions(db.engine) as recorded:
        response = client.post(f"/progress/items/{reading_id}/complete", data={"how": "read"})
    assert response.status_code == 302
    assert [s for s in recorded.log if s.startswith("BEGIN")] == ["BEGIN IMMEDIATE"]
    assert recorded.log[0] == "BEGIN IMMEDIATE"


def test_the_heartbeat_completing_a_course_issues_its_certificate_in_the_write(app, client,
                                                                              auth, db):
    module = _world(db)
    for item in module.items[1:]:
        item.is_required = False
    db.session.commit()
    item_id = module.items[0].id
    auth.login()
    assert _heartbeat(client, item_id, [[0, 30]], 30).status_code == 200

    with Transactions(db.engine) as recorded:
        def listener(sender, user_id, item):
            recorded.log.append("item_completed")

        services.item_completed.connect(listener)
        try:
            response = _heartbeat(client, item_id, [[0, 60]], 60)
        finally:
            services.item_completed.disconnect(listener)
    assert response.json == {"status": "complete", "watched_percent": 100, "position": 60}
    # A completion is written under the row's lock, though the row was read with the item;
    # the signal is sent in the write transaction, once the row is written complete: the
    # certificate (issued by the listener the certificates connect) commits with it.
    _, write = _reads_and_write(recorded.log)
    assert write[0] == "SELECT progress"
    assert write[-1] == "COMMIT" and write.count("COMMIT") == 1
    assert write.index("UPDATE progress") < write.index("INSERT certificate")
    assert write.index("UPDATE progress") < write.index("item_completed")
    db.session.rollback()
    assert db.session.scalar(select(Certificate.course_id)) == module.course_id


@pytest.fixture
def file_app(tmp_path):
    """The application on a SQLite file, its requests each in their own app context."""
    if not TestingConfig.SQLALCHEMY_DATABASE_URI.startswith("sqlite"):
        pytest.skip("the write lock is SQLite's")
    path = tmp_path / "app.db"
    app = create_app({**{k: getattr(TestingConfig, k) for k in dir(TestingConfig) if k.isupper()},
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}",
                      "MEDIA_ROOT": str(tmp_path / "media"), "INSTANCE_DIR": str(tmp_path)})
    request_started.connect(_fresh_request_globals, app)
    with app.app_context():
        _db.create_all()
        item_id = _world(_db).items[0].id
    yield app, path, item_id
    with app.app_context():
        _db.engine.dispose()
    request_started.disconnect(_fresh_request_globals, app)


def test_a_heartbeat_holds_the_sqlite_write_lock_only_while_it_writes(file_app, monkeypatch):
    app, path, item_id = file_app
    client = app.test_client()
    client.post("/sign-in", data={"email": "participant@example.org",
                                  "password": factories.DEFAULT_PASSWORD})
    assert _heartbeat(client, item_id, [[20, 30]], 30).status_code == 200
    if_unchanged, locked = services.record_watch_if_unchanged, services.record_watch
    neighbour = sqlite3.connect(path, timeout=0, isolation_level=None)
    writes = []

    def holding_the_lock(write):
        def wrapped(*args):
            state = write(*args)
            # While the heartbeat writes, it holds the lock: the neighbour would have to wait.
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                neighbour.execute("BEGIN IMMEDIATE")
            writes.append(write.__name__)
            return state
        return wrapped

    def with_a_neighbour_writing(seen, *args):
        # Between the heartbeat's reads and its write, another process writes at once (no
        # waiting: timeout=0): the reads hold no lock. It adds an interval to the same row.
        neighbour.execute("BEGIN IMMEDIATE")
        neighbour.execute("UPDATE progress SET detail = ?, revision = revision + 1 WHERE id = ?",
                          (json.dumps({"intervals": [[20, 30], [40, 50]]}), seen.id))
        neighbour.execute("COMMIT")
        return holding_the_lock(if_unchanged)(seen, *args)

    monkeypatch.setattr(services, "record_watch_if_unchanged", with_a_neighbour_writing)
    monkeypatch.setattr(services, "record_watch", holding_the_lock(locked))
    try:
        response = _heartbeat(client, item_id, [[0, 10]], 10)
    finally:
        neighbour.close()
    assert response.status_code == 200
    assert writes == ["record_watch_if_unchanged", "record_watch"]
    # The neighbour's write came first: the merge read the row again under the lock.
    assert response.json == {"status": "in_progress", "watched_percent": 50, "position": 10}
    with app.app_context():
        row = _db.session.scalar(select(Progress))
        assert row.detail["intervals"] == [[0, 10], [20, 30], [40, 50]]


@pytest.fixture
def racing_app(request):
    """An application whose requests in threads each have their own connection, and an item."""
    if TestingConfig.SQLALCHEMY_DATABASE_URI.startswith("sqlite"):
        app, _, item_id = request.getfixturevalue("file_app")  # in memory: one connection
        return app, item_id
    app = request.getfixturevalue("app")
    item_id = _world(_db).items[0].id
    _db.session.commit()
    return app, item_id


def test_racing_heartbeats_lose_nothing_and_never_find_the_database_locked(racing_app):
    """Requests in threads, each on its own connection: reads side by side, writes in turn."""
    app, item_id = racing_app
    first = app.test_client()
    first.post("/sign-in", data={"email": "participant@example.org",
                                 "password": factories.DEFAULT_PASSWORD})
    # The row exists: the racers read it with the item and write on condition.
    assert _heartbeat(first, item_id, [[58, 59]], 59).status_code == 200
    cookie = first.get_cookie("session")
    workers = 8
    barrier = threading.Barrier(workers)
    answers: list = [None] * workers

    def report(n):
        client = app.test_client()
        client.set_cookie("session", cookie.value)
        barrier.wait()
        response = _heartbeat(client, item_id, [[n * 6, n * 6 + 6]], n * 6 + 6)
        answers[n] = (response.status_code, response.get_data(as_text=True))

    threads = [threading.Thread(target=report, args=(n,)) for n in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [status for status, _ in answers] == [200] * workers, answers
    with app.app_context():
        _db.session.rollback()
        row = _db.session.scalar(select(Progress))
        assert row.detail["intervals"] == [[0, workers * 6], [58, 59]]
