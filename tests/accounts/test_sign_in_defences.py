"""Sign-in defences: guesses at one account are limited from any address, without locking out
its owner (learning/accounts/defences.py); sign out everywhere."""

import pytest

from learning.accounts import defences
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


# A stranger's guesses slow the stranger, never the owner (learning/accounts/defences.py).

STRANGER, OWNER = "198.51.100.66", "203.0.113.20"


def test_a_strangers_guesses_do_not_lock_the_owner_out(app, user):
    stranger, owner = app.test_client(), app.test_client()
    statuses = [attempt(stranger, "pat@example.org", "wrong guess", STRANGER).status_code
                for _ in range(5)]
    assert statuses == [200] * 5
    # The stranger is throttled, even with the right password...
    assert attempt(stranger, "pat@example.org", DEFAULT_PASSWORD, STRANGER).status_code == 429
    # ...while the owner, elsewhere, signs in with it.
    response = attempt(owner, "pat@example.org", DEFAULT_PASSWORD, OWNER)
    assert response.status_code == 302 and response.headers["Location"] == "/learning"
    assert page(owner.get("/profile")).h1.get_text(strip=True) == "Your profile"
    assert attempt(stranger, "pat@example.org", DEFAULT_PASSWORD, STRANGER).status_code == 429
    assert attempt(stranger, "pat@example.org", "wrong again", STRANGER).status_code == 429


def test_guesses_from_many_addresses_leave_the_owners_browser_a_way_in(app, db, user):
    owners_browser = app.test_client()
    assert attempt(owners_browser, "pat@example.org", DEFAULT_PASSWORD, OWNER).status_code == 302
    owners_browser.post("/sign-out")
    app.config["SIGN_IN_ACCOUNT_RATE_LIMIT"] = "3 per minute"
    for n in range(3):
        attempt(app.test_client(), "pat@example.org", "wrong guess", f"198.51.100.{n}")

    # A browser that never signed in to the account is refused, right password or not...
    newcomer = app.test_client()
    refused = attempt(newcomer, "pat@example.org", DEFAULT_PASSWORD, "192.0.2.7")
    assert refused.status_code == 429
    soup = page(refused)
    assert soup.h1.get_text(strip=True) == "Too many attempts"
    assert soup.find("a", href="/password-reset") is not None
    assert newcomer.get("/profile").status_code == 302
    # ...and the owner's own browser, which did, still signs in.
    response = attempt(owners_browser, "pat@example.org", DEFAULT_PASSWORD, OWNER)
    assert response.status_code == 302
    assert owners_browser.get("/profile").status_code == 200


def test_a_throttled_account_answers_alike_whatever_the_password(app, user):
    app.config["SIGN_IN_ACCOUNT_RATE_LIMIT"] = "2 per minute"
    for n in range(2):
        attempt(app.test_client(), "pat@example.org", "wrong guess", f"198.51.100.{n}")
    right = attempt(app.test_client(), "pat@example.org", DEFAULT_PASSWORD, "192.0.2.1")
    wrong = attempt(app.test_client(), "pat@example.org", "wrong", "192.0.2.2")
    assert right.status_code == wrong.status_code == 429
    assert right.get_data() == wrong.get_data()


def test_a_known_device_cookie_for_another_account_or_forged_does_not_pass(app, db, user):
    make_user("sam@example.org", name="Sam")
    db.session.commit()
    sams_browser = app.test_client()
    assert attempt(sams_browser, "sam@example.org", DEFAULT_PASSWORD, OWNER).status_code == 302
    sams_browser.post("/sign-out")
    assert sams_browser.get_cookie(defences.KNOWN_DEVICE_COOKIE) is not None
    app.config["SIGN_IN_ACCOUNT_RATE_LIMIT"] = "2 per minute"
    for n in range(2):
        attempt(app.test_client(), "pat@example.org", "wrong guess", f"198.51.100.{n}")
    assert attempt(sams_browser, "pat@example.org", DEFAULT_PASSWORD, OWNER).status_code == 429
    forged = app.test_client()
    forged.set_cookie(defences.KNOWN_DEVICE_COOKIE, "not-signed")
    assert attempt(forged, "pat@example.org", DEFAULT_PASSWORD, OWNER).status_code == 429


def test_only_failed_sign_ins_count_against_the_account(app, user):
    app.config["SIGN_IN_ACCOUNT_RATE_LIMIT"] = "2 per minute"
    statuses = [attempt(app.test_client(), "pat@example.org", DEFAULT_PASSWORD,
                        f"198.51.100.{n}").status_code for n in range(4)]
    assert statuses == [302] * 4


def test_the_owner_is_told_of_the_way_in_that_guessing_cannot_use(app, client, outbox, user):
    app.config["SIGN_IN_ACCOUNT_RATE_LIMIT"] = "1 per minute"
    attempt(app.test_client(), "pat@example.org", "wrong guess", STRANGER)
    link = page(attempt(client, "pat@example.org", DEFAULT_PASSWORD, OWNER)).find(
        "a", href="/password-reset")
    assert client.post(link["href"], data={"email": "pat@example.org"},
                       environ_base={"REMOTE_ADDR": OWNER}).status_code == 302
    [message] = outbox
    token = message.body.split("/password-reset/")[1].split()[0]
    response = client.post(f"/password-reset/{token}", data={
        "password": "lantern orchard pebble gusts", "confirm": "lantern orchard pebble gusts"})
    assert response.headers["Location"] == "/learning"
    assert client.get("/profile").status_code == 200


def test_the_cookie_remembers_a_few_accounts_most_recent_first(app):
    cookie = ""
    for n in range(7):
        with app.test_request_context(headers={
                "Cookie": f"{defences.KNOWN_DEVICE_COOKIE}={cookie}"}):
            response = defences.remember_device(app.response_class(), f" Person{n}@Example.org")
            cookie = response.headers["Set-Cookie"].split(";")[0].split("=", 1)[1]
    assert "HttpOnly" in response.headers["Set-Cookie"]
    with app.test_request_context(headers={"Cookie": f"{defences.KNOWN_DEVICE_COOKIE}={cookie}"}):
        known = [defences.is_known_device(f"person{n}@example.org") for n in range(7)]
    assert known == [False, False] + [True] * defences.KNOWN_DEVICE_ACCOUNTS


def test_the_account_key_ignores_letter_case_and_spaces():
    assert defences.account_key(" Pat@Example.org ") == defences.account_key("pat@example.org")
    assert defences.account_address_key("pat@example.org", "198.51.100.1") != (
        defences.account_address_key("pat@example.org", "198.51.100.2"))
