"""Who may see which course, module and item, and the loaders every catalog view uses.

The rule, in one place: admins and a course's facilitators see all of it, unpublished parts
included (as a preview); a participant enrolled in one of the course's cohorts, and a manager
of one of them, see the course only while it is published, and only its published modules and,
in them, the published items. Archived modules and items are shown to no one here (the studio
lists them).
"""

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

from flask import abort, current_app
from flask_login import current_user
from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload, selectinload

from learning.accounts.models import User
from learning.accounts.services import grant_role
from learning.assessments.models import Dimension, Instrument
from learning.catalog.models import Course, CourseFacilitator, Item, Module, module_numbers
from learning.catalog.outline import CourseOutline, ModuleOutline, outline
from learning.cohorts import services as cohorts
from learning.database import db

# The files an item may carry, by the name used in media URLs.
MEDIA_FIELDS = {"video": "video_path", "captions": "captions_path", "file": "file_path"}
# A course's images for its readings: MEDIA_ROOT/<course>/images/<random>.<type>, named by
# the studio (`media.uploads.store_image`); the names a URL may ask for.
IMAGE_FOLDER = "images"
IMAGE_NAME = re.compile(r"^[0-9a-f]{32}\.(?:png|jpg|webp|gif)$")

T = TypeVar("T")


def can_preview(user, course: Course) -> bool:
    """Admins and the course's facilitators see unpublished content, marked as such."""
    return course.can_edit(user)


@dataclass(frozen=True)
class CourseAccess:
    """What the user may do in a course, worked out once per request."""

    can_view: bool  # its published parts, or all of it when previewing
    is_preview: bool  # an admin or one of its facilitators: sees unpublished content
    is_enrolled: bool  # a participant: keeps progress in it


NO_ACCESS = CourseAccess(can_view=False, is_preview=False, is_enrolled=False)


def course_access(user, course: Course | CourseOutline,
                  member: cohorts.Membership | None = None) -> CourseAccess:
    """The user's access to the course: the rule in the module docstring, in one place.

    `member` is the user's membership when the query that found the course brought it.
    """
    if not user.is_authenticated:
        return NO_ACCESS
    preview = can_preview(user, course)
    if member is None:
        member = cohorts.membership(user, course.id)
    return CourseAccess(
        can_view=preview or (course.is_published and member.is_member),
        is_preview=preview,
        is_enrolled=member.enrolled,
    )


def can_view_course(user, course: Course) -> bool:
    """True if the user may see the course (its published parts, or all when previewing)."""
    return course_access(user, course).can_view


def can_view_module(user, module: Module) -> bool:
    """True if the user may see the module: its course is visible and it is published."""
    course = module.course
    if not can_view_course(user, course):
        return False
    return module.is_published or can_preview(user, course)


def _refuse(course: Course | CourseOutline) -> None:
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
        _refuse(course)
    return course


def outline_access_or_404(
    course: CourseOutline | None, member: cohorts.Membership | None
) -> CourseAccess:
    """The user's access to a course a look-up found, if they may see it; else abort."""
    if course is None:
        abort(404)
    access = course_access(current_user, course, member)
    if not access.can_view:
        _refuse(course)
    return access


def get_module_outline_or_404(
    course: CourseOutline, access: CourseAccess, slug: str
) -> ModuleOutline:
    """The outline's module with this slug; drafts (and draft items) only to previewers."""
    module = course.module(slug, access.is_preview)
    if module is None:
        abort(404)
    return module


def get_module_or_404(course: Course, slug: str) -> Module:
    """The course's module with this slug and its items; unpublished ones only to previewers.

    Archived modules, and archived items (`get_item_or_404`), are not found.

    One module's few items come joined to it: one query, not two.
    """
    module = db.session.scalars(
        select(Module)
        .options(joinedload(Module.items))
        .where(Module.course_id == course.id, Module.slug == slug)
    ).unique().first()
    if module is None or module.is_archived:
        abort(404)
    if not (module.is_published or can_preview(current_user, course)):
        abort(404)
    return module


def get_item_or_404(module: Module, slug: str) -> Item:
    """The module's item with this slug, with its instrument's dimensions and statements.

    A draft item only to previewers, as a draft module (`get_module_or_404`).
    """
    item = db.session.scalar(
        select(Item)
        .options(
            joinedload(Item.instrument)
            .selectinload(Instrument.dimensions)
            .selectinload(Dimension.statements)
        )
        .where(Item.module_id == module.id, Item.slug == slug)
    )
    if item is None or item.is_archived:
        abort(404)
    if not (item.is_published or can_preview(current_user, module.course)):
        abort(404)
    return item


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
        _refuse(course)
    if not ((item.module.is_published and item.is_published)
            or can_preview(current_user, course)):
        abort(404)
    return item


def media_path(item: Item, kind: str) -> str | None:
    """The item's file of this kind, relative to MEDIA_ROOT, or None if it has none.

    The path always comes from the item as imported, never from the request.
    """
    field = MEDIA_FIELDS.get(kind)
    return getattr(item, field) if field else None


def media_size(item: Item, kind: str) -> int | None:
    """The size in bytes of the item's file of this kind, or None if it has none (or lost it)."""
    path = media_path(item, kind)
    if not path:
        return None
    try:
        return os.path.getsize(os.path.join(current_app.config["MEDIA_ROOT"], path))
    except OSError:
        return None


def image_path(course: Course, name: str) -> str | None:
    """The course's image with this name, relative to MEDIA_ROOT, if the name is well formed.

    None for a name the studio cannot have given: no name from a URL reaches the file system
    unchecked.
    """
    if not IMAGE_NAME.match(name):
        return None
    return f"{course.slug}/{IMAGE_FOLDER}/{name}"


def neighbours(sequence: Sequence[T], current: T) -> tuple[T | None, T | None]:
    """The elements before and after `current` in the sequence (None at either end)."""
    index = list(sequence).index(current)
    previous = sequence[index - 1] if index > 0 else None
    following = sequence[index + 1] if index + 1 < len(sequence) else None
    return previous, following


def facilitated_course_ids(user) -> set[int]:
    """Ids of the courses the user facilitates (empty without the facilitator role)."""
    if not user.is_authenticated or "facilitator" not in user.role_names:
        return set()
    return set(db.session.scalars(
        select(CourseFacilitator.course_id).where(CourseFacilitator.user_id == user.id)
    ))


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
        member = cohorts.member_course_ids(user)
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

    @property
    def module_count(self) -> int:
        """How many modules of the course the user can see."""
        return len(self.modules)


def course_cards(user) -> list[CourseCard]:
    """The user's courses with the number of modules they can see and their cohorts' names."""
    names = cohorts.cohort_names_by_course(user)
    cards = []
    for course in courses_for(user):
        preview = can_preview(user, course)
        modules = outline(course.id, course.outline_version).visible_modules(preview)
        cards.append(CourseCard(course, modules, names.get(course.id, []), preview,
                                module_numbers(course.modules)))
    return cards


def editable_courses(user) -> list[Course]:
    """The courses the user may author and run cohorts for: all for admins."""
    query = select(Course).order_by(Course.title, Course.id)
    if not user.has_role("admin"):
        query = query.where(Course.id.in_(facilitated_course_ids(user)))
    return list(db.session.scalars(query))


def all_courses() -> list[Course]:
    """Every course, by title."""
    return list(db.session.scalars(select(Course).order_by(Course.title, Course.id)))


def facilitated_courses(user: User) -> list[Course]:
    """The courses the user is attached to as a facilitator (whatever their roles)."""
    return list(db.session.scalars(
        select(Course)
        .join(CourseFacilitator, CourseFacilitator.course_id == Course.id)
        .where(CourseFacilitator.user_id == user.id)
        .order_by(Course.title, Course.id)
    ))


def add_facilitator(course: Course, user: User) -> bool:
    """Attach the user to the course as a facilitator, granting the role if they lack it.

    Returns False when they already facilitated it.
    """
    if any(f.id == user.id for f in course.facilitators):
        return False
    course.facilitators.append(user)
    grant_role(user, "facilitator")
    db.session.flush()
    return True


def remove_facilitator(course: Course, user: User) -> bool:
    """Detach the user from the course. Returns False when they did not facilitate it."""
    if not any(f.id == user.id for f in course.facilitators):
        return False
    course.facilitators.remove(user)
    db.session.flush()
    return True
