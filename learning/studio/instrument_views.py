"""Studio pages for a course's self-assessment instruments: settings, bands and dimensions.

The rules are in `instruments`; each page saves the instrument's whole document, which may
make a new version. Registered on the studio's blueprint (`pages.bp`); `views` imports this
module so that its pages are there whenever the studio's are.
"""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from wtforms.fields.choices import SelectChoice

from learning.accounts.permissions import role_required
from learning.database import db
from learning.studio import instruments
from learning.studio import services as studio
from learning.studio.forms import (
    LEVEL_LABELS,
    BandsForm,
    DimensionForm,
    InstrumentForm,
    NewInstrumentForm,
    band_data,
    describe,
    error_list,
    place_problems,
)
from learning.studio.pages import (
    back_to,
    bp,
    button_form_or_400,
    course_or_404,
    direction_or_404,
)


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
    course = course_or_404(slug)
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
    course = course_or_404(slug)
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
    course = course_or_404(slug)
    instrument = _instrument(course, instrument_id)
    button_form_or_400()
    title = instrument.title
    try:
        instruments.delete_instrument(course, instrument)
    except studio.StudioError as error:
        flash(str(error), "error")
        return _back_to_instrument(course, instrument)
    db.session.commit()
    flash(_("Instrument “%(title)s” deleted.", title=title), "success")
    return back_to(course)


@bp.route("/courses/<slug>/instruments/<int:instrument_id>/bands", methods=["GET", "POST"])
@role_required("facilitator")
def edit_bands(slug, instrument_id):
    course = course_or_404(slug)
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
    course = course_or_404(slug)
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
    course = course_or_404(slug)
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
    course = course_or_404(slug)
    instrument = _instrument(course, instrument_id)
    dimension = instruments.dimension_or_404(instrument, dimension_id)
    direction = direction_or_404(direction)
    button_form_or_400()
    version = instrument.version
    if instruments.move_dimension(course, instrument, dimension, direction):
        db.session.commit()
        _saved(instrument, version)
    return _back_to_instrument(course, instrument)


@bp.post("/courses/<slug>/instruments/<int:instrument_id>/dimensions/<int:dimension_id>"
         "/delete")
@role_required("facilitator")
def delete_dimension(slug, instrument_id, dimension_id):
    course = course_or_404(slug)
    instrument = _instrument(course, instrument_id)
    dimension = instruments.dimension_or_404(instrument, dimension_id)
    button_form_or_400()
    version = instrument.version
    try:
        instruments.delete_dimension(course, instrument, dimension)
    except studio.StudioError as error:
        flash(str(error), "error")
        return _back_to_instrument(course, instrument)
    db.session.commit()
    _saved(instrument, version)
    return _back_to_instrument(course, instrument)

