"""A facilitator builds a whole instrument on one page in headless Chromium: two dimensions
with statements, bands and feedback; a row added in place by JavaScript; a problem shown
beside its field; the form, the instrument's page and its preview without WCAG violations."""

import secrets

import pytest

from tests.browser.conftest import axe_violations, sign_in
from tests.browser.test_studio import facilitator

pytestmark = pytest.mark.browser

expect = pytest.importorskip("playwright.sync_api").expect


def _fill_dimension(page, number, title, statements, feedback):
    """Fill dimension `number` (from 0): its title, statements and feedback per band."""
    dimension = page.locator(f"#dimensions-{number}")
    dimension.locator(f"[name=dimensions-{number}-title]").fill(title)
    for index, (text, reverse) in enumerate(statements):
        dimension.locator(f"[name=dimensions-{number}-statements-{index}-text]").fill(text)
        if reverse:
            dimension.locator(
                f"[name=dimensions-{number}-statements-{index}-is_reverse_scored]").check()
    for index, text in enumerate(feedback):
        dimension.locator(f"[name=dimensions-{number}-feedback-{index}-text]").fill(text)


def test_a_facilitator_builds_an_instrument_on_one_page(context, live_server):
    page = context.new_page()
    sign_in(page, live_server, *facilitator(live_server))
    course = f"{live_server.url}/studio/courses/{live_server.course_slug()}"
    page.goto(f"{course}/instruments/new")
    assert axe_violations(page) == []

    title = f"Team habits {secrets.token_hex(2)}"
    page.locator("#title").fill(title)
    # Two bands instead of three: the middle one removed in place.
    page.get_by_role("button", name="Remove Band “Developing”").click()
    expect(page.locator("[name=bands-2-label]")).to_have_count(0)
    page.locator("[name=bands-1-min_score]").fill("50")
    page.locator("[name=bands-0-max_score]").fill("50")

    _fill_dimension(page, 0, "Openness", [("We try new tools early.", False),
                                          ("We prefer the old ways.", True)],
                    ["Try one small experiment.", "Share what you learned."])
    # A fourth statement, added in place: the page is not reloaded and keeps what was typed.
    page.evaluate("window.stayedOnPage = true")
    page.get_by_role("button", name="Add a statement").first.click()
    fourth = page.locator("[name=dimensions-0-statements-3-text]")
    expect(fourth).to_be_focused()
    assert page.evaluate("window.stayedOnPage") is True
    expect(page.locator("#title")).to_have_value(title)
    fourth.fill("We ask users first.")

    page.get_by_role("button", name="Add a dimension").click()
    expect(page.locator("[name=dimensions-1-title]")).to_be_focused()
    _fill_dimension(page, 1, "Working together", [("We share drafts early.", False)],
                    ["Pair on one task.", "Teach another team."])

    # A gap between the bands: refused, the problem beside the field, nothing lost.
    page.locator("[name=bands-1-min_score]").fill("60")
    page.get_by_role("button", name="Create instrument").click()
    error = page.locator("#bands-1-min_score-error")
    expect(error).to_contain_text("No band covers 50–59.")
    expect(page.locator("[name=bands-1-min_score]")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("[name=dimensions-1-statements-0-text]")).to_have_value(
        "We share drafts early.")
    assert axe_violations(page) == []

    page.locator("[name=bands-1-min_score]").fill("50")
    page.get_by_role("button", name="Create instrument").click()
    expect(page.locator(".messages")).to_contain_text(f"“{title}” saved.")
    statements = page.locator("ol.statements li")
    expect(statements).to_have_text(["We try new tools early.",
                                     "We prefer the old ways. Reverse-scored",
                                     "We ask users first.", "We share drafts early."])
    expect(page.locator(".badge-valid")).to_have_text("Complete")
    assert axe_violations(page) == []

    page.get_by_role("link", name="Preview as a participant").click()
    expect(page.locator("fieldset.likert")).to_have_count(4)
    expect(page.get_by_role("button", name="Submit my answers")).to_be_disabled()
    assert axe_violations(page) == []
