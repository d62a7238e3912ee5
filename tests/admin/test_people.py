"""People: creating accounts, deactivating and reactivating them, password links, progress."""

import re
from datetime import UTC, datetime
from urllib.parse import urlsplit

import pytest

from learning.accounts.errors import LastAdminError
from learning.accounts.models import User
from learning.accounts.roles import deactivate_user, grant_role
from learning.database import db as _db
from learning.progress.models import Progress
from tests import mailbox as mail
from tests.conftest import page

NON_ADMINS = ["enrolled", "facilitator", "manager"]
PASSWORD = "a long and unguessable passphrase"



def _messages(response):
    return " ".join(p.get_text(" ", strip=True) for p in page(response).select(".messages p"))


def _routes(world):
    user = world.users["outsider"]
    return [("get", "/admin/users/new"), ("post", "/admin/users/new"),
            ("get", f"/admin/users/{user.id}/deactivate"),
            ("post", f"/admin/users/{user.id}/deactivate"),
            ("get", f"/admin/users/{user.id}/edit"), ("post", f"/admin/users/{user.id}/edit"),
            ("post", f"/admin/users/{user.id}/reactivate"),
            ("post", f"/admin/users/{user.id}/password-reset"),
            ("get", "/admin/countries"), ("get", f"/admin/users/{user.id}/country"),
            ("post", f"/admin/users/{user.id}/country")]


def test_anonymous_people_are_sent_to_sign_in(client, world):
    for method, url in _routes(world):
        response = getattr(client, method)(url)
        assert urlsplit(response.headers["Location"]).path == "/sign-in", url


@pytest.mark.parametrize("who", NON_ADMINS)
def test_only_admins_manage_people(client, world, sign_in_as, who):
    sign_in_as(who)
    for method, url in _routes(world):
        assert getattr(client, method)(url).status_code == 403, url
    assert mail.outbox == []


def test_an_admin_creates_an_account_that_chooses_its_password(client, world, sign_in_as,
                                                               auth):
    sign_in_as("admin")
    assert page(client.get("/admin/users")).find("a", string="Create an account")["href"] == \
        "/admin/users/new"
    response = client.post("/admin/users/new", data={
        "email": "New.Officer@Example.gov.bb", "name": "Nia Officer",
        "organisation": "Ministry of Finance", "country": "BB", "role": "manager"},
        follow_redirects=True)
    # Email is off here (no MAIL_SERVER): the page does not say the link was sent.
    assert _messages(response) == (
        "Note: Account created for Nia Officer. Email is off on this installation, so the link "
        "to choose a password is kept in the email outbox, not sent.")
    user = _db.session.query(User).filter_by(email="new.officer@example.gov.bb").one()
    assert user.role_names == {"manager"}
    assert user.country == "BB"
    assert [m.to for m in mail.outbox] == ["new.officer@example.gov.bb"]
    auth.logout()
    link = re.search(r"http://localhost(/welcome/\S+)", mail.outbox[0].body).group(1)
    assert client.post(link, data={"password": PASSWORD, "confirm": PASSWORD}
                       ).status_code == 302


def test_a_taken_address_and_missing_fields_are_explained(client, world, sign_in_as):
    sign_in_as("admin")
    response = client.post("/admin/users/new", data={
        "email": "PARTICIPANT@example.org", "name": "", "role": "participant"})
    errors = page(response).select_one(".error-summary").get_text()
    assert "An account with this email address already exists." in errors
    assert "Enter their name." in errors
    assert mail.outbox == []


def test_deactivation_signs_them_out_at_once_and_keeps_their_progress(app, client, world,
                                                                      sign_in_as, auth):
    enrolled = world.users["enrolled"]
    reading = world.modules[0].items[1]
    _db.session.add(Progress(user_id=enrolled.id, item_id=reading.id, status="complete",
                             completed_at=datetime.now(UTC)))
    _db.session.commit()
    participant = app.test_client()
    assert participant.post("/sign-in", data={"email": "participant@example.org",
                                              "password": "correct horse battery staple"}
                            ).status_code == 302
    assert participant.get("/learning").status_code == 200

    sign_in_as("admin")
    soup = page(client.get(f"/admin/users/{enrolled.id}"))
    mindsets = soup.select(".course-progress")[1]
    assert mindsets.h3.get_text(strip=True) == "Changing mindsets"
    assert "1 of 6 required items complete" in " ".join(
        mindsets.select_one(".course-summary").get_text(" ").split())
    response = client.post(f"/admin/users/{enrolled.id}/deactivate", data={"confirm": "yes"},
                           follow_redirects=True)
    assert "Pat Participant is deactivated and signed out everywhere." in _messages(response)
    assert page(response).find("button", string="Reactivate account")

    assert urlsplit(participant.get("/learning").headers["Location"]).path == "/sign-in"
    assert _db.session.query(Progress).filter_by(user_id=enrolled.id).count() == 1

    response = client.post(f"/admin/users/{enrolled.id}/password-reset", follow_redirects=True)
    assert "Reactivate the account first" in _messages(response)
    response = client.post(f"/admin/users/{enrolled.id}/reactivate", follow_redirects=True)
    assert "Pat Participant can sign in again." in _messages(response)
    assert participant.post("/sign-in", data={"email": "participant@example.org",
                                              "password": "correct horse battery staple"}
                            ).status_code == 302


def test_an_admin_sends_a_password_link(client, world, sign_in_as):
    sign_in_as("admin")
    outsider = world.users["outsider"]
    response = client.post(f"/admin/users/{outsider.id}/password-reset", follow_redirects=True)
    assert _messages(response) == (
        "Note: Email is off on this installation, so the link to choose a new password for "
        "outsider@example.org is kept in the email outbox, not sent.")
    assert [m.to for m in mail.outbox] == ["outsider@example.org"]


def test_with_email_on_the_pages_say_the_links_were_sent(client, world, sign_in_as, mail_on):
    sign_in_as("admin")
    response = client.post("/admin/users/new", data={
        "email": "new.officer@example.gov.bb", "name": "Nia Officer",
        "organisation": "Ministry of Finance", "country": "BB", "role": "manager"},
        follow_redirects=True)
    assert _messages(response) == (
        "Note: Account created for Nia Officer; they were sent a link to choose a password.")
    outsider = world.users["outsider"]
    response = client.post(f"/admin/users/{outsider.id}/password-reset", follow_redirects=True)
    assert _messages(response) == (
        "Note: A link to choose a new password was sent to outsider@example.org.")
    assert [m.to for m in mail.outbox] == ["new.officer@example.gov.bb", "outsider@example.org"]


def test_the_last_admin_and_oneself_cannot_be_deactivated(client, world, sign_in_as):
    sign_in_as("admin")
    admin = world.users["admin"]
    soup = page(client.get(f"/admin/users/{admin.id}"))
    assert not soup.find(string="Deactivate account")
    response = client.post(f"/admin/users/{admin.id}/deactivate", data={"confirm": "yes"},
                           follow_redirects=True)
    assert "You cannot deactivate your own account." in _messages(response)
    _db.session.refresh(admin)
    assert admin.is_active


def test_the_last_active_admin_is_never_deactivated(world):
    admin = world.users["admin"]
    with pytest.raises(LastAdminError):
        deactivate_user(admin)
    other = world.users["manager"]
    grant_role(other, "admin")
    assert deactivate_user(admin) is True
    assert deactivate_user(admin) is False
    with pytest.raises(LastAdminError):
        deactivate_user(other)


def test_deactivating_asks_first_and_says_what_will_happen(client, world, sign_in_as):
    sign_in_as("admin")
    enrolled = world.users["enrolled"]
    soup = page(client.get(f"/admin/users/{enrolled.id}"))
    link = soup.find("a", string="Deactivate account")
    assert link["href"] == f"/admin/users/{enrolled.id}/deactivate"

    soup = page(client.get(link["href"]))
    assert soup.h1.get_text(strip=True) == "Deactivate the account of Pat Participant?"
    happens = [li.get_text(" ", strip=True) for li in soup.select("ul.what-happens li")]
    assert "They are signed out at once, on every device." in happens
    assert "Their progress, self-assessment answers and certificates are kept." in happens
    form = soup.find("button", string="Yes, deactivate the account").find_parent("form")
    assert (form["method"], form["action"]) == ("post", link["href"])
    assert form.find("input", attrs={"name": "confirm"})["value"] == "yes"
    assert form.find("input", attrs={"name": "csrf_token"})
    assert soup.find("a", string="Cancel and go back to Pat Participant")["href"] == \
        f"/admin/users/{enrolled.id}"
    _db.session.refresh(enrolled)
    assert enrolled.is_active


def test_a_deactivation_without_the_confirmation_does_nothing(client, world, sign_in_as):
    sign_in_as("admin")
    enrolled = world.users["enrolled"]
    response = client.post(f"/admin/users/{enrolled.id}/deactivate")
    assert response.status_code == 200
    assert page(response).find("button", string="Yes, deactivate the account")
    _db.session.refresh(enrolled)
    assert enrolled.is_active
    response = client.post(f"/admin/users/{enrolled.id}/deactivate", data={"confirm": "yes"})
    assert response.status_code == 302
    _db.session.refresh(enrolled)
    assert not enrolled.is_active
    # Asked again, it says so rather than asking.
    response = client.get(f"/admin/users/{enrolled.id}/deactivate", follow_redirects=True)
    assert "Pat Participant is already deactivated." in _messages(response)


def test_the_confirmed_deactivation_needs_the_csrf_token(csrf_app, client, auth, world):
    auth.login("admin@example.org")
    enrolled = world.users["enrolled"]
    url = f"/admin/users/{enrolled.id}/deactivate"
    assert client.post(url, data={"confirm": "yes"}).status_code == 400
    _db.session.refresh(enrolled)
    assert enrolled.is_active
    token = page(client.get(url)).find("input", attrs={"name": "csrf_token"})["value"]
    assert client.post(url, data={"confirm": "yes", "csrf_token": token}).status_code == 302
    _db.session.refresh(enrolled)
    assert not enrolled.is_active
