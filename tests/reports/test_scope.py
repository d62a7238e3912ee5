"""Who sees which report: one scope rule, tested per route and role."""

import pytest

from learning.cohorts import access
from tests.conftest import page
from tests.reports.conftest import EMAILS


def cohort_names(response):
    return [a.get_text(strip=True) for a in page(response).select("table.reports-cohorts th a")]


@pytest.mark.parametrize(("who", "expected"), [
    ("manager", ["Cohort A"]),
    ("other_manager", ["Cohort B"]),
    ("facilitator", ["Cohort A", "Cohort B"]),
    ("other_facilitator", ["Other cohort"]),
    ("admin", ["Other cohort", "Cohort A", "Cohort B"]),
    ("managing_participant", ["Other cohort"]),
])
def test_the_reports_list_shows_exactly_the_cohorts_in_scope(client, world, sign_in_as,
                                                            who, expected):
    sign_in_as(who)
    response = client.get("/reports")
    assert response.status_code == 200
    assert cohort_names(response) == expected


def test_the_reports_list_refuses_a_participant(client, world, sign_in_as):
    sign_in_as("participant")
    assert client.get("/reports").status_code == 403


def test_the_reports_list_needs_sign_in(client, world):
    response = client.get("/reports")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in")


def test_a_manager_without_cohorts_is_told_so(client, db, world, sign_in_as):
    world.cohort.managers.clear()
    db.session.commit()
    sign_in_as("manager")
    response = client.get("/reports")
    assert response.status_code == 200
    assert "There are no cohorts for you to report on yet." in page(response).main.get_text()


COHORT_PAGES = ["/reports/cohorts/{id}", "/reports/cohorts/{id}/participants",
                "/reports/cohorts/{id}/participants.csv", "/reports/cohorts/{id}/breakdowns",
                "/reports/cohorts/{id}/stalls", "/reports/cohorts/{id}/mindset"]


@pytest.mark.parametrize("path", COHORT_PAGES)
@pytest.mark.parametrize(("who", "cohort", "status"), [
    ("manager", "cohort", 200),
    ("manager", "second", 404),
    ("manager", "elsewhere", 404),
    ("other_manager", "cohort", 404),
    ("facilitator", "cohort", 200),
    ("facilitator", "second", 200),
    ("facilitator", "elsewhere", 404),
    ("other_facilitator", "cohort", 404),
    ("other_facilitator", "elsewhere", 200),
    ("admin", "cohort", 200),
    ("admin", "elsewhere", 200),
    ("managing_participant", "second", 404),
    ("participant", "cohort", 403),
])
def test_cohort_pages_by_role(client, world, sign_in_as, path, who, cohort, status):
    sign_in_as(who)
    response = client.get(path.format(id=getattr(world, cohort).id))
    assert response.status_code == status


@pytest.mark.parametrize("path", COHORT_PAGES)
def test_an_unknown_cohort_is_not_found(client, world, sign_in_as, path):
    sign_in_as("manager")
    assert client.get(path.format(id=999_999)).status_code == 404


@pytest.mark.parametrize("path", COHORT_PAGES)
def test_cohort_pages_need_sign_in(client, world, path):
    response = client.get(path.format(id=world.cohort.id))
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in")


def test_a_manager_role_taken_away_ends_the_scope(client, db, world, sign_in_as):
    sign_in_as("manager")
    manager = world.users["manager"]
    manager.roles[:] = [role for role in manager.roles if role.role != "manager"]
    db.session.commit()
    assert client.get(f"/reports/cohorts/{world.cohort.id}").status_code == 403


def test_the_scope_rule_is_none_for_participants(world):
    assert access.follow_scope(world.users["participant"]) is None
    assert access.follow_scope(world.users["manager"]) is not None


def test_emails_of_the_world_are_distinct():
    assert len(set(EMAILS.values())) == len(EMAILS)


@pytest.mark.parametrize("path", ["/reports"] + COHORT_PAGES)
def test_report_pages_are_never_cached(client, world, sign_in_as, path):
    sign_in_as("manager")
    response = client.get(path.format(id=world.cohort.id))
    assert response.status_code == 200
    assert {"no-store"} <= {
        part.strip() for part in response.headers["Cache-Control"].split(",")}


@pytest.mark.parametrize("path", [
    "/reports/cohorts/99999999999999999999",
    "/reports/cohorts/99999999999999999999/participants",
    "/reports/cohorts/{id}/participants/99999999999999999999",
])
def test_an_id_past_any_column_is_not_found(client, world, sign_in_as, path):
    sign_in_as("admin")
    assert client.get(path.format(id=world.cohort.id)).status_code == 404
