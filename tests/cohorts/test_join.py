"""Joining a cohort with its code."""

from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import func, select

from learning.cohorts.joining import normalise_join_code
from learning.cohorts.models import Enrolment
from tests.conftest import page


def enrolments(db, user, cohort):
    return db.session.scalar(select(func.count(Enrolment.id)).where(
        Enrolment.user_id == user.id, Enrolment.cohort_id == cohort.id))


def code_input(soup):
    return soup.find("input", attrs={"name": "code"})


def errors(soup):
    return [p.get_text(" ", strip=True) for p in soup.select(".field .error")]


def messages(soup):
    return [p.get_text(" ", strip=True) for p in soup.select(".messages .message")]


@pytest.mark.parametrize(("typed", "stored"), [
    ("JOINME2024", "JOINME2024"),
    ("joinme2024", "JOINME2024"),
    ("  join me 2024 ", "JOINME2024"),
    ("join-me-2024", "JOINME2024"),
    ("JOIN\u2013ME 2024", "JOINME2024"),
    ("", ""),
])
def test_normalise_join_code(typed, stored):
    assert normalise_join_code(typed) == stored


def test_anonymous_visitor_with_a_code_is_sent_to_sign_in_and_back(client, world):
    response = client.get("/cohorts/join?code=JOINME2024")
    assert response.status_code == 302
    location = urlsplit(response.headers["Location"])
    assert location.path == "/sign-in"
    assert parse_qs(location.query)["next"] == ["/cohorts/join?code=JOINME2024"]


def test_join_form_is_prefilled_from_the_link(client, world, sign_in_as):
    sign_in_as("outsider")
    soup = page(client.get("/cohorts/join?code=JOINME2024"))
    assert code_input(soup)["value"] == "JOINME2024"
    label = soup.find("label", attrs={"for": code_input(soup)["id"]})
    assert label.get_text(strip=True) == "Join code"


@pytest.mark.parametrize("typed", ["JOINME2024", "joinme2024", " join me 2024 ", "Join-Me-2024"])
def test_join_with_a_good_code(client, db, world, sign_in_as, typed):
    sign_in_as("outsider")
    response = client.post("/cohorts/join", data={"code": typed})
    assert response.status_code == 302
    assert response.headers["Location"] == "/courses/mindsets"
    assert enrolments(db, world.users["outsider"], world.cohort) == 1
    soup = page(client.get("/courses/mindsets"))
    assert messages(soup) == ["Note: You have joined Cohort A. Welcome to Changing mindsets."]


def test_joining_grants_the_participant_role(client, db, world, sign_in_as):
    # The other facilitator holds only the facilitator role.
    sign_in_as("other_facilitator")
    client.post("/cohorts/join", data={"code": "JOINME2024"})
    user = world.users["other_facilitator"]
    db.session.refresh(user)
    assert user.role_names == {"facilitator", "participant"}


@pytest.mark.parametrize(("typed", "message"), [
    ("NOSUCHCODE", "There is no cohort with this code."),
    ("", "Enter the join code you were given."),
    ("X" * 41, "Use at most 40 characters."),
    ("<script>alert(1)</script>", "There is no cohort with this code."),
])
def test_join_with_a_bad_code_says_so_and_keeps_what_was_typed(client, db, world, sign_in_as,
                                                               typed, message):
    sign_in_as("outsider")
    response = client.post("/cohorts/join", data={"code": typed})
    assert response.status_code == 200
    soup = page(response)
    assert any(message in error for error in errors(soup))
    assert code_input(soup).get("value", "") == typed
    assert code_input(soup)["aria-invalid"] == "true"
    assert soup.select_one(".error-summary")
    assert soup.main.find("script") is None
    assert enrolments(db, world.users["outsider"], world.cohort) == 0


def test_join_a_closed_cohort(client, db, world, sign_in_as):
    world.cohort.is_open = False
    db.session.commit()
    sign_in_as("outsider")
    soup = page(client.post("/cohorts/join", data={"code": "joinme2024"}))
    assert any("closed to new participants" in error for error in errors(soup))
    assert code_input(soup)["value"] == "joinme2024"
    assert enrolments(db, world.users["outsider"], world.cohort) == 0


def test_a_cohort_of_an_unpublished_course_cannot_be_joined(client, db, world, sign_in_as):
    sign_in_as("outsider")
    soup = page(client.post("/cohorts/join", data={"code": "DRAFTCODE1"}))
    assert any("closed to new participants" in error for error in errors(soup))
    assert enrolments(db, world.users["outsider"], world.draft_cohort) == 0


def test_joining_twice_makes_no_duplicate(client, db, world, sign_in_as):
    sign_in_as("enrolled")
    response = client.post("/cohorts/join", data={"code": "JOINME2024"})
    assert response.headers["Location"] == "/courses/mindsets"
    soup = page(client.get("/courses/mindsets"))
    assert messages(soup) == ["Note: You are already in Cohort A."]
    assert enrolments(db, world.users["enrolled"], world.cohort) == 1


def test_joined_participant_sees_the_course(client, db, world, sign_in_as):
    sign_in_as("outsider")
    assert client.get("/courses/mindsets").status_code == 403
    client.post("/cohorts/join", data={"code": "JOINME2024"})
    assert client.get("/courses/mindsets").status_code == 200
    soup = page(client.get("/learning"))
    assert [a.get_text(strip=True) for a in soup.select("li.card h2 a")] == ["Changing mindsets"]


def test_join_is_refused_without_a_csrf_token(app, client, db, world, sign_in_as):
    sign_in_as("outsider")
    app.config["WTF_CSRF_ENABLED"] = True
    response = client.post("/cohorts/join", data={"code": "JOINME2024"})
    assert response.status_code == 400
    assert enrolments(db, world.users["outsider"], world.cohort) == 0

