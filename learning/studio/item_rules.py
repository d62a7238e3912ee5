"""The authoring rules for a module's items, as plain functions.

Readings, recordings and self-assessments are made and changed the same way: a slug free
among the module's items, a new one at the end of the module (`content.writing`), its fields
set by its kind's `_assign_*`. Content nobody has touched may be deleted; once anyone has
progress on an item it can only be archived, which hides it from every page and from the
completion rule while keeping the progress and certificates that refer to it: the rules of
`content.writing`, which the content importer follows too. Editing never touches anyone's
progress rows, so a completion stays a completion whatever the item becomes. Services add
and flush; the view commits once.
"""

from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import or_, select

from learning.catalog.models import Item, Module
from learning.content import writing
from learning.content.image_files import images_out_of_place
from learning.content.sanitise import markdown_to_html
from learning.database import db
from learning.media import uploads
from learning.media.videolength import minutes_to_watch
from learning.studio.courses import StudioError, swap_with_neighbour


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
    course = item.module.course
    misplaced = images_out_of_place(item.body_html or "", course.slug, uploads.stored_images(
        current_app.config["MEDIA_ROOT"], course.slug))
    if misplaced:
        shown = ", ".join(f"/courses/{slug}/images/{name}" for slug, name in misplaced)
        raise StudioError(_(
            "This text shows images that are not in this course's image library: %(images)s. "
            "A reading shows its own course's images: upload the image to this course's "
            "library and insert it from there.", images=shown))


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


def move_item(item: Item, direction: str) -> bool:
    """Move the item one place up or down its module; False if it is already at that end."""
    return swap_with_neighbour(list(item.module.items), item, direction)


def delete_item(item: Item) -> None:
    """Delete an item nobody has touched; refused once anyone has progress on it."""
    if not writing.may_delete([item], writing.progress_on([item])):
        raise StudioError(_("People have progress on this item: archive it instead."))
    item.module.items.remove(item)
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
