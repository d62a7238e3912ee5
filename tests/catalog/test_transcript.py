"""A recording's transcript: each cue's time is a link that plays the recording from there
(a media fragment without JavaScript, the page's player with it); speakers are kept."""

import pytest

from learning.catalog.transcripts import Part, stamp, transcript_lines
from learning.media.uploads import transcript_from_captions
from tests.conftest import page

ITEM = "/courses/mindsets/modules/one/items/recording"
ZOOM = (b"WEBVTT\n\n1\n00:00:01.000 --> 00:00:04.000\nAnna Smith: Good morning.\n\n"
        b"2\n00:00:04.500 --> 00:00:06.000\nAnna Smith: Welcome.\n\n"
        b"3\n01:02:03.900 --> 01:02:09.000\n<v Joe Bloggs>Thank you.\n")


def test_captions_make_a_transcript_with_each_cues_time():
    assert transcript_from_captions(ZOOM) == (
        "[00:00:01] Anna Smith: Good morning. [00:00:04] Welcome.\n"
        "[01:02:03] Joe Bloggs: Thank you.")


def test_times_are_read_back_in_seconds():
    assert stamp(3723) == "[01:02:03]"
    assert transcript_lines("[00:01:05] Anna: Hi. [1:02:03] Bye.\n\nNo time [here].") == [
        [Part("00:01:05", 65), Part("Anna: Hi."), Part("1:02:03", 3723), Part("Bye.")],
        [Part("No time [here].")],
    ]


@pytest.fixture
def timed(db, world):
    recording = world.modules[0].items[0]
    recording.transcript = ("[00:00:01] Anna Smith: Good morning. [00:00:04] Welcome.\n"
                            "[00:01:30] Joe Bloggs: Thank you.")
    db.session.commit()
    return recording


def test_each_time_links_to_the_video_at_that_time(client, world, timed, sign_in_as):
    sign_in_as("enrolled")
    soup = page(client.get(ITEM))
    paragraphs = soup.select("section.transcript p")
    assert [p.get_text(" ", strip=True) for p in paragraphs] == [
        "00:00:01 Anna Smith: Good morning. 00:00:04 Welcome.",
        "00:01:30 Joe Bloggs: Thank you.",
    ]
    links = soup.select("section.transcript a.transcript-time")
    video = f"/items/{timed.id}/video"
    assert [a["href"] for a in links] == [f"{video}#t=1", f"{video}#t=4", f"{video}#t=90"]
    assert [a["data-seconds"] for a in links] == ["1", "4", "90"]
    assert links[2]["aria-label"] == "Play the recording from 00:01:30"
    assert soup.select_one("video source")["src"] == video
    scripts = [s["src"].split("?")[0] for s in soup.select("script[src]")]
    assert "/static/js/transcript.js" in scripts
    assert not soup.select("script:not([src])")
    assert not soup.select("[onclick]")


def test_a_previewing_facilitator_gets_the_links_too(client, world, timed, sign_in_as):
    sign_in_as("facilitator")
    soup = page(client.get(ITEM))
    assert len(soup.select("section.transcript a.transcript-time")) == 3
    assert "/static/js/transcript.js" in [s["src"].split("?")[0]
                                          for s in soup.select("script[src]")]


def test_without_a_video_to_play_times_are_text(client, db, world, timed, sign_in_as):
    timed.video_path = None
    timed.embed_url = "https://example.org/webinar"
    db.session.commit()
    sign_in_as("enrolled")
    soup = page(client.get(ITEM))
    assert not soup.select("section.transcript a")
    assert [s.get_text() for s in soup.select("section.transcript span.transcript-time")] == [
        "00:00:01", "00:00:04", "00:01:30"]
    assert "/static/js/transcript.js" not in [s["src"].split("?")[0]
                                              for s in soup.select("script[src]")]


def test_a_transcript_without_times_is_plain_paragraphs(client, db, world, sign_in_as):
    world.modules[0].items[0].transcript = "First line.\n\nSecond: line."
    db.session.commit()
    sign_in_as("enrolled")
    soup = page(client.get(ITEM))
    assert [p.get_text() for p in soup.select("section.transcript p")] == [
        "First line.", "Second: line."]
    assert not soup.select("section.transcript a")
