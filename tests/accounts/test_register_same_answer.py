"""Registration answers alike whether or not the address has an account, and is rate limited.

A new address gets its account and a welcome; a taken one changes nothing, and its owner is
told by email that someone tried. Both answers are the same redirect to the sign-in page
with the same message, so the form cannot be used to find out who has an account.
"""

from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import func, select

from learning.accounts import users
from learning.accounts.models import User, UserSession
from learning.accounts.passwords import verify_password
from tests.accounts.conftest import STRONG_PASSWORD
from tests.conftest import DEFAULT_PASSWORD, csrf_token, page
from tests.factories import make_user

OTHER_PASSWORD = "quiet harbour lamps drift"  # noqa: S105


def register(client, data, address="198.51.100.1"):
    return client.post("/register", data=data, environ_base={"REMOTE_ADDR": address})


def what_a_visitor_sees(client, response):
    """The answer's status and target, and the text of the page it leads to."""
    landing = client.get(response.headers["Location"])
    return (response.status_code, response.headers["Location"],
            page(landing).select_one("main").get_text(" ", strip=True))


def test_a_new_address_and_a_taken_one_get_the_same_answer(app, db, outbox, registration):
    first = app.test_client()
    new = what_a_visitor_sees(first, register(first, registration))
    second = app.test_client()
    taken = what_a_visitor_sees(second, register(second, {
        **registration, "name": "Mallory", "password": OTHER_PASSWORD,
        "confirm": OTHER_PASSWORD}, address="203.0.113.9"))
    assert new == taken
    status, location, text = new
    assert status == 302
    parts = urlsplit(location)
    assert parts.path == "/sign-in" and parse_qs(parts.query)["next"] == ["/cohorts/join"]
    assert "Check your email" in text and "ada@example.gov" in text
    # Nobody is signed in by registering: the session is the same for both answers.
    assert db.session.scalar(select(func.count(UserSession.id))) == 0
    # The account is the first registration's, unchanged by the second.
    user = db.session.scalar(select(User))
    assert db.session.scalar(select(func.count(User.id))) == 1
    assert user.name == "Ada Official"
    assert verify_password(user.password_hash, STRONG_PASSWORD)
    assert not verify_password(user.password_hash, OTHER_PASSWORD)


def test_both_answers_carry_the_same_headers(app, db, outbox, registration):
    make_user("participant@example.org")
    db.session.commit()
    new = register(app.test_client(), registration)
    taken = register(app.test_client(), {**registration, "email": "Participant@Example.org"})
    assert new.status_code == taken.status_code == 302
    assert sorted(new.headers.keys()) == sorted(taken.headers.keys())
    cookie_names = [[c.split("=", 1)[0] for c in r.headers.getlist("Set-Cookie")]
                    for r in (new, taken)]
    assert cookie_names[0] == cookie_names[1]


def test_the_new_account_is_welcomed_by_email_and_signs_in(client, db, outbox, registration):
    register(client, registration)
    [message] = outbox
    assert message.to == "ada@example.gov"
    assert "ready" in message.body and "http://localhost/sign-in" in message.body
    response = client.post("/sign-in", data={"email": "ada@example.gov",
                                              "password": STRONG_PASSWORD,
                                              "next": "/cohorts/join"})
    assert response.headers["Location"] == "/cohorts/join"


@pytest.mark.parametrize("email", ["participant@example.org", " PARTICIPANT@Example.org "])
def test_the_owner_of_a_taken_address_is_told_and_nothing_changes(client, db, outbox,
                                                                  registration, email):
    owner = make_user("participant@example.org", name="Pat Owner")
    db.session.commit()
    register(client, {**registration, "email": email})
    [message] = outbox
    assert message.to == "participant@example.org"
    assert "tried to create an account" in message.body
    assert "Nothing has changed" in message.body
    assert "http://localhost/sign-in" in message.body
    assert "http://localhost/password-reset" in message.body
    db.session.expire_all()
    assert db.session.get(User, owner.id).name == "Pat Owner"
    assert verify_password(db.session.get(User, owner.id).password_hash, DEFAULT_PASSWORD)
    assert db.session.scalar(select(func.count(User.id))) == 1


def test_an_address_registered_a_moment_ago_answers_the_same(client, db, outbox, registration,
                                                            monkeypatch):
    make_user("ada@example.gov", name="Ada First")
    db.session.commit()
    # Both checks ran before the other request's row existed; the unique constraint decides.
    monkeypatch.setattr("learning.accounts.users.email_taken", lambda email: False)
    response = register(client, registration)
    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == "/sign-in"
    assert db.session.scalar(select(func.count(User.id))) == 1
    assert [m.subject for m in outbox] == ["Someone tried to register with your address"]


def test_registration_mail_goes_through_the_outbox(app, client, db, registration, outbox,
                                                   mail_on):
    """The request writes the message; sending it is a job's, so a mail server that is down
    changes neither the answer nor the account, and the message waits to be tried again."""
    mail_on.stop()
    response = register(client, registration)
    assert response.status_code == 302
    assert db.session.scalar(select(func.count(User.id))) == 1
    assert [(m.to, m.subject) for m in outbox] == [
        ("ada@example.gov", "Welcome to Changing Mindsets Learning")]
    db.session.expire_all()
    [row] = outbox.rows()
    assert row.status == "pending" and "ConnectionRefusedError" in row.last_error
    mail_on.start()


def test_a_taken_address_costs_a_password_hash_too(db, app, registration, monkeypatch):
    make_user("ada@example.gov")
    db.session.commit()
    hashed = []
    real = users.hash_password
    monkeypatch.setattr(users, "hash_password", lambda p: hashed.append(p) or real(p))
    with app.test_request_context():
        users.register(email="ada@example.gov", name="X", password=STRONG_PASSWORD,
                       organisation="O", country="BB", job_title="")
    assert hashed == [STRONG_PASSWORD]


def test_with_csrf_on_both_answers_are_the_same(csrf_app, db, outbox, registration):
    make_user("participant@example.org")
    db.session.commit()
    answers = []
    for email in ("ada@example.gov", "participant@example.org"):
        client = csrf_app.test_client()
        token = csrf_token(client, "/register")
        answers.append(what_a_visitor_sees(client, register(
            client, {**registration, "email": email, "csrf_token": token})))
    assert [a[:2] for a in answers][0] == [a[:2] for a in answers][1]
    assert answers[0][2].replace("ada@example.gov", "EMAIL") == answers[1][2].replace(
        "participant@example.org", "EMAIL")


# Limits

def test_registrations_are_limited_per_address(app, client, db, outbox, registration):
    app.config["REGISTER_RATE_LIMIT"] = "2 per hour"
    statuses = [register(client, {**registration, "email": f"p{n}@example.gov"}).status_code
                for n in range(3)]
    assert statuses == [302, 302, 429]
    assert page(register(client, {**registration, "email": "p9@example.gov"})).h1.get_text(
        strip=True) == "Too many attempts"
    other = register(client, {**registration, "email": "q@example.gov"}, address="203.0.113.2")
    assert other.status_code == 302
    assert db.session.scalar(select(func.count(User.id))) == 3


@pytest.mark.parametrize("taken", [False, True])
def test_registrations_are_limited_per_address_registered(app, client, db, outbox,
                                                          registration, taken):
    """The same limit whether or not the address has an account: it too tells nothing."""
    if taken:
        make_user("ada@example.gov")
        db.session.commit()
    app.config["REGISTER_EMAIL_RATE_LIMIT"] = "2 per hour"
    statuses = [register(client, {**registration, "email": email}, address=f"198.51.100.{n}")
                .status_code for n, email in enumerate(
                    ["ada@example.gov", "ADA@example.gov", " ada@Example.GOV"])]
    assert statuses == [302, 302, 429]
    assert len(outbox) == 2  # the owner is not flooded with mail


def test_a_form_with_mistakes_does_not_count_against_the_limits(app, client, db, outbox,
                                                                registration):
    app.config["REGISTER_RATE_LIMIT"] = "1 per hour"
    app.config["REGISTER_EMAIL_RATE_LIMIT"] = "1 per hour"
    for _ in range(3):
        assert register(client, {**registration, "confirm": "different"}).status_code == 200
    assert register(client, registration).status_code == 302
