"""In headless Chromium, the studio's upload forms show their progress and the server's
answer: the page it leads to, the form's errors, or a refusal such as 413."""

import pytest

from tests.browser.conftest import axe_violations, sign_in
from tests.browser.test_studio import facilitator

pytestmark = pytest.mark.browser

expect = pytest.importorskip("playwright.sync_api").expect

PDF = b"%PDF-1.4\n" + b"%" + b"x" * 300_000 + b"\n%%EOF\n"
# What the progress line said, kept across the page's main being replaced.
LISTEN = """() => {
  window.said = [];
  const text = document.querySelector('.upload-progress-text');
  new MutationObserver(() => window.said.push(text.textContent))
    .observe(text, {childList: true, characterData: true, subtree: true});
}"""


def _new_reading(page, live_server, tmp_path, content, slug):
    page.goto(f"{live_server.url}/studio/courses/{live_server.course_slug()}")
    page.get_by_role("link", name="Add a reading").first.click()
    expect(page.locator(".upload-progress")).to_be_hidden()
    page.get_by_label("Title", exact=True).fill("Uploaded with progress")
    page.get_by_label("Slug").fill(slug)
    page.get_by_label("Minutes to read").fill("5")
    path = tmp_path / "reading.pdf"
    path.write_bytes(content)
    page.get_by_label("PDF").set_input_files(str(path))
    page.evaluate(LISTEN)
    form_url = page.url
    page.get_by_role("button", name="Create reading").click()
    return form_url


def test_an_upload_shows_its_progress_and_then_the_page_it_leads_to(context, live_server,
                                                                    tmp_path):
    page = context.new_page()
    sign_in(page, live_server, *facilitator(live_server))
    _new_reading(page, live_server, tmp_path, PDF, "with-progress")
    expect(page.locator(".messages")).to_contain_text("Reading “Uploaded with progress” created.")
    assert page.url.endswith(f"/studio/courses/{live_server.course_slug()}")
    said = page.evaluate("() => window.said")
    assert any(line.startswith("Uploading:") and line.endswith("% sent.") for line in said)
    assert page.locator("h1").count() == 1
    page.reload()  # the address is the page's own
    expect(page.get_by_text("Uploaded with progress").first).to_be_visible()


def test_the_servers_errors_show_in_the_form(context, live_server, tmp_path):
    page = context.new_page()
    sign_in(page, live_server, *facilitator(live_server))
    form_url = _new_reading(page, live_server, tmp_path, b"not a pdf at all", "not-a-pdf")
    expect(page.locator(".error-summary")).to_contain_text("This file is not a PDF")
    assert page.url == form_url
    expect(page.locator(".error-summary")).to_be_focused()


def test_a_413_shows_the_servers_message(context, live_server, tmp_path):
    page = context.new_page()
    sign_in(page, live_server, *facilitator(live_server))
    config = live_server.app.config
    before = config["READING_PDF_MAX_BYTES"]
    config["READING_PDF_MAX_BYTES"] = 1024
    try:
        form_url = _new_reading(page, live_server, tmp_path, PDF, "too-large")
        status = page.locator(".upload-progress-text")
        expect(status).to_contain_text("Request too large")
    finally:
        config["READING_PDF_MAX_BYTES"] = before
    assert page.url == form_url
    expect(page.get_by_role("button", name="Create reading")).to_be_enabled()


def test_the_image_library_uploads_and_has_no_wcag_violations(context, live_server, tmp_path):
    page = context.new_page()
    sign_in(page, live_server, *facilitator(live_server))
    page.goto(f"{live_server.url}/studio/courses/{live_server.course_slug()}")
    page.get_by_role("link", name="Images for readings").click()
    assert axe_violations(page) == []
    path = tmp_path / "chart.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(64))
    page.get_by_label("Image (PNG, JPEG, WebP or GIF)").set_input_files(str(path))
    page.get_by_role("button", name="Upload image").click()
    expect(page.locator(".messages")).to_contain_text("Image uploaded")
    markdown = page.get_by_label("Markdown to paste").first.input_value()
    assert markdown.startswith("![Describe the image](/courses/")
    assert axe_violations(page) == []
