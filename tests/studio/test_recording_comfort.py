"""A recording's form: "Minutes to watch" left empty is the video's length, and one answer
names every bad file at once, keeping what was typed."""

import io
import math
from pathlib import Path

import pytest
from sqlalchemy import select

from learning.catalog.models import Item
from learning.config import ROOT
from learning.media.uploads import video_seconds
from learning.media.videolength import minutes_to_watch
from learning.studio import item_views
from tests.conftest import page
from tests.studio.test_recordings import RECORDING, VTT, WEBM, mp4

SAMPLES = sorted((ROOT / "modules").glob("*/media/*.webm"))
NOT_A_VIDEO = ("talk.mp4", b"%PDF-1.4 not a video at all")
NOT_CAPTIONS = b"1\n00:00:00,000 --> 00:00:02,000\nSRT, not VTT\n"


def _new_url(world):
    return f"/studio/courses/mindsets/modules/{world.modules[0].id}/recordings/new"


def _post(client, url, video=None, captions=None, **data):
    files = {}
    if video is not None:
        files["video"] = (io.BytesIO(video[1]), video[0])
    if captions is not None:
        files["captions"] = (io.BytesIO(captions), "captions.vtt")
    return client.post(url, content_type="multipart/form-data",
                       data={**RECORDING, **data, **files})


def _item(db, slug="webinar"):
    db.session.expire_all()
    return db.session.scalar(select(Item).where(Item.slug == slug))


def _stored(app):
    root = Path(app.config["MEDIA_ROOT"])
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


def _summary(soup):
    return [li.get_text(" ", strip=True) for li in soup.select(".error-summary li")]


def _value(soup, name):
    field = soup.select_one(f"main form [name={name}]")
    # A text area's first line break is the markup's, not the text's (as browsers read it).
    return (field.get_text().removeprefix("\r\n").removeprefix("\n")
            if field.name == "textarea" else field.get("value"))


@pytest.mark.parametrize(("seconds", "minutes"), [
    (0.4, 1), (1, 1), (59, 1), (60, 1), (60.5, 2), (61, 2), (66, 2), (3599, 60), (3600, 60),
    (3601, 61)])
def test_the_minutes_to_watch_are_whole_minutes_rounded_up_at_least_one(seconds, minutes):
    assert minutes_to_watch(seconds) == minutes


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda path: path.parent.parent.name)
def test_minutes_left_empty_are_the_uploaded_videos(client, db, world, sign_in_as, sample):
    seconds = video_seconds(sample, "webm")
    assert seconds and 60 < seconds < 120  # the samples are narrated introductions
    sign_in_as("facilitator")
    form = page(client.get(_new_url(world))).select_one("main form")
    assert form.find("input", attrs={"name": "minutes"}).get("value") in (None, "")
    response = _post(client, _new_url(world), (sample.name, sample.read_bytes()), VTT,
                     minutes="")
    assert response.status_code == 302
    item = _item(db)
    assert item.duration_seconds == seconds
    assert item.minutes == math.ceil(seconds / 60) == 2
    soup = page(client.get("/studio/courses/mindsets"))
    assert (f"it lasts 1 min {seconds - 60} s and counts as 2 minutes to watch"
            in soup.select_one(".messages").get_text())
    assert "2 minutes" in soup.find(id=f"item-{item.id}").select_one(".meta").get_text()


def test_a_short_video_counts_as_one_minute(client, db, world, sign_in_as):
    sign_in_as("facilitator")
    assert _post(client, _new_url(world), ("clip.mp4", mp4(20)), minutes="").status_code == 302
    assert _item(db).minutes == 1
    # 2 min 0.4 s is 121 whole seconds: three minutes.
    assert _post(client, _new_url(world), ("talk.mp4", mp4(120.4)), minutes="",
                 slug="talk").status_code == 302
    assert _item(db, "talk").minutes == 3


@pytest.mark.parametrize("typed", ["45", "0"])
def test_minutes_typed_by_the_facilitator_win(client, db, world, sign_in_as, typed):
    sign_in_as("facilitator")
    response = _post(client, _new_url(world), ("intro.webm", WEBM), VTT, minutes=typed)
    assert response.status_code == 302
    assert _item(db).minutes == int(typed)


def test_minutes_that_are_not_a_number_are_refused_not_replaced(client, db, world, sign_in_as):
    sign_in_as("facilitator")
    response = _post(client, _new_url(world), ("intro.webm", WEBM), VTT, minutes="an hour")
    assert response.status_code == 200
    assert _summary(page(response)) == ["Minutes to watch: Not a valid integer value.",
                                        "Minutes to watch: Enter a whole number from 0 to "
                                        "10000."]
    assert _item(db) is None


def test_an_edit_with_minutes_emptied_takes_the_videos_length(app, client, db, world,
                                                              sign_in_as):
    one = world.modules[0]
    recording = one.items[0]  # its video lasts 60 s and it says 2 minutes
    sign_in_as("facilitator")
    url = f"/studio/courses/mindsets/modules/{one.id}/recordings/{recording.id}/edit"
    assert _value(page(client.get(url)), "minutes") == "2"
    assert _post(client, url, slug="recording", minutes="").status_code == 302
    assert db.session.get(Item, recording.id).minutes == 1
    # A new video, minutes empty: the new video's length.
    assert _post(client, url, ("talk.mp4", mp4(600)), slug="recording",
                 minutes="").status_code == 302
    db.session.expire_all()
    assert db.session.get(Item, recording.id).minutes == 10


def test_every_bad_file_is_named_at_once_and_what_was_typed_is_kept(app, client, db, world,
                                                                   sign_in_as):
    sign_in_as("facilitator")
    response = _post(client, _new_url(world), NOT_A_VIDEO, NOT_CAPTIONS,
                     title="Week 3: the panel", transcript="My own transcript.",
                     completion_threshold="75")
    assert response.status_code == 200
    soup = page(response)
    assert _summary(soup) == [
        "Video (MP4 or WebM): This file is not an MP4 or WebM video, whatever its name says.",
        "Captions (WebVTT): The captions are not a WebVTT file: its first line must be WEBVTT.",
    ]
    # Each error is beside its own field too.
    for name in ("video", "captions"):
        field = soup.select_one(f"main form input[name={name}]")
        assert field["aria-invalid"] == "true"
        assert soup.find(id=f"{field['id']}-error")
    assert (_value(soup, "title"), _value(soup, "transcript"),
            _value(soup, "completion_threshold"), _value(soup, "slug")) == (
        "Week 3: the panel", "My own transcript.", "75", "webinar")
    assert _item(db) is None and _stored(app) == []


def test_a_good_file_beside_a_bad_one_is_not_kept_alone(app, client, db, world, sign_in_as):
    sign_in_as("facilitator")
    response = _post(client, _new_url(world), ("intro.webm", WEBM), NOT_CAPTIONS)
    assert _summary(page(response)) == [
        "Captions (WebVTT): The captions are not a WebVTT file: its first line must be WEBVTT."]
    assert _item(db) is None and _stored(app) == []
    response = _post(client, _new_url(world), NOT_A_VIDEO, VTT)
    assert _summary(page(response)) == [
        "Video (MP4 or WebM): This file is not an MP4 or WebM video, whatever its name says."]
    assert _item(db) is None and _stored(app) == []


def test_the_files_are_checked_with_the_fields(app, client, db, world, sign_in_as):
    sign_in_as("facilitator")
    response = _post(client, _new_url(world), NOT_A_VIDEO, NOT_CAPTIONS, title="",
                     completion_threshold="150", transcript="Kept.")
    soup = page(response)
    assert _summary(soup) == [
        "Title: Enter a title.",
        "Video (MP4 or WebM): This file is not an MP4 or WebM video, whatever its name says.",
        "Captions (WebVTT): The captions are not a WebVTT file: its first line must be WEBVTT.",
        "Share to watch for completion (%): Enter a whole number from 1 to 100.",
    ]
    assert _value(soup, "transcript") == "Kept."
    assert _item(db) is None and _stored(app) == []
    # Good files with a bad field: the field's error alone, and the files are not kept.
    response = _post(client, _new_url(world), ("intro.webm", WEBM), VTT, title="")
    assert _summary(page(response)) == ["Title: Enter a title."]
    assert _stored(app) == []


def test_files_too_large_are_both_named(app, client, db, world, sign_in_as, monkeypatch):
    # Small limits: a request past 500 KB would be spooled to a file by the test client.
    app.config["RECORDING_MAX_BYTES"] = 1024
    monkeypatch.setattr(item_views, "CAPTIONS_MAX_BYTES", 2048)
    sign_in_as("facilitator")
    cue = b"00:00.000 --> 00:02.000\nWords.\n\n"
    response = _post(client, _new_url(world), ("intro.webm", WEBM[:4096]),
                     b"WEBVTT\n\n" + cue * 100)
    assert _summary(page(response)) == [
        "Video (MP4 or WebM): The file is larger than 1 KB.",
        "Captions (WebVTT): The file is larger than 2 KB.",
    ]
    assert _item(db) is None and _stored(app) == []


def test_an_edit_names_every_bad_file_and_changes_nothing(app, client, db, world, sign_in_as):
    one = world.modules[0]
    recording = one.items[0]
    sign_in_as("facilitator")
    url = f"/studio/courses/mindsets/modules/{one.id}/recordings/{recording.id}/edit"
    response = _post(client, url, NOT_A_VIDEO, NOT_CAPTIONS, slug="recording",
                     title="Renamed")
    soup = page(response)
    assert [line.split(":")[0] for line in _summary(soup)] == ["Video (MP4 or WebM)",
                                                               "Captions (WebVTT)"]
    assert _value(soup, "title") == "Renamed"
    db.session.expire_all()
    item = db.session.get(Item, recording.id)
    assert (item.title, item.video_path, item.captions_path) == (
        "Recording", "mindsets/one/intro.webm", "mindsets/one/intro.vtt")
    assert _stored(app) == []
