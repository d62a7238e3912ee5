"""In headless Chromium, a transcript's time plays the recording from that moment."""

import pytest
from sqlalchemy import select

from learning.catalog.models import Item, Module
from learning.database import db, write_transaction
from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser

expect = pytest.importorskip("playwright.sync_api").expect


@pytest.fixture
def timed_recording(live_server):
    """The course's first uploaded recording, its transcript given times; put back after."""
    with live_server.app.app_context(), write_transaction():
        item = db.session.scalars(
            select(Item).join(Module).where(Item.kind == "recording",
                                            Item.video_path.is_not(None))
            .order_by(Module.position, Item.position)).first()
        before = item.transcript
        item.transcript = ("[00:00:00] Host: Welcome. [00:00:30] Now the main point.\n"
                           "[00:00:45] Guest: Thank you.")
        path = f"/courses/{item.module.course.slug}/modules/{item.module.slug}/items/{item.slug}"
        item_id = item.id
        db.session.commit()
    yield path
    with live_server.app.app_context(), write_transaction():
        db.session.get(Item, item_id).transcript = before
        db.session.commit()


def test_a_transcript_time_seeks_the_video(context, live_server, timed_recording):
    page = context.new_page()
    sign_in(page, live_server, *live_server.participant())
    page.goto(live_server.url + timed_recording)
    link = page.get_by_role("link", name="Play the recording from 00:00:30")
    expect(link).to_be_visible()
    link.click()
    # The page's own player moved: no navigation to the video file.
    assert page.url == live_server.url + timed_recording
    page.wait_for_function(
        "() => { const v = document.querySelector('video'); return v.currentTime >= 30; }")
    position = page.evaluate("() => document.querySelector('video').currentTime")
    assert 30 <= position < 40
    page.get_by_role("link", name="Play the recording from 00:00:45").press("Enter")
    page.wait_for_function(
        "() => { const v = document.querySelector('video'); return v.currentTime >= 45; }")
