"""Recordings from uploaded videos: the type and the length read from the file, captions
checked, completion kept across edits."""

import io
import re
import struct
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from learning.catalog.models import Item
from learning.config import ROOT
from learning.progress.models import Progress
from tests.conftest import page

MEDIA = ROOT / "modules" / "01-changing-mindsets" / "media"
WEBM = (MEDIA / "introduction.webm").read_bytes()
VTT = (MEDIA / "introduction.vtt").read_bytes()
RECORDING = {"title": "The webinar", "slug": "webinar", "minutes": "60", "is_required": "y",
             "is_published": "y", "transcript": "Welcome to the webinar.",
             "completion_threshold": "90", "transcript_completes": "y"}


def _box(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", 8 + len(payload)) + kind + payload


def mp4(seconds: float) -> bytes:
    """The smallest MP4 that says how long it is: a file type box and a movie header."""
    header = (bytes(4) + struct.pack(">IIII", 0, 0, 1000, int(seconds * 1000))
              + struct.pack(">IH", 0x00010000, 0x0100) + bytes(70) + struct.pack(">I", 2))
    return _box(b"ftyp", b"isom" + struct.pack(">I", 512) + b"isomiso2mp41") + _box(
        b"moov", _box(b"mvhd", header))


def _url(world):
    return f"/studio/courses/mindsets/modules/{world.modules[0].id}/recordings/new"


def _post(client, url, video=None, captions=None, **data):
    files = {}
    if video is not None:
        files["video"] = (io.BytesIO(video[1]), video[0])
    if captions is not None:
        files["captions"] = (io.BytesIO(captions), "captions.vtt")
    return client.post(url, content_type="multipart/form-data",
                       data={**RECORDING, **data, **files})


def _stored(app):
    root = Path(app.config["MEDIA_ROOT"])
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


def _item(db, slug="webinar"):
    db.session.expire_all()
    return db.session.scalar(select(Item).where(Item.slug == slug))


def test_a_webm_makes_a_recording_that_participants_can_play(app, client, db, world,
                                                             sign_in_as, auth):
    sign_in_as("facilitator")
    response = _post(client, _url(world), ("intro.webm", WEBM), VTT)
    assert response.status_code == 302
    item = _item(db)
    assert item.kind == "recording" and item.duration_seconds == 66
    assert re.fullmatch(r"mindsets/recordings/[0-9a-f]{32}\.webm", item.video_path)
    assert re.fullmatch(r"mindsets/recordings/[0-9a-f]{32}\.vtt", item.captions_path)
    assert _stored(app) == sorted([item.video_path, item.captions_path])
    assert item.completion_threshold == 90 and item.transcript_completes
    message = page(client.get("/studio/courses/mindsets")).select_one(".messages").get_text()
    assert "it lasts 1 min 6 s" in message
    auth.logout()

    sign_in_as("enrolled")
    soup = page(client.get("/courses/mindsets/modules/one/items/webinar"))
    video = soup.find("video")
    assert video.find("source")["type"] == "video/webm"
    with client.get(video.find("source")["src"], headers={"Range": "bytes=0-3"}) as response:
        assert response.status_code == 206 and response.data == WEBM[:4]
    assert "Welcome to the webinar." in soup.get_text()


def test_an_mp4s_length_is_read_from_the_file(client, db, world, sign_in_as):
    sign_in_as("facilitator")
    response = _post(client, _url(world), ("talk.mp4", mp4(95.2)), VTT)
    assert response.status_code == 302
    item = _item(db)
    assert item.video_path.endswith(".mp4") and item.duration_seconds == 96


@pytest.mark.parametrize(("video", "problem"), [
    (("talk.mp4", b"%PDF-1.4 not a video at all"), "not an MP4 or WebM video"),
    (("talk.webm", b"\x1a\x45\xdf\xa3" + b"matroska" + bytes(64)),
     "not an MP4 or WebM video"),
    (("talk.mp4", b"\x00\x00\x00\x18ftypisom" + bytes(40)), "length of this video cannot"),
])
def test_videos_that_are_not_or_have_no_length_are_refused(app, client, db, world,
                                                           sign_in_as, video, problem):
    sign_in_as("facilitator")
    response = _post(client, _url(world), video, VTT)
    assert response.status_code == 200
    assert problem in page(response).select_one(".error-summary").get_text()
    assert _item(db) is None
    assert _stored(app) == []  # the captions stored first went again


def mp4_claiming(timescale: int, duration: int) -> bytes:
    """An MP4 whose version 1 movie header gives any 64-bit duration."""
    header = (bytes([1, 0, 0, 0]) + struct.pack(">QQIQ", 0, 0, timescale, duration)
              + bytes(80))
    return _box(b"ftyp", b"isom" + struct.pack(">I", 512) + b"isomiso2mp41") + _box(
        b"moov", _box(b"mvhd", header))


@pytest.mark.parametrize(("video", "length"), [
    (mp4_claiming(1, 2**33), "2,386,093 hours"),  # past 2**31 s: it was a 500
    (mp4_claiming(1000, (24 * 3600 + 1) * 1000), "24 hours"),
    (mp4(25 * 3600), "25 hours"),
], ids=["2**33 seconds", "a day and a second", "25 hours"])
def test_a_video_claiming_more_than_a_day_is_a_clear_form_error(app, client, db, world,
                                                                sign_in_as, video, length):
    sign_in_as("facilitator")
    response = _post(client, _url(world), ("talk.mp4", video), VTT)
    assert response.status_code == 200
    soup = page(response)
    error = soup.find(id="video-error").get_text(" ", strip=True)
    assert f"says it lasts {length}" in error
    assert "at most 24 hours" in error
    assert "probably damaged" in soup.select_one(".error-summary").get_text()
    assert soup.find(id="title")["value"] == "The webinar"  # what was typed is kept
    assert _item(db) is None
    assert _stored(app) == []


def test_a_video_of_exactly_a_day_is_accepted(client, db, world, sign_in_as):
    sign_in_as("facilitator")
    response = _post(client, _url(world), ("day.mp4", mp4_claiming(1, 24 * 3600)), VTT)
    assert response.status_code == 302
    assert _item(db).duration_seconds == 24 * 3600


@pytest.mark.parametrize(("captions", "problem"), [
    (b"1\n00:00:00,000 --> 00:00:02,000\nSRT, not VTT\n", "first line must be WEBVTT"),
    (b"WEBVTT\n\n00:00.000 --> 00:02\nHello\n", "Line 3 of the captions is not a cue timing"),
    (b"WEBVTT\n\nNo cues at all\n", "has no cues"),
    ("WEBVTT\n\n00:00.000 --> 00:02.000\nCa\xf1as\n".encode("latin-1"), "not UTF-8"),
])
def test_captions_are_checked(app, client, db, world, sign_in_as, captions, problem):
    sign_in_as("facilitator")
    response = _post(client, _url(world), ("intro.webm", WEBM), captions)
    assert response.status_code == 200
    assert problem in page(response).select_one(".error-summary").get_text()
    assert _item(db) is None and _stored(app) == []


def test_a_new_recording_needs_its_video(client, db, world, sign_in_as):
    sign_in_as("facilitator")
    response = _post(client, _url(world), None, None, transcript="",
                     transcript_completes="y")
    errors = page(response).select_one(".error-summary").get_text()
    assert "Choose the recording's video file." in errors
    assert "Add the transcript, or untick this." in errors


def test_a_video_past_the_limit_is_refused(app, client, db, world, sign_in_as):
    app.config["RECORDING_MAX_BYTES"] = 1024
    sign_in_as("facilitator")
    response = _post(client, _url(world), ("intro.webm", WEBM[:4096]))
    assert response.status_code == 200
    assert "The file is larger than 1 KB." in page(response).select_one(
        ".error-summary").get_text()
    assert _stored(app) == []


def test_editing_a_watched_recording_keeps_the_completion(app, client, db, world,
                                                          sign_in_as):
    one = world.modules[0]
    recording = one.items[0]
    db.session.add(Progress(user_id=world.users["enrolled"].id, item_id=recording.id,
                            status="complete", completed_at=datetime.now(UTC),
                            detail={"intervals": [[0, 60]]}))
    db.session.commit()
    sign_in_as("facilitator")
    url = f"/studio/courses/mindsets/modules/{one.id}/recordings/{recording.id}/edit"
    form = page(client.get(url)).select_one("main form")
    assert form.find("input", attrs={"name": "slug"})["value"] == "recording"
    assert "The current video lasts 1 min 0 s." in form.get_text()
    # Without a new file the video stays; with one, its length is the new file's.
    assert _post(client, url, slug="recording", title="Renamed").status_code == 302
    db.session.expire_all()
    assert db.session.get(Item, recording.id).video_path == "mindsets/one/intro.webm"
    assert _post(client, url, ("new.webm", WEBM), slug="recording").status_code == 302
    db.session.expire_all()
    item = db.session.get(Item, recording.id)
    assert item.duration_seconds == 66 and item.captions_path == "mindsets/one/intro.vtt"
    progress = db.session.scalar(select(Progress).where(Progress.item_id == recording.id))
    assert progress.status == "complete"


ZOOM_VTT = (
    b"WEBVTT\n\n"
    b"1\n00:00:01.000 --> 00:00:04.000\nAnna Smith: Good morning, everyone.\n\n"
    b"2\n00:00:04.500 --> 00:00:06.000\nAnna Smith: Welcome to the second webinar.\n\n"
    b"3\n00:00:06.500 --> 00:00:09.000\nJoe Bloggs: Thank you, Anna. <script>x</script>\n"
)


def test_zooms_mp4_and_transcript_make_a_recording_in_one_step(client, db, world,
                                                               sign_in_as, auth):
    sign_in_as("facilitator")
    response = _post(client, _url(world), ("GMT20240228-140000_Recording.mp4", mp4(3600)),
                     ZOOM_VTT, transcript="")
    assert response.status_code == 302
    item = _item(db)
    assert item.duration_seconds == 3600 and item.captions_path.endswith(".vtt")
    # One line per turn, each cue's start kept as a mark the page links to the player.
    assert item.transcript == ("[00:00:01] Anna Smith: Good morning, everyone. [00:00:04] "
                               "Welcome to the second webinar.\n"
                               "[00:00:06] Joe Bloggs: Thank you, Anna. x")
    auth.logout()
    sign_in_as("enrolled")
    soup = page(client.get("/courses/mindsets/modules/one/items/webinar"))
    lines = [p.get_text(" ", strip=True) for p in soup.select("section.transcript p")]
    assert lines[:2] == ["00:00:01 Anna Smith: Good morning, everyone. 00:00:04 Welcome to "
                         "the second webinar.", "00:00:06 Joe Bloggs: Thank you, Anna. x"]
    assert soup.select_one("video track")["kind"] == "captions"


def test_a_typed_transcript_wins_over_the_captions(client, db, world, sign_in_as):
    sign_in_as("facilitator")
    _post(client, _url(world), ("talk.mp4", mp4(60)), ZOOM_VTT, transcript="My own words.")
    assert _item(db).transcript == "My own words."
