"""Sign-in defences: guesses at one account are limited from any address; sign out everywhere."""

import pytest

from tests.conftest import DEFAULT_PASSWORD, page
from tests.factories import make_user


@pytest.fixture
def user(db):
    user = make_user("pat@example.org")
    db.session.commit()
    return user


def attempt(client, email, password, address):
    return client.post("/sign-in", data={"email": email, "password": password},
                       environ_base={"REMOTE_ADDR": address})


def test_guesses_at_one_account_are_limited_whatever_the_address(app, client, user):
    app.config["SIGN_IN_ACCOUNT_RATE_LIMIT"] = "3 per minute"
    statuses = [attempt(client, "Pat@Example.org ", "wrong guess", f"198.51.100.{n}").status_code
                for n in range(1, 5)]
    assert statuses == [200, 200, 200, 429]
    assert page(attempt(client, "pat@example.org", "wrong", "203.0.113.9")).h1.get_text(
        strip=True) == "Too many attempts"


def test_the_account_limit_leaves_other_accounts_alone(app, client, user):
    app.config["SIGN_IN_ACCOUNT_RATE_LIMIT"] = "2 per minute"
    for n in range(3):
        attempt(client, "pat@example.org", "wrong guess", f"198.51.100.{n}")
    assert attempt(client, "someone@example.org", "wrong", "198.51.100.50").status_code == 200


def test_sign_out_everywhere_ends_every_session_of_the_account(app, auth, client, user):
    other_device = app.test_client()
    assert other_device.post("/sign-in", data={"email": "pat@example.org",
                                               "password": DEFAULT_PASSWORD}).status_code == 302
    auth.login("pat@example.org")
    assert client.get("/learning").status_code == 200
    assert other_device.get("/learning").status_code == 200

    response = client.post("/sign-out-everywhere")
    assert response.headers["Location"] == "/"
    for device in (client, other_device):
        assert device.get("/learning").headers["Location"].startswith("/sign-in")


def test_the_profile_offers_to_sign_out_everywhere(auth, client, user):
    auth.login("pat@example.org")
    form = page(client.get("/profile")).find("form", action="/sign-out-everywhere")
    assert form is not None
    assert form.find("button").get_text(strip=True) == "Sign out everywhere"


def test_sign_out_everywhere_needs_a_signed_in_post(client):
    assert client.get("/sign-out-everywhere").status_code == 405
    assert client.post("/sign-out-everywhere").headers["Location"].startswith("/sign-in")
