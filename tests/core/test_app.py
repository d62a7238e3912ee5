import sqlite3

import pytest
from flask import request
from sqlalchemy import text

from learning import create_app
from learning.config import TestingConfig
from learning.database import db, write_transaction
from tests.conftest import page


def test_home_invites_anonymous_visitors_to_register_or_sign_in(client):
    response = client.get("/")
    assert response.status_code == 200
    links = {a.get_text(strip=True): a["href"] for a in page(response).select("main a")}
    assert links["Create an account"] == "/register"
    assert links["Sign in"] == "/sign-in"


def test_unknown_page_is_a_404_in_the_site_layout(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    soup = page(response)
    assert soup.h1.get_text(strip=True) == "Page not found"
    assert soup.select_one("header nav") is not None


def test_server_error_rolls_back_and_shows_the_500_page(own_app):
    app = own_app
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.get("/boom")
    def boom():
        raise RuntimeError("boom")

    response = app.test_client().get("/boom")
    assert response.status_code == 500
    assert page(response).h1.get_text(strip=True) == "Something went wrong"


def test_too_large_request_gets_the_413_page(own_app):
    app = own_app
    app.config["MAX_CONTENT_LENGTH"] = 10

    @app.post("/upload")
    def upload():
        return dict(request.form)

    response = app.test_client().post("/upload", data={"email": "x" * 100})
    assert response.status_code == 413
    assert page(response).h1.get_text(strip=True) == "Request too large"


def test_production_refuses_to_start_without_a_secret_key():
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app({"ENV_NAME": "production", "SECRET_KEY": None})


def test_production_starts_with_a_secret_key():
    app = create_app({"ENV_NAME": "production", "SECRET_KEY": "s" * 40,
                      "BASE_URL": "https://learning.example.org",
                      "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert app.config["SECRET_KEY"] == "s" * 40


@pytest.fixture
def file_sqlite_app(tmp_path):
    app = create_app({**{k: getattr(TestingConfig, k) for k in dir(TestingConfig) if k.isupper()},
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'app.db'}"})
    with app.app_context():
        db.create_all()
        yield app, tmp_path / "app.db"
        db.session.remove()
        db.engine.dispose()


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(file_sqlite_app):
    app, _ = file_sqlite_app
    assert db.session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
    assert db.session.execute(text("PRAGMA busy_timeout")).scalar() >= 5000


def test_a_write_transaction_takes_the_write_lock_at_its_first_read(file_sqlite_app):
    app, path = file_sqlite_app
    with write_transaction():
        db.session.execute(text("SELECT 1"))
        other = sqlite3.connect(path, timeout=0, isolation_level=None)
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            other.execute("BEGIN IMMEDIATE")
        other.close()
        db.session.rollback()


def test_a_read_transaction_leaves_writers_free(file_sqlite_app):
    app, path = file_sqlite_app
    db.session.execute(text("SELECT 1"))
    other = sqlite3.connect(path, timeout=0, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    other.execute("ROLLBACK")
    other.close()
    db.session.rollback()


def test_ping_answers_without_touching_the_database(client, monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("ping must not query")

    monkeypatch.setattr(db.session, "execute", refuse)
    response = client.get("/ping")
    assert response.status_code == 200
    assert response.get_data(as_text=True) == "pong\n"
