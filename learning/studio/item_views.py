"""Studio pages for an item's own forms: readings, recordings and self-assessments.

A reading and a recording go one way, each the steps of a form that carries files
(`_new_page`, `_edit_page`, `_save`) told what differs by its kind (`READING`,
`RECORDING`): its form, its files, its services and its words. Their files and the change
are one unit of work (`pages.file_changes`): new files stored, the change made by one
service function and committed, the files it replaced removed; or, if anything fails, the
new files removed and the old kept.

Registered on the studio's blueprint (`pages.bp`); `views` imports this module so that its
pages are there whenever the studio's are.
"""

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass

from flask import current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from wtforms.fields.choices import SelectChoice

from learning.accounts.permissions import role_required
from learning.content import writing
from learning.core.limits import body_limit
from learning.database import db
from learning.media import uploads
from learning.studio import courses, editor_views, instruments, item_rules
from learning.studio.item_forms import ReadingForm, RecordingForm, SelfAssessmentForm
from learning.studio.pages import (
    FORM_ALLOWANCE_BYTES,
    as_draft,
    back_to,
    bp,
    confirm_item_change,
    course_or_404,
    created,
    file_changes,
    may_author,
)

# WebVTT captions of a long webinar are a few hundred kilobytes.
CAPTIONS_MAX_BYTES = 2 * 1024 * 1024


def _store_pdf(form: ReadingForm, course, files) -> dict:
    """Check and store the reading's PDF if the form carries one: what it sets."""
    if not form.pdf.data:
        return {}
    try:
        stored = uploads.store_pdf(form.pdf.data.stream, files.media_root, course.slug,
                                   current_app.config["READING_PDF_MAX_BYTES"])
    except uploads.UploadError as error:
        form.pdf.errors.append(str(error))
        return {}
    return {"file_path": files.new(stored)}


def _store_recording_files(form: RecordingForm, course, files) -> dict:
    """Check and store each file the recording's form carries: what they set.

    Every file is checked whatever the others gave, each bad one's reason beside its field,
    so that one answer names them all.
    """
    changes = {}
    if form.captions.data:
        data = form.captions.data.stream.read(CAPTIONS_MAX_BYTES + 1)
        try:
            if len(data) > CAPTIONS_MAX_BYTES:
                raise uploads.UploadTooLarge(_("The file is larger than %(size)s.",
                                               size=uploads.human_size(CAPTIONS_MAX_BYTES)))
            captions = uploads.store_captions(data, files.media_root, course.slug)
        except uploads.UploadError as error:
            form.captions.errors.append(str(error))
        else:
            changes["captions_path"] = files.new(captions)
            if not (form.transcript.data or "").strip():
                # Zoom saves its transcript as captions: one upload gives both.
                changes["transcript"] = uploads.transcript_from_captions(data)
    if form.video.data:
        try:
            video, seconds = uploads.store_video(form.video.data.stream, files.media_root,
                                                 course.slug,
                                                 current_app.config["RECORDING_MAX_BYTES"])
        except uploads.UploadError as error:
            form.video.errors.append(str(error))
        else:
            changes.update(video_path=files.new(video), duration_seconds=seconds)
    return changes


def _created_recording(item) -> str:
    """What creating the recording did: how long it lasts, and the minutes it counts for."""
    return _("Recording “%(title)s” created; it lasts %(minutes)d min %(seconds)d s and "
             "counts as %(watch)s to watch.", title=item.title,
             minutes=item.duration_seconds // 60, seconds=item.duration_seconds % 60,
             watch=ngettext("%(num)d minute", "%(num)d minutes", item.minutes))


@dataclass(frozen=True)
class _Kind:
    """What differs between the forms of items that carry files; the steps are the same.

    The services are looked up when called, never bound here, so that they are the
    `studio.item_rules` of the moment.
    """

    name: str
    form: type
    template: str
    # The template's name for the largest file it takes, and the setting that says it.
    size_name: str
    max_setting: str
    # The edit form's arguments saying whether the item has its file already.
    has_file: Callable[[object], dict]
    file_fields: Callable[[object], list]
    # Check and store the form's files into the unit of work: what they set.
    store_files: Callable[[object, object, object], dict]
    # The field beside which a change the rules refuse is explained.
    refusal_field: Callable[[object], object]
    create: Callable[[object, object], object]
    update: Callable[[object, object], object]
    created: Callable[[object], str]
    saved: Callable[[object], str]
    # Whether a form whose fields are refused has its files checked too, so that one
    # answer names every problem.
    checks_files_of_refused_form: bool
    # Whether the form's text is written in the reading editor (`editor_views`): its
    # preview and image picker beside it, and what saving removed said after saving.
    has_editor: bool = False


READING = _Kind(
    name="reading", form=ReadingForm, template="studio/reading_form.html",
    size_name="pdf_max", max_setting="READING_PDF_MAX_BYTES",
    has_file=lambda item: {"has_file": bool(item.file_path)},
    file_fields=lambda form: [form.pdf],
    store_files=_store_pdf,
    refusal_field=lambda form: form.body,
    create=lambda module, fields: item_rules.create_reading(module, fields),
    update=lambda item, fields: item_rules.update_reading(item, fields),
    created=lambda item: _("Reading “%(title)s” created.", title=item.title),
    saved=lambda item: _("Reading “%(title)s” saved.", title=item.title),
    checks_files_of_refused_form=False,
    has_editor=True,
)

RECORDING = _Kind(
    name="recording", form=RecordingForm, template="studio/recording_form.html",
    size_name="video_max", max_setting="RECORDING_MAX_BYTES",
    has_file=lambda item: {"has_video": bool(item.video_path or item.embed_url)},
    file_fields=lambda form: [form.video, form.captions],
    store_files=_store_recording_files,
    refusal_field=lambda form: form.video,
    create=lambda module, fields: item_rules.create_recording(module, fields),
    update=lambda item, fields: item_rules.update_recording(item, fields),
    created=_created_recording,
    saved=lambda item: _("Recording “%(title)s” saved.", title=item.title),
    checks_files_of_refused_form=True,
)


def _reading_limit(config) -> int:
    """A reading's form: its PDF at most, and the fields."""
    return config["READING_PDF_MAX_BYTES"] + FORM_ALLOWANCE_BYTES


def _recording_limit(config) -> int:
    """A recording's form: a video and its captions at most, and the fields."""
    return config["RECORDING_MAX_BYTES"] + CAPTIONS_MAX_BYTES + FORM_ALLOWANCE_BYTES


def _save(kind: _Kind, form, course, save, replacing=None):
    """Store the form's files, then `save` its fields, as one unit of work that commits.

    The item saved, or None with the form's errors (every bad file's at once); files stored
    for a change that is refused or not committed are removed again. The files it replaces
    (of the item `replacing`) are removed once the change is committed, unless an item
    still uses them.
    """
    try:
        with file_changes(item_rules.item_files([replacing]) if replacing is not None
                          else ()) as files:
            changes = kind.store_files(form, course, files)
            if any(field.errors for field in kind.file_fields(form)):
                files.discard()
                return None
            return save(dataclasses.replace(form.fields(), **changes))
    except courses.StudioError as error:
        kind.refusal_field(form).errors.append(str(error))
        return None


def _check_files(kind: _Kind, form, course) -> None:
    """For a form its fields refused: say what is wrong with its files too, keeping none."""
    with file_changes() as files:
        kind.store_files(form, course, files)
        files.discard()


def _page(kind: _Kind, course, module, item, form, asking=None):
    extra = {"editor": editor_views.reading_editor(course, form, asking)} if kind.has_editor \
        else {}
    return render_template(
        kind.template, course=course, module=module, item=item, form=form, **extra,
        **{kind.size_name: uploads.human_size(current_app.config[kind.max_setting])})


def _editor_asked(kind: _Kind) -> str | None:
    """The editor's button that sent the form (a preview, an image's Markdown), if any."""
    return editor_views.asked() if kind.has_editor else None


def _saved_page(kind: _Kind, course, item):
    """Where a saved item goes: its edit page when saving removed some of its text.

    There the list of what was removed, and why, is beside the text; otherwise the
    studio's course page.
    """
    if kind.has_editor and item.body_markdown and editor_views.removed_from(
            item.body_markdown):
        flash(_("Some of the text was not kept when it was saved: what and why is listed "
                "beside it, under its preview."), "warning")
        return redirect(url_for(f"studio.edit_{kind.name}", slug=course.slug,
                                module_id=item.module_id, item_id=item.id,
                                _anchor="reading-preview"))
    return back_to(course, item)


def _new_page(kind: _Kind, slug, module_id):
    """The form for a new item of this kind; created as a draft, then published if asked."""
    course = course_or_404(slug)
    module = courses.module_for_edit_or_404(course, module_id)
    form = kind.form(taken_slugs=writing.sibling_slugs(module.items), fills_slug=True)
    asking = _editor_asked(kind)
    if asking:
        return _page(kind, course, module, None, form, asking)
    if form.validate_on_submit():
        item = _save(kind, form, course, as_draft(lambda fields: kind.create(module, fields)))
        if item is not None:
            return created(course, item, form.is_published.data, kind.created(item),
                           then=lambda: _saved_page(kind, course, item))
    elif form.is_submitted() and kind.checks_files_of_refused_form:
        _check_files(kind, form, course)
    return _page(kind, course, module, None, form)


def _edit_page(kind: _Kind, slug, module_id, item_id):
    """The form for an item of this kind; a change that moves figures is asked first."""
    course = course_or_404(slug)
    module = courses.module_for_edit_or_404(course, module_id)
    item = courses.item_for_edit_or_404(module, item_id, kind=kind.name)
    form = kind.form(data=kind.form.data_of(item),
                     taken_slugs=writing.sibling_slugs(module.items, leaving_out=item),
                     **kind.has_file(item))
    asking = _editor_asked(kind)
    if asking:
        return _page(kind, course, module, item, form, asking)
    if form.validate_on_submit():
        fields = form.fields()
        asking = confirm_item_change(course, item, fields, lambda: kind.update(item, fields),
                                     kind.file_fields(form),
                                     lambda: _page(kind, course, module, item, form))
        if asking is not None:
            return asking
        if _save(kind, form, course, lambda fields: kind.update(item, fields),
                 replacing=item):
            flash(kind.saved(item), "success")
            return _saved_page(kind, course, item)
    elif form.is_submitted() and kind.checks_files_of_refused_form:
        _check_files(kind, form, course)
    return _page(kind, course, module, item, form)


@bp.route("/courses/<slug>/modules/<int:module_id>/readings/new", methods=["GET", "POST"])
@body_limit(_reading_limit, granted=may_author)
@role_required("facilitator")
def new_reading(slug, module_id):
    return _new_page(READING, slug, module_id)


@bp.route("/courses/<slug>/modules/<int:module_id>/readings/<int:item_id>/edit",
          methods=["GET", "POST"])
@body_limit(_reading_limit, granted=may_author)
@role_required("facilitator")
def edit_reading(slug, module_id, item_id):
    return _edit_page(READING, slug, module_id, item_id)


@bp.route("/courses/<slug>/modules/<int:module_id>/recordings/new", methods=["GET", "POST"])
@body_limit(_recording_limit, granted=may_author)
@role_required("facilitator")
def new_recording(slug, module_id):
    return _new_page(RECORDING, slug, module_id)


@bp.route("/courses/<slug>/modules/<int:module_id>/recordings/<int:item_id>/edit",
          methods=["GET", "POST"])
@body_limit(_recording_limit, granted=may_author)
@role_required("facilitator")
def edit_recording(slug, module_id, item_id):
    return _edit_page(RECORDING, slug, module_id, item_id)


def _self_assessment_form(course, module, item=None):
    form = SelfAssessmentForm(data=SelfAssessmentForm.data_of(item) if item else None,
                              taken_slugs=writing.sibling_slugs(module.items, leaving_out=item),
                              fills_slug=item is None)
    # A placeholder first: a required list must not open on a real choice (HTML's rule).
    form.instrument_id.choices = [SelectChoice("", _("Choose an instrument"))] + [
        SelectChoice(instrument.id, instrument.title)
        for instrument in instruments.ready_instruments(course, item)]
    return form


def _self_assessment_page(course, module, item, form):
    return render_template("studio/self_assessment_form.html", course=course, module=module,
                           item=item, form=form)


@bp.route("/courses/<slug>/modules/<int:module_id>/self-assessments/new",
          methods=["GET", "POST"])
@role_required("facilitator")
def new_self_assessment(slug, module_id):
    course = course_or_404(slug)
    module = courses.module_for_edit_or_404(course, module_id)
    form = _self_assessment_form(course, module)
    if form.validate_on_submit():
        item = item_rules.create_self_assessment(
            module, dataclasses.replace(form.fields(), is_published=False))
        db.session.commit()
        return created(course, item, form.is_published.data,
                       _("Self-assessment “%(title)s” created.", title=item.title))
    return _self_assessment_page(course, module, None, form)


@bp.route("/courses/<slug>/modules/<int:module_id>/self-assessments/<int:item_id>/edit",
          methods=["GET", "POST"])
@role_required("facilitator")
def edit_self_assessment(slug, module_id, item_id):
    course = course_or_404(slug)
    module = courses.module_for_edit_or_404(course, module_id)
    item = courses.item_for_edit_or_404(module, item_id, kind="self_assessment")
    form = _self_assessment_form(course, module, item)
    if form.validate_on_submit():
        fields = form.fields()
        asking = confirm_item_change(course, item, fields,
                                     lambda: item_rules.update_self_assessment(item, fields))
        if asking is not None:
            return asking
        item_rules.update_self_assessment(item, fields)
        db.session.commit()
        flash(_("Self-assessment “%(title)s” saved.", title=item.title), "success")
        return back_to(course, item)
    return _self_assessment_page(course, module, item, form)
