"""The cohorts list, a new cohort and a cohort's page, for every role."""

import re
from datetime import date
from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select

from learning.cohorts import joining
from learning.cohorts.models import Cohort, Enrolment
from tests.catalog.world import make_user
from tests.conftest import page
from tests.factories import enrol, make_cohort, make_course

ROLES = ["enrolled", "outsider", "facilitator", "other_facilitator", "manager", "admin"]


def text(tag):
    return tag.get_text(" ", strip=True)


def table_rows(soup):
    """Each body row of the first table as {column heading: cell text}."""
    table = soup.find("table")
    headings = [text(th) for th in table.thead.find_all("th")]
    return [dict(zip(headings, [text(c) for c in row.find_all(["th", "td"])], strict=True))
            for row in table.tbody.find_all("tr")]


def status(client, path, follow=False):
    return client.get(path, follow_redirects=follow).status_code


@pytest.mark.parametrize("path", ["/cohorts", "/cohorts/new", "/cohorts/1"])
def test_anonymous_visitors_are_sent_to_sign_in(client, world, path):
    response = client.get(path)
    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == "/sign-in"


@pytest.mark.parametrize(("role", "index", "new", "cohort"), [
    ("enrolled", 403, 403, 403),
    ("outsider", 403, 403, 403),
    ("facilitator", 200, 200, 200),
    ("other_facilitator", 200, 200, 403),
    ("manager", 200, 403, 200),
    ("admin", 200, 200, 200),
])
def test_access_by_role(client, world, sign_in_as, role, index, new, cohort):
    sign_in_as(role)
    assert status(client, "/cohorts") == index
    assert status(client, "/cohorts/new") == new
    # Those who run the cohort are sent to its one page in the studio.
    assert status(client, f"/cohorts/{world.cohort.id}", follow=True) == cohort


@pytest.mark.parametrize(("role", "location"), [
    ("facilitator", "/studio/cohorts/{id}"), ("admin", "/studio/cohorts/{id}"),
    ("manager", None),
])
def test_those_who_run_the_cohort_go_to_its_one_page(client, world, sign_in_as, role,
                                                    location):
    sign_in_as(role)
    response = client.get(f"/cohorts/{world.cohort.id}")
    if location is None:
        assert response.status_code == 200
    else:
        assert response.status_code == 302
        assert response.headers["Location"] == location.format(id=world.cohort.id)


def test_unknown_cohort_is_not_found(client, world, sign_in_as):
    sign_in_as("admin")
    assert status(client, "/cohorts/99999") == 404


@pytest.mark.parametrize(("role", "expected"), [
    ("facilitator", [("Draft cohort", "A draft course", "0", "DRAFTCODE1"),
                     ("Cohort A", "Changing mindsets", "1", "JOINME2024")]),
    ("other_facilitator", []),
    ("manager", [("Cohort A", "Changing mindsets", "1", "Not shown")]),
    ("admin", [("Draft cohort", "A draft course", "1", "DRAFTCODE1"),
               ("Cohort A", "Changing mindsets", "1", "JOINME2024")]),
])
def test_index_lists_the_cohorts_each_role_may_see(client, db, world, sign_in_as, role, expected):
    # A participant of the draft cohort only, so that the counts differ between cohorts.
    db.session.delete(db.session.scalar(select(Enrolment).where(
        Enrolment.cohort_id == world.draft_cohort.id)))
    if role == "admin":
        enrol(world.users["outsider"], world.draft_cohort)
    db.session.commit()
    sign_in_as(role)
    soup = page(client.get("/cohorts"))
    if not expected:
        assert soup.find("table") is None
        assert "There are no cohorts for you to see yet." in text(soup.main)
        return
    rows = table_rows(soup)
    assert [(r["Cohort"], r["Course"], r["Participants"], r["Join code"]) for r in rows] == expected


def test_index_shows_dates_and_the_new_cohort_link_to_facilitators(client, db, world, sign_in_as):
    world.cohort.starts_on = date(2024, 2, 21)
    world.cohort.ends_on = date(2024, 3, 27)
    db.session.commit()
    sign_in_as("facilitator")
    soup = page(client.get("/cohorts"))
    rows = {r["Cohort"]: r for r in table_rows(soup)}
    assert rows["Cohort A"]["Dates"] == "21 Feb 2024 to 27 Mar 2024"
    assert rows["Draft cohort"]["Dates"] == "No dates set"
    assert soup.main.find("a", href="/cohorts/new")


def test_index_hides_the_new_cohort_link_from_managers(client, world, sign_in_as):
    sign_in_as("manager")
    assert page(client.get("/cohorts")).main.find("a", href="/cohorts/new") is None


def test_index_runs_the_same_queries_however_many_cohorts(client, db, world, sign_in_as,
                                                          count_queries):
    sign_in_as("admin")
    with count_queries() as few:
        assert client.get("/cohorts").status_code == 200
    for n in range(5):
        # Each of its own course, so that no course is already in the session's identity map.
        cohort = make_cohort(make_course(f"extra-{n}"), f"Extra {n}", f"EXTRACODE{n}")
        enrol(make_user(f"extra{n}@example.org"), cohort)
    db.session.commit()
    db.session.expunge_all()
    with count_queries() as many:
        soup = page(client.get("/cohorts"))
    assert len(table_rows(soup)) == 7
    assert few.count > 0
    assert many.count == few.count


def test_new_cohort_form_offers_only_the_facilitators_courses(client, world, sign_in_as):
    sign_in_as("facilitator")
    soup = page(client.get("/cohorts/new"))
    options = [text(o) for o in soup.find("select", attrs={"name": "course"}).find_all("option")]
    assert options == ["A draft course", "Changing mindsets"]
    for name in ("name", "starts_on", "ends_on"):
        field = soup.find("input", attrs={"name": name})
        assert soup.find("label", attrs={"for": field["id"]})
    assert soup.find("input", attrs={"name": "starts_on"})["type"] == "date"


def test_create_a_cohort(client, db, world, sign_in_as):
    sign_in_as("facilitator")
    response = client.post("/cohorts/new", data={
        "name": "Ministry of Finance, spring", "course": world.course.id,
        "starts_on": "2024-02-21", "ends_on": "2024-03-27",
    })
    cohort = db.session.scalar(select(Cohort).where(Cohort.name == "Ministry of Finance, spring"))
    assert response.status_code == 302
    assert response.headers["Location"] == f"/studio/cohorts/{cohort.id}"
    assert cohort.course_id == world.course.id
    assert (cohort.starts_on, cohort.ends_on) == (date(2024, 2, 21), date(2024, 3, 27))
    assert cohort.is_open
    assert re.fullmatch(f"[{joining.JOIN_CODE_ALPHABET}]{{10}}", cohort.join_code)
    soup = page(client.get(response.headers["Location"]))
    assert text(soup.h1) == "Run cohort Ministry of Finance, spring"
    assert cohort.join_code in text(soup.select_one(".messages"))
    assert text(soup.select_one("code.join-code")) == cohort.join_code


@pytest.mark.parametrize(("data", "field", "message"), [
    ({"ends_on": "2024-02-20"}, "ends_on", "The end date must be on or after the start date."),
    ({"name": ""}, "name", "Enter a name for the cohort."),
    ({"name": "x" * 121}, "name", "Use at most 120 characters."),
    ({"starts_on": ""}, "starts_on", "Enter the start date."),
    ({"starts_on": "21/02/2024"}, "starts_on", "Not a valid date value."),
    ({"course": "999"}, "course", "Not a valid choice."),
])
def test_new_cohort_validation(client, db, world, sign_in_as, data, field, message):
    sign_in_as("facilitator")
    form = {"name": "Spring", "course": str(world.course.id),
            "starts_on": "2024-02-21", "ends_on": "2024-03-27", **data}
    before = db.session.scalar(select(func.count(Cohort.id)))
    response = client.post("/cohorts/new", data=form)
    assert response.status_code == 200
    soup = page(response)
    assert text(soup.find(id=f"{field}-error")) == f"Error: {message}"
    assert soup.find("input", attrs={"name": "name"}).get("value", "") == form["name"]
    if field != "starts_on":
        assert soup.find("input", attrs={"name": "starts_on"})["value"] == form["starts_on"]
    assert db.session.scalar(select(func.count(Cohort.id))) == before


def test_a_facilitator_cannot_create_a_cohort_of_another_course(client, db, world, sign_in_as):
    sign_in_as("other_facilitator")
    response = client.post("/cohorts/new", data={
        "name": "Sneaky", "course": world.course.id,
        "starts_on": "2024-02-21", "ends_on": "2024-03-27",
    })
    assert response.status_code == 200
    assert db.session.scalar(select(Cohort).where(Cohort.name == "Sneaky")) is None


def test_a_facilitator_without_courses_is_told_why(client, db, world, sign_in_as):
    world.other.facilitators.clear()
    db.session.commit()
    sign_in_as("other_facilitator")
    soup = page(client.get("/cohorts/new"))
    assert soup.main.find("form") is None
    assert "not attached to any course" in text(soup.main)


def test_new_join_code_is_unambiguous_and_unique(db, world, monkeypatch):
    codes = {joining.new_join_code() for _ in range(50)}
    assert len(codes) == 50
    for code in codes:
        assert len(code) == 10
        assert not set(code) & set("0O1IL")
    make_cohort(world.course, "Taken", "AAAAAAAAAA")
    letters = iter("A" * 10 + "B" * 10)
    monkeypatch.setattr(joining.secrets, "choice", lambda alphabet: next(letters))
    assert joining.new_join_code() == "BBBBBBBBBB"


@pytest.mark.parametrize("role", ["facilitator", "admin"])
def test_cohort_page_for_facilitators_shows_code_link_and_participants(client, world,
                                                                      sign_in_as, role):
    sign_in_as(role)
    soup = page(client.get(f"/cohorts/{world.cohort.id}", follow_redirects=True))
    assert text(soup.h1) == "Run cohort Cohort A"
    assert text(soup.select_one("code.join-code")) == "JOINME2024"
    link = soup.select_one("a.join-link")
    assert link["href"] == "http://localhost/cohorts/join?code=JOINME2024"
    rows = table_rows(soup)
    assert len(rows) == 1
    row = rows[0]
    assert (row["Name"], row["Organisation"], row["Country"]) == (
        "Pat Participant", "Ministry of Finance", "Barbados")
    assert re.fullmatch(r"\d{1,2} [A-Z][a-z]{2} \d{4}", row["Joined"])
    assert soup.main.find("a", href="/courses/mindsets")


def test_cohort_page_for_managers_hides_the_join_code(client, world, sign_in_as):
    sign_in_as("manager")
    soup = page(client.get(f"/cohorts/{world.cohort.id}"))
    assert soup.select_one("code.join-code") is None
    assert soup.select_one("a.join-link") is None
    assert "JOINME2024" not in soup.main.get_text()
    assert [r["Name"] for r in table_rows(soup)] == ["Pat Participant"]


def test_cohort_page_without_participants(client, db, world, sign_in_as):
    sign_in_as("facilitator")
    soup = page(client.get(f"/cohorts/{world.draft_cohort.id}", follow_redirects=True))
    assert "Pat Participant" in text(soup.main)
    other = make_cohort(world.course, "Empty", "EMPTYCODE1")
    db.session.commit()
    soup = page(client.get(f"/cohorts/{other.id}", follow_redirects=True))
    assert soup.find("table") is None
    assert "Nobody has joined this cohort yet." in text(soup.main)
