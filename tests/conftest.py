"""Shared fixtures: an application on a throwaway database, a client, a CLI runner, sign-in."""

from contextlib import contextmanager

import pytest
from bs4 import BeautifulSoup
from flask import g, request_started
from sqlalchemy import event

from learning import create_app
from learning.config import TestingConfig
from learning.extensions import db as _db
from tests import factories

DEFAULT_PASSWORD = factories.DEFAULT_PASSWORD


def _fresh_request_globals(sender, **extra):
    # Test requests reuse the fixture's app context, so its `g` would carry the signed-in user
    # (Flask-Login) and the CSRF verdict (Flask-WTF) from one request, or client, to the next.
    for name in list(g):
        g.pop(name)


@pytest.fixture
def app(tmp_path):
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
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


class AuthActions:
    """Sign in and out through the real forms, as a browser would."""

    def __init__(self, client):
        self._client = client

    def login(self, email="participant@example.org", password=DEFAULT_PASSWORD):
        return self._client.post(
            "/sign-in", data={"email": email, "password": password}, follow_redirects=False
        )

    def logout(self):
        return self._client.post("/sign-out")


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
