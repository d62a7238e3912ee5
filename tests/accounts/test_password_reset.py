import re
import time

import pytest
from itsdangerous import TimestampSigner
from sqlalchemy import select

from learning.accounts import links
from learning.accounts.models import User, UserSession
from learning.accounts.passwords import verify_password
from tests.accounts.conftest import STRONG_PASSWORD
from tests.conftest import DEFAULT_PASSWORD, page
from tests.factories import make_user

NEW_PASSWORD = "quiet harbour seventeen kites"  # noqa: S105
SAME_ANSWER = "If an account exists for"


@pytest.fixture
def user(db):
    user = make_user("pat@example.org")
    db.session.commit()
    return user


def reset_path(outbox):
    assert len(outbox) == 1
    match = re.search(r"http://localhost(/password-reset/\S+)", outbox[0].body)
    return match.group(1)


def flashed(client):
    return page(client.get("/sign-in")).select_one(".messages").get_text(" ", strip=True)


def test_request_page(client):
    soup = page(client.get("/password-reset"))
    assert soup.h1.get_text(strip=True) == "Reset your password"
    assert soup.find("input", attrs={"name": "email", "type": "email"}) is not None


def test_request_sends_a_link_to_a_known_address(client, user, outbox):
    response = client.post("/password-reset", data={"email": "PAT@example.org"})
    assert response.headers["Location"] == "/sign-in"
    assert SAME_ANSWER in flashed(client)
    assert outbox[0].to == "pat@example.org"
    assert outbox[0].subject == "Reset your password"
    assert "60 minutes" in outbox[0].body
    assert reset_path(outbox).startswith("/password-reset/")


def test_request_for_an_unknown_address_answers_the_same_and_sends_nothing(client, outbox):
    response = client.post("/password-reset", data={"email": "nobody@example.org"})
    assert response.headers["Location"] == "/sign-in"
    assert SAME_ANSWER in flashed(client)
    assert outbox == []


def test_request_for_an_inactive_account_sends_nothing(client, db, user, outbox):
    user.is_active = False
    db.session.commit()
    client.post("/password-reset", data={"email": "pat@example.org"})
    assert outbox == []


def test_request_with_a_malformed_address_says_so(client, outbox):
    response = client.post("/password-reset", data={"email": "nobody"})
    assert response.status_code == 200
    soup = page(response)
    assert soup.find(id="email-error") is not None
    assert soup.find(id="email")["value"] == "nobody"


def test_reset_end_to_end(app, client, db, user, outbox):
    elsewhere = app.test_client()
    elsewhere.post("/sign-in", data={"email": "pat@example.org", "password": DEFAULT_PASSWORD})
    assert elsewhere.get("/profile").status_code == 200

    client.post("/password-reset", data={"email": "pat@example.org"})
    path = reset_path(outbox)
    soup = page(client.get(path))
    assert soup.h1.get_text(strip=True) == "Choose a new password"
    assert "12 to 128 characters" in soup.find(id="password-hint").get_text()

    response = client.post(path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.headers["Location"] == "/learning"
    db.session.expire_all()
    assert verify_password(db.session.get(User, user.id).password_hash, NEW_PASSWORD)
    # Every earlier session ended; the person is signed in on a new one here.
    assert elsewhere.get("/profile").status_code == 302
    assert client.get("/profile").status_code == 200
    open_sessions = db.session.scalars(
        select(UserSession).where(UserSession.ended_at.is_(None))
    ).all()
    assert len(open_sessions) == 1

    # The link works once.
    response = client.get(path)
    assert response.status_code == 400
    soup = page(response)
    assert "used already" in soup.find(id="reset-link-problem").get_text()
    assert soup.find("a", href="/password-reset") is not None
    response = client.post(path, data={"password": STRONG_PASSWORD, "confirm": STRONG_PASSWORD})
    assert response.status_code == 400
    db.session.expire_all()
    assert verify_password(db.session.get(User, user.id).password_hash, NEW_PASSWORD)


def test_a_link_stops_working_when_the_password_changes_otherwise(client, auth, db, user,
                                                                   outbox):
    client.post("/password-reset", data={"email": "pat@example.org"})
    path = reset_path(outbox)
    auth.login("pat@example.org")
    client.post("/profile/password", data={
        "current_password": DEFAULT_PASSWORD, "password": STRONG_PASSWORD,
        "confirm": STRONG_PASSWORD,
    })
    assert client.get(path).status_code == 400


def test_an_expired_link_is_refused(client, db, user, outbox, monkeypatch):
    client.post("/password-reset", data={"email": "pat@example.org"})
    path = reset_path(outbox)
    later = int(time.time()) + 3601
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: later)
    response = client.post(path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 400
    soup = page(response)
    assert "expired" in soup.find(id="reset-link-problem").get_text()
    assert soup.find("a", href="/password-reset").get_text(strip=True) == "Ask for a new link"
    db.session.expire_all()
    assert verify_password(db.session.get(User, user.id).password_hash, DEFAULT_PASSWORD)


def test_the_max_age_comes_from_the_configuration(app, client, user, outbox, monkeypatch):
    app.config["PASSWORD_RESET_MAX_AGE"] = 120
    client.post("/password-reset", data={"email": "pat@example.org"})
    path = reset_path(outbox)
    assert "2 minutes" in outbox[0].body
    assert client.get(path).status_code == 200
    later = int(time.time()) + 121
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: later)
    assert client.get(path).status_code == 400


@pytest.mark.parametrize("mangle", [
    lambda t: t[:-2] + ("AA" if not t.endswith("AA") else "BB"),
    lambda t: "not-a-token",
    lambda t: t.split(".")[0],
])
def test_a_tampered_link_is_refused(client, user, outbox, mangle):
    client.post("/password-reset", data={"email": "pat@example.org"})
    token = reset_path(outbox).rsplit("/", 1)[1]
    response = client.get(f"/password-reset/{mangle(token)}")
    assert response.status_code == 400
    assert "not valid" in page(response).find(id="reset-link-problem").get_text()


def test_a_token_signed_for_another_purpose_is_refused(app, client, user):
    from itsdangerous import URLSafeTimedSerializer

    forged = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt="other").dumps(
        {"user": user.id, "password": links._password_fingerprint(user)}
    )
    assert client.get(f"/password-reset/{forged}").status_code == 400


def test_a_weak_new_password_is_refused_and_the_link_still_works(client, db, user, outbox):
    client.post("/password-reset", data={"email": "pat@example.org"})
    path = reset_path(outbox)
    response = client.post(path, data={"password": "short", "confirm": "short"})
    assert response.status_code == 200
    assert "at least 12" in page(response).find(id="password-error").get_text()
    response = client.post(path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302


def test_the_reset_link_uses_base_url_not_the_request_host(app, client, user, outbox):
    app.config["BASE_URL"] = "https://learning.example.org"
    client.post("/password-reset", data={"email": "pat@example.org"},
                headers={"Host": "evil.example"})
    assert "https://learning.example.org/password-reset/" in outbox[0].body
    assert "evil.example" not in outbox[0].body
