"""A facilitator authors a module with a reading and a recording in headless Chromium; the
studio's pages have no WCAG violations."""

import secrets

import pytest

from learning.accounts.models import utcnow
from learning.catalog.models import Module
from learning.config import ROOT
from learning.database import db, write_transaction
from learning.progress.models import Progress
from tests import factories
from tests.browser.conftest import axe_violations, demo_cohort, demo_course, sign_in

pytestmark = pytest.mark.browser

expect = pytest.importorskip("playwright.sync_api").expect

MEDIA = ROOT / "modules" / "01-changing-mindsets" / "media"


def facilitator(live_server) -> tuple[str, str]:
    """A new facilitator of the course: (email, password)."""
    email = f"f-{secrets.token_hex(4)}@example.org"
    with live_server.app.app_context(), write_transaction():
        user = factories.make_user(email, "facilitator", name="Fay Facilitator")
        course = demo_course()
        course.facilitators.append(user)
        db.session.commit()
    return email, factories.DEFAULT_PASSWORD


def _cohort_id(live_server) -> int:
    with live_server.app.app_context():
        return demo_cohort().id


def test_a_facilitator_creates_a_module_with_a_reading_and_a_recording(context, live_server,
                                                                       tmp_path):
    page = context.new_page()
    sign_in(page, live_server, *facilitator(live_server))
    course = live_server.course_slug()
    page.goto(f"{live_server.url}/studio/")
    page.locator(".cards a").first.click()
    page.get_by_role("link", name="Add a module").click()
    slug = f"browser-{secrets.token_hex(3)}"
    page.get_by_label("Title", exact=True).fill("Written in the browser")
    page.get_by_label("Slug").fill(slug)
    page.get_by_label("Summary").fill("A module made end to end.")
    page.get_by_label("Published: participants can see this module").check()
    page.get_by_role("button", name="Create module").click()
    expect(page.locator(".messages")).to_contain_text("Module “Written in the browser” created.")

    module = page.locator("ol.item-list > li", has=page.get_by_role(
        "heading", name="Written in the browser"))
    module.get_by_role("link", name="Add a reading").click()
    page.get_by_label("Title", exact=True).fill("Notes on the webinar")
    page.get_by_label("Slug").fill("notes")
    page.get_by_label("Minutes to read").fill("5")
    page.get_by_label("Text (Markdown)").fill("# Key ideas\n\nRead **this** first.")
    page.get_by_role("button", name="Create reading").click()
    expect(page.locator(".messages")).to_contain_text("Reading “Notes on the webinar” created.")

    module.get_by_role("link", name="Add a recording").click()
    page.get_by_label("Title", exact=True).fill("The webinar")
    page.get_by_label("Slug").fill("webinar")
    page.get_by_label("Video (MP4 or WebM)").set_input_files(str(MEDIA / "introduction.webm"))
    page.get_by_label("Captions (WebVTT)").set_input_files(str(MEDIA / "introduction.vtt"))
    page.get_by_role("button", name="Create recording").click()
    expect(page.locator(".messages")).to_contain_text("Recording “The webinar” created")

    page.goto(f"{live_server.url}/courses/{course}/modules/{slug}")
    expect(page.locator("ol.items")).to_contain_text("Notes on the webinar")
    expect(page.locator("ol.items")).to_contain_text("The webinar")
    page.get_by_role("link", name="Notes on the webinar").click()
    expect(page.locator(".reading-body h2")).to_have_text("Key ideas")
    page.go_back()
    page.get_by_role("link", name="The webinar", exact=True).click()
    duration = page.evaluate("""() => new Promise((resolve) => {
        const video = document.querySelector('video');
        if (video.readyState >= 1) { resolve(video.duration); }
        else { video.addEventListener('loadedmetadata', () => resolve(video.duration)); }
    })""")
    assert 60 < duration < 70


def test_publishing_an_item_that_moves_figures_asks_first(context, live_server):
    """The confirmation page, with a cohort's figures before and after, has no violations."""
    with live_server.app.app_context(), write_transaction():
        # A module of its own: a participant of the browser cohort finished it, all but a
        # draft reading, which publishing would add to what they have left.
        course = demo_course()
        position = max(module.position for module in course.modules) + 1
        module = factories.make_module(course, f"confirm-{secrets.token_hex(3)}",
                                       position=position)
        recording, reading, assessment = module.items
        reading.is_published = False
        participant = factories.make_user(f"p-{secrets.token_hex(4)}@example.org")
        factories.enrol(participant, demo_cohort())
        db.session.add_all([Progress(user_id=participant.id, item_id=item.id,
                                     status="complete", completed_at=utcnow())
                            for item in (recording, assessment)])
        db.session.commit()
        module_id, reading_id = module.id, reading.id
    try:
        page = context.new_page()
        sign_in(page, live_server, *facilitator(live_server))
        page.goto(f"{live_server.url}/studio/courses/{live_server.course_slug()}")
        row = page.locator(f"#item-{reading_id}")
        expect(row.locator(".badge")).to_have_text("Draft")
        row.get_by_role("button", name="Publish", exact=True).click()

        expect(page.locator("h1")).to_have_text("Publish “A reading”?")
        expect(page.locator("section.change-effect")).to_contain_text("Browser cohort")
        assert axe_violations(page) == []
        page.get_by_role("button", name="Yes, publish it").click()
        expect(page.locator(".messages")).to_contain_text("“A reading” published.")
        expect(page.locator(f"#item-{reading_id} .badge")).to_have_count(0)
    finally:
        with live_server.app.app_context(), write_transaction():
            db.session.get(Module, module_id).is_archived = True  # the others' course as it was
            db.session.commit()


@pytest.mark.parametrize("path", [
    "/studio/", "/studio/courses/{course}", "/studio/courses/{course}/settings",
    "/studio/courses/{course}/modules/new",
    "/studio/cohorts/{cohort}", "/studio/cohorts/{cohort}/participants/import",
])
def test_studio_pages_have_no_wcag_violations(context, live_server, path):
    page = context.new_page()
    sign_in(page, live_server, *facilitator(live_server))
    page.goto(live_server.url + path.format(course=live_server.course_slug(),
                                            cohort=_cohort_id(live_server)))
    assert page.locator("h1").count() == 1
    assert axe_violations(page) == []


def test_item_forms_have_no_wcag_violations(context, live_server):
    page = context.new_page()
    sign_in(page, live_server, *facilitator(live_server))
    page.goto(f"{live_server.url}/studio/courses/{live_server.course_slug()}")
    for link in ("Add a reading", "Add a recording"):
        page.get_by_role("link", name=link).first.click()
        assert axe_violations(page) == [], link
        page.go_back()
    page.get_by_role("link", name="Edit").first.click()
    assert axe_violations(page) == []


def test_instrument_and_image_pages_have_no_wcag_violations(context, live_server):
    page = context.new_page()
    sign_in(page, live_server, *facilitator(live_server))
    course = f"{live_server.url}/studio/courses/{live_server.course_slug()}"
    page.goto(course)
    instrument = page.locator("main a[href*='/instruments/']:not([href$='/new'])").first
    instrument_url = live_server.url + instrument.get_attribute("href")
    for url in (instrument_url, f"{instrument_url}/edit", f"{instrument_url}/preview",
                f"{course}/instruments/new", f"{course}/images"):
        page.goto(url)
        assert page.locator("h1").count() == 1, url
        assert axe_violations(page) == [], url
    page.goto(course)
    page.get_by_role("link", name="Add a self-assessment").first.click()
    assert axe_violations(page) == []
