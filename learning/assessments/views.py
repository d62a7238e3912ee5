"""Taking a self-assessment, its results, the reflection, and a cohort's aggregates."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from learning.assessments import (
    answering,
    asked,
    baseline,
    charts,
    figures,
    personal,
    phases,
    privacy,
)
from learning.assessments.forms import ReflectionForm, TakeForm
from learning.catalog.services import can_preview
from learning.cohorts import access, members, visibility
from learning.database import db

bp = Blueprint("assessments", __name__)

PHASE_LABELS = {
    "single": _l("Your answers"),
    "before": _l("Before"),
    "after": _l("After"),
}
PHASE_TITLES = {
    "single": _l("Self-assessment"),
    "before": _l("Start of the course"),
    "after": _l("End of the course"),
}

LEVEL_LABELS = {
    "individual": _l("Individual"),
    "organisational": _l("Organisational"),
    "institutional": _l("Institutional"),
}


@bp.app_context_processor
def labels():
    # The catalog's item page names the level and the phases too.
    return {"level_labels": LEVEL_LABELS, "phase_labels": PHASE_LABELS,
            "phase_titles": PHASE_TITLES}


def _load(slug, instrument_slug):
    """The course, instrument and item of a self-assessment URL the user may see."""
    course = visibility.get_course_or_404(slug)
    instrument = asked.get_instrument_or_404(course, instrument_slug)
    item = asked.assessment_item_or_404(course, instrument)
    return course, instrument, item


def _item_url(course, item):
    return url_for("catalog.item", slug=course.slug, module_slug=item.module.slug,
                   item_slug=item.slug)


def _results_url(course, instrument):
    return url_for("assessments.results", slug=course.slug, instrument_slug=instrument.slug)


def _render_take(course, instrument, item, phase, values, *, missing=(), problems=(),
                 saved_at=None, status=200):
    form = TakeForm(formdata=None,
                    token=answering.form_token(current_user.id, instrument, phase))
    snap = asked.snapshot(instrument)
    return render_template(
        "assessments/take.html",
        course=course, module=item.module, item=item, instrument=instrument, phase=phase,
        snap=snap, statement_count=len(answering.statement_keys(snap)), values=values,
        missing=list(missing), problems=list(problems), saved_at=saved_at, form=form,
    ), status


@bp.route("/courses/<slug>/assessments/<instrument_slug>/<phase>", methods=["GET", "POST"])
@login_required
def take(slug, instrument_slug, phase):
    course, instrument, item = _load(slug, instrument_slug)
    if phase not in asked.phases_of(instrument):
        abort(404)
    if not members.is_enrolled_in_course(current_user, course):
        abort(403)
    # A starting point ("before") may be set while its module waits to open; answers that
    # complete the item wait for the module (`visibility.module_openings`).
    if phase != "before" and not visibility.module_openings(
            current_user, course.id, can_preview(current_user, course),
            item.module_id).is_open(item.module_id):
        abort(403)
    responses = phases.responses_of(current_user.id, instrument)
    states = phases.phase_states(current_user.id, course, item, instrument, responses)
    try:
        phases.check_phase_open(states, phase)
    except phases.AlreadySubmitted as refusal:
        flash(str(refusal), "error" if request.method == "POST" else "info")
        return redirect(_results_url(course, instrument))
    except phases.PhaseClosed as refusal:
        flash(str(refusal), "error" if request.method == "POST" else "info")
        return redirect(_item_url(course, item))
    draft = responses.get(phase)
    if request.method == "GET":
        return _render_take(course, instrument, item, phase,
                            answering.draft_values(draft, instrument),
                            saved_at=draft.updated_at if draft else None)
    return _receive(course, instrument, item, phase, draft)


def _receive(course, instrument, item, phase, draft):
    """Check a take form and store it, or show it again with what was typed and why not."""
    snap = asked.snapshot(instrument)
    parsed = answering.parse_answers(request.form, snap)
    try:
        answering.check_form_token(request.form.get("token", ""), current_user.id,
                                   instrument, phase)
    except answering.OutdatedForm as refusal:
        values = {**answering.draft_values(draft, instrument), **parsed.values}
        return _render_take(course, instrument, item, phase, values,
                            problems=[str(refusal)], status=409)
    except answering.FormMismatch as refusal:
        return _render_take(course, instrument, item, phase, parsed.values,
                            problems=[str(refusal)], status=400)
    action = request.form.get("action")
    if action not in ("submit", "save"):
        parsed.problems.append(_("Choose either to submit your answers or to save them."))
    if parsed.problems:
        return _render_take(course, instrument, item, phase, parsed.values,
                            problems=parsed.problems, status=400)
    submit = action == "submit"
    if submit and parsed.missing:
        return _render_take(course, instrument, item, phase, parsed.values,
                            missing=parsed.missing, status=422)
    try:
        answering.save_response(current_user.id, instrument, item, phase, parsed.values, submit)
    except phases.AlreadySubmitted as refusal:
        db.session.rollback()
        flash(str(refusal), "error")
        return redirect(_results_url(course, instrument))
    except phases.PhaseClosed as refusal:
        db.session.rollback()
        flash(str(refusal), "error")
        return redirect(_item_url(course, item))
    db.session.commit()
    if submit:
        flash(_("Thank you: your answers are submitted. Here are your results."), "success")
        return redirect(_results_url(course, instrument))
    flash(_("Your answers are saved. You can finish the self-assessment later."), "success")
    return redirect(_item_url(course, item))


def _chart_rows(results):
    """Rows for the bar chart: each dimension with a bar per submitted phase."""
    rows = {}
    for phase_result in results.phases:
        for dimension in phase_result.dimensions:
            rows.setdefault(dimension.slug, (dimension.title, []))[1].append(
                (phase_result.phase, str(PHASE_LABELS[phase_result.phase]),
                 dimension.shown_score))
    return list(rows.values())


def _render_results(course, instrument, item, results, reflection_form, status=200):
    references = {ref for p in results.phases for d in p.dimensions for ref in d.helpful_items}
    return render_template(
        "assessments/results.html",
        course=course, module=item.module, item=item, instrument=instrument,
        results=results, latest=results.latest,
        states=phases.phase_states(current_user.id, course, item, instrument),
        other_baselines=baseline.starting_points(current_user.id, course, besides=instrument),
        links=personal.helpful_links(course, references),
        chart=charts.bar_chart(_chart_rows(results)),
        reflection_form=reflection_form,
    ), status


@bp.get("/courses/<slug>/assessments/<instrument_slug>/results")
@login_required
def results(slug, instrument_slug):
    course, instrument, item = _load(slug, instrument_slug)
    # Only the signed-in user's own responses are ever loaded: anyone else, admins
    # included, has no results here and gets a 404.
    results = personal.results(current_user.id, instrument)
    if results is None:
        abort(404)
    form = ReflectionForm(formdata=None, reflection=results.latest.response.reflection)
    return _render_results(course, instrument, item, results, form)


@bp.post("/courses/<slug>/assessments/<instrument_slug>/reflection")
@login_required
def reflect(slug, instrument_slug):
    """Keep the reflection with the latest submitted phase (the one the page leads with)."""
    course, instrument, item = _load(slug, instrument_slug)
    results = personal.results(current_user.id, instrument)
    if results is None:
        abort(404)
    form = ReflectionForm()
    if not form.validate():
        return _render_results(course, instrument, item, results, form, status=422)
    answering.save_reflection(results.latest.response, form.reflection.data)
    db.session.commit()
    flash(_("Your reflection is saved."), "success")
    return redirect(_results_url(course, instrument) + "#reflection-section")


@bp.get("/cohorts/<int:id>/assessments")
@login_required
def cohort(id):
    cohort = access.get_cohort_for_progress_or_404(id, current_user)
    summaries = figures.cohort_summaries(cohort)  # a release it makes is committed
    return render_template(
        "assessments/cohort.html",
        cohort=cohort,
        summaries=summaries,
        threshold=privacy.min_group(),
    )
