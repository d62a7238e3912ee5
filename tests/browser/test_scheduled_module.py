"""A module scheduled to open later for a cohort, in headless Chromium: its participant sees
"Opens on …" and cannot open it; the pages, and the studio's schedule page, are axe clean."""

import secrets
from datetime import timedelta

import pytest
from babel.dates import format_date

from learning.cohorts import schedules
from learning.cohorts.models import Cohort, ModuleSchedule
from learning.database import db, write_transaction
from tests import factories
from tests.browser.conftest import axe_violations, demo_course, sign_in

pytestmark = pytest.mark.browser

expect = pytest.importorskip("playwright.sync_api").expect


@pytest.fixture
def scheduled(live_server):
    """A cohort of its own (the demo cohort stays as it is for the other tests) whose second
    module opens in ten days, a participant in it and a facilitator of the course."""
    participant = f"s-{secrets.token_hex(4)}@example.org"
    facilitator = f"f-{secrets.token_hex(4)}@example.org"
    with live_server.app.app_context(), write_transaction():
        course = demo_course()
        module = [m for m in course.modules if m.is_published][1]
        cohort = factories.make_cohort(course, name="Scheduled cohort",
                                       join_code=secrets.token_hex(5).upper())
        opens = schedules.today_in(cohort.time_zone) + timedelta(days=10)
        db.session.add(ModuleSchedule(cohort_id=cohort.id, module_id=module.id,
                                      opens_on=opens))
        factories.enrol(factories.make_user(participant, name="Sol Scheduled"), cohort)
        course.facilitators.append(factories.make_user(facilitator, "facilitator"))
        db.session.commit()
        found = {"course": course.slug, "module": module.slug, "title": module.title,
                 "cohort": cohort.id, "opens": format_date(opens, "long", locale="en_GB"),
                 "participant": participant, "facilitator": facilitator}
    yield found
    with live_server.app.app_context(), write_transaction():
        db.session.delete(db.session.get(Cohort, found["cohort"]))
        db.session.commit()


def test_a_participant_sees_when_a_module_opens_and_cannot_open_it(context, live_server,
                                                                   scheduled):
    page = context.new_page()
    sign_in(page, live_server, scheduled["participant"], factories.DEFAULT_PASSWORD)
    page.goto(f"{live_server.url}/courses/{scheduled['course']}")

    card = page.locator("ol.modules > li").filter(has_text=scheduled["title"])
    expect(card.locator(".module-opens")).to_have_text(f"Opens on {scheduled['opens']}")
    expect(card.get_by_role("link")).to_have_count(0)
    expect(page.locator(".next-opening")).to_contain_text(scheduled["opens"])
    assert axe_violations(page) == []

    module_url = f"{live_server.url}/courses/{scheduled['course']}/modules/{scheduled['module']}"
    response = page.goto(module_url)
    assert response.status == 403
    expect(page.locator("h1")).to_have_text(scheduled["title"])
    expect(page.locator(".module-opens")).to_have_text(
        f"This module opens on {scheduled['opens']}.")
    assert axe_violations(page) == []


def test_the_schedule_page_is_axe_clean_with_its_errors(context, live_server, scheduled):
    page = context.new_page()
    sign_in(page, live_server, scheduled["facilitator"], factories.DEFAULT_PASSWORD)
    page.goto(f"{live_server.url}/studio/cohorts/{scheduled['cohort']}/schedule")
    assert axe_violations(page) == []

    first = page.locator("fieldset").first
    first.get_by_label("Opens on").fill("2030-03-10")
    first.get_by_label("Due on").fill("2030-03-01")
    page.get_by_role("button", name="Save the schedule").click()
    page.wait_for_load_state()
    expect(page.locator(".error-summary")).to_be_visible()
    expect(first.get_by_label("Due on")).to_have_value("2030-03-01")
    assert axe_violations(page) == []
