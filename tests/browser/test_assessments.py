"""Taking module 1's self-assessment in headless Chromium: keyboard, gaps, results, axe."""

import pytest

from tests.browser.conftest import axe_violations, sign_in

pytestmark = pytest.mark.browser

expect = pytest.importorskip("playwright.sync_api").expect

ITEM = "/courses/{course}/modules/changing-mindsets/items/self-assessment"


def test_taking_the_before_self_assessment_and_seeing_results(context, live_server):
    email, password = live_server.participant()
    page = context.new_page()
    sign_in(page, live_server, email, password)
    page.goto(live_server.url + ITEM.format(course=live_server.course_slug()))
    page.get_by_role("link", name="Start: Start of the course").click()
    page.wait_for_load_state()
    assert page.locator("h1").count() == 1
    assert axe_violations(page) == []

    groups = page.locator("fieldset.likert")
    count = groups.count()
    assert count > 4
    # The first statement by keyboard: Tab into the group, arrows move the choice.
    groups.nth(0).get_by_label("Strongly disagree").focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    expect(groups.nth(0).get_by_label("Agree", exact=True)).to_be_checked()
    # The rest by clicking the labels, leaving the last one out.
    for index in range(1, count - 1):
        groups.nth(index).get_by_text("Agree", exact=True).click()
    page.get_by_role("button", name="Submit my answers").click()
    page.wait_for_load_state()

    summary = page.locator(".error-summary")
    expect(summary).to_contain_text("1 statement has no answer yet")
    assert page.locator("input[type=radio]:checked").count() == count - 1
    assert axe_violations(page) == []
    summary.get_by_role("link").click()
    last = groups.nth(count - 1)
    last.get_by_text("Neither agree nor disagree").click()
    page.get_by_role("button", name="Submit my answers").click()
    page.wait_for_load_state()

    expect(page.locator("h1")).to_contain_text("Your results")
    table = page.locator("table.table")
    expect(table).to_contain_text("Collaborative mindset")
    assert page.locator("svg[role=img]").count() == 1
    assert axe_violations(page) == []
    page.get_by_label("One thing I will change").fill("Ask a colleague from another unit.")
    page.get_by_role("button", name="Save my reflection").click()
    page.wait_for_load_state()
    expect(page.get_by_label("One thing I will change")).to_have_value(
        "Ask a colleague from another unit.")
