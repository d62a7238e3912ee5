"""A course's outline: its modules and items without their bodies, kept per process.

The pages a participant opens most (a module, the heartbeats from a recording) need the
course's structure on every request: titles, order, kinds, durations, what is published.
It changes only when content is imported or authored, so each process keeps the outline it
built and asks the database one cheap question per request: is `course.outline_version`
still the one the outline was built from? Every change to a course, its modules or its items
gives the course a new random version in the same transaction (`_new_versions` below), so a
stale outline is never served once the change is committed, in this process or another. A
random version (not a counter) means a change that was rolled back cannot leave behind an
outline that a later, different change would match.

The outline is immutable (frozen dataclasses) and holds no database objects: it is safe to
share between requests and threads and is never expired by a commit. Pages that show an
item's body (readings, transcripts, instruments) load the item itself.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from functools import cache
from itertools import chain
from threading import Lock
from typing import TYPE_CHECKING

from flask import current_app
from sqlalchemy import bindparam, event, select
from sqlalchemy.orm import Session, selectinload

from learning.catalog.models import Course, Item, Module, new_outline_version
from learning.cohorts import services as cohorts
from learning.extensions import db

if TYPE_CHECKING:  # progress imports this module
    from learning.progress.services import ProgressState


@dataclass(frozen=True, slots=True, eq=False)
class ItemOutline:
    """What lists, progress and heartbeats need of an item."""

    id: int
    module_id: int
    module_slug: str
    slug: str
    position: int
    kind: str
    title: str
    is_required: bool
    minutes: int
    duration_seconds: int | None
    completion_threshold: int | None
    transcript_completes: bool


@dataclass(frozen=True, slots=True, eq=False)
class ModuleOutline:
    """A module with its items in order."""

    id: int
    slug: str
    position: int
    title: str
    live_session_on: date | None
    speakers: tuple[str, ...]
    summary: str
    outcomes: tuple[str, ...]
    is_published: bool
    items: tuple[ItemOutline, ...]

    @property
    def minutes(self) -> int:
        """Estimated learning time: the sum of the items' minutes."""
        return sum(item.minutes for item in self.items)


@dataclass(frozen=True, slots=True, eq=False)
class CourseOutline:
    """A course with its modules in order, as of one outline version."""

    id: int
    slug: str
    title: str
    summary: str
    description: str
    issuers: tuple[str, ...]
    is_published: bool
    version: str
    modules: tuple[ModuleOutline, ...]

    def can_edit(self, user) -> bool:
        """The one authoring rule, `Course.can_edit`; only a facilitator needs the course row."""
        if not user.is_authenticated:
            return False
        if user.has_role("admin"):
            return True
        if not user.has_role("facilitator"):
            return False
        return db.session.get(Course, self.id).can_edit(user)

    def module(self, slug: str) -> ModuleOutline | None:
        """The module with this slug, published or not."""
        return next((m for m in self.modules if m.slug == slug), None)

    def item(self, item_id: int) -> tuple[ModuleOutline, ItemOutline] | None:
        """The item with this id and its module."""
        for module in self.modules:
            for item in module.items:
                if item.id == item_id:
                    return module, item
        return None

    def visible_modules(self, preview: bool) -> list[ModuleOutline]:
        """The published modules, or all of them for someone previewing."""
        return [m for m in self.modules if preview or m.is_published]


def _item_outline(module: Module, item: Item) -> ItemOutline:
    return ItemOutline(
        id=item.id, module_id=item.module_id, module_slug=module.slug, slug=item.slug,
        position=item.position, kind=item.kind, title=item.title, is_required=item.is_required,
        minutes=item.minutes,
        duration_seconds=item.duration_seconds, completion_threshold=item.completion_threshold,
        transcript_completes=item.transcript_completes,
    )


def _module_outline(module: Module) -> ModuleOutline:
    return ModuleOutline(
        id=module.id, slug=module.slug, position=module.position, title=module.title,
        live_session_on=module.live_session_on, speakers=tuple(module.speakers or ()),
        summary=module.summary or "", outcomes=tuple(module.outcomes or ()),
        is_published=module.is_published,
        items=tuple(_item_outline(module, item) for item in module.items),
    )


def _build(course_id: int) -> CourseOutline | None:
    course = db.session.scalar(
        select(Course)
        .options(selectinload(Course.modules).selectinload(Module.items))
        .where(Course.id == course_id)
    )
    if course is None:
        return None
    return CourseOutline(
        id=course.id, slug=course.slug, title=course.title, summary=course.summary or "",
        description=course.description or "", issuers=tuple(course.issuers or ()),
        is_published=course.is_published, version=course.outline_version,
        modules=tuple(_module_outline(module) for module in course.modules),
    )


class OutlineCache:
    """The outlines one application has built, by course id: the latest version of each."""

    def __init__(self) -> None:
        self._outlines: dict[int, CourseOutline] = {}
        self._lock = Lock()

    def get(self, course_id: int, version: str) -> CourseOutline | None:
        """The course's outline at this version: kept, or built now and kept."""
        outline = self._outlines.get(course_id)
        if outline is not None and outline.version == version:
            return outline
        # Read after the version: the outline is at least as new as the version it is kept
        # under, so a version that is current never serves older content.
        outline = _build(course_id)
        if outline is None:
            return None
        with self._lock:
            self._outlines[course_id] = outline
        return outline


def _cache() -> OutlineCache:
    cache = current_app.extensions.get("catalog.outlines")
    if cache is None:
        cache = current_app.extensions.setdefault("catalog.outlines", OutlineCache())
    return cache


_course = Course.__table__.c
_modules = Module.__table__
_items = Item.__table__
# The outline's version and the user's membership, in one round trip.
_FOUND = select(_course.id, _course.outline_version, *cohorts.membership_columns(_course.id))


@cache
def _by_item():
    """`_FOUND` by item, with the user's progress row for it: what a progress report needs.

    Built at first use, as `_by_slug` below.
    """
    from learning.progress.services import with_progress_row

    return with_progress_row(
        _FOUND.join(_modules, _modules.c.course_id == _course.id)
        .join(_items, _items.c.module_id == _modules.c.id)
        .where(_items.c.id == bindparam("item_id")),
        _items.c.id,
    )


@cache
def _by_slug():
    """`_FOUND` by slug, with the user's item statuses too: what the course's pages need.

    Built at first use: the progress module, which knows the statuses, imports this one.
    """
    from learning.progress.services import statuses_column

    return _FOUND.add_columns(statuses_column(_course.id).label("statuses")).where(
        _course.slug == bindparam("slug"))


def _found(row, user) -> tuple[CourseOutline, cohorts.Membership] | None:
    if row is None:
        return None
    outline = _cache().get(row.id, row.outline_version)
    if outline is None:
        return None
    return outline, cohorts.membership_of(user, row.enrolled, row.manages)


def _user_id(user) -> int | None:
    return user.id if user.is_authenticated else None


def outline_by_slug(
    slug: str, user
) -> tuple[CourseOutline, cohorts.Membership, dict[int, str]] | None:
    """The outline of the course with this slug, the user's membership and item statuses.

    The statuses (not_started is no entry) are those of `progress.statuses_column`. No
    access check.
    """
    from learning.progress.services import statuses_from

    row = db.session.execute(_by_slug(), {"slug": slug, "user_id": _user_id(user)}).first()
    found = _found(row, user)
    return None if found is None else (*found, statuses_from(row.statuses))


def outline_by_item(
    item_id: int, user
) -> tuple[CourseOutline, cohorts.Membership, "ProgressState | None"] | None:
    """The outline of the course holding this item, the user's membership and progress row.

    The row is a `progress.ProgressState`, None if the user has none. No access check.
    """
    from learning.progress.services import progress_row_from

    user_id = _user_id(user)
    row = db.session.execute(_by_item(), {"item_id": item_id, "user_id": user_id}).first()
    found = _found(row, user)
    return None if found is None else (*found, progress_row_from(row, user_id, item_id))


def _changed_courses(session: Session) -> Iterator[Course]:
    for obj in chain(session.new, session.dirty, session.deleted):
        if isinstance(obj, Course):
            course = obj
        elif isinstance(obj, Module):
            course = obj.course
        elif isinstance(obj, Item):
            course = obj.module.course if obj.module is not None else None
        else:
            continue
        if course is not None and course not in session.deleted:
            yield course


@event.listens_for(Session, "before_flush")
def _new_versions(session: Session, flush_context, instances) -> None:
    """Give every course whose outline this flush changes a new version, in its transaction."""
    for course in set(_changed_courses(session)):
        course.outline_version = new_outline_version()
