"""The studio's schedule page for a cohort: when each module opens and is due.

Dates are days in the cohort's time zone; the rules for them are the cohorts'
(`learning.cohorts.schedules`), and what they do to participants is decided in
`learning.cohorts.visibility.module_openings`. Registered on the studio's blueprint
(`pages.bp`); `views` imports this module so that its page is there whenever the studio's
are. The form works without JavaScript: "Use <date>" beside a module with a live session
posts the form back with that opening filled in, everything typed kept and nothing saved.
"""

from dataclasses import dataclass

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from learning.accounts.permissions import role_required
from learning.catalog.models import Module, module_numbers
from learning.cohorts import access, schedules
from learning.database import db
from learning.studio.pages import bp, button_form_or_400


@dataclass(frozen=True)
class ScheduleRow:
    """One module on the page: the module, what participants call it, its line of the form."""

    module: Module
    number: int | None
    entry: schedules.ScheduleEntry
    suggestion: object | None  # the opening date offered (two days after the live session)


def _modules(cohort) -> list[Module]:
    return [module for module in cohort.course.modules if not module.is_archived]


def _saved_entries(cohort, modules) -> list[schedules.ScheduleEntry]:
    saved = schedules.schedule_of(cohort)
    entries = []
    for module in modules:
        row = saved.get(module.id)
        entries.append(schedules.ScheduleEntry(
            module.id,
            row.opens_on.isoformat() if row and row.opens_on else "",
            row.due_on.isoformat() if row and row.due_on else "",
            row.opens_on if row else None, row.due_on if row else None))
    return entries


def _typed_entries(cohort, modules, suggest: str | None) -> list[schedules.ScheduleEntry]:
    """The form's lines as typed (with a suggested opening put in, when one was asked for)."""
    entries = []
    for module in modules:
        opens = request.form.get(f"opens_on-{module.id}", "")
        if suggest == str(module.id) and module.live_session_on:
            opens = schedules.suggested_opening(module.live_session_on).isoformat()
        entries.append(schedules.read_entry(cohort, module.id, opens,
                                            request.form.get(f"due_on-{module.id}", "")))
    return entries


@bp.route("/cohorts/<int:id>/schedule", methods=["GET", "POST"])
@role_required("facilitator")
def cohort_schedule(id):
    cohort = access.get_cohort_for_edit_or_404(id, current_user)
    modules = _modules(cohort)
    if request.method == "GET":
        return _page(cohort, modules, _saved_entries(cohort, modules))
    button_form_or_400()
    suggest = request.form.get("suggest")
    entries = _typed_entries(cohort, modules, suggest)
    if suggest is not None:
        return _page(cohort, modules, entries, suggested=True)
    if any(entry.errors for entry in entries):
        return _page(cohort, modules, entries, status=400)
    schedules.save_schedule(cohort, entries)
    db.session.commit()
    flash(_("The schedule of %(cohort)s is saved.", cohort=cohort.name), "success")
    return redirect(url_for("studio.edit_cohort", id=cohort.id))


def _page(cohort, modules, entries, suggested=False, status=200):
    numbers = module_numbers(cohort.course.modules)
    rows = [ScheduleRow(module, numbers.get(module.id), entry,
                        schedules.suggested_opening(module.live_session_on))
            for module, entry in zip(modules, entries, strict=True)]
    return render_template("studio/schedule.html", cohort=cohort, rows=rows,
                           suggested=suggested,
                           reminder_days=current_app.config["DUE_REMINDER_DAYS"],
                           has_errors=any(row.entry.errors for row in rows)), status
