"""Studio pages: a facilitator's courses, a course's modules and items, and their forms.

Every page asks the one access rule (`studio.services.course_for_edit_or_404`). The
blueprint and what the pages share are in `pages`; moving an item to another module in
`items`.
"""

import dataclasses
import io

from flask import (
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from learning.accounts import services as accounts
from learning.accounts.permissions import role_required
from learning.catalog.models import module_numbers
from learning.certificates import services as certificates
from learning.cohorts import services as cohorts
from learning.core.limits import body_limit
from learning.database import db
from learning.media import uploads
from learning.studio import (
    instruments,
    items,  # noqa: F401 (its pages register on the blueprint)
    roster,
    roster_jobs,
    roster_views,  # noqa: F401 (its pages register on the blueprint)
)
from learning.studio import services as studio
from learning.studio.forms import (
    LEVEL_LABELS,
    BandsForm,
    CohortSettingsForm,
    CourseSettingsForm,
    DimensionForm,
    ImageForm,
    InstrumentForm,
    ModuleForm,
    NewInstrumentForm,
    PersonForm,
    ReadingForm,
    RecordingForm,
    RosterForm,
    SelfAssessmentForm,
    band_data,
    describe,
    error_list,
    place_problems,
)
from learning.studio.pages import back_to as _back_to
from learning.studio.pages import bp
from learning.studio.pages import button_form_or_400 as _button_form_or_400
from learning.studio.pages import change_on_purpose as _change_on_purpose
from learning.studio.pages import confirmation_page as _confirmation_page
from learning.studio.pages import course_and_item as _course_and_item
from learning.studio.pages import course_or_404 as _course

KIND_LABELS = {
    "recording": _l("Recording"),
    "reading": _l("Reading"),
    "self_assessment": _l("Self-assessment"),
}
DIRECTIONS = (studio.UP, studio.DOWN)
# Room for a reading form's other fields beside its PDF.
FORM_ALLOWANCE_BYTES = 256 * 1024
# A participants' CSV: 10,000 rows fit, at up to about 200 bytes each.
ROSTER_MAX_BYTES = 2 * 1024 * 1024
# WebVTT captions of a long webinar are a few hundred kilobytes.
CAPTIONS_MAX_BYTES = 2 * 1024 * 1024


def _may_author(slug, **_url) -> bool:
    """Whether this request may send an upload's body: its user may author the course."""
    return studio.may_edit_course(slug, current_user)


def _may_run_cohort(id, **_url) -> bool:
    """Whether this request may send a participants' file: its user may run the cohort."""
    return cohorts.may_run_cohort(id, current_user)


@bp.context_processor
def labels():
    """The item kinds' labels, in the request's language."""
    return {"studio_kind_labels": {kind: str(label) for kind, label in KIND_LABELS.items()}}


def _direction_or_404(direction: str) -> str:
    if direction not in DIRECTIONS:
        abort(404)
    return direction


def _item_change_words(item, fields) -> tuple[str, str] | None:
    """The question and the button for an item form's change that can move figures.

    Those are changes to whether the item is required or published; None for neither.
    """
    publishing = fields.is_published != item.is_published
    requiring = fields.is_required != item.is_required
    if publishing and requiring:
        return _("Save the changes to “%(title)s”?", title=item.title), _("Yes, save them")
    if publishing:
        return ((_("Publish “%(title)s”?", title=item.title), _("Yes, publish it"))
                if fields.is_published else
                (_("Unpublish “%(title)s”?", title=item.title), _("Yes, unpublish it")))
    if requiring:
        return ((_("Make “%(title)s” required?", title=item.title), _("Yes, make it required"))
                if fields.is_required else
                (_("Make “%(title)s” optional?", title=item.title), _("Yes, make it optional")))
    return None


def _confirm_item_change(course, item, fields, change, files=(), form_page=None):
    """For an item's edit form: the page asking to confirm its change, or None to save it.

    Asked when the form changes whether the item is required or published and that moves
    someone's figures (`_confirmation_page`). The confirmation page re-sends the form's
    fields, never its files: so a submission that carries a new file (`files`, the form's
    file fields) and would need confirming stores nothing and asks nothing. The form comes
    back (`form_page`) with the reason beside the file: save the file with "Required" and
    "Published" as they were, then change them.
    """
    words = _item_change_words(item, fields)
    if words is None:
        return None
    confirming = _confirmation_page(course, change, *words)
    carrying = next((field for field in files if field.data), None)
    if confirming is None or carrying is None:
        return confirming
    carrying.errors.append(_(
        "This change to whether the item is required or published moves participants' "
        "figures and is confirmed on a page of its own, which cannot carry a file. Save the "
        "new file first with “Required” and “Published” as they were, then change them."))
    return form_page()


def _created(course, item, publish: bool, message: str):
    """Where an item's creation form goes next: the item is saved, as a draft, and committed.

    If the form ticked "Published", the item is published now when that moves no one's
    figures; otherwise it stays a draft and the page asking to confirm publishing it is
    the answer (posting to `publish_item`). A file the form carried is already stored with
    the draft, so nothing is lost whatever the facilitator answers.
    """
    if publish:
        confirming = _confirmation_page(
            course, lambda: studio.set_item_published(item, True),
            _("Publish “%(title)s”?", title=item.title), _("Yes, publish it"),
            action=url_for("studio.publish_item", slug=course.slug, module_id=item.module_id,
                           item_id=item.id),
            notice=_("“%(title)s” is created as a draft. Publishing it changes what cohorts "
                     "have completed: it is published once you confirm below; until then "
                     "only facilitators see it.", title=item.title))
        if confirming is not None:
            return confirming
        studio.set_item_published(item, True)
        db.session.commit()
    flash(message, "success")
    return _back_to(course, item)


def _as_draft(create):
    """A creation service called with fields that make a draft (`_created` publishes it)."""
    return lambda fields: create(dataclasses.replace(fields, is_published=False))


@bp.get("/")
@role_required("facilitator")
def index():
    return render_template("studio/index.html", courses=studio.courses_for(current_user))


@bp.get("/courses/<slug>")
@role_required("facilitator")
def course(slug):
    course = _course(slug)
    people = studio.people_by_item(course)
    return render_template(
        "studio/course.html",
        course=course,
        people=people,
        can_delete_module=lambda module: studio.can_delete_module(module, people),
        can_delete_item=lambda item: studio.can_delete_item(item, people),
        cohorts=cohorts.course_cohorts(course),
        person_form=PersonForm(),
        instruments=instruments.overview(course),
        numbers=module_numbers(course.modules),
    )


@bp.route("/courses/<slug>/settings", methods=["GET", "POST"])
@role_required("facilitator")
def edit_course(slug):
    course = _course(slug)
    form = CourseSettingsForm(data=CourseSettingsForm.data_of(course))
    if form.validate_on_submit():
        try:
            studio.update_course(course, form.fields())
        except studio.StudioError as error:
            db.session.rollback()
            form.issuers.errors.append(str(error))
        else:
            db.session.commit()
            flash(_("Course settings saved."), "success")
            return _back_to(course)
    return render_template("studio/course_settings.html", course=course, form=form,
                           default_wording=certificates.DEFAULT_WORDING)


@bp.get("/courses/<slug>/export")
@role_required("facilitator")
def export(slug):
    course = _course(slug)
    try:
        data = studio.export_zip(course)
    except studio.StudioError as error:
        flash(_("The course could not be exported: %(reason)s", reason=str(error)), "error")
        return _back_to(course)
    return send_file(io.BytesIO(data), mimetype="application/zip", as_attachment=True,
                     download_name=f"{course.slug}.zip", max_age=0)


@bp.route("/courses/<slug>/modules/new", methods=["GET", "POST"])
@role_required("facilitator")
def new_module(slug):
    course = _course(slug)
    form = ModuleForm(taken_slugs=studio.module_slugs(course), fills_slug=True)
    if form.validate_on_submit():
        module = studio.create_module(course, form.fields())
        db.session.commit()
        flash(_("Module “%(title)s” created.", title=module.title), "success")
        return _back_to(course, module)
    return render_template("studio/module_form.html", course=course, module=None, form=form)


@bp.route("/courses/<slug>/modules/<int:module_id>/edit", methods=["GET", "POST"])
@role_required("facilitator")
def edit_module(slug, module_id):
    course = _course(slug)
    module = studio.module_for_edit_or_404(course, module_id)
    form = ModuleForm(data=ModuleForm.data_of(module),
                      taken_slugs=studio.module_slugs(course, leaving_out=module))
    if form.validate_on_submit():
        fields = form.fields()
        if fields.is_published != module.is_published:
            confirming = _confirmation_page(
                course, lambda: studio.update_module(module, fields),
                (_("Publish “%(title)s”?", title=module.title) if fields.is_published
                 else _("Unpublish “%(title)s”?", title=module.title)),
                _("Yes, publish it") if fields.is_published else _("Yes, unpublish it"))
            if confirming is not None:
                return confirming
        studio.update_module(module, fields)
        db.session.commit()
        flash(_("Module “%(title)s” saved.", title=module.title), "success")
        return _back_to(course, module)
    return render_template("studio/module_form.html", course=course, module=module, form=form)


@bp.post("/courses/<slug>/modules/<int:module_id>/move/<direction>")
@role_required("facilitator")
def move_module(slug, module_id, direction):
    course = _course(slug)
    module = studio.module_for_edit_or_404(course, module_id)
    direction = _direction_or_404(direction)
    _button_form_or_400()
    if studio.move_module(module, direction):
        db.session.commit()
        flash(_("Module “%(title)s” moved.", title=module.title), "success")
    return _back_to(course, module)


@bp.post("/courses/<slug>/modules/<int:module_id>/archive")
@role_required("facilitator")
def archive_module(slug, module_id):
    course = _course(slug)
    module = studio.module_for_edit_or_404(course, module_id)
    return _change_on_purpose(
        course, module, lambda: studio.set_module_archived(module, True),
        _("Archive “%(title)s”?", title=module.title), _("Yes, archive it"),
        _("Module “%(title)s” archived: participants no longer see it, and their progress "
          "is kept.", title=module.title))


@bp.post("/courses/<slug>/modules/<int:module_id>/restore")
@role_required("facilitator")
def restore_module(slug, module_id):
    course = _course(slug)
    module = studio.module_for_edit_or_404(course, module_id)
    return _change_on_purpose(
        course, module, lambda: studio.set_module_archived(module, False),
        _("Restore “%(title)s”?", title=module.title), _("Yes, restore it"),
        _("Module “%(title)s” restored.", title=module.title))


@bp.post("/courses/<slug>/modules/<int:module_id>/delete")
@role_required("facilitator")
def delete_module(slug, module_id):
    course = _course(slug)
    module = studio.module_for_edit_or_404(course, module_id)
    _button_form_or_400()
    title = module.title
    files = studio.item_files(module.items)
    try:
        studio.delete_module(module)
    except studio.StudioError as error:
        flash(str(error), "error")
        return _back_to(course)
    db.session.commit()
    studio.remove_unused_files(current_app.config["MEDIA_ROOT"], files)
    flash(_("Module “%(title)s” deleted.", title=title), "success")
    return _back_to(course)


def _reading_limit(config) -> int:
    """A reading's form: its PDF at most, and the fields."""
    return config["READING_PDF_MAX_BYTES"] + FORM_ALLOWANCE_BYTES


def _save_reading(form: ReadingForm, course, save, replacing=None):
    """Store the form's PDF if it has one, then `save` its fields and commit.

    The reading saved, or None with the form's errors. A stored PDF is removed again when the
    change it was for is refused or not committed; the PDF it replaces (of the reading
    `replacing`), once the change is committed, unless another item uses it too.
    """
    fields = form.fields()
    media_root = current_app.config["MEDIA_ROOT"]
    before = studio.item_files([replacing]) if replacing is not None else set()
    if form.pdf.data:
        try:
            stored = uploads.store_pdf(form.pdf.data.stream, media_root, course.slug,
                                       current_app.config["READING_PDF_MAX_BYTES"])
        except uploads.UploadError as error:
            form.pdf.errors.append(str(error))
            return None
        fields = dataclasses.replace(fields, file_path=stored)
    try:
        item = save(fields)
        db.session.commit()
    except studio.StudioError as error:
        db.session.rollback()
        if fields.file_path:
            uploads.remove_stored(media_root, fields.file_path)
        form.body.errors.append(str(error))
        return None
    except BaseException:
        if fields.file_path:
            uploads.remove_stored(media_root, fields.file_path)
        raise
    studio.remove_unused_files(media_root, before)
    return item


def _reading_page(course, module, item, form):
    return render_template(
        "studio/reading_form.html", course=course, module=module, item=item, form=form,
        pdf_max=uploads.human_size(current_app.config["READING_PDF_MAX_BYTES"]),
    )


@bp.route("/courses/<slug>/modules/<int:module_id>/readings/new", methods=["GET", "POST"])
@body_limit(_reading_limit, granted=_may_author)
@role_required("facilitator")
def new_reading(slug, module_id):
    course = _course(slug)
    module = studio.module_for_edit_or_404(course, module_id)
    form = ReadingForm(taken_slugs=studio.item_slugs(module), fills_slug=True)
    if form.validate_on_submit():
        item = _save_reading(form, course,
                             _as_draft(lambda fields: studio.create_reading(module, fields)))
        if item is not None:
            return _created(course, item, form.is_published.data,
                            _("Reading “%(title)s” created.", title=item.title))
    return _reading_page(course, module, None, form)


@bp.route("/courses/<slug>/modules/<int:module_id>/readings/<int:item_id>/edit",
          methods=["GET", "POST"])
@body_limit(_reading_limit, granted=_may_author)
@role_required("facilitator")
def edit_reading(slug, module_id, item_id):
    course = _course(slug)
    module = studio.module_for_edit_or_404(course, module_id)
    item = studio.item_for_edit_or_404(module, item_id, kind="reading")
    form = ReadingForm(data=ReadingForm.data_of(item),
                       taken_slugs=studio.item_slugs(module, leaving_out=item),
                       has_file=bool(item.file_path))
    if form.validate_on_submit():
        fields = form.fields()
        asking = _confirm_item_change(course, item, fields,
                                      lambda: studio.update_reading(item, fields), [form.pdf],
                                      lambda: _reading_page(course, module, item, form))
        if asking is not None:
            return asking
        if _save_reading(form, course, lambda fields: studio.update_reading(item, fields),
                         replacing=item):
            flash(_("Reading “%(title)s” saved.", title=item.title), "success")
            return _back_to(course, item)
    return _reading_page(course, module, item, form)


@bp.post("/courses/<slug>/modules/<int:module_id>/items/<int:item_id>/move/<direction>")
@role_required("facilitator")
def move_item(slug, module_id, item_id, direction):
    course, item = _course_and_item(slug, module_id, item_id)
    direction = _direction_or_404(direction)
    _button_form_or_400()
    if studio.move_item(item, direction):
        db.session.commit()
        flash(_("“%(title)s” moved.", title=item.title), "success")
    return _back_to(course, item)


@bp.post("/courses/<slug>/modules/<int:module_id>/items/<int:item_id>/archive")
@role_required("facilitator")
def archive_item(slug, module_id, item_id):
    course, item = _course_and_item(slug, module_id, item_id)
    return _change_on_purpose(
        course, item, lambda: studio.set_item_archived(item, True),
        _("Archive “%(title)s”?", title=item.title), _("Yes, archive it"),
        _("“%(title)s” archived: participants no longer see it, and their progress is "
          "kept.", title=item.title))


@bp.post("/courses/<slug>/modules/<int:module_id>/items/<int:item_id>/restore")
@role_required("facilitator")
def restore_item(slug, module_id, item_id):
    course, item = _course_and_item(slug, module_id, item_id)
    return _change_on_purpose(
        course, item, lambda: studio.set_item_archived(item, False),
        _("Restore “%(title)s”?", title=item.title), _("Yes, restore it"),
        _("“%(title)s” restored.", title=item.title))


@bp.post("/courses/<slug>/modules/<int:module_id>/items/<int:item_id>/publish")
@role_required("facilitator")
def publish_item(slug, module_id, item_id):
    course, item = _course_and_item(slug, module_id, item_id)
    return _change_on_purpose(
        course, item, lambda: studio.set_item_published(item, True),
        _("Publish “%(title)s”?", title=item.title), _("Yes, publish it"),
        _("“%(title)s” published.", title=item.title))


@bp.post("/courses/<slug>/modules/<int:module_id>/items/<int:item_id>/unpublish")
@role_required("facilitator")
def unpublish_item(slug, module_id, item_id):
    course, item = _course_and_item(slug, module_id, item_id)
    return _change_on_purpose(
        course, item, lambda: studio.set_item_published(item, False),
        _("Unpublish “%(title)s”?", title=item.title), _("Yes, unpublish it"),
        _("“%(title)s” unpublished: it is a draft again, which participants do not see, "
          "and their progress is kept.", title=item.title))


@bp.post("/courses/<slug>/modules/<int:module_id>/items/<int:item_id>/delete")
@role_required("facilitator")
def delete_item(slug, module_id, item_id):
    course, item = _course_and_item(slug, module_id, item_id)
    module = item.module
    _button_form_or_400()
    title = item.title
    files = studio.item_files([item])
    try:
        studio.delete_item(item)
    except studio.StudioError as error:
        flash(str(error), "error")
        return _back_to(course, module)
    db.session.commit()
    studio.remove_unused_files(current_app.config["MEDIA_ROOT"], files)
    flash(_("“%(title)s” deleted.", title=title), "success")
    return _back_to(course, module)


def _cohort(id):
    return cohorts.get_cohort_for_edit_or_404(id, current_user)


def _back_to_cohort(cohort):
    return redirect(url_for("studio.edit_cohort", id=cohort.id))


@bp.route("/cohorts/<int:id>", methods=["GET", "POST"])
@role_required("facilitator")
def edit_cohort(id):
    cohort = _cohort(id)
    form = CohortSettingsForm(data=CohortSettingsForm.data_of(cohort))
    if form.validate_on_submit():
        cohorts.update_cohort(cohort, form.name.data, form.starts_on.data, form.ends_on.data,
                              bool(form.is_open.data), form.time_zone.data)
        db.session.commit()
        flash(_("Cohort %(cohort)s saved.", cohort=cohort.name), "success")
        return _back_to_cohort(cohort)
    return _cohort_page(cohort, form, PersonForm())


def _cohort_page(cohort, form, person_form):
    enrolments = cohorts.participants(cohort)
    return render_template(
        "studio/cohort.html", cohort=cohort, form=form, person_form=person_form,
        enrolments=enrolments,
        never_signed_in=accounts.never_signed_in(e.user_id for e in enrolments))


@bp.post("/cohorts/<int:id>/join-code")
@role_required("facilitator")
def new_join_code(id):
    cohort = _cohort(id)
    _button_form_or_400()
    code = cohorts.regenerate_join_code(cohort)
    db.session.commit()
    flash(_("The new join code is %(code)s; the old one no longer works.", code=code),
          "success")
    return _back_to_cohort(cohort)


@bp.post("/cohorts/<int:id>/participants/<int:user_id>/remove")
@role_required("facilitator")
def remove_participant(id, user_id):
    cohort = _cohort(id)
    _button_form_or_400()
    if not cohorts.remove_participant(cohort, user_id):
        abort(404)
    db.session.commit()
    flash(_("The participant was taken out of %(cohort)s. Their progress and any certificate "
            "are kept.", cohort=cohort.name), "success")
    return _back_to_cohort(cohort)


@bp.post("/cohorts/<int:id>/participants/<int:user_id>/invite")
@role_required("facilitator")
def resend_invitation(id, user_id):
    """Send a participant who has never signed in their invitation to choose a password again."""
    cohort = _cohort(id)
    _button_form_or_400()
    try:
        user = roster.resend_invitation(cohort, user_id)
    except LookupError:
        abort(404)
    except roster.InvitationError as error:
        flash(str(error), "error")
        return _back_to_cohort(cohort)
    db.session.commit()
    flash(_("The invitation was sent again to %(name)s at %(email)s: its link to choose a "
            "password works for %(days)d days.", name=user.name, email=user.email,
            days=accounts.invitation_days()), "success")
    return _back_to_cohort(cohort)


@bp.route("/cohorts/<int:id>/participants/import", methods=["GET", "POST"])
@body_limit(ROSTER_MAX_BYTES + FORM_ALLOWANCE_BYTES, granted=_may_run_cohort)
@role_required("facilitator")
def import_participants(id):
    cohort = _cohort(id)
    form = RosterForm()
    problems = []
    if form.validate_on_submit():
        data = form.csv.data.stream.read(ROSTER_MAX_BYTES + 1)
        if len(data) > ROSTER_MAX_BYTES:
            problems = [_("The file is larger than %(size)s.",
                          size=uploads.human_size(ROSTER_MAX_BYTES))]
        else:
            found = roster.read_roster(data)
            problems = found.problems
        if not problems:
            record = roster_jobs.queue_import(cohort, found.people, current_user)
            db.session.commit()  # the job is queued as it commits
            return redirect(url_for("studio.roster_import", id=cohort.id, import_id=record.id))
    return render_template("studio/roster.html", cohort=cohort, form=form, problems=problems,
                           max_rows=roster.MAX_ROWS)


def _no_account(email: str) -> str:
    return _("No account has the address %(email)s. They can register first; then add them "
             "here.", email=email)


@bp.post("/courses/<slug>/facilitators")
@role_required("facilitator")
def add_facilitator(slug):
    course = _course(slug)
    form = PersonForm()
    if not form.validate_on_submit():
        flash(" ".join(str(error) for error in form.email.errors), "error")
        return _back_to(course)
    try:
        user = studio.add_co_facilitator(course, form.email.data)
    except studio.StudioError as error:
        flash(str(error), "error")
        return _back_to(course)
    if user is None:
        flash(_no_account(form.email.data), "error")
        return _back_to(course)
    db.session.commit()
    flash(_("%(name)s now facilitates %(course)s.", name=user.name, course=course.title),
          "success")
    return _back_to(course)


@bp.post("/courses/<slug>/facilitators/<int:user_id>/remove")
@role_required("facilitator")
def remove_facilitator(slug, user_id):
    course = _course(slug)
    _button_form_or_400()
    try:
        user = studio.remove_co_facilitator(course, user_id)
    except studio.StudioError as error:
        flash(str(error), "error")
        return _back_to(course)
    db.session.commit()
    flash(_("%(name)s no longer facilitates %(course)s.", name=user.name, course=course.title),
          "success")
    if user.id == current_user.id and not current_user.has_role("admin"):
        return redirect(url_for("studio.index"))
    return _back_to(course)


@bp.post("/cohorts/<int:id>/managers")
@role_required("facilitator")
def add_manager(id):
    cohort = _cohort(id)
    person_form = PersonForm()
    if person_form.validate_on_submit():
        user = accounts.find_user_by_email(person_form.email.data)
        if user is None:
            person_form.email.errors.append(_no_account(person_form.email.data))
        else:
            if cohorts.add_manager(cohort, user):
                db.session.commit()
                flash(_("%(name)s now manages %(cohort)s.", name=user.name,
                        cohort=cohort.name), "success")
            else:
                flash(_("%(name)s already manages %(cohort)s.", name=user.name,
                        cohort=cohort.name), "info")
            return _back_to_cohort(cohort)
    form = CohortSettingsForm(formdata=None, data=CohortSettingsForm.data_of(cohort))
    return _cohort_page(cohort, form, person_form)


@bp.post("/cohorts/<int:id>/managers/<int:user_id>/remove")
@role_required("facilitator")
def remove_manager(id, user_id):
    cohort = _cohort(id)
    _button_form_or_400()
    user = next((m for m in cohort.managers if m.id == user_id), None)
    if user is None:
        abort(404)
    cohorts.remove_manager(cohort, user)
    db.session.commit()
    flash(_("%(name)s no longer manages %(cohort)s.", name=user.name, cohort=cohort.name),
          "success")
    return _back_to_cohort(cohort)


def _recording_limit(config) -> int:
    """A recording's form: a video and its captions at most, and the fields."""
    return config["RECORDING_MAX_BYTES"] + CAPTIONS_MAX_BYTES + FORM_ALLOWANCE_BYTES


def _store_recording_files(form: RecordingForm, course) -> tuple[dict, list[str]]:
    """Check and store each file the form carries: what they set, and the paths stored.

    Every file is checked whatever the others gave, each bad one's reason beside its field,
    so that one answer names them all. The caller removes the stored paths unless the change
    they are for is committed.
    """
    media_root = current_app.config["MEDIA_ROOT"]
    changes, stored = {}, []
    if form.captions.data:
        data = form.captions.data.stream.read(CAPTIONS_MAX_BYTES + 1)
        try:
            if len(data) > CAPTIONS_MAX_BYTES:
                raise uploads.UploadTooLarge(_("The file is larger than %(size)s.",
                                               size=uploads.human_size(CAPTIONS_MAX_BYTES)))
            captions = uploads.store_captions(data, media_root, course.slug)
        except uploads.UploadError as error:
            form.captions.errors.append(str(error))
        else:
            stored.append(captions)
            changes["captions_path"] = captions
            if not (form.transcript.data or "").strip():
                # Zoom saves its transcript as captions: one upload gives both.
                changes["transcript"] = uploads.transcript_from_captions(data)
    if form.video.data:
        try:
            video, seconds = uploads.store_video(form.video.data.stream, media_root,
                                                 course.slug,
                                                 current_app.config["RECORDING_MAX_BYTES"])
        except uploads.UploadError as error:
            form.video.errors.append(str(error))
        else:
            stored.append(video)
            changes.update(video_path=video, duration_seconds=seconds)
    return changes, stored


def _save_recording(form: RecordingForm, course, save, replacing=None):
    """Store the form's video and captions if given, then `save` its fields and commit.

    The recording saved, or None with the form's errors (every bad file's at once); files
    stored for a change that is refused are removed again. The files it replaces (of the
    recording `replacing`) are removed once the change is committed, unless another item
    uses them too.
    """
    media_root = current_app.config["MEDIA_ROOT"]
    before = studio.item_files([replacing]) if replacing is not None else set()
    changes, stored = _store_recording_files(form, course)
    try:
        if form.video.errors or form.captions.errors:
            return None
        try:
            item = save(dataclasses.replace(form.fields(), **changes))
        except studio.StudioError as error:
            db.session.rollback()
            form.video.errors.append(str(error))
            return None
        db.session.commit()
        stored.clear()
        studio.remove_unused_files(media_root, before)
        return item
    finally:
        for path in stored:
            uploads.remove_stored(media_root, path)


def _check_recording_files(form: RecordingForm, course) -> None:
    """For a recording form its fields refused: say what is wrong with its files too.

    So that the answer lists every problem, the files' with the fields'. Nothing is kept.
    """
    _changes, stored = _store_recording_files(form, course)
    for path in stored:
        uploads.remove_stored(current_app.config["MEDIA_ROOT"], path)


def _recording_page(course, module, item, form):
    return render_template(
        "studio/recording_form.html", course=course, module=module, item=item, form=form,
        video_max=uploads.human_size(current_app.config["RECORDING_MAX_BYTES"]),
    )


@bp.route("/courses/<slug>/modules/<int:module_id>/recordings/new", methods=["GET", "POST"])
@body_limit(_recording_limit, granted=_may_author)
@role_required("facilitator")
def new_recording(slug, module_id):
    course = _course(slug)
    module = studio.module_for_edit_or_404(course, module_id)
    form = RecordingForm(taken_slugs=studio.item_slugs(module), fills_slug=True)
    if form.validate_on_submit():
        item = _save_recording(
            form, course, _as_draft(lambda fields: studio.create_recording(module, fields)))
        if item is not None:
            return _created(course, item, form.is_published.data, _created_recording(item))
    elif form.is_submitted():
        _check_recording_files(form, course)
    return _recording_page(course, module, None, form)


def _created_recording(item) -> str:
    """What creating the recording did: how long it lasts, and the minutes it counts for."""
    return _("Recording “%(title)s” created; it lasts %(minutes)d min %(seconds)d s and "
             "counts as %(watch)s to watch.", title=item.title,
             minutes=item.duration_seconds // 60, seconds=item.duration_seconds % 60,
             watch=ngettext("%(num)d minute", "%(num)d minutes", item.minutes))


@bp.route("/courses/<slug>/modules/<int:module_id>/recordings/<int:item_id>/edit",
          methods=["GET", "POST"])
@body_limit(_recording_limit, granted=_may_author)
@role_required("facilitator")
def edit_recording(slug, module_id, item_id):
    course = _course(slug)
    module = studio.module_for_edit_or_404(course, module_id)
    item = studio.item_for_edit_or_404(module, item_id, kind="recording")
    form = RecordingForm(data=RecordingForm.data_of(item),
                         taken_slugs=studio.item_slugs(module, leaving_out=item),
                         has_video=bool(item.video_path or item.embed_url))
    if form.validate_on_submit():
        fields = form.fields()
        asking = _confirm_item_change(course, item, fields,
                                      lambda: studio.update_recording(item, fields),
                                      [form.video, form.captions],
                                      lambda: _recording_page(course, module, item, form))
        if asking is not None:
            return asking
        if _save_recording(form, course, lambda fields: studio.update_recording(item, fields),
                           replacing=item):
            flash(_("Recording “%(title)s” saved.", title=item.title), "success")
            return _back_to(course, item)
    elif form.is_submitted():
        _check_recording_files(form, course)
    return _recording_page(course, module, item, form)


def _instrument(course, instrument_id):
    return instruments.instrument_for_edit_or_404(course, instrument_id)


def _back_to_instrument(course, instrument):
    return redirect(url_for("studio.edit_instrument", slug=course.slug,
                            instrument_id=instrument.id))


def _saved(instrument, version_before: int) -> None:
    """Say the instrument was saved, and whether that made a new version."""
    if instrument.version != version_before:
        flash(_("“%(title)s” saved as version %(version)d. The answers given so far keep the "
                "version they answered.", title=instrument.title, version=instrument.version),
              "success")
    else:
        flash(_("“%(title)s” saved.", title=instrument.title), "success")


def _save_document(course, instrument, data, form, places):
    """Store the instrument's document and commit.

    `(instrument, [])` once saved; `(None, messages)` when the rules refuse it, each problem
    placed beside its field of the form and the messages of those no field shows.
    """
    version = instrument.version if instrument else 1
    try:
        saved = instruments.save(course, data, instrument)
    except instruments.InstrumentInvalid as error:
        return None, place_problems(error.problems, places)
    db.session.commit()
    _saved(saved, version)
    return saved, []


def _instrument_page(template, course, instrument, form, problems, **context):
    responses = instruments.response_count(instrument) if instrument else 0
    return render_template(
        template, course=course, instrument=instrument, form=form, problems=problems,
        errors=error_list(form), responses=responses, **context)


@bp.route("/courses/<slug>/instruments/new", methods=["GET", "POST"])
@role_required("facilitator")
def new_instrument(slug):
    course = _course(slug)
    start = instruments.new_document()
    form = NewInstrumentForm(data={**InstrumentForm.data_of(start),
                                   "bands": band_data(start["bands"], extra=1)})
    problems = []
    if form.validate_on_submit():
        data = instruments.with_bands(instruments.with_settings(start, form.settings()),
                                      form.band_rows())
        instrument, problems = _save_document(course, None, data, form, form.places())
        if instrument is not None:
            return _back_to_instrument(course, instrument)
    return _instrument_page("studio/instrument_new.html", course, None, form, problems)


@bp.route("/courses/<slug>/instruments/<int:instrument_id>", methods=["GET", "POST"])
@role_required("facilitator")
def edit_instrument(slug, instrument_id):
    course = _course(slug)
    instrument = _instrument(course, instrument_id)
    data = instruments.document(instrument)
    form = InstrumentForm(data=InstrumentForm.data_of(data))
    problems = []
    if form.validate_on_submit():
        saved, problems = _save_document(course, instrument,
                                         instruments.with_settings(data, form.settings()),
                                         form, form.places())
        if saved is not None:
            return _back_to_instrument(course, instrument)
    check = instruments.check(course, data, instrument)
    return _instrument_page(
        "studio/instrument.html", course, instrument, form, problems, check=check,
        still_to_do=[describe(problem, data)
                     for problem in dict.fromkeys(check.problems + check.missing)],
        level_labels=LEVEL_LABELS,
        items=instruments.items_using(course, instrument),
        dimensions=sorted(instrument.dimensions, key=lambda d: d.position),
        bands=sorted(instrument.bands, key=lambda b: b.position),
    )


@bp.post("/courses/<slug>/instruments/<int:instrument_id>/delete")
@role_required("facilitator")
def delete_instrument(slug, instrument_id):
    course = _course(slug)
    instrument = _instrument(course, instrument_id)
    _button_form_or_400()
    title = instrument.title
    try:
        instruments.delete_instrument(course, instrument)
    except studio.StudioError as error:
        flash(str(error), "error")
        return _back_to_instrument(course, instrument)
    db.session.commit()
    flash(_("Instrument “%(title)s” deleted.", title=title), "success")
    return _back_to(course)


@bp.route("/courses/<slug>/instruments/<int:instrument_id>/bands", methods=["GET", "POST"])
@role_required("facilitator")
def edit_bands(slug, instrument_id):
    course = _course(slug)
    instrument = _instrument(course, instrument_id)
    data = instruments.document(instrument)
    form = BandsForm(data={"bands": band_data(data["bands"], data["dimensions"])})
    problems = []
    if form.validate_on_submit():
        saved, problems = _save_document(
            course, instrument, instruments.with_bands(data, form.band_rows()), form,
            form.places())
        if saved is not None:
            return _back_to_instrument(course, instrument)
    return _instrument_page("studio/instrument_bands.html", course, instrument, form, problems,
                            dimensions=data["dimensions"])


def _dimension_form(course, data, dimension_data):
    form = DimensionForm(data=DimensionForm.data_of(dimension_data, data["bands"]))
    choices = instruments.item_references(course)
    known = {ref for ref, _label in choices}
    # A reference to an item that has gone stays visible, so that it can be unticked.
    stale = [ref for ref in (dimension_data or {}).get("helpful_items", []) if ref not in known]
    form.helpful_items.choices = [SelectChoice(ref, label) for ref, label in choices] + [
        SelectChoice(ref, _("%(reference)s (no such item in this course)", reference=ref))
        for ref in stale]
    return form


def _dimension_page(course, instrument, dimension, form, problems, data):
    return _instrument_page("studio/dimension_form.html", course, instrument, form, problems,
                            dimension=dimension,
                            band_labels={band["slug"]: band["label"] for band in data["bands"]})


@bp.route("/courses/<slug>/instruments/<int:instrument_id>/dimensions/new",
          methods=["GET", "POST"])
@role_required("facilitator")
def new_dimension(slug, instrument_id):
    course = _course(slug)
    instrument = _instrument(course, instrument_id)
    data = instruments.document(instrument)
    form = _dimension_form(course, data, None)
    problems = []
    if form.validate_on_submit():
        saved, problems = _save_document(
            course, instrument, instruments.with_dimension(data, None, form.dimension_fields()),
            form, form.places(len(data["dimensions"])))
        if saved is not None:
            return _back_to_instrument(course, instrument)
    return _dimension_page(course, instrument, None, form, problems, data)


@bp.route("/courses/<slug>/instruments/<int:instrument_id>/dimensions/<int:dimension_id>",
          methods=["GET", "POST"])
@role_required("facilitator")
def edit_dimension(slug, instrument_id, dimension_id):
    course = _course(slug)
    instrument = _instrument(course, instrument_id)
    dimension = instruments.dimension_or_404(instrument, dimension_id)
    data = instruments.document(instrument)
    index = instruments.dimension_index(instrument, dimension)
    form = _dimension_form(course, data, data["dimensions"][index])
    problems = []
    if form.validate_on_submit():
        saved, problems = _save_document(
            course, instrument, instruments.with_dimension(data, index, form.dimension_fields()),
            form, form.places(index))
        if saved is not None:
            return _back_to_instrument(course, instrument)
    return _dimension_page(course, instrument, dimension, form, problems, data)


@bp.post("/courses/<slug>/instruments/<int:instrument_id>/dimensions/<int:dimension_id>"
         "/move/<direction>")
@role_required("facilitator")
def move_dimension(slug, instrument_id, dimension_id, direction):
    course = _course(slug)
    instrument = _instrument(course, instrument_id)
    dimension = instruments.dimension_or_404(instrument, dimension_id)
    direction = _direction_or_404(direction)
    _button_form_or_400()
    version = instrument.version
    if instruments.move_dimension(course, instrument, dimension, direction):
        db.session.commit()
        _saved(instrument, version)
    return _back_to_instrument(course, instrument)


@bp.post("/courses/<slug>/instruments/<int:instrument_id>/dimensions/<int:dimension_id>"
         "/delete")
@role_required("facilitator")
def delete_dimension(slug, instrument_id, dimension_id):
    course = _course(slug)
    instrument = _instrument(course, instrument_id)
    dimension = instruments.dimension_or_404(instrument, dimension_id)
    _button_form_or_400()
    version = instrument.version
    try:
        instruments.delete_dimension(course, instrument, dimension)
    except studio.StudioError as error:
        flash(str(error), "error")
        return _back_to_instrument(course, instrument)
    db.session.commit()
    _saved(instrument, version)
    return _back_to_instrument(course, instrument)


def _self_assessment_form(course, module, item=None):
    form = SelfAssessmentForm(data=SelfAssessmentForm.data_of(item) if item else None,
                              taken_slugs=studio.item_slugs(module, leaving_out=item),
                              fills_slug=item is None)
    form.instrument_id.choices = [
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
    course = _course(slug)
    module = studio.module_for_edit_or_404(course, module_id)
    form = _self_assessment_form(course, module)
    if form.validate_on_submit():
        item = studio.create_self_assessment(
            module, dataclasses.replace(form.fields(), is_published=False))
        db.session.commit()
        return _created(course, item, form.is_published.data,
                        _("Self-assessment “%(title)s” created.", title=item.title))
    return _self_assessment_page(course, module, None, form)


@bp.route("/courses/<slug>/modules/<int:module_id>/self-assessments/<int:item_id>/edit",
          methods=["GET", "POST"])
@role_required("facilitator")
def edit_self_assessment(slug, module_id, item_id):
    course = _course(slug)
    module = studio.module_for_edit_or_404(course, module_id)
    item = studio.item_for_edit_or_404(module, item_id, kind="self_assessment")
    form = _self_assessment_form(course, module, item)
    if form.validate_on_submit():
        fields = form.fields()
        asking = _confirm_item_change(course, item, fields,
                                      lambda: studio.update_self_assessment(item, fields))
        if asking is not None:
            return asking
        studio.update_self_assessment(item, fields)
        db.session.commit()
        flash(_("Self-assessment “%(title)s” saved.", title=item.title), "success")
        return _back_to(course, item)
    return _self_assessment_page(course, module, item, form)
def _image_limit(config) -> int:
    """An image for the library at most, and the form's token."""
    return config["IMAGE_MAX_BYTES"] + FORM_ALLOWANCE_BYTES


@bp.route("/courses/<slug>/images", methods=["GET", "POST"])
@body_limit(_image_limit, granted=_may_author)
@role_required("facilitator")
def images(slug):
    course = _course(slug)
    form = ImageForm()
    media_root = current_app.config["MEDIA_ROOT"]
    if form.validate_on_submit():
        try:
            uploads.store_image(form.image.data.stream, media_root, course.slug,
                                current_app.config["IMAGE_MAX_BYTES"])
        except uploads.UploadError as error:
            form.image.errors.append(str(error))
        else:
            flash(_("Image uploaded: copy its Markdown into a reading's text."), "success")
            return redirect(url_for("studio.images", slug=course.slug))
    return render_template(
        "studio/images.html", course=course, form=form,
        images=uploads.stored_images(media_root, course.slug),
        image_max=uploads.human_size(current_app.config["IMAGE_MAX_BYTES"]),
    )
