"""Reading a video's duration from its header, and refusing what cannot be read."""

import io
import struct

import pytest

from learning.config import ROOT
from learning.media.videolength import MAX_SECONDS, length_fault, mp4_seconds, webm_seconds


def _box(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", 8 + len(payload)) + kind + payload


def _mvhd(version: int, timescale: int, duration: int) -> bytes:
    if version == 1:
        times = struct.pack(">QQIQ", 0, 0, timescale, duration)
    else:
        times = struct.pack(">IIII", 0, 0, timescale, duration)
    return _box(b"mvhd", bytes([version, 0, 0, 0]) + times + bytes(80))


FTYP = _box(b"ftyp", b"isom" + struct.pack(">I", 512) + b"isomiso2mp41")


@pytest.mark.parametrize("name", ["01-changing-mindsets", "02-state-of-digital-transformation"])
def test_the_courses_own_webm_files(name):
    with open(ROOT / "modules" / name / "media" / "introduction.webm", "rb") as stream:
        assert 60 < webm_seconds(stream) < 70


def test_mp4_with_the_movie_header_after_the_media_data():
    data = FTYP + _box(b"mdat", bytes(5000)) + _box(b"moov", _mvhd(0, 600, 600 * 95))
    assert mp4_seconds(io.BytesIO(data)) == 95


def test_mp4_version_1_header_and_a_64_bit_box_size():
    moov = _box(b"moov", _mvhd(1, 90_000, 90_000 * 3600))
    large = struct.pack(">I4sQ", 1, b"free", 16 + 8) + bytes(8)
    assert mp4_seconds(io.BytesIO(FTYP + large + moov)) == 3600


@pytest.mark.parametrize("data", [
    FTYP,  # no movie box
    FTYP + _box(b"moov", b""),  # no movie header
    FTYP + _box(b"moov", _mvhd(0, 0, 100)),  # no timescale
    FTYP + _box(b"moov", _mvhd(0, 1000, 0)),  # no length
    FTYP + struct.pack(">I4s", 4, b"bad!"),  # a box smaller than its header
    FTYP + _box(b"moov", _mvhd(0, 1000, 5000))[:30],  # cut short
    b"",
])
def test_mp4_without_a_readable_length(data):
    assert mp4_seconds(io.BytesIO(data)) is None


def _element(element_id: bytes, payload: bytes) -> bytes:
    """An EBML element with a one-byte size (the payloads here are short)."""
    assert len(payload) < 127
    return element_id + bytes([0x80 | len(payload)]) + payload


def _webm(info: bytes, segment_size: bytes | None = None) -> bytes:
    header = _element(b"\x1a\x45\xdf\xa3", _element(b"\x42\x82", b"webm"))
    body = _element(b"\x15\x49\xa9\x66", info)
    size = segment_size if segment_size is not None else bytes([0x80 | len(body)])
    return header + b"\x18\x53\x80\x67" + size + body


def test_webm_duration_in_ticks_of_its_timecode_scale():
    info = (_element(b"\x2a\xd7\xb1", (1_000_000).to_bytes(3, "big"))
            + _element(b"\x44\x89", struct.pack(">d", 61_500.0)))
    assert webm_seconds(io.BytesIO(_webm(info))) == 61.5


def test_webm_segment_of_unknown_size_and_a_float32_duration():
    info = _element(b"\x44\x89", struct.pack(">f", 2_000.0))  # default scale: milliseconds
    assert webm_seconds(io.BytesIO(_webm(info, segment_size=b"\xff"))) == 2.0


@pytest.mark.parametrize("info", [
    b"",  # a live recording: no duration written
    _element(b"\x44\x89", struct.pack(">d", float("nan"))),
    _element(b"\x44\x89", struct.pack(">d", -5.0)),
    _element(b"\x44\x89", b"\x00\x01"),  # not a float
])
def test_webm_without_a_readable_length(info):
    assert webm_seconds(io.BytesIO(_webm(info))) is None


def test_garbage_is_no_webm():
    assert webm_seconds(io.BytesIO(b"\x1a\x45\xdf\xa3" + b"\x00" * 64)) is None
    assert webm_seconds(io.BytesIO(b"")) is None


# Lengths a recording cannot have: read as the header says, refused by `length_fault`.

@pytest.mark.parametrize(("version", "timescale", "duration", "seconds"), [
    (1, 1, 2**33, 2**33),  # 272 years, past 2**31 (the integers of the database)
    (0, 1, 2**32 - 2, 2**32 - 2),
    (1, 1000, (MAX_SECONDS + 1) * 1000, MAX_SECONDS + 1),  # a second past a day
])
def test_a_crafted_mp4_header_beyond_a_day_is_read_and_refused(version, timescale, duration,
                                                               seconds):
    data = FTYP + _box(b"moov", _mvhd(version, timescale, duration))
    read = mp4_seconds(io.BytesIO(data))
    assert read == seconds
    assert length_fault(read) == "too long"


@pytest.mark.parametrize(("seconds", "fault"), [
    (None, "unknown"),
    (float("nan"), "not positive"),
    (-1.0, "not positive"),
    (0, "not positive"),
    (float("inf"), "too long"),
    (MAX_SECONDS + 0.5, "too long"),
    (MAX_SECONDS, None),
    (0.2, None),
    (95.2, None),
])
def test_what_a_recordings_length_may_be(seconds, fault):
    assert MAX_SECONDS == 24 * 3600
    assert length_fault(seconds) == fault


def test_a_webm_claiming_for_ever_is_too_long():
    info = _element(b"\x44\x89", struct.pack(">d", float("inf")))
    assert length_fault(webm_seconds(io.BytesIO(_webm(info)))) == "too long"
