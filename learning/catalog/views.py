"""Browsing: my courses, a course's modules, a module's items, each item, and their media."""

import re
from pathlib import PurePosixPath

from flask import Blueprint, abort, current_app, render_template, request, send_from_directory
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from learning.announcements import services as announcements
from learning.assessments import baseline, personal
from learning.catalog import services as catalog
from learning.catalog import transcripts
from learning.certificates import services as certificates
from learning.cohorts import members, visibility
from learning.core.cache_control import revalidate_privately
from learning.media import uploads
from learning.progress import lookups
from learning.progress import rules as progress_rules
from learning.progress import services as progress
from learning.progress.forms import CompleteForm

bp = Blueprint("catalog", __name__)

KIND_LABELS = {
    "recording": _l("Recording"),
    "reading": _l("Reading"),
    "self_assessment": _l("Self-assessment"),
}
# The types media files are served with, by extension: only these, whatever the platform's
# mimetypes table says (it would call an .html file text/html, which a browser runs).
MEDIA_TYPES = {
    ".webm": "video/webm",
    ".mp4": "video/mp4",
    ".m4v": "video/mp4",
    ".ogv": "video/ogg",
    ".ogg": "video/ogg",
    ".vtt": "text/vtt",
    ".pdf": "application/pdf",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".webp": "image/webp",
    ".gif": "image/gif",
}
UNKNOWN_TYPE = "application/octet-stream"
# What the browser shows itself (the player, its PDF viewer); everything else (unknown
# files, or any file asked for with ?download) is downloaded.
INLINE_TYPES = {"video": {"video/webm", "video/mp4", "video/ogg"}, "captions": {"text/vtt"},
                "image": {"image/png", "image/jpeg", "image/webp", "image/gif"},
                "file": {"application/pdf"}}


def media_type(path: str | None) -> str | None:
    """The MIME type a browser expects for a media file, from its extension."""
    if not path:
        return None
    return MEDIA_TYPES.get(PurePosixPath(path).suffix.lower(), UNKNOWN_TYPE)


def shown_inline(kind: str, mimetype: str) -> bool:
    """True if a media file of this kind and type is for the browser to show itself.

    A reading's PDF opens in the browser's own viewer, so that an official on a phone reads
    it without saving it first. The viewers of current browsers (Chromium's, Firefox's
    pdf.js, Safari's) run apart from the page's origin, and an uploaded PDF was checked to
    be one from its content (`learning.media.uploads`); `nosniff` keeps its type.
    """
    return mimetype in INLINE_TYPES.get(kind, ())


@bp.app_template_filter("paragraphs")
def paragraphs(text: str | None) -> list[str]:
    """Plain text split into paragraphs at blank lines."""
    return [p.strip() for p in re.split(r"\n\s*\n", (text or "").strip()) if p.strip()]


@bp.context_processor
def labels():
    """The item kinds' labels, in the request's language."""
    return {"kind_labels": {kind: str(label) for kind, label in KIND_LABELS.items()}}


@bp.get("/learning")
@login_required
def my_learning():
    cards = visibility.course_cards(current_user)
    enrolled = members.enrolled_course_ids(current_user)
    course_progress = {card.course.id: progress.course_progress(current_user.id, card.modules,
                                                                course_id=card.course.id)
                       for card in cards if card.course.id in enrolled}
    finished = [course_id for course_id, found in course_progress.items()
                if found.overall.is_finished]
    return render_template(
        "catalog/my_learning.html",
        cards=cards,
        progress=course_progress,
        certificates=certificates.certificates_by_course(current_user.id, finished),
        # The newest messages from their cohorts; all of them on a page of their own.
        announcements=announcements.received(current_user.id,
                                             limit=announcements.MINE_ON_MY_LEARNING),
        announcement_count=announcements.received_count(current_user.id),
    )


@bp.get("/courses/<slug>")
@login_required
def course(slug):
    course, access, statuses = lookups.course_outline_or_404(slug)
    modules = course.visible_modules(access.is_preview)
    finish = [item for module in modules for item in module.items
              if item.ends_course and item.is_required]
    course_progress = (progress.course_progress(current_user.id, modules, statuses,
                                                course_id=course.id)
                       if access.is_enrolled else None)
    openings = visibility.module_openings(current_user, course.id, access.is_preview,
                                          scheduled=access.scheduled)
    return render_template(
        "catalog/course.html",
        course=course,
        modules=modules,
        openings=openings,
        next_opening=openings.next_opening(modules),
        progress=course_progress,
        is_preview=access.is_preview,
        certificate=certificates.certificate_for(current_user.id, course.id),
        # The starting points still open, and the steps at the course's end.
        starting_points=(baseline.starting_points(current_user.id, course)
                         if course_progress and finish else []),
        finish=finish,
        finish_is_open=course_progress is not None and all(
            item.ends_course for module in modules for item in module.items
            if item.is_required and course_progress.status_of(item) != progress_rules.COMPLETE),
    )


@bp.get("/courses/<slug>/modules/<module_slug>")
@login_required
def module(slug, module_slug):
    course, access, statuses = lookups.course_outline_or_404(slug)
    module = visibility.get_module_outline_or_404(course, access, module_slug)
    openings = visibility.module_openings(current_user, course.id, access.is_preview, module.id,
                                          access.scheduled)
    if not openings.is_open(module.id):
        return _not_open(course, module, openings)
    previous, following = catalog.neighbours(course.visible_modules(access.is_preview), module)
    return render_template(
        "catalog/module.html",
        course=course,
        module=module,
        previous=previous,
        following=following,
        progress=(progress.course_progress(current_user.id, [module], statuses)
                  if access.is_enrolled else None),
        is_preview=access.is_preview,
        due_on=openings.due_on(module.id),
    )


def _not_open(course, module, openings):
    """The page of a module (or one of its items) not open yet: when it opens, not a 404."""
    return render_template("catalog/not_open.html", course=course, module=module,
                           opens_on=openings.opens_on(module.id),
                           due_on=openings.due_on(module.id)), 403


@bp.get("/courses/<slug>/modules/<module_slug>/items/<item_slug>")
@login_required
def item(slug, module_slug, item_slug):
    course = visibility.get_course_or_404(slug)
    module = catalog.get_module_or_404(course, module_slug)
    item = catalog.get_item_or_404(module, item_slug)
    access = visibility.course_access(current_user, course)
    is_preview = access.is_preview
    openings = visibility.module_openings(current_user, course.id, is_preview, module.id)
    if not openings.is_open(module.id):
        return _not_open(course, module, openings)
    previous, following = catalog.neighbours(module.shown_items(is_preview), item)
    tracking = access.is_enrolled
    row = progress.progress_by_item(current_user.id, [item.id]).get(item.id) if tracking else None
    intervals = row.detail.get("intervals", []) if row else []
    assessment = None
    if tracking and item.kind == "self_assessment":
        assessment = personal.item_state(current_user.id, course, item)
    return render_template(
        "catalog/item.html",
        tracking=tracking,
        status=progress.item_status(row),
        completed_at=row.completed_at if row else None,
        watched_percent=progress_rules.watched_percent(intervals, item.duration_seconds or 0),
        resume_at=row.detail.get("position", 0) if row else 0,
        complete_form=CompleteForm(),
        assessment=assessment,
        course=course,
        module=module,
        item=item,
        previous=previous,
        following=following,
        is_preview=is_preview,
        video_type=media_type(item.video_path),
        file_size=_file_size(item),
        transcript=transcripts.transcript_lines(item.transcript),
    )


def _file_size(item) -> str | None:
    """A reading's PDF's size in words, for whoever decides whether to open it on a phone."""
    size = catalog.media_size(item, "file")
    return uploads.human_size(size) if size is not None else None


@bp.get("/items/<int:item_id>/<kind>")
@login_required
def media(item_id, kind):
    item = visibility.get_item_by_id_or_404(item_id)
    path = catalog.media_path(item, kind)
    if not path:
        abort(404)
    mimetype = media_type(path)
    # send_from_directory refuses paths that climb out of MEDIA_ROOT and answers Range
    # requests (206), which lets a player seek without downloading the whole recording.
    # The name offered for saving is the item's slug, never the stored (random) name.
    response = send_from_directory(
        current_app.config["MEDIA_ROOT"], path, mimetype=mimetype, conditional=True,
        as_attachment="download" in request.args or not shown_inline(kind, mimetype),
        download_name=f"{item.slug}{PurePosixPath(path).suffix.lower()}",
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    return revalidate_privately(response)


@bp.get("/courses/<slug>/images/<name>")
@login_required
def image(slug, name):
    """An image of the course's readings, to whoever may see the course."""
    course = visibility.get_course_or_404(slug)
    path = catalog.image_path(course, name)
    if path is None:
        abort(404)
    mimetype = media_type(path)
    response = send_from_directory(current_app.config["MEDIA_ROOT"], path, mimetype=mimetype,
                                   conditional=True,
                                   as_attachment=not shown_inline("image", mimetype))
    response.headers["X-Content-Type-Options"] = "nosniff"
    return revalidate_privately(response)
