"""Running a cohort from the studio: its settings, its join code, its participants."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from learning.certificates import services as certificates
from learning.cohorts.models import Enrolment
from learning.progress.models import Progress
from tests.conftest import page
from tests.factories import required_items

SETTINGS = {"name": "Cohort A, spring", "starts_on": "2024-02-21", "ends_on": "2024-03-27",
            "is_open": "y"}


def _routes(world):
    cohort, user = world.cohort, world.users["enrolled"]
    return [
        ("get", f"/studio/cohorts/{cohort.id}"),
        ("post", f"/studio/cohorts/{cohort.id}"),
        ("post", f"/studio/cohorts/{cohort.id}/join-code"),
        ("post", f"/studio/cohorts/{cohort.id}/participants/{user.id}/remove"),
    ]


def _enrolments(db, world):
    return db.session.scalar(select(func.count(Enrolment.id)).where(
        Enrolment.cohort_id == world.cohort.id))


def test_anonymous_people_are_sent_to_sign_in(client, world):
    for method, url in _routes(world):
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert response.headers["Location"].startswith("/sign-in")


@pytest.mark.parametrize("who", ["enrolled", "manager", "other_facilitator"])
def test_only_the_course_facilitators_and_admins_run_a_cohort(client, db, world, sign_in_as,
                                                             who):
    # The cohort's own manager sees its progress but does not run it.
    sign_in_as(who)
    for method, url in _routes(world):
        assert getattr(client, method)(url, data=SETTINGS).status_code == 403, url
    db.session.expire_all()
    assert world.cohort.join_code == "JOINME2024" and _enrolments(db, world) == 1


@pytest.mark.parametrize("who", ["facilitator", "admin"])
def test_the_course_facilitators_and_admins_get_in(client, world, sign_in_as, who):
    sign_in_as(who)
    for method, url in _routes(world):
        response = getattr(client, method)(url, data=SETTINGS)
        assert response.status_code in (200, 302), url


def test_unknown_cohorts_and_people_are_not_found(client, world, sign_in_as):
    sign_in_as("facilitator")
    assert client.get("/studio/cohorts/999").status_code == 404
    outsider = world.users["outsider"]
    assert client.post(f"/studio/cohorts/{world.cohort.id}/participants/{outsider.id}/remove"
                       ).status_code == 404


def test_the_cohort_page_and_the_studio_link_to_running_it(client, world, sign_in_as, auth):
    sign_in_as("facilitator")
    url = f"/studio/cohorts/{world.cohort.id}"
    # The cohort's one page: the cohorts list's page for it sends those who run it there.
    assert client.get(f"/cohorts/{world.cohort.id}").headers["Location"] == url
    studio = page(client.get("/studio/courses/mindsets"))
    assert studio.find("a", string="Cohort A")["href"] == url
    auth.logout()
    sign_in_as("manager")
    soup = page(client.get(f"/cohorts/{world.cohort.id}"))
    assert not soup.find("a", href=url)


def test_settings_are_saved(client, db, world, sign_in_as):
    sign_in_as("facilitator")
    form = page(client.get(f"/studio/cohorts/{world.cohort.id}")).select_one("form#cohort-settings")
    assert form.find("input", attrs={"name": "name"})["value"] == "Cohort A"
    assert form.find("input", attrs={"name": "is_open"}).get("checked") is not None
    response = client.post(f"/studio/cohorts/{world.cohort.id}", data=SETTINGS,
                           follow_redirects=True)
    assert "Cohort Cohort A, spring saved." in page(response).select_one(".messages").get_text()
    db.session.expire_all()
    assert world.cohort.name == "Cohort A, spring"
    assert str(world.cohort.starts_on) == "2024-02-21"


def test_the_time_zone_is_offered_kept_and_changed(client, db, world, sign_in_as):
    sign_in_as("facilitator")
    form = page(client.get(f"/studio/cohorts/{world.cohort.id}")).select_one("form#cohort-settings")
    chosen = form.find("select", attrs={"name": "time_zone"}).find("option", selected=True)
    assert chosen["value"] == world.cohort.time_zone
    client.post(f"/studio/cohorts/{world.cohort.id}",
                data={**SETTINGS, "time_zone": "America/Jamaica"})
    db.session.expire_all()
    assert world.cohort.time_zone == "America/Jamaica"
    refused = client.post(f"/studio/cohorts/{world.cohort.id}",
                          data={**SETTINGS, "time_zone": "Mars/Olympus_Mons"})
    assert refused.status_code == 200
    db.session.expire_all()
    assert world.cohort.time_zone == "America/Jamaica"


def test_dates_in_the_wrong_order_are_refused(client, db, world, sign_in_as):
    sign_in_as("facilitator")
    response = client.post(f"/studio/cohorts/{world.cohort.id}",
                           data={**SETTINGS, "starts_on": "2024-04-01"})
    assert response.status_code == 200
    assert "The end date must be on or after the start date." in page(response).select_one(
        ".error-summary").get_text()


def test_closing_enrolment_stops_new_joiners_only(client, db, world, sign_in_as, auth):
    sign_in_as("facilitator")
    client.post(f"/studio/cohorts/{world.cohort.id}", data={**SETTINGS, "is_open": ""})
    auth.logout()
    sign_in_as("outsider")
    response = client.post("/cohorts/join", data={"code": "JOINME2024"})
    assert "This cohort is closed to new participants." in page(response).get_text()
    auth.logout()
    sign_in_as("enrolled")
    assert client.get("/courses/mindsets").status_code == 200


def test_a_new_join_code_replaces_the_old_one(client, db, world, sign_in_as, auth):
    sign_in_as("facilitator")
    response = client.post(f"/studio/cohorts/{world.cohort.id}/join-code",
                           follow_redirects=True)
    db.session.expire_all()
    code = world.cohort.join_code
    assert code != "JOINME2024"
    assert f"The new join code is {code}" in page(response).select_one(".messages").get_text()
    assert page(response).select_one("code.join-code").get_text() == code
    auth.logout()
    sign_in_as("outsider")
    response = client.post("/cohorts/join", data={"code": "JOINME2024"})
    assert "There is no cohort with this code." in page(response).get_text()
    assert client.post("/cohorts/join", data={"code": code}).status_code == 302


def test_removing_a_participant_keeps_their_progress_and_certificate(client, db, world,
                                                                    sign_in_as, auth):
    enrolled = world.users["enrolled"]
    for item in required_items(world.course):
        db.session.add(Progress(user_id=enrolled.id, item_id=item.id, status="complete",
                                completed_at=datetime.now(UTC)))
    certificate = certificates.issue_if_due(enrolled.id, world.course)
    db.session.commit()
    assert certificate is not None
    code = certificate.code

    sign_in_as("facilitator")
    soup = page(client.get(f"/studio/cohorts/{world.cohort.id}"))
    row = soup.select_one("table.participants tbody tr")
    assert row.th.get_text(strip=True) == "Pat Participant"
    remove = row.find("button", string="Remove from cohort").find_parent("form")
    response = client.post(remove["action"], follow_redirects=True)
    assert "Their progress and any certificate are kept." in page(response).select_one(
        ".messages").get_text()
    assert "Nobody has joined this cohort yet." in page(response).get_text()
    assert _enrolments(db, world) == 0
    assert db.session.scalar(select(func.count(Progress.id)).where(
        Progress.user_id == enrolled.id)) == len(required_items(world.course))
    auth.logout()

    verify = page(client.get(f"/verify/{code}"))
    assert "Pat Participant" in verify.get_text()
    sign_in_as("enrolled")
    assert client.get("/courses/mindsets").status_code == 403
    assert client.post("/cohorts/join", data={"code": "JOINME2024"}).status_code == 302
    soup = page(client.get("/courses/mindsets"))
    assert "You completed this course on" in soup.get_text()
