"""The rules of correcting someone's details: what changed, a unique address, who is told."""

import pytest

from learning.accounts import emails, users
from learning.accounts.errors import EmailTakenError
from tests.factories import make_user


@pytest.fixture
def people(app, db):
    pat = make_user("pat@example.org", name="Pat Participant", organisation="Finance",
                    country="BB")
    olu = make_user("olu@example.org", name="Olu Outsider")
    admin = make_user("admin@example.org", "admin", name="Ada Admin")
    db.session.commit()
    return pat, olu, admin


def change(user, by, **fields):
    values = {"name": user.name, "email": user.email, "organisation": user.organisation,
              "country": user.country}
    values.update(fields)
    return users.change_details(user, by=by, **values)


def test_only_what_differs_is_a_change(people):
    pat, _olu, admin = people
    assert change(pat, admin).changed == {}
    assert change(pat, admin, email=" PAT@Example.org ").changed == {}
    found = change(pat, admin, name="Patricia", country="JM")
    assert found.changed == {"name": ("Pat Participant", "Patricia"), "country": ("BB", "JM")}
    assert not found.email_changed
    assert (pat.name, pat.country) == ("Patricia", "JM")


def test_a_new_address_is_stored_as_every_address_is(people):
    pat, _olu, admin = people
    found = change(pat, admin, email=" Pat.New@Example.ORG")
    assert found.email_changed
    assert found.previous_email == "pat@example.org"
    assert pat.email == "pat.new@example.org"


def test_another_accounts_address_is_refused_naming_it(people):
    pat, olu, admin = people
    assert users.email_clash(pat, "PAT@example.org") is None
    assert users.email_clash(pat, "nobody@example.org") is None
    assert users.email_clash(pat, "Olu@Example.org") == (
        "olu@example.org is already the address of another account, Olu Outsider: each "
        "address signs in one account.")
    with pytest.raises(EmailTakenError, match="Olu Outsider"):
        change(pat, admin, email="OLU@example.org")


def test_the_unique_constraint_catches_an_address_taken_a_moment_ago(people, monkeypatch):
    pat, _olu, admin = people
    monkeypatch.setattr(users, "email_clash", lambda user, email: None)
    with pytest.raises(EmailTakenError, match="olu@example.org"):
        change(pat, admin, email="olu@example.org")


def test_a_country_off_the_list_is_refused(people):
    pat, _olu, admin = people
    with pytest.raises(ValueError, match="Atlantis"):
        change(pat, admin, country="Atlantis")


def test_the_old_address_and_the_new_are_told(people, outbox):
    pat, _olu, admin = people
    emails.send_details_changed(change(pat, admin, organisation="Finance"))
    assert outbox == []
    emails.send_details_changed(change(pat, admin, organisation="Health"))
    assert [m.to for m in outbox] == ["pat@example.org"]
    assert "- Organisation: Finance, now Health" in outbox[0].body
    outbox.clear()
    emails.send_details_changed(change(pat, admin, email="pat@example.gov.bb",
                                         country=""))
    assert [m.to for m in outbox] == ["pat@example.org", "pat@example.gov.bb"]
    assert "- Country: Barbados, now not given" in outbox[0].body
