"""Studio pages for a course's self-assessment instruments: the page, the one form, a preview.

An instrument's page shows what it asks (its statements, per dimension) and its bands; its
form (`build_instrument`, and `new_instrument` for a new one) sets the whole instrument at
once, rows added and removed as needed (`instrument_rows.changed`); the preview shows the
form a participant answers, and keeps nothing. The rules are in `instruments`; saving
writes the instrument's whole document, which may make a new version. Registered on the
studio's blueprint (`pages.bp`); `views` imports this module so that its pages are there
whenever the studio's are.
"""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from learning.accounts.permissions import role_required
from learning.assessments import asked
from learning.database import db
from learning.studio import courses, instruments, rows
from learning.studio.instrument_forms import LEVEL_LABELS, InstrumentBuilderForm
from learning.studio.instrument_problems import describe, error_list, place_problems
from learning.studio.instrument_rows import changed, field_id
from learning.studio.pages import back_to, bp, button_form_or_400, course_or_404


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


def _save_document(course, instrument, data, form):
    """Store the instrument's document and commit.

    `(instrument, [])` once saved; `(None, messages)` when the rules refuse it, each problem
    placed beside its field of the form and the messages of those no field shows.
    """
    version = instrument.version if instrument else 1
    try:
        saved = instruments.save(course, data, instrument)
    except instruments.InstrumentInvalid as error:
        return None, place_problems(error.problems, form.places())
    db.session.commit()
    _saved(saved, version)
    return saved, []


def _builder(course, instrument):
    """The one form for the whole instrument: shown, changed by a row button, or saved.

    Returns the page, or the redirect once saved.
    """
    start = instruments.document(instrument) if instrument else instruments.new_document()
    options = {"item_choices": instruments.item_references(course),
               "taken_slugs": instruments.taken_slugs(course, instrument),
               "fills_slug": instrument is None}
    focus, problems = None, []
    change = rows.asked(request.form) if request.method == "POST" else None
    if change is not None:
        # A row added, removed or moved: the form again with that change, nothing saved.
        formdata, prefix = changed(request.form, change)
        form = InstrumentBuilderForm(formdata=formdata, **options)
        focus = field_id(formdata, prefix)
    elif request.method == "POST":
        form = InstrumentBuilderForm(**options)
        if form.validate_on_submit():
            saved, problems = _save_document(course, instrument, form.document(), form)
            if saved is not None:
                return _back_to_instrument(course, saved)
    else:
        form = InstrumentBuilderForm(data=InstrumentBuilderForm.data_of(start), **options)
    responses = instruments.response_count(instrument) if instrument else 0
    return render_template(
        "studio/instrument_form.html", course=course, instrument=instrument, form=form,
        problems=problems, errors=error_list(form), responses=responses, focus=focus)


@bp.route("/courses/<slug>/instruments/new", methods=["GET", "POST"])
@role_required("facilitator")
def new_instrument(slug):
    return _builder(course_or_404(slug), None)


@bp.route("/courses/<slug>/instruments/<int:instrument_id>/edit", methods=["GET", "POST"])
@role_required("facilitator")
def build_instrument(slug, instrument_id):
    course = course_or_404(slug)
    return _builder(course, _instrument(course, instrument_id))


@bp.get("/courses/<slug>/instruments/<int:instrument_id>")
@role_required("facilitator")
def edit_instrument(slug, instrument_id):
    course = course_or_404(slug)
    instrument = _instrument(course, instrument_id)
    data = instruments.document(instrument)
    check = instruments.check(course, data, instrument)
    return render_template(
        "studio/instrument.html", course=course, instrument=instrument, check=check,
        responses=instruments.response_count(instrument),
        still_to_do=[describe(problem, data)
                     for problem in dict.fromkeys(check.problems + check.missing)],
        level_labels=LEVEL_LABELS,
        items=instruments.items_using(course, instrument),
        dimensions=sorted(instrument.dimensions, key=lambda d: d.position),
        bands=sorted(instrument.bands, key=lambda b: b.position),
        item_titles=dict(instruments.item_references(course)),
    )


@bp.get("/courses/<slug>/instruments/<int:instrument_id>/preview")
@role_required("facilitator")
def preview_instrument(slug, instrument_id):
    course = course_or_404(slug)
    instrument = _instrument(course, instrument_id)
    snap = asked.snapshot(instrument)
    return render_template(
        "studio/instrument_preview.html", course=course, instrument=instrument, snap=snap,
        level_labels=LEVEL_LABELS,
        statement_count=sum(len(d["statements"]) for d in snap["dimensions"]))


@bp.post("/courses/<slug>/instruments/<int:instrument_id>/delete")
@role_required("facilitator")
def delete_instrument(slug, instrument_id):
    course = course_or_404(slug)
    instrument = _instrument(course, instrument_id)
    button_form_or_400()
    title = instrument.title
    try:
        instruments.delete_instrument(course, instrument)
    except courses.StudioError as error:
        flash(str(error), "error")
        return _back_to_instrument(course, instrument)
    db.session.commit()
    flash(_("Instrument “%(title)s” deleted.", title=title), "success")
    return back_to(course)
