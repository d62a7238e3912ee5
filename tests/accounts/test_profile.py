import pytest
from sqlalchemy import select

from learning.accounts.models import User, UserSession
from learning.accounts.passwords import verify_password
from tests.accounts.conftest import STRONG_PASSWORD
from tests.conftest import DEFAULT_PASSWORD, page
from tests.factories import make_user


@pytest.fixture
def user(db):
    user = make_user("pat@example.org", organisation="Ministry", country="JM",
                     job_title="Analyst")
    db.session.commit()
    return user


@pytest.mark.parametrize("path", ["/profile", "/profile/password"])
def test_profile_pages_need_sign_in(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response.headers["Location"] == f"/sign-in?next={path.replace('/', '%2F')}"


def test_profile_shows_the_details_and_the_email_read_only(client, auth, user):
    auth.login("pat@example.org")
    soup = page(client.get("/profile"))
    assert soup.find(id="profile-email").get_text(strip=True) == "pat@example.org"
    assert soup.find("input", attrs={"name": "email"}) is None
    assert soup.find(id="name")["value"] == "Pat Participant"
    assert soup.find(id="organisation")["value"] == "Ministry"
    assert soup.select_one("#country option[selected]")["value"] == "JM"
    assert soup.select_one("#country option[selected]").get_text() == "Jamaica"
    assert soup.find(id="job_title")["value"] == "Analyst"
    assert soup.find("a", href="/profile/password") is not None


def test_profile_edit_saves(client, auth, db, user):
    auth.login("pat@example.org")
    response = client.post("/profile", data={
        "name": " Pat Renamed ", "organisation": "Cabinet Office", "country": "BZ",
        "job_title": "", "email": "attacker@example.org",
    })
    assert response.headers["Location"] == "/profile"
    db.session.expire_all()
    user = db.session.get(User, user.id)
    assert (user.name, user.organisation, user.country, user.job_title) == (
        "Pat Renamed", "Cabinet Office", "BZ", "",
    )
    assert user.email == "pat@example.org"
    assert "saved" in page(client.get("/profile")).select_one(".message-success").get_text()


def test_profile_edit_with_bad_values_changes_nothing(client, auth, db, user):
    auth.login("pat@example.org")
    response = client.post("/profile", data={
        "name": "", "organisation": "x" * 161, "country": "BZ", "job_title": "Lead",
    })
    assert response.status_code == 200
    soup = page(response)
    assert soup.find(id="name-error") is not None
    assert soup.find(id="organisation-error") is not None
    assert soup.select_one("#country option[selected]")["value"] == "BZ"
    assert soup.find(id="job_title")["value"] == "Lead"
    db.session.expire_all()
    assert db.session.get(User, user.id).country == "JM"


def test_profile_refuses_an_unknown_country(client, auth, db, user):
    auth.login("pat@example.org")
    response = client.post("/profile", data={"name": "Pat", "organisation": "Ministry",
                                              "country": "Atlantis"})
    assert response.status_code == 200
    error = page(response).find(id="country-error").get_text(" ", strip=True)
    assert "“Atlantis” is not a country or territory on the list" in error
    db.session.expire_all()
    assert db.session.get(User, user.id).country == "JM"


def test_text_kept_from_before_the_list_is_shown_until_a_country_is_chosen(
        client, auth, db):
    user = make_user("kim@example.org", organisation="Ministry", country="",
                     country_as_entered="Atlantis")
    db.session.commit()
    auth.login("kim@example.org")
    soup = page(client.get("/profile"))
    assert "You had written “Atlantis”" in soup.find(id="country-hint").get_text()
    assert soup.select_one("#country option[selected]")["value"] == ""

    client.post("/profile", data={"name": "Kim", "organisation": "Ministry", "country": "TT"})
    db.session.expire_all()
    user = db.session.get(User, user.id)
    assert (user.country, user.country_as_entered) == ("TT", "")
    assert page(client.get("/profile")).find(id="country-hint") is None


def test_change_password_keeps_this_session_and_ends_the_others(app, client, auth, db, user):
    auth.login("pat@example.org")
    elsewhere = app.test_client()
    elsewhere.post("/sign-in", data={"email": "pat@example.org", "password": DEFAULT_PASSWORD})
    assert elsewhere.get("/profile").status_code == 200

    response = client.post("/profile/password", data={
        "current_password": DEFAULT_PASSWORD, "password": STRONG_PASSWORD,
        "confirm": STRONG_PASSWORD,
    })
    assert response.headers["Location"] == "/profile"
    soup = page(client.get("/profile"))
    assert "signed out everywhere else" in soup.select_one(".message-success").get_text()

    assert elsewhere.get("/profile").status_code == 302
    db.session.expire_all()
    assert verify_password(db.session.get(User, user.id).password_hash, STRONG_PASSWORD)
    open_sessions = db.session.scalars(
        select(UserSession).where(UserSession.ended_at.is_(None))
    ).all()
    assert len(open_sessions) == 1


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"current_password": "wrong wrong wrong", "password": STRONG_PASSWORD,
          "confirm": STRONG_PASSWORD}, "current_password", "not right"),
        ({"current_password": DEFAULT_PASSWORD, "password": "too short",
          "confirm": "too short"}, "password", "at least 12"),
        ({"current_password": DEFAULT_PASSWORD, "password": "1qaz2wsx3edc",
          "confirm": "1qaz2wsx3edc"}, "password", "too common"),
        ({"current_password": DEFAULT_PASSWORD, "password": STRONG_PASSWORD,
          "confirm": STRONG_PASSWORD + "x"}, "confirm", "not the same"),
    ],
)
def test_change_password_refusals_change_nothing(client, auth, db, user, data, field, message):
    auth.login("pat@example.org")
    response = client.post("/profile/password", data=data)
    assert response.status_code == 200
    assert message in page(response).find(id=f"{field}-error").get_text()
    db.session.expire_all()
    assert verify_password(db.session.get(User, user.id).password_hash, DEFAULT_PASSWORD)
