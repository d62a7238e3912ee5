"""A facilitator runs a cohort from its one page in headless Chromium: its contents, adding
one person, writing a message that a participant then reads on My learning; each page
without WCAG violations."""

import secrets

import pytest

from tests.browser.conftest import axe_violations, sign_in
from tests.browser.test_studio import _cohort_id, facilitator

pytestmark = pytest.mark.browser

expect = pytest.importorskip("playwright.sync_api").expect


def test_a_facilitator_runs_a_cohort_and_messages_it(context, live_server):
    email, password = live_server.participant()  # in the cohort before the message
    page = context.new_page()
    sign_in(page, live_server, *facilitator(live_server))
    cohort = f"{live_server.url}/studio/cohorts/{_cohort_id(live_server)}"
    page.goto(cohort)
    assert page.locator("h1").count() == 1
    assert axe_violations(page) == []
    contents = page.get_by_role("navigation", name="On this page")
    contents.get_by_role("link", name="Results").click()
    expect(page).to_have_url(f"{cohort}#results")
    expect(page.locator("#figure-enrolled")).to_be_visible()

    # One person by email: a mistake is said beside the field, and what was typed is kept.
    section = page.locator("section", has=page.locator("#add-person"))
    section.get_by_label("Email address").fill("not an address")
    section.get_by_label("Name", exact=True).fill("Nia New")
    section.get_by_role("button", name="Send the invitation").click()
    expect(page.locator("#person-email-error")).to_contain_text("Enter an email address")
    expect(page.locator("#person-name")).to_have_value("Nia New")
    assert axe_violations(page) == []
    page.locator("#person-email").fill(f"nia-{secrets.token_hex(3)}@example.org")
    page.get_by_role("button", name="Send the invitation").click()
    expect(page.locator(".messages")).to_contain_text("is invited to Browser cohort")

    # A message: written, previewed with its count, sent.
    page.get_by_role("link", name="Write a message").click()
    subject = f"Next session {secrets.token_hex(3)}"
    page.get_by_label("Subject").fill(subject)
    page.get_by_label("Message").fill("The **live session** is on Thursday.")
    page.get_by_label("Everyone in the cohort").check()
    assert axe_violations(page) == []
    page.get_by_role("button", name="Preview").click()
    expect(page.locator(".announcement-body strong")).to_have_text("live session")
    expect(page.locator(".recipient-count")).to_contain_text("It goes to")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Send it to").click()
    expect(page.locator(".messages")).to_contain_text(subject)
    expect(page.locator("table.recipients")).to_be_visible()
    assert axe_violations(page) == []

    reader = context.browser.new_context().new_page()
    sign_in(reader, live_server, email, password)
    reader.goto(f"{live_server.url}/learning")
    latest = reader.locator("section.announcements-latest")
    latest.get_by_role("link", name=subject).click()
    expect(reader.get_by_role("heading", name=subject)).to_be_visible()
    assert axe_violations(reader) == []
    reader.context.close()
