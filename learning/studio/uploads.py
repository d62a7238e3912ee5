"""Files facilitators upload: checked by their content, stored under MEDIA_ROOT by random name.

A file's name and the type the browser claims are never trusted: the first bytes say what it
is. It is written in chunks, refused as soon as it passes its size limit (the request's
declared length is checked before the body is read, in the view), and stored under a random
name in the course's folder, so that no name from the request reaches the file system.
"""

import os
import secrets
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from flask_babel import gettext as _

CHUNK_BYTES = 64 * 1024
PDF_MAGIC = b"%PDF-"


def human_size(size: int) -> str:
    """A byte count as people say it: whole megabytes, or kilobytes below one."""
    if size >= 1024 * 1024:
        return _("%(num)d MB", num=size // (1024 * 1024))
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


def store_pdf(stream: BinaryIO, media_root: str | Path, course_slug: str,
              max_bytes: int) -> str:
    """Store an uploaded PDF; its path relative to MEDIA_ROOT (`<course>/readings/<random>.pdf`).

    Raises UploadError when it is not a PDF or is empty, UploadTooLarge past `max_bytes`;
    nothing is left on disk then.
    """
    relative = PurePosixPath(course_slug, "readings", f"{secrets.token_hex(16)}.pdf")
    target = Path(media_root, *relative.parts)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".part")
    written = 0
    try:
        with open(partial, "xb") as out:
            head = stream.read(CHUNK_BYTES)
            if not head:
                raise UploadError(_("The file is empty."))
            if not is_pdf(head):
                raise UploadError(_("This file is not a PDF, whatever its name says. Choose "
                                    "a PDF file."))
            chunk = head
            while chunk:
                written += len(chunk)
                if written > max_bytes:
                    raise UploadTooLarge(_("The file is larger than %(size)s.",
                                           size=human_size(max_bytes)))
                out.write(chunk)
                chunk = stream.read(CHUNK_BYTES)
            out.flush()
            os.fsync(out.fileno())
        os.replace(partial, target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return relative.as_posix()


def remove_stored(media_root: str | Path, relative: str) -> None:
    """Remove a file this module stored, when the change that needed it did not happen."""
    path = Path(media_root, *PurePosixPath(relative).parts).resolve()
    if path.is_relative_to(Path(media_root).resolve()):
        path.unlink(missing_ok=True)
