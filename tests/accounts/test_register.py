import pytest
from sqlalchemy import func, select

from learning.accounts.models import User, UserSession
from tests.accounts.conftest import STRONG_PASSWORD
from tests.conftest import page
from tests.factories import make_user


def user_count(db):
    return db.session.scalar(select(func.count(User.id)))


def errors_on(response):
    soup = page(response)
    summary = soup.select_one(".error-summary")
    return [li.get_text(" ", strip=True) for li in summary.select("li")] if summary else []


def test_register_page_shows_the_fields_and_the_password_rule(client):
    soup = page(client.get("/register"))
    assert soup.h1.get_text(strip=True) == "Create an account"
    for name in ("name", "email", "organisation", "country", "job_title", "password", "confirm"):
        field = soup.find(["input", "select"], attrs={"name": name})
        assert field is not None
        assert soup.find("label", attrs={"for": field["id"]}) is not None
    hint = soup.find(id="password-hint")
    assert "12 to 128 characters" in hint.get_text()
    assert soup.find(id="password")["aria-describedby"] == "password-hint"


def test_register_creates_the_account_and_asks_to_sign_in(client, db, outbox, registration):
    response = client.post("/register", data=registration)
    assert response.status_code == 302
    assert response.headers["Location"] == "/sign-in?next=/cohorts/join"

    user = db.session.scalar(select(User).where(User.email == "ada@example.gov"))
    assert user.name == "Ada Official"
    assert user.organisation == "Ministry of Public Service"
    assert user.country == "BB"
    assert user.job_title == "Director of Training"
    assert user.role_names == {"participant"}
    assert user.password_hash != STRONG_PASSWORD
    # Not signed in: a taken address could not be, and the answers must not differ.
    assert db.session.scalar(select(func.count(UserSession.id))) == 0
    assert [m.to for m in outbox] == ["ada@example.gov"]

    soup = page(client.get(response.headers["Location"]))
    assert soup.h1.get_text(strip=True) == "Sign in"
    assert "Check your email" in soup.select_one(".message-info").get_text()
    response = client.post("/sign-in", data={"email": "ada@example.gov",
                                              "password": STRONG_PASSWORD,
                                              "next": "/cohorts/join"})
    assert response.headers["Location"] == "/cohorts/join"


def test_register_stores_the_email_lower_case_and_trimmed(client, db, registration):
    registration["email"] = "  Ada@Example.GOV "
    client.post("/register", data=registration)
    assert db.session.scalar(select(User.email)) == "ada@example.gov"


def test_register_goes_back_to_a_safe_next(client, registration):
    registration["next"] = "/cohorts/join?code=JOINME2024"
    response = client.post("/register", data=registration)
    assert response.headers["Location"] == "/sign-in?next=/cohorts/join?code%3DJOINME2024"


@pytest.mark.parametrize("target", ["//evil.example", "https://evil.example/", "/\\evil.example"])
def test_register_ignores_an_unsafe_next(client, registration, target):
    registration["next"] = target
    response = client.post("/register", data=registration)
    assert response.headers["Location"] == "/sign-in?next=/cohorts/join"


def test_register_keeps_next_from_the_query_string_in_the_form(client):
    soup = page(client.get("/register?next=/cohorts/join%3Fcode%3DABC"))
    assert soup.find("input", attrs={"name": "next"})["value"] == "/cohorts/join?code=ABC"


@pytest.mark.parametrize("email", ["participant@example.org", "PARTICIPANT@Example.org"])
def test_register_with_a_taken_email_says_nothing_of_it(client, db, outbox, registration,
                                                        email):
    make_user("participant@example.org")
    db.session.commit()
    registration["email"] = email
    response = client.post("/register", data=registration)
    assert response.status_code == 302
    assert response.headers["Location"] == "/sign-in?next=/cohorts/join"
    assert user_count(db) == 1
    text = page(client.get(response.headers["Location"])).get_text()
    assert "already" not in text
    assert "Check your email" in text
    assert [m.to for m in outbox] == ["participant@example.org"]


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short pass", "at least 12 characters"),
        ("x" * 129, "at most 128 characters"),
        ("QWERTY123456", "too common"),
        ("ada@example.gov", "email address"),
    ],
)
def test_register_refuses_a_weak_password(client, db, registration, password, message):
    registration["password"] = registration["confirm"] = password
    response = client.post("/register", data=registration)
    assert response.status_code == 200
    assert user_count(db) == 0
    soup = page(response)
    error = soup.find(id="password-error")
    assert message in error.get_text()
    assert soup.find(id="password")["aria-invalid"] == "true"
    # Passwords are never sent back.
    assert not soup.find(id="password").get("value")


def test_register_accepts_a_long_password_without_composition_rules(client, db, registration):
    registration["password"] = registration["confirm"] = "a" * 40 + " plain lower case words"
    response = client.post("/register", data=registration)
    assert response.status_code == 302
    assert user_count(db) == 1


def test_register_refuses_a_confirmation_that_differs(client, db, registration):
    registration["confirm"] = registration["password"] + "!"
    response = client.post("/register", data=registration)
    assert user_count(db) == 0
    assert "not the same" in page(response).find(id="confirm-error").get_text()


def test_register_missing_fields_keep_what_was_typed(client, db, registration):
    registration["name"] = ""
    registration["country"] = "   "
    response = client.post("/register", data=registration)
    assert response.status_code == 200
    assert user_count(db) == 0
    soup = page(response)
    assert soup.find(id="name-error") is not None
    assert soup.find(id="country-error") is not None
    assert soup.find(id="email")["value"] == "ada@example.gov"
    assert soup.find(id="organisation")["value"] == "Ministry of Public Service"
    assert soup.find(id="job_title")["value"] == "Director of Training"
    assert not soup.find(id="password").get("value")
    summary = [a["href"] for a in soup.select(".error-summary a")]
    assert "#name" in summary and "#country" in summary


@pytest.mark.parametrize(
    ("field", "limit"),
    [("name", 200), ("email", 254), ("organisation", 160), ("job_title", 120)],
)
def test_register_refuses_overlong_values(client, db, registration, field, limit):
    registration[field] = ("a" * (limit - 11) + "@example.gov") if field == "email" else "a" * (
        limit + 1
    )
    response = client.post("/register", data=registration)
    assert response.status_code == 200
    assert user_count(db) == 0
    soup = page(response)
    assert soup.find(id=f"{field}-error") is not None
    assert soup.find(id=field)["maxlength"] == str(limit)


def test_register_keeps_a_long_name_whole(client, db, registration):
    name = ("Maria-Fernanda Alejandra Guadalupe de los Santos Rodríguez-Villanueva "
            "Castellanos y Montenegro-Hernández de la Santa Trinidad Pi")
    assert len(name) == 128
    registration["name"] = name
    assert client.post("/register", data=registration).status_code == 302
    assert db.session.scalar(select(User.name)) == name


def test_register_refuses_a_malformed_email(client, db, registration):
    registration["email"] = "not-an-address"
    response = client.post("/register", data=registration)
    assert user_count(db) == 0
    assert "name@example.org" in page(response).find(id="email-error").get_text()


def test_hostile_name_is_escaped_on_the_profile_page(client, db, outbox, registration):
    registration["name"] = '<script>alert("x")</script>'
    client.post("/register", data=registration)
    client.post("/sign-in", data={"email": "ada@example.gov", "password": STRONG_PASSWORD})
    response = client.get("/profile")
    body = response.get_data(as_text=True)
    assert "<script>alert" not in body
    soup = page(response)
    assert soup.find("script") is None
    assert soup.find(id="name")["value"] == '<script>alert("x")</script>'


def test_signed_in_user_is_sent_away_from_register(client, auth, db):
    make_user()
    db.session.commit()
    auth.login()
    response = client.get("/register")
    assert response.status_code == 302
    assert response.headers["Location"] == "/learning"


def test_error_summary_lists_problems_in_page_order(client):
    response = client.post("/register", data={"password": "x", "confirm": "y"})
    hrefs = [a["href"] for a in page(response).select(".error-summary a")]
    assert hrefs == ["#name", "#email", "#organisation", "#country", "#password", "#confirm"]


def test_the_country_is_chosen_from_the_list_caribbean_first(client):
    select_ = page(client.get("/register")).find("select", id="country")
    assert select_["autocomplete"] == "country"
    first = select_.find("option")
    assert (first["value"], first.get_text()) == ("", "Choose a country")
    groups = select_.find_all("optgroup")
    assert [group["label"] for group in groups] == ["Caribbean", "Other countries and territories"]
    caribbean = [(o["value"], o.get_text()) for o in groups[0].find_all("option")]
    assert ("BB", "Barbados") in caribbean and ("JM", "Jamaica") in caribbean
    assert caribbean[0] == ("AI", "Anguilla")
    others = [o["value"] for o in groups[1].find_all("option")]
    assert len(caribbean) + len(others) == 249
    assert others[:2] == ["AF", "AX"]  # Afghanistan, Åland Islands


@pytest.mark.parametrize("typed", ["barbados", " Barbados ", "BRB", "bb"])
def test_a_country_sent_as_a_name_or_code_is_stored_as_its_code(client, db, registration, typed):
    registration["country"] = typed
    assert client.post("/register", data=registration).status_code == 302
    assert db.session.scalar(select(User.country)) == "BB"


@pytest.mark.parametrize("typed", ["Atlantis", "XK", "EU", "a" * 81])
def test_an_unknown_country_is_an_error_beside_the_field(client, db, registration, typed):
    registration["country"] = typed
    response = client.post("/register", data=registration)
    assert response.status_code == 200
    assert user_count(db) == 0
    soup = page(response)
    error = soup.find(id="country-error").get_text(" ", strip=True)
    assert "is not a country or territory on the list" in error
    assert soup.find(id="country")["aria-invalid"] == "true"
    assert [a["href"] for a in soup.select(".error-summary a")] == ["#country"]
    assert soup.select_one("#country option[selected]") is None
    # What was typed is kept on the form (the name and organisation too).
    assert soup.find(id="organisation")["value"] == "Ministry of Public Service"


def test_no_country_is_an_error_beside_the_field(client, db, registration):
    registration["country"] = ""
    response = client.post("/register", data=registration)
    assert user_count(db) == 0
    error = page(response).find(id="country-error").get_text(" ", strip=True)
    assert "Choose your country from the list" in error


def test_country_names_follow_the_page_s_language(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "LANGUAGES", ["en_GB", "fr"])
    select_ = page(client.get("/register", headers={"Accept-Language": "fr"})).find(
        "select", id="country")
    caribbean = select_.find("optgroup")
    assert caribbean["label"] == "Caraïbes"
    assert caribbean.find("option", value="BB").get_text() == "Barbade"
    assert caribbean.find("option", value="TT").get_text() == "Trinité-et-Tobago"
