"""One participant's page: their progress item by item and dates, never their answers."""

from datetime import timedelta

import pytest
from sqlalchemy import update

from learning.assessments.models import Answer, Response
from learning.progress.models import Progress
from tests.conftest import page
from tests.reports.conftest import START, certify, record, required

SECRET = "I will stop hiding bad news from my minister."


@pytest.fixture
def pat(db, world):
    """The world's participant: module one done, half of the first recording of two watched,
    a submitted self-assessment with a reflection, certified (as if by hand)."""
    one, two, _ = world.modules
    user = world.users["participant"]
    record([user.id], required(one), at=START + timedelta(days=2))
    record([user.id], [two.items[0]], status="in_progress", at=START + timedelta(days=4))
    certify([user.id], world.course, START + timedelta(days=5))
    db.session.flush()
    response = Response(user_id=user.id, instrument_id=one.items[2].instrument_id,
                        phase="single", status="submitted", version=1, snapshot={},
                        reflection=SECRET, submitted_at=START + timedelta(days=2))
    response.answers.append(Answer(statement_key="learning.1", value=5))
    db.session.add(response)
    db.session.commit()
    return user


def test_the_page_lists_each_item_with_its_status_and_dates(client, db, world, pat, sign_in_as):
    recording = world.modules[1].items[0]
    db.session.execute(update(Progress).where(Progress.user_id == pat.id,
                                              Progress.item_id == recording.id)
                       .values(detail={"intervals": [[0, 30]]},
                               updated_at=START + timedelta(days=4)))
    db.session.commit()
    sign_in_as("manager")
    response = client.get(f"/reports/cohorts/{world.cohort.id}/participants/{pat.id}")
    assert response.status_code == 200
    soup = page(response)
    assert soup.h1.get_text(strip=True) == "Pat Participant"
    assert [h2.get_text(strip=True) for h2 in soup.select("main h2")] == [
        "Module one: Complete", "Module two: In progress"]
    tables = soup.select("table.participant-items")
    first = [[cell.get_text(" ", strip=True) for cell in tr.select("th, td")]
             for tr in tables[0].select("tbody tr")]
    assert first[0] == ["Recording", "Recording", "Complete", "3 Feb 2024", "3 Feb 2024"]
    second = [[cell.get_text(" ", strip=True) for cell in tr.select("th, td")]
              for tr in tables[1].select("tbody tr")]
    assert second[0] == ["Recording", "Recording", "In progress (50 % watched)", "5 Feb 2024",
                         ""]
    assert second[2][:3] == ["Self-assessment Optional", "Self-assessment", "Not started"]
    facts = {dt.get_text(strip=True): dd.get_text(" ", strip=True)
             for dt, dd in zip(soup.select(".participant-facts dt"),
                               soup.select(".participant-facts dd"), strict=True)}
    assert facts["Progress"] == "In progress, 60 % of the required items"
    assert facts["Certificate"] == "Issued on 6 Feb 2024"
    assert facts["Last activity"] == "5 Feb 2024"


def test_the_page_never_shows_self_assessment_answers(client, world, pat, sign_in_as):
    sign_in_as("admin")
    text = client.get(f"/reports/cohorts/{world.cohort.id}/participants/{pat.id}").get_data(
        as_text=True)
    assert SECRET not in text
    assert "Emerging" not in text and "Established" not in text  # the instrument's bands


def test_the_participants_list_links_to_the_page(client, world, pat, sign_in_as):
    sign_in_as("manager")
    soup = page(client.get(f"/reports/cohorts/{world.cohort.id}/participants"))
    link = soup.select_one("table.participants tbody th a")
    assert link["href"] == f"/reports/cohorts/{world.cohort.id}/participants/{pat.id}"


@pytest.mark.parametrize(("who", "status"), [
    ("manager", 200), ("facilitator", 200), ("admin", 200), ("other_manager", 404),
    ("other_facilitator", 404), ("participant", 403),
])
def test_the_page_by_role(client, world, pat, sign_in_as, who, status):
    sign_in_as(who)
    response = client.get(f"/reports/cohorts/{world.cohort.id}/participants/{pat.id}")
    assert response.status_code == status


def test_someone_outside_the_cohort_is_not_found(client, world, sign_in_as):
    sign_in_as("facilitator")
    outsider = world.users["managing_participant"]  # enrolled in the second cohort only
    assert client.get(f"/reports/cohorts/{world.cohort.id}/participants/{outsider.id}"
                      ).status_code == 404
    assert client.get(f"/reports/cohorts/{world.second.id}/participants/{outsider.id}"
                      ).status_code == 200
