"""Files facilitators upload (PDFs, videos, captions, images): checked, stored by random name.

A file's name and the type the browser claims are never trusted: the first bytes say what it
is. It is written in chunks, refused as soon as it passes its size limit (the request's
declared length is checked before the body is read, in the view), and stored under a random
name in the course's folder, so that no name from the request reaches the file system.
"""

import io
import math
import os
import re
import secrets
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from flask_babel import format_decimal
from flask_babel import gettext as _

from learning.catalog.services import IMAGE_FOLDER, IMAGE_NAME
from learning.catalog.transcripts import stamp
from learning.media.videolength import MAX_SECONDS, length_fault, mp4_seconds, webm_seconds

CHUNK_BYTES = 64 * 1024
PDF_MAGIC = b"%PDF-"


def human_size(size: int) -> str:
    """A byte count as people say it: megabytes (to a tenth below ten), or kilobytes below one.

    A limit of whole megabytes reads as one ("50 MB"), never "49.9 MB".
    """
    megabytes, rest = divmod(size, 1024 * 1024)
    if megabytes >= 10 or (megabytes and not rest):
        return _("%(num)d MB", num=megabytes)
    if megabytes:
        return _("%(size)s MB", size=format_decimal(round(size / (1024 * 1024), 1)))
    return _("%(num)d KB", num=max(1, size // 1024))


class UploadError(Exception):
    """An upload refused, with the reason in words for the facilitator."""


class UploadTooLarge(UploadError):
    """The upload passed its size limit."""


def is_pdf(head: bytes) -> bool:
    """True if the file starts as every PDF does (`%PDF-`, after at most a little junk).

    The PDF standard lets readers accept the header within the first 1,024 bytes; uploads
    are held to the strict form, at the very start.
    """
    return head.startswith(PDF_MAGIC)


def video_type(head: bytes) -> str | None:
    """"mp4" or "webm" from a video's first bytes, or None for anything else.

    MP4 (ISO base media) opens with a box whose type is `ftyp`; WebM is Matroska (an EBML
    header) whose DocType says "webm".
    """
    if len(head) >= 12 and head[4:8] == b"ftyp":
        return "mp4"
    if head.startswith(b"\x1a\x45\xdf\xa3") and b"webm" in head[:64]:
        return "webm"
    return None


def _copy_checked(stream: BinaryIO, out: BinaryIO | None, max_bytes: int, check_head):
    """Read the stream in chunks into `out` (or nowhere), after `check_head` accepts its start.

    What every file is held to: not empty, `check_head(first_chunk)` (which raises UploadError
    for a file that is not what it should be) and at most `max_bytes`, refused as soon as it
    passes them. Returns what `check_head` returns.
    """
    head = stream.read(CHUNK_BYTES)
    if not head:
        raise UploadError(_("The file is empty."))
    found = check_head(head)
    chunk, written = head, 0
    while chunk:
        written += len(chunk)
        if written > max_bytes:
            raise UploadTooLarge(_("The file is larger than %(size)s.",
                                   size=human_size(max_bytes)))
        if out is not None:
            out.write(chunk)
        chunk = stream.read(CHUNK_BYTES)
    return found


def _store(stream: BinaryIO, media_root: str | Path, relative: PurePosixPath, max_bytes: int,
           check_head):
    """Write the stream to MEDIA_ROOT/relative as `_copy_checked` accepts it; what it returns.

    Nothing is left on disk when anything is refused.
    """
    target = Path(media_root, *relative.parts)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".part")
    try:
        with open(partial, "xb") as out:
            found = _copy_checked(stream, out, max_bytes, check_head)
            out.flush()
            os.fsync(out.fileno())
        os.replace(partial, target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return found


def image_type(head: bytes) -> str | None:
    """"png", "jpg", "webp" or "gif" from an image's first bytes, or None for anything else.

    SVG is not among them: it is a document that can carry script.
    """
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "gif"
    if len(head) >= 12 and head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return "webp"
    return None


def _random_path(course_slug: str, folder: str, suffix: str) -> PurePosixPath:
    return PurePosixPath(course_slug, folder, f"{secrets.token_hex(16)}{suffix}")


def store_pdf(stream: BinaryIO, media_root: str | Path, course_slug: str,
              max_bytes: int) -> str:
    """Store an uploaded PDF; its path relative to MEDIA_ROOT (`<course>/readings/<random>.pdf`).

    Raises UploadError when it is not a PDF or is empty, UploadTooLarge past `max_bytes`.
    """
    def check(head):
        if not is_pdf(head):
            raise UploadError(_("This file is not a PDF, whatever its name says. Choose "
                                "a PDF file."))

    relative = _random_path(course_slug, "readings", ".pdf")
    _store(stream, media_root, relative, max_bytes, check)
    return relative.as_posix()


def store_video(stream: BinaryIO, media_root: str | Path, course_slug: str,
                max_bytes: int) -> tuple[str, int]:
    """Store an uploaded MP4 or WebM video; its path under MEDIA_ROOT and its whole seconds.

    The duration is read from the file's own header (`videolength`): a recording tracks
    completion against it. Raises UploadError when the file is not an MP4 or WebM video or
    its length cannot be read (nothing is kept then), UploadTooLarge past `max_bytes`.
    """
    found = []

    def check(head):
        kind = video_type(head)
        if kind is None:
            raise UploadError(_("This file is not an MP4 or WebM video, whatever its name "
                                "says."))
        found.append(kind)

    relative = _random_path(course_slug, "recordings", ".part-video")
    _store(stream, media_root, relative, max_bytes, check)
    final = relative.with_suffix(f".{found[0]}")
    stored, target = Path(media_root, *relative.parts), Path(media_root, *final.parts)
    os.replace(stored, target)
    try:
        seconds = video_seconds(target, found[0])
    except UploadError:
        target.unlink(missing_ok=True)
        raise
    return final.as_posix(), seconds


def _image_head(head: bytes) -> str:
    kind = image_type(head)
    if kind is None:
        raise UploadError(_("This file is not a PNG, JPEG, WebP or GIF image, whatever its "
                            "name says."))
    return kind


def check_image(stream: BinaryIO, max_bytes: int) -> str:
    """Check an image exactly as an upload to a course's library is checked; its type.

    For images that arrive otherwise (a content folder's `images/`): read through, stored
    nowhere. Raises UploadError for anything but a PNG, JPEG, WebP or GIF image (SVG
    included) or an empty file, UploadTooLarge past `max_bytes`.
    """
    return _copy_checked(stream, None, max_bytes, _image_head)


def store_image(stream: BinaryIO, media_root: str | Path, course_slug: str,
                max_bytes: int) -> str:
    """Store an uploaded PNG, JPEG, WebP or GIF image; its path under MEDIA_ROOT.

    `<course>/images/<random>.<type>`, the type read from the file's first bytes. Checked as
    `check_image` checks: raises UploadError for anything else (SVG included),
    UploadTooLarge past `max_bytes`.
    """
    relative = _random_path(course_slug, IMAGE_FOLDER, ".part-image")
    kind = _store(stream, media_root, relative, max_bytes, _image_head)
    final = relative.with_suffix(f".{kind}")
    os.replace(Path(media_root, *relative.parts), Path(media_root, *final.parts))
    return final.as_posix()


def stored_images(media_root: str | Path, course_slug: str) -> list[str]:
    """The names of the course's stored images, newest first."""
    folder = Path(media_root, course_slug, IMAGE_FOLDER)
    if not folder.is_dir():
        return []
    files = [p for p in folder.iterdir() if p.is_file() and IMAGE_NAME.match(p.name)]
    return [p.name for p in sorted(files, key=lambda p: (-p.stat().st_mtime, p.name))]


def video_seconds(path: Path, kind: str) -> int:
    """The video's duration in whole seconds (rounded up), read from the file.

    Raises UploadError naming what is wrong with the length the header gives: none, none
    above zero, or more than a recording may last (`videolength.MAX_SECONDS`, a day).
    """
    read = mp4_seconds if kind == "mp4" else webm_seconds
    with open(path, "rb") as stream:
        seconds = read(stream)
    fault = length_fault(seconds)
    if fault == "too long":
        raise UploadError(_(
            "This video's file says it lasts %(length)s, and a recording may last at most "
            "%(hours)d hours: its header is probably damaged. Export it again as MP4 or WebM "
            "and try once more.",
            length=(_("%(hours)s hours", hours=format_decimal(round(seconds / 3600)))
                    if math.isfinite(seconds) else _("for ever")),
            hours=MAX_SECONDS // 3600))
    if fault is not None:
        raise UploadError(_("The length of this video cannot be read from the file. Export "
                            "it again as MP4 or WebM and try once more."))
    return math.ceil(seconds)


def store_captions(data: bytes, media_root: str | Path, course_slug: str) -> str:
    """Store WebVTT captions after checking them (`captions_problem`); their path."""
    problem = captions_problem(data)
    if problem:
        raise UploadError(problem)
    relative = _random_path(course_slug, "recordings", ".vtt")
    _store(io.BytesIO(data), media_root, relative, len(data), lambda head: None)
    return relative.as_posix()


_CUE_TIMING = re.compile(
    r"^(?:\d{2,}:)?[0-5]\d:[0-5]\d\.\d{3}[ \t]+-->[ \t]+(?:\d{2,}:)?[0-5]\d:[0-5]\d\.\d{3}"
    r"(?:[ \t].*)?$")


def captions_problem(data: bytes) -> str | None:
    """Why these bytes are not WebVTT captions a player can show, or None if they are.

    UTF-8 text whose first line is "WEBVTT", with at least one cue, every cue timing well
    formed (hh:mm:ss.ttt --> hh:mm:ss.ttt, hours optional).
    """
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return _("The captions are not UTF-8 text.")
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    first = lines[0]
    if not (first == "WEBVTT" or first.startswith(("WEBVTT ", "WEBVTT\t"))):
        return _("The captions are not a WebVTT file: its first line must be WEBVTT.")
    timings = [(number, line) for number, line in enumerate(lines, start=1) if "-->" in line]
    if not timings:
        return _("The captions file has no cues.")
    for number, line in timings:
        if not _CUE_TIMING.match(line.strip()):
            return _("Line %(line)d of the captions is not a cue timing like "
                     "00:00:01.000 --> 00:00:04.000.", line=number)
    return None


def remove_stored(media_root: str | Path, relative: str) -> None:
    """Remove a file this module stored, when the change that needed it did not happen."""
    path = Path(media_root, *PurePosixPath(relative).parts).resolve()
    if path.is_relative_to(Path(media_root).resolve()):
        path.unlink(missing_ok=True)


_CUE_START = re.compile(r"^\s*(?:(\d{2,}):)?([0-5]\d):([0-5]\d)\.\d{3}")
_VOICE = re.compile(r"^<v(?:\.[^ >]*)?\s+([^>]+)>(.*)$", re.DOTALL)
_TAG = re.compile(r"</?[^>]*>")
_ZOOM_SPEAKER = re.compile(r"^([^:]{1,80}):\s+(.+)$", re.DOTALL)


def _cue_start(timing: str) -> int:
    """The whole second a cue starts at, from its timing line."""
    match = _CUE_START.match(timing)
    hours, minutes, seconds = (int(group or 0) for group in match.groups())
    return hours * 3600 + minutes * 60 + seconds


def transcript_from_captions(data: bytes) -> str:
    """A readable transcript from checked WebVTT captions: one line per cue, or per turn.

    Speakers are kept, whether marked as Zoom does ("Name: words") or as WebVTT voices
    (<v Name>words): consecutive cues of one speaker make one line, "Name: words". Each cue
    keeps the time it starts at, as a mark (`[00:01:23]`, `catalog.transcripts`) before its
    words, which the recording's page offers as a link to play from. Other markup (styling
    tags, inline timestamps) is dropped.
    """
    text = data.decode("utf-8-sig").replace("\r\n", "\n").replace("\r", "\n")
    turns: list[list[str | None]] = []
    for block in text.split("\n\n"):
        lines = block.strip("\n").split("\n")
        timing = next((i for i, line in enumerate(lines) if "-->" in line), None)
        if timing is None:
            continue
        words = " ".join(line.strip() for line in lines[timing + 1:] if line.strip())
        speaker = None
        voice = _VOICE.match(words)
        if voice:
            speaker, words = voice.group(1).strip(), voice.group(2)
        words = " ".join(_TAG.sub("", words).split())
        if speaker is None:
            zoom = _ZOOM_SPEAKER.match(words)
            if zoom:
                speaker, words = zoom.group(1).strip(), zoom.group(2)
        if not words:
            continue
        at = stamp(_cue_start(lines[timing]))
        if speaker is not None and turns and turns[-1][1] == speaker:
            turns[-1][2] += f" {at} {words}"
        else:
            turns.append([at, speaker, words])
    return "\n".join(f"{at} {speaker}: {words}" if speaker else f"{at} {words}"
                     for at, speaker, words in turns)
