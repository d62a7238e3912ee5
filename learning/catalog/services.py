"""Courses, modules and items as the catalog knows them: previews, loaders, facilitators.

Admins and a course's facilitators see all of a course, unpublished parts included (as a
preview); archived modules and items are shown to no one here (the studio lists them). Who
else may see a course depends on its cohorts, which sit above the catalog: that rule lives
in `learning.cohorts.visibility`.
"""

import os
import re
from collections.abc import Sequence
from typing import TypeVar

from flask import abort, current_app
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from learning.accounts.models import User
from learning.accounts.roles import grant_role
from learning.catalog.models import Course, CourseFacilitator, CourseImage, Item, Module
from learning.database import db
from learning.instruments.models import Dimension, Instrument

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


def name_image(course_id: int, file_name: str, label: str) -> bool:
    """Give an image of the course's library a name, or take it away (an empty one).

    The studio's image library and the content importer both name images through this.
    Its file stays as it is. Returns whether the name changed.
    """
    row = db.session.get(CourseImage, (course_id, file_name))
    if (row.label if row else "") == label:
        return False
    if not label:
        db.session.delete(row)
    elif row is None:
        db.session.add(CourseImage(course_id=course_id, file_name=file_name, label=label))
    else:
        row.label = label
    db.session.flush()
    return True


def image_names(course_id: int) -> dict[str, str]:
    """The names given to the course's images, by file name (unnamed images are not there)."""
    return dict(db.session.execute(
        select(CourseImage.file_name, CourseImage.label)
        .where(CourseImage.course_id == course_id)).all())
