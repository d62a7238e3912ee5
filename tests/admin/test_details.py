"""Correcting a person's details: name, email address, organisation and country.

The address stays unique (in any letter case), a refused form keeps what was typed, and
the person is told by email, at both addresses when the address changed.
"""

import logging

import pytest

from learning.accounts.models import User
from learning.database import db as _db
from tests import mailbox as mail
from tests.conftest import DEFAULT_PASSWORD, csrf_token, page


def text(tag):
    return tag.get_text(" ", strip=True)


def _edit(world, who="enrolled"):
    return f"/admin/users/{world.users[who].id}/edit"


def _details(soup):
    return dict(zip([text(d) for d in soup.select("dl.details dt")],
                    [text(d) for d in soup.select("dl.details dd")], strict=True))


def _messages(soup):
    return [text(p) for p in soup.select(".messages .message")]


def _form(**changes):
    data = {"name": "Pat Participant", "email": "participant@example.org",
            "organisation": "Ministry of Finance", "country": "BB"}
    data.update(changes)
    return data


def _reload(user):
    _db.session.expire_all()
    return _db.session.get(User, user.id)


def test_the_form_opens_from_the_person_page_filled_in(client, world, sign_in_as):
    sign_in_as("admin")
    soup = page(client.get(f"/admin/users/{world.users['enrolled'].id}"))
    assert soup.find("a", string="Edit their details")["href"] == _edit(world)
    soup = page(client.get(_edit(world)))
    assert text(soup.h1) == "Edit the details of Pat Participant"
    assert soup.find(id="name")["value"] == "Pat Participant"
    assert soup.find(id="email")["value"] == "participant@example.org"
    assert soup.find(id="organisation")["value"] == "Ministry of Finance"
    country = soup.find("select", id="country")
    assert text(country.find("option", selected=True)) == "Barbados"
    # The list the profile and registration offer: the Caribbean first.
    assert country.find("optgroup")["label"] == "Caribbean"


def test_an_admin_corrects_name_organisation_and_country(client, world, sign_in_as):
    sign_in_as("admin")
    response = client.post(_edit(world), data=_form(
        name="Patricia Participant", organisation="Ministry of Health", country="jamaica"))
    assert response.headers["Location"] == f"/admin/users/{world.users['enrolled'].id}"
    soup = page(client.get(response.headers["Location"]))
    assert _messages(soup) == ["Note: The details of Patricia Participant are saved. They were "
                               "told by email."]
    details = _details(soup)
    assert (text(soup.h1), details["Organisation"], details["Country"]) == (
        "Patricia Participant", "Ministry of Health", "Jamaica")
    assert _reload(world.users["enrolled"]).country == "JM"

    assert [m.to for m in mail.outbox] == ["participant@example.org"]
    message = mail.outbox[0]
    assert message.subject == "Your account details have changed"
    assert "- Name: Pat Participant, now Patricia Participant" in message.body
    assert "- Organisation: Ministry of Finance, now Ministry of Health" in message.body
    assert "- Country: Barbados, now Jamaica" in message.body
    assert "Email address" not in message.body


def test_a_new_address_signs_in_and_both_addresses_are_told(app, client, world, sign_in_as):
    sign_in_as("admin")
    response = client.post(_edit(world), data=_form(email="  Pat.New@Example.GOV.bb "),
                           follow_redirects=True)
    assert _messages(page(response)) == [
        "Note: The details of Pat Participant are saved. They were told by email at their old "
        "address, participant@example.org, and at their new one, pat.new@example.gov.bb, with "
        "which they now sign in."]
    assert _details(page(response))["Email"] == "pat.new@example.gov.bb"
    assert [m.to for m in mail.outbox] == ["participant@example.org", "pat.new@example.gov.bb"]
    body = mail.outbox[0].body
    assert "- Email address: participant@example.org, now pat.new@example.gov.bb" in body
    assert "From now on, sign in with pat.new@example.gov.bb" in body
    assert mail.outbox[1].body == body

    participant = app.test_client()
    refused = participant.post("/sign-in", data={"email": "participant@example.org",
                                                 "password": DEFAULT_PASSWORD})
    assert refused.status_code == 200
    assert participant.post("/sign-in", data={"email": "PAT.NEW@example.gov.bb",
                                              "password": DEFAULT_PASSWORD}).status_code == 302
    soup = page(participant.get("/profile"))
    assert text(soup.find(id="profile-email")) == "pat.new@example.gov.bb"
    # The profile's advice holds: administrators can correct the address.
    assert "ask the programme's administrators" in text(soup.find(id="profile-email-hint"))


def test_another_accounts_address_is_refused_by_name_and_nothing_typed_is_lost(
        client, world, sign_in_as):
    sign_in_as("admin")
    response = client.post(_edit(world), data=_form(
        name="Patricia Participant", email="OUTSIDER@example.org",
        organisation="Ministry of Health", country="JM"))
    assert response.status_code == 200
    soup = page(response)
    assert text(soup.find(id="email-error")) == (
        "Error: outsider@example.org is already the address of another account, Olu Outsider: "
        "each address signs in one account.")
    assert "Olu Outsider" in text(soup.select_one(".error-summary"))
    assert soup.find(id="name")["value"] == "Patricia Participant"
    assert soup.find(id="email")["value"] == "OUTSIDER@example.org"
    assert soup.find(id="organisation")["value"] == "Ministry of Health"
    assert soup.find("select", id="country").find("option", selected=True)["value"] == "JM"
    enrolled = _reload(world.users["enrolled"])
    assert (enrolled.name, enrolled.email) == ("Pat Participant", "participant@example.org")
    assert mail.outbox == []


def test_their_own_address_in_another_letter_case_is_no_clash_and_no_change(
        client, world, sign_in_as):
    sign_in_as("admin")
    response = client.post(_edit(world), data=_form(email="Participant@Example.org"),
                           follow_redirects=True)
    assert _messages(page(response)) == [
        "Note: Nothing was changed: the details of Pat Participant are as they were."]
    assert mail.outbox == []


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"name": "", "email": "pat@example.org"}, "name", "Enter their name."),
    ({"email": ""}, "email", "Enter their email address."),
    ({"email": "not an address"}, "email", "Enter an email address like name@example.org."),
    ({"country": "Atlantis"}, "country", "“Atlantis” is not a country or territory on the list."),
    ({"organisation": "x" * 161}, "organisation", "Use at most 160 characters."),
])
def test_bad_input_is_explained_beside_its_field(client, world, sign_in_as, changes, field,
                                                 message):
    sign_in_as("admin")
    response = client.post(_edit(world), data=_form(**{
        "name": "Patricia", "organisation": "Ministry of Health", **changes}))
    assert response.status_code == 200
    soup = page(response)
    assert message in text(soup.find(id=f"{field}-error"))
    # What was typed in the other fields is still there to send again.
    kept = {"name": "Patricia", "organisation": "Ministry of Health"}
    for name, value in kept.items():
        if name != field:
            assert soup.find(id=name)["value"] == value
    assert _reload(world.users["enrolled"]).name == "Pat Participant"
    assert mail.outbox == []


def test_choosing_a_country_ends_the_text_kept_from_before_the_list(client, db, world,
                                                                    sign_in_as):
    outsider = world.users["outsider"]
    outsider.country_as_entered = "Atlantis"
    db.session.commit()
    sign_in_as("admin")
    soup = page(client.get(_edit(world, "outsider")))
    assert "They had written “Atlantis”" in text(soup.find(id="country-hint"))
    client.post(_edit(world, "outsider"), data={"name": "Olu Outsider",
                                                "email": "outsider@example.org",
                                                "organisation": "", "country": "TT"})
    outsider = _reload(outsider)
    assert (outsider.country, outsider.country_as_entered) == ("TT", "")


def test_the_edit_is_recorded_in_the_log_without_the_values(client, world, sign_in_as, caplog):
    sign_in_as("admin")
    with caplog.at_level(logging.INFO):
        client.post(_edit(world), data=_form(email="pat.new@example.gov.bb",
                                             organisation="Ministry of Health"))
    admin, enrolled = world.users["admin"], world.users["enrolled"]
    assert (f"User {admin.id} changed the email, organisation of user {enrolled.id}."
            in caplog.messages)
    assert not [m for m in caplog.messages if "pat.new@" in m]


def test_editing_needs_the_csrf_token(csrf_app, client, auth, world):
    auth.login("admin@example.org")
    assert client.post(_edit(world), data=_form(name="Forged")).status_code == 400
    assert _reload(world.users["enrolled"]).name == "Pat Participant"
    token = csrf_token(client, _edit(world))
    response = client.post(_edit(world), data={**_form(name="Patricia"), "csrf_token": token})
    assert response.status_code == 302
    assert _reload(world.users["enrolled"]).name == "Patricia"
