"""Countries to fix: text typed before countries came from a list, where it names none."""

import pytest

from learning.accounts.models import User
from learning.database import db as _db
from tests.catalog.world import make_user
from tests.conftest import page


def text(tag):
    return tag.get_text(" ", strip=True)


def messages(soup):
    return [text(p) for p in soup.select(".messages .message")]


@pytest.fixture
def to_fix(db):
    """Two people whose text named no country (as the migration leaves them)."""
    people = [make_user("atlantis@example.org", name="Ana Atlantis", country_as_entered="Atlantis"),
              make_user("markup@example.org", name="Mo Markup",
                        country_as_entered="<b>Barbadoes</b>")]
    _db.session.commit()
    return people


def fix_rows(soup):
    return [(text(row.th), text(row.select_one("td.as-entered")))
            for row in soup.select("table.countries-to-fix tbody tr")]


def test_the_users_page_says_how_many_countries_are_to_fix(client, world, sign_in_as):
    sign_in_as("admin")
    assert page(client.get("/admin/users")).select_one(".countries-to-fix-notice") is None
    for n in range(2):
        make_user(f"fix{n}@example.org", country_as_entered="Narnia")
    _db.session.commit()
    notice = page(client.get("/admin/users")).select_one(".countries-to-fix-notice")
    assert text(notice).startswith("2 people have a country to fix")
    assert notice.a["href"] == "/admin/countries"


def test_the_list_shows_each_person_with_what_they_wrote(client, world, to_fix, sign_in_as):
    sign_in_as("admin")
    response = client.get("/admin/countries")
    soup = page(response)
    assert fix_rows(soup) == [("Ana Atlantis", "Atlantis"), ("Mo Markup", "<b>Barbadoes</b>")]
    assert "<b>Barbadoes</b>" not in response.get_data(as_text=True)  # escaped, as text
    links = [a["href"] for a in soup.select("table.countries-to-fix a")
             if "Choose" in a.get_text()]
    assert links == [f"/admin/users/{person.id}/country" for person in to_fix]


def test_an_admin_chooses_the_country_and_the_text_is_no_longer_kept(client, world, to_fix,
                                                                     sign_in_as):
    sign_in_as("admin")
    atlantis, markup = to_fix
    soup = page(client.get(f"/admin/users/{atlantis.id}/country"))
    assert text(soup.select_one(".as-entered")) == "Atlantis"
    assert soup.select_one("#country optgroup")["label"] == "Caribbean"

    response = client.post(f"/admin/users/{atlantis.id}/country", data={"country": "BB"})
    assert response.headers["Location"] == "/admin/countries"  # another is still to fix
    soup = page(client.get(response.headers["Location"]))
    assert messages(soup) == ["Note: The country of Ana Atlantis is now Barbados."]
    assert fix_rows(soup) == [("Mo Markup", "<b>Barbadoes</b>")]
    _db.session.expire_all()
    person = _db.session.get(User, atlantis.id)
    assert (person.country, person.country_as_entered) == ("BB", "")

    response = client.post(f"/admin/users/{markup.id}/country", data={"country": "BB"})
    assert response.headers["Location"] == f"/admin/users/{markup.id}"  # nothing left
    soup = page(client.get("/admin/countries"))
    assert "Nothing to fix" in text(soup.main)


@pytest.mark.parametrize("chosen", ["", "Atlantis", "ZZ"])
def test_no_country_or_an_unknown_one_is_an_error_and_changes_nothing(client, world, to_fix,
                                                                      sign_in_as, chosen):
    sign_in_as("admin")
    person = to_fix[0]
    response = client.post(f"/admin/users/{person.id}/country", data={"country": chosen})
    assert response.status_code == 200
    assert page(response).find(id="country-error") is not None
    _db.session.expire_all()
    person = _db.session.get(User, person.id)
    assert (person.country, person.country_as_entered) == ("", "Atlantis")


def test_the_user_page_shows_the_country_s_name_or_what_is_to_fix(client, world, to_fix,
                                                                   sign_in_as):
    sign_in_as("admin")

    def country(user_id):
        soup = page(client.get(f"/admin/users/{user_id}"))
        details = dict(zip([text(d) for d in soup.select("dl.details dt")],
                           soup.select("dl.details dd"), strict=True))
        return details["Country"]

    assert text(country(world.users["enrolled"].id)) == "Barbados"
    assert text(country(world.users["outsider"].id)) == "Not given"
    shown = country(to_fix[0].id)
    assert "they wrote “Atlantis”" in text(shown)
    assert shown.a["href"] == f"/admin/users/{to_fix[0].id}/country"


def test_a_new_account_s_country_is_optional_and_from_the_list(client, world, sign_in_as):
    sign_in_as("admin")
    form = {"email": "new@example.org", "name": "Nia New", "role": "participant"}
    soup = page(client.get("/admin/users/new"))
    assert soup.select_one("#country option")["value"] == ""
    assert text(soup.select_one("#country option")) == "Not given"

    response = client.post("/admin/users/new", data={**form, "country": "Atlantis"})
    assert response.status_code == 200
    error = text(page(response).find(id="country-error"))
    assert "“Atlantis” is not a country or territory on the list" in error
    assert _db.session.query(User).filter_by(email="new@example.org").count() == 0

    response = client.post("/admin/users/new", data={**form, "country": ""})
    assert response.status_code == 302
    assert _db.session.query(User).filter_by(email="new@example.org").one().country == ""
