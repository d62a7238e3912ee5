"""The reading editor in headless Chromium: the preview follows the typing and says what
saving removes; the image picker asks for the description and puts the image's Markdown
into the text at the cursor; the editor and the image library have no WCAG violations."""

import base64
import secrets
from pathlib import Path

import pytest

from tests.browser.conftest import axe_violations, demo_course, sign_in
from tests.browser.test_studio import facilitator

pytestmark = pytest.mark.browser

expect = pytest.importorskip("playwright.sync_api").expect

# A one-pixel PNG: an image of the course's library that the browser can show.
PIXEL = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==")


def _library_image(live_server) -> str:
    """A new image in the course's library: its stored name."""
    name = f"{secrets.token_hex(16)}.png"
    path = Path(live_server.app.config["MEDIA_ROOT"], live_server.course_slug(), "images", name)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(PIXEL)
    return name


def _first_module_id(live_server) -> int:
    with live_server.app.app_context():
        course = demo_course()
        return course.modules[0].id


def test_the_preview_follows_the_text_and_the_picker_inserts_an_image(context, live_server):
    page = context.new_page()
    sign_in(page, live_server, *facilitator(live_server))
    course = live_server.course_slug()
    name = _library_image(live_server)
    src = f"/courses/{course}/images/{name}"

    # The image is named in the library: the name is offered as its description.
    page.goto(f"{live_server.url}/studio/courses/{course}/images")
    item = page.locator(f"#image-{name[:8]}")
    # Its box is 4:3 whatever the image (a square pixel here): nothing moves as it loads, so
    # the button below it stays where it was when it is clicked.
    thumbnail = item.locator("img")
    thumbnail.evaluate("img => img.complete || new Promise(done => img.onload = done)")
    box = thumbnail.bounding_box()
    assert box["height"] == pytest.approx((box["width"] - 2) * 3 / 4 + 2, abs=1)
    item.get_by_label("Name").fill("Funnel chart")
    item.get_by_role("button", name="Save the name").click()
    expect(page.locator(".messages")).to_contain_text("Image named “Funnel chart”.")
    assert axe_violations(page) == []

    page.goto(f"{live_server.url}/studio/courses/{course}/modules/"
              f"{_first_module_id(live_server)}/readings/new")
    text = page.get_by_label("Text (Markdown)")
    preview = page.locator("[data-preview-body]")
    text.fill("# Key ideas\n\n| Year | Change |\n|---|---|\n| 2023 | 4 |\n")
    expect(preview.locator("h2")).to_have_text("Key ideas")
    expect(preview.locator("table th").first).to_have_text("Year")
    text.press("End")
    text.type("\nAn outside image: ![x](https://example.org/a.png)\n")
    expect(page.locator("[data-removed-list]")).to_contain_text(
        "An image from another site was removed: readings show images from this course's "
        "library only.")

    page.get_by_text("Insert an image from the course's library").click()
    page.locator("#image-picker label", has_text="Funnel chart").click()
    alt = page.get_by_label("Description of the image (alt text)")
    expect(alt).to_have_value("Funnel chart")
    alt.fill("")
    insert = page.get_by_role("button", name="Insert the image at the cursor")
    insert.click()
    expect(page.locator("#picker-alt-error")).to_contain_text("Describe the image")
    expect(alt).to_have_attribute("aria-invalid", "true")
    alt.fill("A funnel that narrows from ideas to practice")
    text.evaluate("area => area.setSelectionRange(0, 0)")
    insert.click()
    assert text.input_value().startswith(
        f"![A funnel that narrows from ideas to practice]({src})\n\n# Key ideas")
    expect(preview.locator("img")).to_have_attribute(
        "alt", "A funnel that narrows from ideas to practice")
    expect(page.locator("#picker-alt-error")).to_have_count(0)
    assert axe_violations(page) == []

    # Enter in a field saves (the editor's buttons do not take it); what saving removed is
    # then listed beside the text.
    page.get_by_label("Title", exact=True).fill("A reading with a chart")
    page.get_by_label("Title", exact=True).press("Enter")
    expect(page.locator(".messages")).to_contain_text("Reading “A reading with a chart” created.")
    expect(page.locator("h1")).to_have_text("Edit reading")
    expect(page.locator("[data-removed-list]")).to_contain_text("An image from another site")
    assert axe_violations(page) == []


def test_the_preview_button_works_without_javascript(browser, live_server):
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        sign_in(page, live_server, *facilitator(live_server))
        page.goto(f"{live_server.url}/studio/courses/{live_server.course_slug()}/modules/"
                  f"{_first_module_id(live_server)}/readings/new")
        page.get_by_label("Text (Markdown)").fill("# Without script\n\nStill *shown*.")
        page.get_by_role("button", name="Preview").click()
        expect(page.locator("[data-preview-body] h2")).to_have_text("Without script")
        expect(page.get_by_label("Text (Markdown)")).to_have_value(
            "# Without script\n\nStill *shown*.")
    finally:
        context.close()
