"""Shared fixtures: an application on a throwaway database, a client, a CLI runner, sign-in."""

import threading
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import pytest
from bs4 import BeautifulSoup
from flask import g, request_started
from sqlalchemy import event

from learning import caches, create_app
from learning.config import TestingConfig
from learning.database import db as _db
from learning.progress import rules as progress_rules
from tests import factories

DEFAULT_PASSWORD = factories.DEFAULT_PASSWORD


def _fresh_request_globals(sender, **extra):
    # Test requests reuse the fixture's app context, so its `g` would carry the signed-in user
    # (Flask-Login) and the CSRF verdict (Flask-WTF) from one request, or client, to the next.
    for name in list(g):
        g.pop(name)


@pytest.fixture
def app(tmp_path):
    caches.forget_all()
    app = create_app(TestingConfig)
    app.config.update(MEDIA_ROOT=str(tmp_path / "media"), INSTANCE_DIR=str(tmp_path))
    request_started.connect(_fresh_request_globals, app)
    with app.app_context():
        _db.drop_all()
        _db.create_all()
        yield app
        _db.session.remove()
        _db.drop_all()
        _db.engine.dispose()
    request_started.disconnect(_fresh_request_globals, app)


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
