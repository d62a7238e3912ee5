"""The authoring rules, as plain functions: who may author a course, and each change to it.

One access rule (`Course.can_edit`): admins and the course's facilitators author it. The
loaders below take the user explicitly and abort 404 for what does not exist, 403 for a
course the user may not author. Services add and flush; the view commits once.

Content nobody has touched may be deleted; once anyone has progress on an item it can only
be archived, which hides it from every page and from the completion rule while keeping the
progress and certificates that refer to it: the rules of `content.writing`, which the
content importer follows too, as for positions and slugs. Editing never touches anyone's
progress rows, so a completion stays a completion whatever the item becomes.
"""

import io
import logging
import tempfile
import zipfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from flask import abort
from flask_babel import gettext as _
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from learning.accounts.users import find_user_by_email
from learning.catalog import services as catalog
from learning.catalog.models import Course, Item, Module
from learning.content import writing
from learning.content.exporter import ExportError, course_to_export, export_content
from learning.content.sanitise import markdown_to_html
from learning.database import db
from learning.media.videolength import minutes_to_watch

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


@dataclass(frozen=True)
class ModuleFields:
    """What the module form sets."""

    title: str
    slug: str
    summary: str
    outcomes: list[str]
    live_session_on: date | None
    speakers: list[str]
    is_published: bool


@dataclass(frozen=True)
class ReadingFields:
    """What the reading form sets. The body is Markdown; it is stored rendered and sanitised.

    `file_path` is a PDF just stored under MEDIA_ROOT (`uploads.store_pdf`), or None to keep
    the reading's file as it is.
    """

    title: str
    slug: str
    minutes: int
    is_required: bool
    is_published: bool
    body_markdown: str
    url: str
    citation: str
    file_path: str | None = None


def _assign_module(module: Module, fields: ModuleFields) -> None:
    module.title = fields.title
    module.slug = fields.slug
    module.summary = fields.summary
    module.outcomes = list(fields.outcomes)
    module.live_session_on = fields.live_session_on
    module.speakers = list(fields.speakers)
    module.is_published = fields.is_published


def create_module(course: Course, fields: ModuleFields) -> Module:
    """A new module at the end of the course."""
    if writing.slug_taken(fields.slug, course.modules):
        raise StudioError(_("Another module of this course already uses this slug."))
    module = Module(course=course, position=writing.next_position(course.modules))
    _assign_module(module, fields)
    db.session.add(module)
    db.session.flush()
    return module


def update_module(module: Module, fields: ModuleFields) -> None:
    """Change the module's fields; its items and everyone's progress on them stay."""
    if writing.slug_taken(fields.slug, module.course.modules, leaving_out=module):
        raise StudioError(_("Another module of this course already uses this slug."))
    _assign_module(module, fields)
    db.session.flush()


def _assign_reading(item: Item, fields: ReadingFields) -> None:
    item.title = fields.title
    item.slug = fields.slug
    item.minutes = fields.minutes
    item.is_required = fields.is_required
    item.is_published = fields.is_published
    item.citation = fields.citation or None
    item.url = fields.url or None
    if fields.file_path:
        item.file_path = fields.file_path
    if fields.body_markdown.strip():
        item.body_markdown = fields.body_markdown
        item.body_html = markdown_to_html(fields.body_markdown) or None
    else:
        # A reading with a link or a file may do without a page.
        item.body_markdown = item.body_html = None
    if item.body_html is None and not (item.url or item.file_path):
        raise StudioError(_("Write the reading's text: nothing of it is left once made safe."))


def _new_item(module: Module, kind: str, assign, fields) -> Item:
    """A new item of this kind at the end of the module, its fields set by `assign`."""
    if writing.slug_taken(fields.slug, module.items):
        raise StudioError(_("Another item of this module already uses this slug."))
    item = Item(module=module, kind=kind, position=writing.next_position(module.items))
    assign(item, fields)
    db.session.add(item)
    db.session.flush()
    return item


def _changed_item(item: Item, assign, fields) -> Item:
    """The item with its fields set again by `assign`; its progress rows are not touched."""
    if writing.slug_taken(fields.slug, item.module.items, leaving_out=item):
        raise StudioError(_("Another item of this module already uses this slug."))
    assign(item, fields)
    db.session.flush()
    return item


def create_reading(module: Module, fields: ReadingFields) -> Item:
    """A new reading at the end of the module, its Markdown stored rendered and sanitised."""
    return _new_item(module, "reading", _assign_reading, fields)


def update_reading(item: Item, fields: ReadingFields) -> Item:
    """Change the reading. Progress rows are never touched: a completion stays one."""
    return _changed_item(item, _assign_reading, fields)


@dataclass(frozen=True)
class RecordingFields:
    """What the recording form sets.

    Files are already stored (`uploads`): None keeps the item's own. `duration_seconds`
    comes with a new video, read from the file. `minutes` None: the minutes the video takes
    to watch (`videolength.minutes_to_watch`), the new video's or else the current one's.
    """

    title: str
    slug: str
    minutes: int | None
    is_required: bool
    is_published: bool
    transcript: str
    completion_threshold: int
    transcript_completes: bool
    video_path: str | None = None
    duration_seconds: int | None = None
    captions_path: str | None = None


def _assign_recording(item: Item, fields: RecordingFields) -> None:
    item.title = fields.title
    item.slug = fields.slug
    item.is_required = fields.is_required
    item.is_published = fields.is_published
    item.transcript = fields.transcript.strip() or None
    item.completion_threshold = fields.completion_threshold
    item.transcript_completes = fields.transcript_completes and bool(item.transcript)
    if fields.video_path:
        item.video_path = fields.video_path
        item.embed_url = None
        item.duration_seconds = fields.duration_seconds
    if fields.captions_path:
        item.captions_path = fields.captions_path
    if not (item.video_path or item.embed_url) or not item.duration_seconds:
        raise StudioError(_("Upload the recording's video."))
    # A value the facilitator typed wins, 0 included; left empty, the video's length says.
    item.minutes = (fields.minutes if fields.minutes is not None
                    else minutes_to_watch(item.duration_seconds))


def create_recording(module: Module, fields: RecordingFields) -> Item:
    """A new recording at the end of the module, from a video already stored."""
    return _new_item(module, "recording", _assign_recording, fields)


def update_recording(item: Item, fields: RecordingFields) -> Item:
    """Change the recording.

    Progress rows are never touched: a completion stays one, also when a new video of
    another length replaces the old one.
    """
    return _changed_item(item, _assign_recording, fields)


@dataclass(frozen=True)
class SelfAssessmentFields:
    """What the self-assessment item form sets: the item and the instrument it asks."""

    title: str
    slug: str
    minutes: int
    is_required: bool
    is_published: bool
    instrument_id: int


def _assign_self_assessment(item: Item, fields: SelfAssessmentFields) -> None:
    item.title = fields.title
    item.slug = fields.slug
    item.minutes = fields.minutes
    item.is_required = fields.is_required
    item.is_published = fields.is_published
    item.instrument_id = fields.instrument_id


def create_self_assessment(module: Module, fields: SelfAssessmentFields) -> Item:
    """A new self-assessment at the end of the module, asking a complete instrument.

    Which instruments an item may ask is `instruments.ready_instruments`: the form offers
    only those.
    """
    return _new_item(module, "self_assessment", _assign_self_assessment, fields)


def update_self_assessment(item: Item, fields: SelfAssessmentFields) -> Item:
    """Change the self-assessment item; responses stay with the instrument they answered."""
    return _changed_item(item, _assign_self_assessment, fields)


def _swap_with_neighbour(rows: list, row, direction: str) -> bool:
    """Swap the row's position with the one before or after it; False at either end.

    Positions are unique within their parent: the rows step aside first (`content.writing`).
    """
    index = rows.index(row)
    other_index = index - 1 if direction == UP else index + 1
    if not 0 <= other_index < len(rows):
        return False
    writing.swap(rows, row, rows[other_index])
    return True


def move_module(module: Module, direction: str) -> bool:
    """Move the module one place up or down the course; False if it is already at that end."""
    return _swap_with_neighbour(list(module.course.modules), module, direction)


def move_item(item: Item, direction: str) -> bool:
    """Move the item one place up or down its module; False if it is already at that end."""
    return _swap_with_neighbour(list(item.module.items), item, direction)


def people_by_item(course: Course) -> dict[int, int]:
    """How many participants have progress on each item of the course that anyone touched."""
    return writing.progress_on(item for module in course.modules for item in module.items)


def delete_item(item: Item) -> None:
    """Delete an item nobody has touched; refused once anyone has progress on it."""
    if not writing.may_delete([item], writing.progress_on([item])):
        raise StudioError(_("People have progress on this item: archive it instead."))
    item.module.items.remove(item)
    db.session.flush()


def delete_module(module: Module) -> None:
    """Delete a module none of whose items anyone has touched; refused otherwise."""
    if not writing.may_delete(module.items, writing.progress_on(module.items)):
        raise StudioError(_("People have progress on this module: archive it instead."))
    module.course.modules.remove(module)
    db.session.flush()


def set_item_published(item: Item, published: bool) -> None:
    """Publish the item (participants see it, the completion rule asks it) or make it a draft."""
    item.is_published = published
    db.session.flush()


def item_files(items) -> set[str]:
    """The media files these items use (video, captions, PDF), relative to MEDIA_ROOT."""
    return {path for item in items
            for path in (item.video_path, item.captions_path, item.file_path) if path}


def files_in_use(paths: set[str]) -> set[str]:
    """Those of these files that some item, archived or not, still refers to.

    What the unit of work for a change to files (`media.files`) asks before removing those
    the change let go of: a file another item shares (an import may give two items one
    video) stays.
    """
    if not paths:
        return set()
    rows = db.session.execute(
        select(Item.video_path, Item.captions_path, Item.file_path).where(or_(
            Item.video_path.in_(paths), Item.captions_path.in_(paths),
            Item.file_path.in_(paths)))
    )
    return {path for row in rows for path in row if path in paths}


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
