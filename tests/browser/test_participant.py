"""A participant's path through a module, in headless Chromium."""

import re
import secrets
import shutil
from pathlib import Path

import pytest

from learning.database import db, write_transaction
from tests import factories
from tests.browser.conftest import axe_violations, sign_in

pytestmark = pytest.mark.browser

expect = pytest.importorskip("playwright.sync_api").expect

MODULE = "/courses/{course}/modules/changing-mindsets"

PLAY = """([rate, before]) => new Promise((resolve, reject) => {
    const video = document.querySelector('video');
    video.muted = true;
    video.addEventListener('ended', resolve, {once: true});
    video.addEventListener('error', () => reject(video.error), {once: true});
    const start = () => {
        if (before !== null) { video.currentTime = video.duration - before; }
        video.playbackRate = rate;
        video.play().catch(reject);
    };
    if (video.readyState >= 1) { start(); }
    else { video.addEventListener('loadedmetadata', start, {once: true}); }
})"""


def play_to_the_end(page, rate, seconds_before_end=None):
    """Play the page's video, muted and fast, from the start or from near its end."""
    page.evaluate(PLAY, [rate, seconds_before_end])


# The first 8 seconds of module 1's recording, cut without re-encoding
# (ffmpeg -i introduction.webm -t 8 -c copy clip.webm): the shipped file's own encoding,
# played to the end in 4 seconds rather than the whole recording's 33.
CLIP = Path(__file__).parent / "media" / "clip.webm"
CLIP_SECONDS = 8


def _short_recording(live_server) -> tuple[str, str, str]:
    """A course of its own whose first item is the clip, and a participant enrolled in it.

    (email, password, the module's path.) The test of skipping plays the whole shipped
    recording; this one, which must watch to the end, plays the clip.
    """
    email = f"clip-{secrets.token_hex(4)}@example.org"
    with live_server.app.app_context(), write_transaction():
        course = factories.make_course(slug=f"clip-{secrets.token_hex(4)}", title="A clip")
        module = factories.make_module(course, slug="clip")
        recording = module.items[0]
        recording.duration_seconds = CLIP_SECONDS
        factories.enrol(factories.make_user(email, name="Clip Watcher"),
                        factories.make_cohort(course, join_code=secrets.token_hex(6).upper()))
        db.session.commit()
        video = Path(live_server.app.config["MEDIA_ROOT"]) / recording.video_path
        path = f"/courses/{course.slug}/modules/clip"
    video.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(CLIP, video)
    return email, factories.DEFAULT_PASSWORD, path


def test_playing_the_recording_completes_it(context, live_server):
    email, password, module = _short_recording(live_server)
    page = context.new_page()
    sign_in(page, live_server, email, password)
    page.goto(f"{live_server.url}{module}/items/recording")
    status = page.locator("#watch-status")
    assert "0%" in status.inner_text()

    # Asked for 16x, the player holds 2x: the recording takes half its length.
    play_to_the_end(page, rate=16)
    assert page.evaluate("document.querySelector('video').duration") == pytest.approx(
        CLIP_SECONDS, abs=0.1)
    assert page.evaluate("document.querySelector('video').playbackRate") == 2
    expect(status).to_contain_text("Complete", timeout=20_000)
    # The heading says so at once, without a reload.
    expect(page.locator("#item-status .status")).to_have_text("✓ Complete")
    page.reload()
    assert "Complete" in page.locator("main p.meta").first.inner_text()
    page.goto(f"{live_server.url}{module}")
    first = page.locator("ol.items > li").first
    assert "Complete" in first.locator(".status").inner_text()


def test_skipping_to_the_end_does_not_complete_it(context, live_server):
    email, password = live_server.participant()
    page = context.new_page()
    sign_in(page, live_server, email, password)
    module = MODULE.format(course=live_server.course_slug())
    page.goto(f"{live_server.url}{module}/items/introduction")
    play_to_the_end(page, rate=4, seconds_before_end=2)
    status = page.locator("#watch-status")
    expect(status).not_to_contain_text(" 0%", timeout=15_000)
    expect(status).to_have_text(re.compile(r"You have watched [1-5]% of this recording"))


def test_readings_can_be_marked_read_without_javascript(browser, live_server):
    context = browser.new_context(java_script_enabled=False)
    try:
        email, password = live_server.participant()
        page = context.new_page()
        sign_in(page, live_server, email, password)
        module = f"{live_server.url}{MODULE.format(course=live_server.course_slug())}"
        readings = ["why-change-mindsets", "mindsets-for-public-service",
                    "artificial-intelligence-and-mindsets"]
        for slug in readings:
            page.goto(f"{module}/items/{slug}")
            page.get_by_role("button", name="Mark as read").click()
            page.wait_for_load_state()
            assert "You marked this reading as read" in page.locator("article").inner_text()
        page.goto(module)
        statuses = page.locator("ol.items > li .status").all_inner_texts()
        assert [s.replace("✓", "").strip() for s in statuses] == [
            "Not started", "Complete", "Complete", "Complete", "Not started"]
        # The self-assessment, taken before and after, is the course's last step: the
        # module's progress counts its four other items.
        assert "3 of 4 required items complete (75%)" in page.locator(".progress").inner_text()
        assert page.locator("ol.items > li .item-requirement").all_inner_texts()[-1] == (
            "Required at the end of the course")
    finally:
        context.close()


PARTICIPANT_PAGES = [
    "/learning",
    "/courses/{course}",
    MODULE,
    MODULE + "/items/introduction",
    MODULE + "/items/why-change-mindsets",
    MODULE + "/items/self-assessment",
    "/cohorts/join",
    "/profile",
    "/profile/password",
]


@pytest.mark.parametrize("path", PARTICIPANT_PAGES)
def test_participant_pages_have_no_wcag_violations(context, live_server, path):
    email, password = live_server.participant()
    page = context.new_page()
    sign_in(page, live_server, email, password)
    page.goto(live_server.url + path.format(course=live_server.course_slug()))
    assert page.locator("h1").count() == 1
    assert axe_violations(page) == []


@pytest.mark.parametrize("path", ["/", "/sign-in", "/register", "/password-reset",
                                  "/no-such-page"])
def test_public_pages_have_no_wcag_violations(context, live_server, path):
    page = context.new_page()
    page.goto(live_server.url + path)
    assert axe_violations(page) == []
