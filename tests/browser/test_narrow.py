"""At a phone's 375 px width, nothing makes the page scroll sideways: wide tables scroll in
their own focusable region, and the results chart scales to the width it has."""

import secrets

import pytest
from sqlalchemy import select

from learning.accounts.models import User
from learning.assessments import answering, asked
from learning.certificates import services as certificates
from learning.database import db, write_transaction
from learning.progress import services as progress
from tests import factories
from tests.browser.conftest import axe_violations, demo_cohort, demo_course, sign_in

pytestmark = pytest.mark.browser

pytest.importorskip("playwright.sync_api")

WIDTH = 375


@pytest.fixture
def narrow(browser):
    context = browser.new_context(viewport={"width": WIDTH, "height": 800})
    yield context
    context.close()


def with_results(live_server) -> tuple[str, str, str]:
    """A participant who took the first instrument before and after: email, password, URL."""
    email, password = live_server.participant()
    with live_server.app.app_context(), write_transaction():
        user = db.session.scalars(select(User).where(User.email == email)).one()
        course = demo_course()
        instrument = asked.instruments_of(course)[0]
        item = asked.assessment_item_or_404(course, instrument)
        keys = answering.statement_keys(asked.snapshot(instrument))
        for answer, phase in enumerate(asked.phases_of(instrument), start=2):
            answering.save_response(user.id, instrument, item, phase,
                                      {key: answer for key in keys}, submit=True)
        db.session.commit()
        url = f"/courses/{course.slug}/assessments/{instrument.slug}/results"
    return email, password, url


def admin_of_a_cohort(live_server) -> tuple[str, str, int]:
    """An admin, and the demo cohort with a certified participant: email, password, cohort id."""
    email = f"admin-{secrets.token_hex(4)}@example.org"
    certified, _ = live_server.participant()
    with live_server.app.app_context(), write_transaction():
        factories.make_user(email, "admin", name="Ada Min")
        course = demo_course()
        user = db.session.scalars(select(User).where(User.email == certified)).one()
        for item in factories.required_items(course):
            progress.mark_complete(user.id, item, "read")
        assert certificates.certificate_for(user.id, course.id) is not None
        cohort_id = demo_cohort().id
        db.session.commit()
    return email, factories.DEFAULT_PASSWORD, cohort_id


def assert_fits(page):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= WIDTH, f"{page.url} is {width} px wide"
    for table in page.locator("table").all():
        region = table.locator("xpath=..")
        assert region.get_attribute("class") == "table-scroll"
        assert region.get_attribute("tabindex") == "0"
        assert region.get_attribute("role") == "region"
        assert region.get_attribute("aria-label")
    assert axe_violations(page) == []


def test_the_results_page_fits_a_phone(narrow, live_server):
    email, password, url = with_results(live_server)
    page = narrow.new_page()
    sign_in(page, live_server, email, password)
    page.goto(live_server.url + url)
    assert page.locator("h1").inner_text() != ""
    chart = page.locator("svg[role=img]")
    box = chart.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= WIDTH
    assert chart.get_attribute("viewBox")
    assert_fits(page)


@pytest.mark.parametrize("path", ["/cohorts/{id}", "/cohorts/{id}/assessments", "/cohorts",
                                  "/admin/users"])
def test_pages_with_wide_tables_fit_a_phone(narrow, live_server, path):
    email, password, cohort_id = admin_of_a_cohort(live_server)
    if path.endswith("/assessments"):
        for _ in range(5):  # group results are shown for five people or more
            with_results(live_server)
    page = narrow.new_page()
    sign_in(page, live_server, email, password)
    response = page.goto(live_server.url + path.format(id=cohort_id))
    assert response.status == 200
    assert page.locator("table").count() >= 1
    assert_fits(page)
