"""A recording's transcript as participants read it: lines of text with cue times in them.

A transcript made from captions (`media.uploads.transcript_from_captions`) marks where each
cue starts with a time in square brackets, `[00:01:23]`, so that the page can offer each one
as a link that plays the recording from there. A typed transcript may use the same marks; one
without them is plain paragraphs.
"""

import re
from dataclasses import dataclass

# [hh:mm:ss] or [mm:ss], minutes and seconds below 60.
_STAMP = re.compile(r"\[(?:(\d{1,3}):)?([0-5]?\d):([0-5]\d)\]")


def stamp(seconds: int) -> str:
    """A time in the mark a transcript uses: `[hh:mm:ss]`."""
    hours, rest = divmod(max(0, int(seconds)), 3600)
    minutes, seconds = divmod(rest, 60)
    return f"[{hours:02d}:{minutes:02d}:{seconds:02d}]"


@dataclass(frozen=True)
class Part:
    """A piece of a transcript line: words, or (with `seconds`) a time to play from."""

    text: str
    seconds: int | None = None


def _parts(line: str) -> list[Part]:
    parts, start = [], 0
    for match in _STAMP.finditer(line):
        if line[start:match.start()].strip():
            parts.append(Part(line[start:match.start()].strip()))
        hours, minutes, seconds = (int(group or 0) for group in match.groups())
        parts.append(Part(match.group(0)[1:-1], hours * 3600 + minutes * 60 + seconds))
        start = match.end()
    if line[start:].strip():
        parts.append(Part(line[start:].strip()))
    return parts


def transcript_lines(text: str | None) -> list[list[Part]]:
    """The transcript's non-empty lines, each split into words and times to play from."""
    return [_parts(line) for line in (text or "").splitlines() if line.strip()]
