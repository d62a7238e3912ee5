"""A video's duration, read from its own header: MP4's movie header, WebM's segment info.

No media library or external program: the one maintained pure-Python parser of both is
GPL-licensed, and this project is MIT. Only the few fields needed are read; the rest of the
file is skipped by seeking, so a large video costs a few small reads. Anything unexpected
means the length is unknown (None).
"""

import math
import struct
from typing import BinaryIO

# The longest a recording may last: a day. A header that claims more is damaged or made up
# (2**32 seconds is 136 years), and no recording's length may pass the database's integers.
MAX_SECONDS = 24 * 60 * 60


def length_fault(seconds: float | None) -> str | None:
    """Why a duration read from a video's header cannot be a recording's length, or None.

    "unknown" when the header gives none; "not positive" for zero, a negative number or
    NaN; "too long" past MAX_SECONDS, infinity included.
    """
    if seconds is None:
        return "unknown"
    if not seconds > 0:
        return "not positive"
    if seconds > MAX_SECONDS:
        return "too long"
    return None


def minutes_to_watch(seconds: float) -> int:
    """The minutes a video of this length takes to watch: whole minutes rounded up, at least 1.

    What a recording's "Minutes to watch" says when the facilitator leaves it empty.
    """
    return max(1, math.ceil(seconds / 60))


# MP4: boxes are (32-bit size, 4-byte type), size 1 means a 64-bit size follows, 0 means
# "to the end of the file". The movie box `moov` holds the movie header `mvhd`.
_MAX_BOXES = 10_000


def _mp4_boxes(stream: BinaryIO, start: int, end: int | None):
    position, seen = start, 0
    while end is None or position + 8 <= end:
        seen += 1
        if seen > _MAX_BOXES:
            return
        stream.seek(position)
        header = stream.read(8)
        if len(header) < 8:
            return
        size, kind = struct.unpack(">I4s", header)
        body = position + 8
        if size == 1:
            large = stream.read(8)
            if len(large) < 8:
                return
            size = struct.unpack(">Q", large)[0]
            body += 8
        elif size == 0:
            if end is None:
                stream.seek(0, 2)
                end = stream.tell()
            size = end - position
        if size < body - position:
            return
        yield kind, body, position + size
        position += size


def mp4_seconds(stream: BinaryIO) -> float | None:
    """The MP4's duration from its movie header (timescale units), or None."""
    for kind, body, box_end in _mp4_boxes(stream, 0, None):
        if kind != b"moov":
            continue
        for inner, inner_body, _ in _mp4_boxes(stream, body, box_end):
            if inner != b"mvhd":
                continue
            stream.seek(inner_body)
            version = stream.read(4)[:1]
            if version == b"\x01":
                data = stream.read(28)
                if len(data) < 28:
                    return None
                timescale, duration = struct.unpack(">16xIQ", data)
            else:
                data = stream.read(16)
                if len(data) < 16:
                    return None
                timescale, duration = struct.unpack(">8xII", data)
            if not timescale or duration in (0, 0xFFFFFFFF, 0xFFFFFFFFFFFFFFFF):
                return None
            return duration / timescale
        return None
    return None


# WebM (Matroska): elements are (ID, size, data), both ID and size as variable-length
# integers. The Segment holds Info, which holds TimecodeScale (ns per tick) and Duration.
_SEGMENT, _INFO = 0x18538067, 0x1549A966
_TIMECODE_SCALE, _DURATION = 0x2AD7B1, 0x4489
_UNKNOWN = object()


def _vint(stream: BinaryIO, keep_marker: bool):
    first = stream.read(1)
    if not first:
        return None
    byte = first[0]
    length = 1
    mask = 0x80
    while length <= 8 and not byte & mask:
        mask >>= 1
        length += 1
    if length > 8:
        return None
    rest = stream.read(length - 1)
    if len(rest) < length - 1:
        return None
    value = byte if keep_marker else byte & (mask - 1)
    all_ones = (byte & (mask - 1)) == mask - 1 and all(b == 0xFF for b in rest)
    for b in rest:
        value = (value << 8) | b
    if not keep_marker and all_ones:
        return _UNKNOWN
    return value


def _elements(stream: BinaryIO, end: int | None):
    seen = 0
    while end is None or stream.tell() < end:
        seen += 1
        if seen > _MAX_BOXES:
            return
        element = _vint(stream, keep_marker=True)
        size = _vint(stream, keep_marker=False)
        if element is None or size is None:
            return
        start = stream.tell()
        yield element, start, size
        if size is _UNKNOWN:
            return
        stream.seek(start + size)


def webm_seconds(stream: BinaryIO) -> float | None:
    """The WebM's duration from its segment information, or None (e.g. a live recording)."""
    stream.seek(0)
    for element, start, size in _elements(stream, None):
        if element != _SEGMENT:
            continue
        segment_end = None if size is _UNKNOWN else start + size
        for child, child_start, child_size in _elements(stream, segment_end):
            if child != _INFO or child_size is _UNKNOWN:
                continue
            scale, duration = 1_000_000, None
            for field, field_start, field_size in _elements(stream, child_start + child_size):
                if field_size is _UNKNOWN or field_size > 8:
                    return None
                stream.seek(field_start)
                data = stream.read(field_size)
                if field == _TIMECODE_SCALE and data:
                    scale = int.from_bytes(data, "big")
                elif field == _DURATION and field_size in (4, 8):
                    duration = struct.unpack(">f" if field_size == 4 else ">d", data)[0]
            if duration is None or not duration > 0 or not scale:
                return None
            return duration * scale / 1e9
        return None
    return None
