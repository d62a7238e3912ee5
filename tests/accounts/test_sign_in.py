import pytest
from sqlalchemy import select

from learning.accounts import signing_in
from learning.accounts.models import UserSession, hash_token
from tests.conftest import DEFAULT_PASSWORD, page
from tests.factories import make_user

GENERIC = "Email or password is incorrect."


@pytest.fixture
def user(db):
    user = make_user("pat@example.org")
    db.session.commit()
    return user


def form_errors(response):
    return [li.get_text(" ", strip=True) for li in page(response).select(".error-summary li")]


def test_sign_in_page(client):
    soup = page(client.get("/sign-in"))
    assert soup.h1.get_text(strip=True) == "Sign in"
    assert soup.find("input", attrs={"name": "email"})["autocomplete"] == "username"
    assert soup.find("input", attrs={"name": "password"})["type"] == "password"
    hrefs = [a["href"] for a in soup.select("main a")]
    assert "/password-reset" in hrefs and "/register" in hrefs


def test_sign_in_opens_a_server_session_and_goes_to_my_learning(client, auth, db, user):
    response = auth.login("pat@example.org")
    assert response.status_code == 302
    assert response.headers["Location"] == "/learning"
    sessions = db.session.scalars(select(UserSession)).all()
    assert len(sessions) == 1 and sessions[0].user_id == user.id
    with client.session_transaction() as session:
        token = session["_user_id"]
    assert sessions[0].token_hash == hash_token(token)
    assert token not in sessions[0].token_hash
    assert client.get("/profile").status_code == 200


def test_email_is_compared_case_insensitively(auth, user):
    response = auth.login("  PAT@Example.ORG ")
    assert response.headers["Location"] == "/learning"


def test_wrong_password_gets_the_generic_message(client, auth, user):
    response = auth.login("pat@example.org", "not the password at all")
    assert response.status_code == 200
    assert form_errors(response) == [GENERIC]
    soup = page(response)
    assert soup.find("input", attrs={"name": "email"})["value"] == "pat@example.org"
    assert not soup.find("input", attrs={"name": "password"}).get("value")
    assert client.get("/profile").status_code == 302


def test_unknown_email_gets_the_same_message_and_still_checks_a_hash(auth, monkeypatch):
    checked = []
    real = signing_in.verify_password
    monkeypatch.setattr(
        signing_in, "verify_password", lambda h, p: checked.append(h) or real(h, p)
    )
    response = auth.login("nobody@example.org", "not the password at all")
    assert form_errors(response) == [GENERIC]
    assert len(checked) == 1 and checked[0].startswith("scrypt:")


def test_inactive_user_is_refused(client, auth, db, user):
    user.is_active = False
    db.session.commit()
    response = auth.login("pat@example.org")
    assert response.status_code == 200
    assert "deactivated" in form_errors(response)[0]
    assert db.session.scalars(select(UserSession)).all() == []
    # Wrong password on an inactive account says nothing about the account.
    assert form_errors(auth.login("pat@example.org", "wrong wrong wrong")) == [GENERIC]


def test_missing_fields_are_reported(client):
    response = client.post("/sign-in", data={"email": "", "password": ""})
    soup = page(response)
    assert soup.find(id="email-error") is not None
    assert soup.find(id="password-error") is not None


def test_next_is_followed_when_it_is_a_path_here(client, user):
    response = client.post(
        "/sign-in",
        data={"email": "pat@example.org", "password": DEFAULT_PASSWORD, "next": "/profile"},
    )
    assert response.headers["Location"] == "/profile"


def test_next_in_the_query_string_is_kept_in_the_form(client, user):
    soup = page(client.get("/sign-in?next=/cohorts/join"))
    assert soup.find("input", attrs={"name": "next"})["value"] == "/cohorts/join"
    register = soup.find("a", string="Create an account")
    assert register["href"] == "/register?next=/cohorts/join"


@pytest.mark.parametrize(
    "target",
    ["//evil.example", "https://evil.example", "/\\evil.example", "javascript:alert(1)",
     "/path\r\nLocation: https://evil.example", "evil.example/profile"],
)
def test_unsafe_next_is_ignored(client, user, target):
    response = client.post(
        "/sign-in",
        data={"email": "pat@example.org", "password": DEFAULT_PASSWORD, "next": target},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/learning"


def test_login_required_page_sends_back_after_sign_in(client, user):
    response = client.get("/profile")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in?next=")
    sign_in_page = page(client.get(response.headers["Location"]))
    next_value = sign_in_page.find("input", attrs={"name": "next"})["value"]
    assert next_value == "/profile"
    response = client.post(
        "/sign-in",
        data={"email": "pat@example.org", "password": DEFAULT_PASSWORD, "next": next_value},
    )
    assert response.headers["Location"] == "/profile"


def test_session_is_renewed_at_sign_in(client, auth, db, user):
    with client.session_transaction() as session:
        session["planted"] = "by someone else"
    before = client.get_cookie("session").value
    auth.login("pat@example.org")
    after = client.get_cookie("session").value
    assert after != before
    with client.session_transaction() as session:
        assert "planted" not in session
        first_token = session["_user_id"]

    # Signing in again, even while signed in elsewhere, gets a new token and server session.
    other = client.application.test_client()
    other.post("/sign-in", data={"email": "pat@example.org", "password": DEFAULT_PASSWORD})
    with other.session_transaction() as session:
        assert session["_user_id"] != first_token
    assert len(db.session.scalars(select(UserSession)).all()) == 2


def test_signed_in_user_visiting_sign_in_is_sent_on(client, auth, user):
    auth.login("pat@example.org")
    assert client.get("/sign-in").headers["Location"] == "/learning"


def test_sign_in_is_rate_limited(app, client, user):
    app.config["SIGN_IN_RATE_LIMIT"] = "3 per minute"
    data = {"email": "pat@example.org", "password": "wrong wrong wrong"}
    statuses = [client.post("/sign-in", data=data).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    soup = page(client.post("/sign-in", data=data))
    assert soup.h1.get_text(strip=True) == "Too many attempts"
    # Reading the page is not limited.
    assert client.get("/sign-in").status_code == 200


def test_password_reset_requests_are_rate_limited(app, client, outbox):
    app.config["SIGN_IN_RATE_LIMIT"] = "2 per minute"
    data = {"email": "pat@example.org"}
    statuses = [client.post("/password-reset", data=data).status_code for _ in range(3)]
    assert statuses == [302, 302, 429]
