"""The authoring rules for a course, as plain functions, and what every authoring rule shares.

One access rule (`Course.can_edit`): admins and the course's facilitators author it. The
loaders below take the user explicitly and abort 404 for what does not exist, 403 for a
course the user may not author. Services add and flush; the view commits once. A change
the rules refuse raises `StudioError`, with the reason in words for the facilitator.

Beside the access rule: a course's settings, its co-facilitators, its export as content
files, and moving a row one place (`swap_with_neighbour`), which its modules
(`studio.modules`) and items (`studio.item_rules`) share.
"""

import io
import logging
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from flask import abort
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from learning.accounts.users import find_user_by_email
from learning.catalog import services as catalog
from learning.catalog.models import Course, Item, Module
from learning.content import writing
from learning.content.exporter import ExportError, course_to_export, export_content
from learning.database import db

UP, DOWN = "up", "down"

log = logging.getLogger(__name__)


class StudioError(Exception):
    """A change the authoring rules refuse, with the reason in words for the facilitator."""


def courses_for(user) -> list[Course]:
    """The courses the user may author, by title: all of them for admins."""
    return catalog.editable_courses(user)


def course_for_edit_or_404(slug: str, user) -> Course:
    """The course with this slug, with its modules and items, if the user may author it."""
    course = db.session.scalar(
        select(Course)
        .options(selectinload(Course.modules).selectinload(Module.items),
                 selectinload(Course.facilitators))
        .where(Course.slug == slug)
    )
    if course is None:
        abort(404)
    if not course.can_edit(user):
        abort(403)
    return course


def may_edit_course(slug: str, user) -> bool:
    """Whether the user may author the course with this slug (False for an unknown one).

    The rule of `course_for_edit_or_404`, without its 404 and 403: asked before a large
    upload's body is read (`core.limits`), so that no one else may send one.
    """
    if not user.is_authenticated or not user.has_role("facilitator"):
        return False
    course = db.session.scalar(
        select(Course).options(selectinload(Course.facilitators)).where(Course.slug == slug))
    return course is not None and course.can_edit(user)


def module_for_edit_or_404(course: Course, module_id: int) -> Module:
    """The course's module with this id (archived ones too)."""
    module = next((m for m in course.modules if m.id == module_id), None)
    if module is None:
        abort(404)
    return module


def item_for_edit_or_404(module: Module, item_id: int, kind: str | None = None) -> Item:
    """The module's item with this id (archived ones too), of this kind when one is named."""
    item = next((i for i in module.items if i.id == item_id), None)
    if item is None or (kind is not None and item.kind != kind):
        abort(404)
    return item


@dataclass(frozen=True)
class CourseFields:
    """What the course settings form sets. Not the slug: addresses and media paths hold it."""

    title: str
    summary: str
    description: str
    is_published: bool
    issuers: list[str]
    certificate_wording: str | None  # None: the default line, translated


def lacks_issuers(is_published: bool, issuers) -> bool:
    """True for a published course that names no issuer: its certificates would name nobody."""
    return is_published and not issuers


def update_course(course: Course, fields: CourseFields) -> None:
    """Change the course's settings.

    Certificates already issued keep the title, issuers and wording they were issued with
    (their snapshot); those issued from now on say what the course says now.
    """
    if lacks_issuers(fields.is_published, fields.issuers):
        raise StudioError(_("A published course names at least one issuer on its "
                            "certificates."))
    course.title = fields.title
    course.summary = fields.summary
    course.description = fields.description
    course.is_published = fields.is_published
    course.issuers = list(fields.issuers)
    course.certificate_wording = fields.certificate_wording or None
    db.session.flush()


def swap_with_neighbour(rows: list, row, direction: str) -> bool:
    """Swap the row's position with the one before or after it; False at either end.

    Positions are unique within their parent: the rows step aside first (`content.writing`).
    """
    index = rows.index(row)
    other_index = index - 1 if direction == UP else index + 1
    if not 0 <= other_index < len(rows):
        return False
    writing.swap(rows, row, rows[other_index])
    return True


def people_by_item(course: Course) -> dict[int, int]:
    """How many participants have progress on each item of the course that anyone touched."""
    return writing.progress_on(item for module in course.modules for item in module.items)


# Zip entries carry this date, so that the same course gives the same bytes.
_ZIP_DATE = (2024, 1, 1, 0, 0, 0)


def export_zip(course: Course) -> bytes:
    """The course as content files (what `flask content import` reads), zipped in a folder.

    Refused with the reasons when the export is incomplete (a media file missing) or would
    not import again: an export is only worth having if it round-trips.
    """
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary) / course.slug
        try:
            report = export_content(course_to_export(course.slug), folder)
        except ExportError as error:
            # The problems name paths on the server: for its operators' log, not the page.
            log.warning("Export of course %s failed: %s", course.slug, error)
            raise StudioError(_("a file it uses (a recording, captions, a PDF or an image) is "
                                "missing on the server; the people who run the platform can "
                                "say which from its log.")) from error
        if report.problems:
            raise StudioError(" ".join(str(problem) for problem in report.problems))
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(p for p in folder.rglob("*") if p.is_file()):
                entry = zipfile.ZipInfo(path.relative_to(folder.parent).as_posix(), _ZIP_DATE)
                entry.compress_type = zipfile.ZIP_DEFLATED
                archive.writestr(entry, path.read_bytes())
        return buffer.getvalue()


def add_co_facilitator(course: Course, email: str):
    """Attach the account with this address to the course as a facilitator; it gets the role.

    Returns the user, or None when no account has the address. Raises StudioError when they
    already facilitate it.
    """
    user = find_user_by_email(email)
    if user is None:
        return None
    if not catalog.add_facilitator(course, user):
        raise StudioError(_("%(name)s already facilitates this course.", name=user.name))
    return user


def remove_co_facilitator(course: Course, user_id: int):
    """Detach a facilitator from the course; the user. A course keeps at least one.

    404 for someone who does not facilitate it.
    """
    user = next((f for f in course.facilitators if f.id == user_id), None)
    if user is None:
        abort(404)
    if len(course.facilitators) == 1:
        raise StudioError(_("A course keeps at least one facilitator: add another first."))
    catalog.remove_facilitator(course, user)
    return user
