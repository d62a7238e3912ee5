"""The reports on a 1280 px screen: the participants list fits, names stay in view, and each
chart sits beside its table with its labels whole."""

import secrets

import pytest

from learning.database import db, write_transaction
from tests import factories
from tests.browser.conftest import axe_violations, demo_cohort, sign_in

pytestmark = pytest.mark.browser


def _manager(live_server) -> tuple[str, str, int]:
    """A manager of the browser cohort, which has a few participants: (email, password, id)."""
    for _ in range(3):
        live_server.participant()
    email = f"m-{secrets.token_hex(4)}@example.org"
    with live_server.app.app_context(), write_transaction():
        cohort = demo_cohort()
        cohort.managers.append(factories.make_user(email, "manager", name="Mona Manager"))
        db.session.commit()
        return email, factories.DEFAULT_PASSWORD, cohort.id


def _box(locator) -> dict:
    return locator.bounding_box()


def test_the_participants_list_fits_1280_px_and_keeps_names_in_view(browser, live_server):
    email, password, cohort_id = _manager(live_server)
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    try:
        page = context.new_page()
        sign_in(page, live_server, email, password)
        page.goto(f"{live_server.url}/reports/cohorts/{cohort_id}/participants")
        scroller = page.locator(".table-scroll").first
        width, client_width = scroller.evaluate("el => [el.scrollWidth, el.clientWidth]")
        assert width <= client_width, "the list scrolls sideways at 1280 px"
        for header in ("Progress", "Last activity", "Certificate"):
            box = _box(page.locator("table.participants thead th", has_text=header))
            assert box["x"] + box["width"] <= 1280, header
        assert axe_violations(page) == []

        # Narrower, the list scrolls in its own region and the names stay where they were.
        page.set_viewport_size({"width": 760, "height": 800})
        name = page.locator("table.participants tbody th[scope=row]").first
        before = _box(name)["x"]
        scroller.evaluate("el => { el.scrollLeft = el.scrollWidth; }")
        assert scroller.evaluate("el => el.scrollLeft") > 0
        assert abs(_box(name)["x"] - before) < 1
    finally:
        context.close()


def test_a_chart_sits_beside_its_table_on_a_wide_screen(browser, live_server):
    email, password, cohort_id = _manager(live_server)
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    try:
        page = context.new_page()
        sign_in(page, live_server, email, password)
        page.goto(f"{live_server.url}/reports/cohorts/{cohort_id}")
        chart = _box(page.locator(".funnel-chart"))
        table = _box(page.locator("table.funnel-table"))
        assert chart["x"] + chart["width"] <= table["x"]  # beside, not above
        titles = page.locator(".funnel-chart text.chart-title").all_text_contents()
        assert not [title for title in titles if title.endswith("…")]
        # On a phone they stack again.
        page.set_viewport_size({"width": 400, "height": 800})
        chart = _box(page.locator(".funnel-chart"))
        table = _box(page.locator("table.funnel-table"))
        assert table["y"] >= chart["y"] + chart["height"]
    finally:
        context.close()
