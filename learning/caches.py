"""Every per-process cache of the application, in one place: what each keeps and what ends it.

- Course outlines (`outline`): a course's modules and items without their bodies, kept per
  course at the version they were built from. Each request that uses one asks the database
  for the course's current `outline_version` (in the query it makes anyway) and builds the
  outline again when it moved. Every flush that changes a course, a module or an item gives
  the course a new random version in the same transaction (a listener on the application's
  session class that the catalog registers, `learning.catalog.outline.init_app`), so a
  committed change is seen at once by every process. A random version, not a counter: a
  change rolled back cannot leave an outline that a later, different change would match.
- Issuer signing keys (`signing_key`): the private key read from its file, by path. A new
  key file is read once the process restarts or `forget_all()` runs.

Sessions, roles and passwords are never cached: each request checks its session in the
database, so that signing out or losing a role takes effect at once on every server.
Domains call the functions here and keep no store of their own; tests call `forget_all()`.
"""

from collections.abc import Callable
from threading import Lock
from typing import Any

_lock = Lock()
_outlines: dict[int, Any] = {}
_signing_keys: dict[str, Any] = {}


def outline(course_id: int, version: str, build: Callable[[int], Any]) -> Any:
    """The course's outline at this version: kept, or built now by `build` and kept.

    Built after the version was read, so an outline is at least as new as the version it
    is kept under: a version that is current never serves older content. None (not kept) if
    `build` finds no course.
    """
    found = _outlines.get(course_id)
    if found is not None and found.version == version:
        return found
    found = build(course_id)
    if found is not None:
        with _lock:
            _outlines[course_id] = found
    return found


def signing_key(path: str, load: Callable[[], Any]) -> Any:
    """The signing key kept for this path, or loaded now by `load` and kept."""
    with _lock:
        key = _signing_keys.get(path)
        if key is None:
            key = _signing_keys[path] = load()
        return key


def forget_all() -> None:
    """Empty every cache of this process."""
    with _lock:
        _outlines.clear()
        _signing_keys.clear()

