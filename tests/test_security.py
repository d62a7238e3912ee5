"""Cross-cutting protections: CSRF on every form, security headers, the health check."""

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from learning.accounts.models import User, UserSession
from learning.database import db as _db
from tests.conftest import DEFAULT_PASSWORD, csrf_token, page
from tests.factories import make_user

HEADERS = ("Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy",
           "X-Frame-Options")


REGISTRATION = {
    "name": "Ada", "email": "ada@example.gov", "organisation": "Ministry", "country": "Guyana",
    "password": "lantern orchard pebble gusts", "confirm": "lantern orchard pebble gusts",
}


def test_a_form_without_its_csrf_token_is_refused_and_changes_nothing(csrf_app, client, db):
    response = client.post("/register", data=REGISTRATION)
    assert response.status_code == 400
    assert "expired or was sent from elsewhere" in page(response).get_text()
    assert db.session.scalar(select(func.count(User.id))) == 0


def test_a_wrong_csrf_token_is_refused(csrf_app, client, db):
    client.get("/register")
    response = client.post("/register", data={**REGISTRATION, "csrf_token": "forged"})
    assert response.status_code == 400
    assert db.session.scalar(select(func.count(User.id))) == 0


def test_forms_carry_a_token_that_is_accepted(csrf_app, client, db):
    token = csrf_token(client, "/register")
    response = client.post("/register", data={**REGISTRATION, "csrf_token": token})
    assert response.status_code == 302
    assert db.session.scalar(select(func.count(User.id))) == 1


def test_sign_in_without_a_token_is_refused(csrf_app, client, db):
    make_user()
    db.session.commit()
    response = client.post(
        "/sign-in", data={"email": "participant@example.org", "password": DEFAULT_PASSWORD}
    )
    assert response.status_code == 400
    assert db.session.scalar(select(func.count(UserSession.id))) == 0


def test_sign_out_without_a_token_keeps_the_session(csrf_app, client, db):
    make_user()
    db.session.commit()
    token = csrf_token(client, "/sign-in")
    response = client.post("/sign-in", data={
        "email": "participant@example.org", "password": DEFAULT_PASSWORD, "csrf_token": token,
    })
    assert response.status_code == 302

    assert client.post("/sign-out").status_code == 400
    assert client.get("/profile").status_code == 200
    assert db.session.scalar(select(UserSession)).ended_at is None

    token = csrf_token(client, "/profile")
    assert client.post("/sign-out", data={"csrf_token": token}).status_code == 302
    assert client.get("/profile").status_code == 302


def test_profile_edit_without_a_token_changes_nothing(csrf_app, client, db):
    user = make_user(name="Original Name")
    db.session.commit()
    token = csrf_token(client, "/sign-in")
    client.post("/sign-in", data={
        "email": "participant@example.org", "password": DEFAULT_PASSWORD, "csrf_token": token,
    })
    response = client.post("/profile", data={"name": "Changed", "organisation": "O",
                                              "country": "C"})
    assert response.status_code == 400
    db.session.expire_all()
    assert db.session.get(User, user.id).name == "Original Name"


@pytest.mark.parametrize("path", [
    "/", "/sign-in", "/register", "/password-reset", "/password-reset/bad-token",
    "/no-such-page", "/profile",
])
def test_html_responses_carry_the_security_headers(client, path):
    response = client.get(path, follow_redirects=True)
    assert response.mimetype == "text/html"
    for header in HEADERS:
        assert response.headers.get(header), header
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "'unsafe-inline'" not in policy
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_signed_in_pages_carry_the_security_headers(client, auth, db):
    make_user()
    db.session.commit()
    auth.login()
    for path in ("/profile", "/profile/password"):
        response = client.get(path)
        assert response.status_code == 200
        for header in HEADERS:
            assert response.headers.get(header), (path, header)


def test_session_cookie_is_http_only_and_same_site(client, auth, db):
    make_user()
    db.session.commit()
    auth.login()
    cookie = client.get_cookie("session")
    assert cookie.http_only
    assert cookie.same_site == "Lax"


def test_healthz_answers_json(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.is_json
    assert response.get_json()["status"] == "ok"


def test_healthz_is_503_when_the_database_is_unreachable(app, client, monkeypatch):
    def unreachable(*args, **kwargs):
        raise OperationalError("SELECT 1", {}, Exception("connection refused"))

    monkeypatch.setattr(_db.session, "execute", unreachable)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["status"] == "error"
