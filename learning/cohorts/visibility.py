"""Who may see which course, module and item: the rule in one place.

Admins and a course's facilitators see all of it, unpublished parts included (as a preview,
`learning.catalog.services.can_preview`); a participant enrolled in one of the course's
cohorts, and a manager of one of them, see the course only while it is published, and only
its published modules and, in them, the published items. Archived modules and items are
shown to no one here (the studio lists them).

A participant sees a module of their cohort's schedule before it opens, but cannot open it
(`module_openings`, below): its pages say when it opens, and its items take no progress.
Someone in two cohorts of the course may open a module open in either. Previewers are never
locked out, and the schedule is a participant's: managers who are not enrolled follow it,
they do not wait for it.

It lives with the cohorts, above the catalog, because membership is half of it: the catalog
knows courses and their facilitators, the cohorts know who belongs to which course.
"""

from dataclasses import dataclass
from datetime import date, datetime

from flask import abort
from flask_login import current_user
from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload, selectinload

from learning.catalog.models import Course, Item, Module, module_numbers
from learning.catalog.outline import CourseOutline, ModuleOutline, outline
from learning.catalog.services import can_preview, facilitated_course_ids
from learning.cohorts import schedules
from learning.cohorts.members import (
    Membership,
    cohort_names_by_course,
    member_course_ids,
    membership,
)
from learning.database import db


@dataclass(frozen=True)
class CourseAccess:
    """What the user may do in a course, worked out once per request."""

    can_view: bool  # its published parts, or all of it when previewing
    is_preview: bool  # an admin or one of its facilitators: sees unpublished content
    is_enrolled: bool  # a participant: keeps progress in it
    # Whether their cohorts of the course have a schedule (None: not asked yet), so that
    # `module_openings` asks for dates only when there are some.
    scheduled: bool | None = None


NO_ACCESS = CourseAccess(can_view=False, is_preview=False, is_enrolled=False)


def course_access(user, course: Course | CourseOutline,
                  member: Membership | None = None,
                  scheduled: bool | None = None) -> CourseAccess:
    """The user's access to the course: the rule in the module docstring, in one place.

    `member` is the user's membership when the query that found the course brought it, and
    `scheduled` whether their cohorts have a schedule (`schedules.scheduled_column`).
    """
    if not user.is_authenticated:
        return NO_ACCESS
    preview = can_preview(user, course)
    if member is None:
        member = membership(user, course.id)
    return CourseAccess(
        can_view=preview or (course.is_published and member.is_member),
        is_preview=preview,
        is_enrolled=member.enrolled,
        scheduled=scheduled,
    )


@dataclass(frozen=True)
class Openings:
    """When a course's modules open for one user, and when they are due."""

    locked: dict[int, date]  # module id: the day it opens for them, for those not open yet
    due: dict[int, date]  # module id: when it is due for them (the earliest of their cohorts)

    def is_open(self, module_id: int) -> bool:
        """True if the user may open the module now (as far as the schedule goes)."""
        return module_id not in self.locked

    def opens_on(self, module_id: int) -> date | None:
        """The day a module not open yet opens for the user; None for an open one."""
        return self.locked.get(module_id)

    def due_on(self, module_id: int) -> date | None:
        """The day the module is due for the user, if their cohort set one."""
        return self.due.get(module_id)

    def next_opening(self, modules) -> tuple[object, date] | None:
        """Of these modules, the one that opens next for the user, with its date."""
        waiting = [(self.locked[m.id], n, m) for n, m in enumerate(modules) if m.id in self.locked]
        if not waiting:
            return None
        day, _n, module = min(waiting, key=lambda found: found[:2])
        return module, day


ALL_OPEN = Openings(locked={}, due={})


def module_openings(user, course_id: int, preview: bool, module_id: int | None = None,
                    scheduled: bool | None = None, now: datetime | None = None) -> Openings:
    """Which of the course's modules the user cannot open yet, and when modules are due.

    The rule, in one place: a module is open to a participant if it is open in any of their
    cohorts of the course, and it is open in a cohort unless that cohort gives it an opening
    date still to come in the cohort's time zone. Previewers (and anyone enrolled in no
    cohort of the course) are never locked out. `module_id` asks about that module only;
    `scheduled` False (from `CourseAccess.scheduled`) says there are no dates to ask for;
    `now` is the moment asked about (the present unless given).
    """
    if preview or not user.is_authenticated or scheduled is False:
        return ALL_OPEN
    rows = schedules.member_dates(user.id, course_id, module_id, now)
    cohorts = {row.cohort_id for row in rows}
    waiting: dict[int, dict[int, date]] = {}  # module: {cohort: its opening to come}
    due: dict[int, date] = {}
    for row in rows:
        if row.module_id is None:
            continue
        if row.opens_on is not None and row.opens_on > row.today:
            waiting.setdefault(row.module_id, {})[row.cohort_id] = row.opens_on
        if row.due_on is not None:
            due[row.module_id] = min(row.due_on, due.get(row.module_id, row.due_on))
    locked = {module: min(days.values()) for module, days in waiting.items()
              if set(days) == cohorts}
    return Openings(locked=locked, due=due)


def can_view_course(user, course: Course) -> bool:
    """True if the user may see the course (its published parts, or all when previewing)."""
    return course_access(user, course).can_view


def can_view_module(user, module: Module) -> bool:
    """True if the user may see the module: its course is visible and it is published."""
    course = module.course
    if not can_view_course(user, course):
        return False
    return module.is_published or can_preview(user, course)


def refuse(course: Course | CourseOutline) -> None:
    """Abort for a course the current user may not see.

    An unpublished course answers 404 so that its existence is not revealed; a published
    one answers 403, since anyone with its address may ask to join it.
    """
    abort(403 if course.is_published else 404)


def get_course_or_404(slug: str) -> Course:
    """The course with this slug, if the signed-in user may see it.

    Its facilitators are not loaded with it: only a facilitator's access check walks them
    (`Course.can_edit`), so a participant's request does not pay for them.
    """
    course = db.session.scalar(select(Course).where(Course.slug == slug))
    if course is None:
        abort(404)
    if not can_view_course(current_user, course):
        refuse(course)
    return course


def outline_access_or_404(
    course: CourseOutline | None, member: Membership | None, scheduled: bool | None = None
) -> CourseAccess:
    """The user's access to a course a look-up found, if they may see it; else abort."""
    if course is None:
        abort(404)
    access = course_access(current_user, course, member, scheduled)
    if not access.can_view:
        refuse(course)
    return access


def get_module_outline_or_404(
    course: CourseOutline, access: CourseAccess, slug: str
) -> ModuleOutline:
    """The outline's module with this slug; drafts (and draft items) only to previewers."""
    module = course.module(slug, access.is_preview)
    if module is None:
        abort(404)
    return module


def get_item_by_id_or_404(item_id: int) -> Item:
    """The item with this id, if the signed-in user may see its module (media, progress).

    As in get_course_or_404, the course's facilitators load only if an access check asks.
    """
    item = db.session.scalar(
        select(Item)
        .options(joinedload(Item.module).joinedload(Module.course))
        .where(Item.id == item_id)
    )
    if item is None or item.is_archived or item.module.is_archived:
        abort(404)
    course = item.module.course
    if not can_view_course(current_user, course):
        refuse(course)
    preview = can_preview(current_user, course)
    if not ((item.module.is_published and item.is_published) or preview):
        abort(404)
    if not module_openings(current_user, course.id, preview, item.module_id).is_open(
            item.module_id):
        abort(403)
    return item


def courses_for(user) -> list[Course]:
    """The courses the user can see, by title, with modules and facilitators loaded.

    Admins see every course. Others see the courses they facilitate, published or not, and
    the published courses of the cohorts they are enrolled in or manage.
    """
    query = (
        select(Course)
        .options(selectinload(Course.modules), selectinload(Course.facilitators))
        .order_by(Course.title, Course.id)
    )
    if not user.has_role("admin"):
        facilitated = facilitated_course_ids(user)
        member = member_course_ids(user)
        query = query.where(or_(
            Course.id.in_(facilitated),
            Course.id.in_(member) & Course.is_published.is_(True),
        ))
    return list(db.session.scalars(query))


@dataclass(frozen=True)
class CourseCard:
    """What the "My learning" page shows of one course."""

    course: Course
    modules: list[ModuleOutline]  # as the user sees them (`CourseOutline.visible_modules`)
    cohort_names: list[str]
    is_preview: bool
    numbers: dict[int, int]  # what participants call each module they see (module_numbers)
    openings: Openings  # which of them the user cannot open yet (`module_openings`)

    @property
    def module_count(self) -> int:
        """How many modules of the course the user can see."""
        return len(self.modules)


def course_cards(user) -> list[CourseCard]:
    """The user's courses with the number of modules they can see and their cohorts' names."""
    names = cohort_names_by_course(user)
    cards = []
    for course in courses_for(user):
        preview = can_preview(user, course)
        modules = outline(course.id, course.outline_version).visible_modules(preview)
        cards.append(CourseCard(course, modules, names.get(course.id, []), preview,
                                module_numbers(course.modules),
                                module_openings(user, course.id, preview)))
    return cards
