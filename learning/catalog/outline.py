"""A course's outline: its modules and items without their bodies, kept per process.

The pages a participant opens most (a module, the heartbeats from a recording) need the
course's structure on every request: titles, order, kinds, durations, what is published.
Archived modules and items are not in it, for anyone. Draft modules and items are, for
facilitators previewing; what participants see is the published modules with their
published items (`CourseOutline.visible_modules`, the one place that decides it for the
pages built on the outline, as `models.shown_to_participants` does for queries). It changes
only when content is
imported or authored, so each process keeps the outline it
built (`learning.caches`, which says how a change is seen at once) and the query that finds
a course for a page reads its `outline_version` to ask for it (`learning.progress.lookups`).

The outline is immutable (frozen dataclasses) and holds no database objects: it is safe to
share between requests and threads and is never expired by a commit. Pages that show an
item's body (readings, transcripts, instruments) load the item itself.
"""

from dataclasses import dataclass, replace
from datetime import date

from sqlalchemy import event, select
from sqlalchemy.orm import selectinload

from learning import caches
from learning.catalog.models import (
    Course,
    Item,
    Module,
    changed_courses,
    module_numbers,
    new_outline_version,
)
from learning.database import Session, db


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
    is_published: bool
    minutes: int
    duration_seconds: int | None
    completion_threshold: int | None
    transcript_completes: bool
    # A self-assessment taken before and after (`models.Item.ends_course`).
    ends_course: bool = False


@dataclass(frozen=True, slots=True, eq=False)
class ModuleOutline:
    """A module with its items in order (drafts included, or not: `CourseOutline`)."""

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
    # What participants call it ("Module 2"): its rank among the modules they see, None for
    # a module they do not see (`models.module_numbers`).
    number: int | None = None

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
    # Every module not archived, with its items not archived: what a preview shows.
    modules: tuple[ModuleOutline, ...]
    # What participants see: the published modules, each with its published items only.
    shown: tuple[ModuleOutline, ...]

    def can_edit(self, user) -> bool:
        """The one authoring rule, `Course.can_edit`; only a facilitator needs the course row."""
        if not user.is_authenticated:
            return False
        if user.has_role("admin"):
            return True
        if not user.has_role("facilitator"):
            return False
        return db.session.get(Course, self.id).can_edit(user)

    def module(self, slug: str, preview: bool) -> ModuleOutline | None:
        """The module with this slug as someone sees it (`visible_modules`), or None."""
        return next((m for m in self.visible_modules(preview) if m.slug == slug), None)

    def item(self, item_id: int, preview: bool) -> tuple[ModuleOutline, ItemOutline] | None:
        """The item with this id and its module, as someone sees them, or None."""
        for module in self.visible_modules(preview):
            for item in module.items:
                if item.id == item_id:
                    return module, item
        return None

    def visible_modules(self, preview: bool) -> list[ModuleOutline]:
        """The modules, with their items, that someone sees of the course.

        Participants: the published modules with their published items. Someone previewing:
        every module and item not archived, drafts included.
        """
        return list(self.modules if preview else self.shown)


def _item_outline(module: Module, item: Item) -> ItemOutline:
    return ItemOutline(
        id=item.id, module_id=item.module_id, module_slug=module.slug, slug=item.slug,
        position=item.position, kind=item.kind, title=item.title, is_required=item.is_required,
        is_published=item.is_published, minutes=item.minutes,
        duration_seconds=item.duration_seconds, completion_threshold=item.completion_threshold,
        transcript_completes=item.transcript_completes, ends_course=item.ends_course,
    )


def _module_outline(module: Module, number: int | None) -> ModuleOutline:
    return ModuleOutline(
        id=module.id, slug=module.slug, position=module.position, title=module.title,
        live_session_on=module.live_session_on, speakers=tuple(module.speakers or ()),
        summary=module.summary or "", outcomes=tuple(module.outcomes or ()),
        is_published=module.is_published,
        items=tuple(_item_outline(module, item) for item in module.live_items),
        number=number,
    )


def _build(course_id: int) -> CourseOutline | None:
    course = db.session.scalar(
        select(Course)
        .options(selectinload(Course.modules).selectinload(Module.items)
                 .joinedload(Item.instrument))
        .where(Course.id == course_id)
    )
    if course is None:
        return None
    numbers = module_numbers(course.modules)
    modules = tuple(_module_outline(module, numbers.get(module.id))
                    for module in course.modules if not module.is_archived)
    return CourseOutline(
        id=course.id, slug=course.slug, title=course.title, summary=course.summary or "",
        description=course.description or "", issuers=tuple(course.issuers or ()),
        is_published=course.is_published, version=course.outline_version,
        modules=modules,
        shown=tuple(replace(module, items=tuple(item for item in module.items
                                                if item.is_published))
                    for module in modules if module.is_published),
    )


def outline(course_id: int, version: str) -> CourseOutline | None:
    """The course's outline at this version (read from the course row), kept per process."""
    return caches.outline(course_id, version, _build)


def _new_outline_versions(session, flush_context, instances) -> None:
    """Give every course whose outline this flush changes a new version, in its transaction."""
    for course in changed_courses(session):
        course.outline_version = new_outline_version()


def init_app(app) -> None:
    """Keep the kept outlines true to the application's session: listen to its flushes."""
    if not event.contains(Session, "before_flush", _new_outline_versions):
        event.listen(Session, "before_flush", _new_outline_versions)
