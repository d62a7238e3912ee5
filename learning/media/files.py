"""A unit of work for a change that stores uploaded files: the files follow the transaction.

A change that brings new files (a PDF, a video, captions) or lets others go (those it
replaces, those of content deleted for good) is one unit with the rows that name them:

- the new files are stored first, before the rows that name them are written;
- then the transaction commits;
- only then are the files it let go of removed, those no row names any more.

If anything fails on the way (a file refused, the rules refusing the change, an exception,
the commit itself) the transaction is rolled back and the new files removed: the rows still
name the old files, and every one of them is still there. Removing a file once the change
is committed is the one step that may fail without failing the change: the change has been
made, so the failure is logged and the file left (a stray file, never a row naming a file
that is gone).

    with FileChanges(media_root, in_use=...) as files:
        files.releasing(paths_the_change_lets_go_of)
        path = files.new(uploads.store_pdf(stream, files.media_root, ...))
        service_function(..., path)
"""

import logging
from collections.abc import Callable, Iterable
from pathlib import Path

from learning.database import db
from learning.media.uploads import remove_stored

log = logging.getLogger(__name__)


def _nothing_in_use(paths: set[str]) -> set[str]:
    return set()


class FileChanges:
    """Store → commit → remove the files let go of; or, on failure, remove the new ones.

    Left by an exception or after `discard()`, the session is rolled back and the new files
    removed, and the exception goes on. Left otherwise, the session commits, and then the
    files let go of (`releasing`) are removed, but those `in_use` says a row still names
    (a file two items share, or one the change kept).
    """

    def __init__(self, media_root: str | Path,
                 in_use: Callable[[set[str]], set[str]] = _nothing_in_use, session=None):
        self.media_root = media_root
        self._in_use = in_use
        self._session = session if session is not None else db.session
        self._new: list[str] = []
        self._released: set[str] = set()
        self._discarded = False

    def new(self, path: str) -> str:
        """Note a file just stored for the change (relative to MEDIA_ROOT); the path.

        It is removed again unless the change commits.
        """
        self._new.append(path)
        return path

    def releasing(self, paths: Iterable[str]) -> "FileChanges":
        """Note files the change may let go of: removed once it commits, if no row names them."""
        self._released.update(paths)
        return self

    def discard(self) -> None:
        """Give the change up (a file refused, say): on leaving it is rolled back, not made."""
        self._discarded = True

    def __enter__(self) -> "FileChanges":
        return self

    def __exit__(self, exc_type, exc, traceback) -> bool:
        if exc_type is not None or self._discarded:
            self._undo()
            return False
        try:
            self._session.commit()
        except BaseException:
            self._undo()
            raise
        self._remove_released()
        return False

    def _undo(self) -> None:
        """Roll the change back and remove its new files; the old ones stay, still named."""
        try:
            self._session.rollback()
        finally:
            for path in self._new:
                self._remove(path)
            self._new.clear()

    def _remove_released(self) -> None:
        """After the commit: remove the files let go of that no row names; log, never raise."""
        try:
            unused = self._released - self._in_use(self._released)
        except Exception:
            log.exception("Could not tell which of the media files %s are still in use",
                          sorted(self._released))
            return
        for path in sorted(unused):
            self._remove(path)

    def _remove(self, path: str) -> None:
        """Remove a file; one that cannot be is logged and left, as the change is decided."""
        try:
            remove_stored(self.media_root, path)
        except OSError:
            log.exception("Could not remove the media file %s", path)
