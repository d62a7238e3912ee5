"""Studio comfort in headless Chromium: a new module's or item's slug follows its title as it
is typed, until the facilitator edits it; the pages with the new controls (the slug's, moving
an item to another module) have no WCAG violations."""

import json
import re

import pytest

from learning.core.slugs import slugify
from tests.browser.conftest import axe_violations, sign_in
from tests.browser.test_studio import facilitator

pytestmark = pytest.mark.browser

expect = pytest.importorskip("playwright.sync_api").expect

# Titles whose slugs the script must make exactly as the server does (learning/core/slugs.py).
TITLES = ["Gestión Pública: ¿qué cambió?", "Straße & Œuvre — Ça va", "Citizens’ voice 2024",
          "Ministère de l’Économie", "数字政府 Digital", "  --Hyphens--and__underscores  ",
          "A title long enough to be cut at a word's end, not in the middle of one, because a "
          "slug holds eighty characters at most"]


def _new_module_page(page, live_server):
    sign_in(page, live_server, *facilitator(live_server))
    page.goto(f"{live_server.url}/studio/courses/{live_server.course_slug()}/modules/new")
    return page.get_by_label("Title", exact=True), page.get_by_label("Slug")


def test_the_slug_follows_the_title_until_edited_by_hand(context, live_server):
    page = context.new_page()
    title, slug = _new_module_page(page, live_server)
    for typed in TITLES:
        title.fill(typed)
        expect(slug).to_have_value(slugify(typed))
    # Typed key by key, as a person does.
    title.fill("")
    expect(slug).to_have_value("")
    title.press_sequentially("Día uno")
    expect(slug).to_have_value("dia-uno")

    slug.fill("my-own-slug")
    title.fill("Another title altogether")
    expect(slug).to_have_value("my-own-slug")
    # Emptied by hand, it follows the title again.
    slug.fill("")
    title.fill("Back to the title")
    expect(slug).to_have_value("back-to-the-title")


def test_a_slug_taken_beside_it_gets_the_next_number(context, live_server):
    page = context.new_page()
    title, slug = _new_module_page(page, live_server)
    taken = json.loads(page.locator("main form").get_attribute("data-slug-taken"))
    assert taken  # the imported course's modules
    title.fill(taken[0].replace("-", " ").title())
    expect(slug).to_have_value(f"{taken[0]}-2")
    title.fill("数字政府")  # nothing a slug can carry: the form's fallback
    expect(slug).to_have_value("module" if "module" not in taken else "module-2")

    title.fill("Made in the browser")
    page.get_by_role("button", name="Create module").click()
    expect(page.locator(".messages")).to_contain_text("Module “Made in the browser” created.")
    expect(page).to_have_url(re.compile(r"/studio/courses/[a-z0-9-]+#module-\d+$"))
    page.goto(f"{live_server.url}/courses/{live_server.course_slug()}/modules/"
              "made-in-the-browser")
    expect(page.locator("h1")).to_contain_text("Made in the browser")


def test_the_pages_with_the_new_controls_have_no_wcag_violations(context, live_server):
    page = context.new_page()
    title, _slug = _new_module_page(page, live_server)
    title.fill("Anything")
    assert axe_violations(page) == []
    page.goto(f"{live_server.url}/studio/courses/{live_server.course_slug()}")
    row = page.locator("ol.items > li").first
    expect(row.locator("select[name=target]")).to_have_count(1)
    assert axe_violations(page) == []
    row.get_by_role("link", name="Edit").first.click()
    expect(page.get_by_role("heading", name="Move to another module")).to_be_visible()
    assert axe_violations(page) == []
