"""A participant's look-ups: a course's outline with their membership and progress, at once.

The pages a participant opens most ask one question each: the course page and a module's
page find the course by slug with the user's item statuses; a progress report finds the
item's course with the user's progress on that item. Each is one round trip that also
reads the course's `outline_version`, the user's membership (`cohorts.members.membership_columns`)
and whether their cohorts have a schedule (`schedules.scheduled_column`), so the outline
comes from the per-process cache (`learning.catalog.outline.outline`) and the access rule
(`cohorts.visibility.course_access`) needs nothing more; only a course with a schedule
asks for its dates (`visibility.module_openings`).
"""

from flask import abort
from flask_login import current_user
from sqlalchemy import and_, bindparam, select

from learning.catalog.models import Course, Item, Module
from learning.catalog.outline import CourseOutline, ItemOutline, outline
from learning.cohorts import members, schedules, visibility
from learning.database import db
from learning.progress.models import Progress
from learning.progress.services import STATE_COLUMNS, ProgressState

_course = Course.__table__.c
_modules = Module.__table__
_items = Item.__table__
_progress = Progress.__table__
_yours = and_(_progress.c.item_id == _items.c.id, _progress.c.user_id == bindparam("user_id"))
_FOUND = select(_course.id, _course.outline_version, *members.membership_columns(_course.id),
                schedules.scheduled_column(_course.id))

# One row per item of the course, with the user's status on it (None: not started).
_BY_SLUG = (
    _FOUND.add_columns(_items.c.id.label("item_id"), _progress.c.status)
    .select_from(Course.__table__)
    .outerjoin(_modules, _modules.c.course_id == _course.id)
    .outerjoin(_items, _items.c.module_id == _modules.c.id)
    .outerjoin(_progress, _yours)
    .where(_course.slug == bindparam("slug"))
)
# The item's course, with the user's progress row for the item if there is one.
_BY_ITEM = (
    _FOUND.add_columns(*(column.label(f"progress_{column.name}") for column in STATE_COLUMNS))
    .select_from(Course.__table__)
    .join(_modules, _modules.c.course_id == _course.id)
    .join(_items, _items.c.module_id == _modules.c.id)
    .outerjoin(_progress, _yours)
    .where(_items.c.id == bindparam("item_id"))
)


def _user_id() -> int | None:
    return current_user.id if current_user.is_authenticated else None


def _outline_and_access(row) -> tuple[CourseOutline, visibility.CourseAccess]:
    """The outline of the course a look-up found and the user's access, or abort."""
    found = None if row is None else outline(row.id, row.outline_version)
    member = None if row is None else members.membership_of(current_user, row.enrolled,
                                                            row.manages)
    return found, visibility.outline_access_or_404(found, member,
                                                   None if row is None else row.scheduled)


def course_outline_or_404(
    slug: str
) -> tuple[CourseOutline, visibility.CourseAccess, dict[int, str]]:
    """The outline of the course with this slug, if the user may see it.

    With the user's access and their item statuses, by item id (an item not started has
    none), for `services.course_progress`.
    """
    rows = db.session.execute(_BY_SLUG, {"slug": slug, "user_id": _user_id()}).all()
    course, access = _outline_and_access(rows[0] if rows else None)
    return course, access, {row.item_id: row.status for row in rows if row.status}


def item_outline_or_404(
    item_id: int
) -> tuple[CourseOutline, visibility.CourseAccess, ItemOutline, ProgressState | None]:
    """The item with this id from its course's outline, if the user may see its module.

    For requests (progress reports) that need the item's outline, not its body. With the
    user's progress on the item as read (None if there is none), for
    `services.record_watch_if_unchanged`.
    """
    user_id = _user_id()
    row = db.session.execute(_BY_ITEM, {"item_id": item_id, "user_id": user_id}).first()
    course, access = _outline_and_access(row)
    found = course.item(item_id, access.is_preview)  # None too for what they may not see
    if found is None:
        abort(404)
    state = None
    if row.progress_id is not None:
        state = ProgressState(id=row.progress_id, user_id=user_id, item_id=item_id,
                              status=row.progress_status, detail=row.progress_detail,
                              completed_at=row.progress_completed_at,
                              revision=row.progress_revision)
    return course, access, found[1], state
