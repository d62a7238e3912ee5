"""Shared fixtures: an application on a throwaway database, a client, a CLI runner, sign-in."""

import copy
import threading
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import pytest
from bs4 import BeautifulSoup
from flask import g, request_started
from sqlalchemy import event
from sqlalchemy.exc import DBAPIError

from learning import caches, create_app
from learning.certificates import keys
from learning.config import TestingConfig
from learning.database import db as _db
from learning.extensions import limiter
from learning.progress import rules as progress_rules
from tests import factories
from tests.mailbox import SMTPServer

DEFAULT_PASSWORD = factories.DEFAULT_PASSWORD


def _fresh_request_globals(sender, **extra):
    # Test requests reuse the fixture's app context, so its `g` would carry the signed-in user
    # (Flask-Login) and the CSRF verdict (Flask-WTF) from one request, or client, to the next.
    for name in list(g):
        g.pop(name)


def _start_order(item) -> int:
    """Browser tests first, then the slow ones, then the rest (each in the order collected)."""
    if item.get_closest_marker("browser"):
        return 0
    return 1 if item.get_closest_marker("slow") else 2


def pytest_collection_modifyitems(config, items):
    """The long tests first, so that no core sits idle at the end of a run.

    Make hands tests out one at a time to whichever worker is free (pytest-xdist's
    `--dist load --maxschedchunk 1`): the XSS corpus's tests, minutes each, start at once on
    both workers, and the thousands of short ones fill in after them. In the order collected,
    one worker ran the whole corpus while the other, its share done, waited.
    """
    items.sort(key=_start_order)


class SharedApp:
    """One application and one schema for the whole run; each test starts it as new.

    Creating an application compiles some hundred URL rules (about 60 ms) and a schema costs
    more on PostgreSQL (about 80 ms): paid once per run instead of once per test. Before each
    test, `start_test` gives back what a new application and an empty database would be: the
    settings as created, empty caches and rate limits, every table emptied and every id
    sequence restarted. Emptying rather than rolling back to a savepoint: the application's
    transactions are under test themselves (BEGIN IMMEDIATE on SQLite, reads in autocommit on
    PostgreSQL on a connection of their own, commits inside requests), and a test's outer
    transaction would run them in a way that never ships.

    A test that needs commits across connections or processes (races, several servers,
    migrations) makes its own application and engine; where it shares the database
    (TEST_DATABASE_URL), it may drop the tables: the next test finds them gone and has the
    schema made again.
    """

    def __init__(self):
        caches.forget_all()
        self.app = create_app(TestingConfig)
        request_started.connect(_fresh_request_globals, self.app)
        self.settings = copy.deepcopy(dict(self.app.config))
        # The limiter is one object that each new application configures again (its storage,
        # whether it is on): the state this application gave it, restored before each test.
        self.limiter_state = dict(vars(limiter))
        with self.app.app_context():
            _db.drop_all()
            _db.create_all()
            self._emptying = self._emptying_statements()

    def _emptying_statements(self) -> list[str]:
        tables = [f'DELETE FROM "{table.name}"' for table in reversed(_db.metadata.sorted_tables)]
        with _db.engine.connect() as connection:
            if connection.dialect.name == "postgresql":
                sequences = connection.exec_driver_sql(
                    "SELECT sequencename FROM pg_sequences WHERE schemaname = current_schema()"
                ).scalars().all()
                # One round trip: psycopg sends statements without parameters together.
                return ["; ".join(tables + [f'ALTER SEQUENCE "{name}" RESTART'
                                            for name in sequences])]
            if connection.exec_driver_sql(
                "SELECT 1 FROM sqlite_master WHERE name = 'sqlite_sequence'"
            ).first():
                tables.append("DELETE FROM sqlite_sequence")
            return tables

    def start_test(self, tmp_path) -> None:
        """The application as created and an empty database, for the test about to run."""
        self.app.config.clear()
        self.app.config.update(copy.deepcopy(self.settings))
        self.app.config.update(MEDIA_ROOT=str(tmp_path / "media"), INSTANCE_DIR=str(tmp_path))
        vars(limiter).update(self.limiter_state)
        limiter.reset()
        self.empty_database()

    def empty_database(self) -> None:
        """Every table emptied, every id sequence restarted, every cache of the process emptied."""
        _db.session.remove()
        caches.forget_all()
        try:
            with _db.engine.begin() as connection:
                for statement in self._emptying:
                    connection.exec_driver_sql(statement)
        except DBAPIError:
            # A test dropped the tables (its own schema over the same database, or drop_all).
            _db.drop_all()
            _db.create_all()

    def close(self) -> None:
        request_started.disconnect(_fresh_request_globals, self.app)
        with self.app.app_context():
            _db.drop_all()
            _db.engine.dispose()


@pytest.fixture(scope="session")
def _shared_app():
    shared = SharedApp()
    yield shared
    shared.close()


@pytest.fixture(scope="session", autouse=True)
def _one_issuer_key():
    """Issuer keys made once per run: RSA at 3072 bits takes about a second to generate.

    Each test's application still creates its key file on first use, as in production
    (tests/certificates/test_badges.py checks the file); only the generation is shared.
    """
    key = keys.generate_key()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(keys, "generate_key", lambda: key)
        yield


@pytest.fixture
def app(_shared_app, tmp_path):
    """The application, as new, on an empty database, inside an application context."""
    app = _shared_app.app
    with app.app_context():
        _shared_app.start_test(tmp_path)
        yield app
        _db.session.remove()


@pytest.fixture
def own_app(tmp_path):
    """A new application of its own, for a test that adds routes to it.

    The shared application has served requests, after which Flask takes no new route. Its
    schema is made if missing (on PostgreSQL the shared one is already there).
    """
    caches.forget_all()
    app = create_app(TestingConfig)
    app.config.update(MEDIA_ROOT=str(tmp_path / "media"), INSTANCE_DIR=str(tmp_path))
    request_started.connect(_fresh_request_globals, app)
    with app.app_context():
        _db.create_all()
        yield app
        _db.session.remove()
        _db.engine.dispose()
    request_started.disconnect(_fresh_request_globals, app)


@pytest.fixture
def empty_database(app, _shared_app):
    """Start the database over inside a test, as a new schema would be (an import into an
    empty database, a world made again)."""
    return _shared_app.empty_database


@pytest.fixture
def db(app):
    return _db


@pytest.fixture
def csrf_app(app):
    """The application with CSRF protection on, as in production."""
    app.config["WTF_CSRF_ENABLED"] = True
    return app


def csrf_token(client, path="/") -> str:
    """The CSRF token a page gives this client (its session keeps the token's secret).

    Taken from the page's first form, or from the sign-out form every signed-in page has.
    """
    return page(client.get(path)).find("input", attrs={"name": "csrf_token"})["value"]


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


class Clock:
    """The time progress reports are received at (`learning.progress.rules.now`), set by tests.

    It stands still unless moved with `advance`, or moves `step` on every reading.
    """

    def __init__(self, start: datetime):
        self.time = start
        self.step = timedelta(0)
        self._lock = threading.Lock()  # racing requests read it from several threads

    def __call__(self) -> datetime:
        with self._lock:
            current = self.time
            self.time += self.step
            return current

    def advance(self, seconds: float) -> None:
        """Let this many seconds pass, as a participant watching would."""
        with self._lock:
            self.time += timedelta(seconds=seconds)


@pytest.fixture
def clock(monkeypatch):
    """A clock for the pace of watching: a test simulating watching must advance it."""
    clock = Clock(datetime(2024, 2, 21, 14, 0, tzinfo=UTC))
    monkeypatch.setattr(progress_rules, "now", clock)
    return clock


@pytest.fixture
def unhurried(clock, monkeypatch):
    """Every progress report comes long after the one before, the first one included.

    For tests about what is merged and how it is written, not about the pace of watching
    (tests/progress/test_pace.py): whatever a report claims was watched is credited.
    """
    clock.step = timedelta(days=1)
    monkeypatch.setattr(progress_rules, "FIRST_REPORT_ALLOWANCE_SECONDS", 86_400.0)
    return clock


class AuthActions:
    """Sign in and out through the real forms, as a browser would."""

    def __init__(self, client):
        self._client = client

    def login(self, email="participant@example.org", password=DEFAULT_PASSWORD):
        data = {"email": email, "password": password}
        if self._client.application.config["WTF_CSRF_ENABLED"]:
            data["csrf_token"] = csrf_token(self._client, "/sign-in")
        return self._client.post("/sign-in", data=data, follow_redirects=False)

    def logout(self):
        data = {}
        if self._client.application.config["WTF_CSRF_ENABLED"]:
            data["csrf_token"] = csrf_token(self._client, "/profile")
        return self._client.post("/sign-out", data=data)


@pytest.fixture
def auth(client):
    return AuthActions(client)


def page(response) -> BeautifulSoup:
    """Parse an HTML response."""
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


class QueryCounter:
    """The SQL statements sent to the database while counting."""

    def __init__(self):
        self.statements = []

    @property
    def count(self) -> int:
        return len(self.statements)


@pytest.fixture
def count_queries(db):
    """`with count_queries() as counter:` records the statements run inside the block."""

    @contextmanager
    def counting():
        counter = QueryCounter()

        def record(conn, cursor, statement, parameters, context, executemany):
            counter.statements.append(statement)

        event.listen(db.engine, "before_cursor_execute", record)
        try:
            yield counter
        finally:
            event.remove(db.engine, "before_cursor_execute", record)

    return counting


@pytest.fixture
def smtp_server():
    """A real SMTP server on loopback (aiosmtpd), collecting what it accepts."""
    server = SMTPServer()
    server.start()
    yield server
    server.hold.clear()
    server.stop()


@pytest.fixture
def mail_on(app, smtp_server):
    """Mail sent, by the jobs, through the loopback server (MAIL_SERVER set)."""
    app.config.update(smtp_server.settings())
    return smtp_server
