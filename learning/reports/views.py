"""Report pages: the cohorts a user may report on; a cohort's overview, participants, export."""

import csv
import io
from typing import NoReturn

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_babel import format_date, ngettext
from flask_babel import gettext as _
from flask_login import current_user, login_required

from learning.assessments import charts as assessment_charts
from learning.assessments import figures as assessment_figures
from learning.assessments import privacy
from learning.cohorts import access
from learning.countries import country_name
from learning.database import db
from learning.extensions import limiter
from learning.mail import services as mail
from learning.reports import (
    charts,
    course,
    detail,
    due_reminders,  # noqa: F401 - declares the due reminders' job
    exporting,
    figures,
    groups,
    list_requests,
    listing,
    reminding,
    self_assessments,
    stalling,
)
from learning.reports.forms import ReminderForm

bp = Blueprint("reports", __name__)


status_labels = course.status_labels


def _cohort(id):
    """The cohort, if the current user may see its reports (403 or 404 otherwise)."""
    return access.get_cohort_for_reports_or_404(id, current_user)


@bp.get("/reports")
@login_required
def index():
    if access.follow_scope(current_user) is None:
        abort(403)
    return render_template("reports/index.html", cohorts=access.cohorts_followed(current_user))


@bp.get("/reports/cohorts/<int:id>")
@login_required
def overview(id):
    cohort = _cohort(id)
    headline = figures.overview(cohort)
    steps = figures.funnel(headline, {
        "enrolled": _("Enrolled"),
        "started": _("Started"),
        "completed": _("Completed the course"),
    })
    weeks = figures.completions_by_week(headline.completed_at)
    week_labels = [_("Week of %(date)s", date=format_date(week.starts_on, "medium"))
                   for week in weeks]
    return render_template(
        "reports/overview.html",
        cohort=cohort,
        course=cohort.course,
        figures=headline,
        steps=steps,
        chart=charts.funnel_chart(steps),
        weeks=list(zip(weeks, week_labels, strict=True)),
        weekly_chart=charts.weekly_chart(weeks, week_labels),
    )


@bp.get("/reports/cohorts/<int:id>/breakdowns")
@login_required
def breakdowns(id):
    cohort = _cohort(id)
    per_group = groups.breakdowns(cohort)
    return render_template(
        "reports/breakdowns.html",
        cohort=cohort,
        course=cohort.course,
        tables=[
            ("country", _("By country"), _("Country"), per_group["country"]),
            ("organisation", _("By organisation"), _("Organisation"), per_group["organisation"]),
        ],
    )


@bp.get("/reports/cohorts/<int:id>/mindset")
@login_required
def mindset(id):
    cohort = _cohort(id)
    try:
        group = self_assessments.MindsetGroup.from_args(request.args)
        group.check(cohort)
    except list_requests.BadListRequest as error:
        _refuse(error)
    summaries = assessment_figures.cohort_summaries(cohort, group.partition, group.key)
    labels = {"single": _("Answers"), "before": _("Before"), "after": _("After")}
    countries, organisations = self_assessments.mindset_choices(cohort)
    return render_template(
        "reports/mindset.html",
        cohort=cohort,
        course=cohort.course,
        group=group,
        countries=countries,
        organisations=organisations,
        summaries=[(summary, self_assessments.mindset_rows(summary),
                    assessment_charts.bar_chart(
                        self_assessments.mindset_chart_rows(summary, labels)))
                   for summary in summaries],
        threshold=privacy.min_group(),
    )


def _stall_days() -> int:
    return current_app.config["REPORTS_STALL_DAYS"]


def _page_number() -> int:
    try:
        return int(request.args.get("page", "1"))
    except ValueError:
        return 1


@bp.get("/reports/cohorts/<int:id>/stalls")
@login_required
def stalls(id):
    cohort = _cohort(id)
    days = _stall_days()
    cutoff = stalling.stall_cutoff(days)
    stalled = stalling.stalled_ids(cohort, cutoff)
    pages = max(1, -(-len(stalled) // listing.PAGE_SIZE))
    page = min(max(_page_number(), 1), pages)
    shown = stalled[(page - 1) * listing.PAGE_SIZE:page * listing.PAGE_SIZE]
    modules = course.published_modules(cohort.course)
    interval = _reminder_interval()
    return render_template(
        "reports/stalls.html",
        interval=interval,
        due_count=len(reminding.due_for_reminder(cohort, stalled,
                                                stalling.stall_cutoff(interval))),
        reminded=reminding.last_reminded(cohort, shown),
        cohort=cohort,
        course=cohort.course,
        days=days,
        stalled_count=len(stalled),
        rows=listing.participant_rows(cohort, shown, modules),
        page=page,
        pages=pages,
        points=stalling.stopping_points(cohort, cutoff),
    )


def _reminder_interval() -> int:
    return current_app.config["REMINDER_INTERVAL_DAYS"]


def _reminder_rate_limit() -> str:
    return current_app.config["REMINDER_RATE_LIMIT"]


@bp.get("/reports/cohorts/<int:id>/stalls/remind")
@login_required
def remind_preview(id):
    cohort = _cohort(id)
    form = ReminderForm(text=reminding.default_text(cohort, _stall_days()))
    return _preview(cohort, form)


def _preview(cohort, form: ReminderForm, status: int = 200):
    """The preview: who is due now, the subject, the editable text and the confirm button."""
    due = reminding.due(cohort, _stall_days(), _reminder_interval())
    return render_template(
        "reports/remind.html",
        cohort=cohort,
        course=cohort.course,
        due=due,
        names=[name for _id, name, _email in due.recipients[:reminding.PREVIEW_NAMES]],
        subject=reminding.subject(cohort),
        greeting=_("Dear %(name)s,", name=due.recipients[0][1] if due.recipients
                   else _("Participant")),
        link=_course_link(cohort),
        interval=_reminder_interval(),
        text_max=reminding.TEXT_MAX,
        form=form,
    ), status


def _course_link(cohort) -> str:
    return current_app.config["BASE_URL"] + url_for("catalog.course", slug=cohort.course.slug)


@bp.post("/reports/cohorts/<int:id>/stalls/remind")
@login_required
@limiter.limit(_reminder_rate_limit, key_func=lambda: f"remind:{current_user.id}")
def remind(id):
    cohort = _cohort(id)
    form = ReminderForm()
    if not form.validate_on_submit():
        if "csrf_token" in form.errors:
            abort(400)
        # Shown again with the text as typed, and what is wrong with it: nothing is lost.
        return _preview(cohort, form, 400)
    interval = _reminder_interval()
    # Under a lock on the cohort, in this request's transaction: a confirmation racing this
    # one waits, then finds these people reminded.
    sent = reminding.send(cohort, form.text.data, current_user, stall_days=_stall_days(),
                          interval_days=interval, link=_course_link(cohort))
    db.session.commit()
    if sent.recipients:  # none when a confirmation pressed at the same time sent them
        flash(*_reminders_written(len(sent.recipients)))
    if sent.reminded_lately:
        flash(ngettext("%(num)d participant reminded in the last %(days)d days was not "
                       "reminded again.",
                       "%(num)d participants reminded in the last %(days)d days were not "
                       "reminded again.", sent.reminded_lately, days=interval), "info")
    return redirect(url_for("reports.stalls", id=cohort.id))


def _reminders_written(count: int) -> tuple[str, str]:
    """What became of the reminders just written: queued to be emailed, or kept (mail off)."""
    return mail.written_notice(
        ngettext("A reminder to %(num)d stalled participant is queued: it is emailed "
                 "within a minute or so.",
                 "Reminders to %(num)d stalled participants are queued: they are "
                 "emailed within a minute or so.", count),
        ngettext("A reminder to %(num)d stalled participant was recorded, but email is off "
                 "on this installation: it was not sent.",
                 "Reminders to %(num)d stalled participants were recorded, but email is "
                 "off on this installation: they were not sent.", count))


def _refuse(error: list_requests.BadListRequest) -> NoReturn:
    """Answer 400 to a list request; an unknown country is named, the rest needs no words."""
    if isinstance(error, list_requests.NotAPartition):
        abort(400, description=_(
            "Figures are released for the whole cohort, by country or by organisation, not "
            "for a country and an organisation together: choose one of them."))
    if isinstance(error, list_requests.NoSuchGroup):
        abort(400, description=_(
            "No answer of this cohort was given from “%(group)s”. Choose a country or an "
            "organisation from the lists.", group=str(error)[:80]))
    if isinstance(error, list_requests.UnknownCountry):
        abort(400, description=_(
            "There is no country or territory with the code “%(code)s”. Choose one from the "
            "list of countries.", code=error.asked[:80]))
    abort(400)


def _list_request():
    try:
        return list_requests.parse_list_request(request.args)
    except list_requests.BadListRequest as error:
        _refuse(error)


@bp.get("/reports/cohorts/<int:id>/participants")
@login_required
def participants(id):
    cohort = _cohort(id)
    asked = _list_request()
    modules = course.published_modules(cohort.course)
    shown = listing.participants_page(cohort, asked, modules)
    countries, organisations = listing.filter_choices(cohort)
    return render_template(
        "reports/participants.html",
        cohort=cohort,
        course=cohort.course,
        asked=asked,
        modules=modules,
        listing=shown,
        countries=countries,
        organisations=organisations,
        statuses=status_labels(),
        sort_keys=list_requests.SORT_KEYS,
    )


@bp.get("/reports/cohorts/<int:id>/participants/<int:user_id>")
@login_required
def participant(id, user_id):
    cohort = _cohort(id)
    return render_template(
        "reports/participant.html",
        cohort=cohort,
        course=cohort.course,
        detail=detail.participant_detail(cohort, user_id),
        statuses=status_labels(),
        kinds=course.kind_labels(),
    )


@bp.get("/reports/cohorts/<int:id>/participants.csv")
@login_required
def export(id):
    cohort = _cohort(id)
    asked = _list_request()
    modules = course.published_modules(cohort.course)
    labels = status_labels()
    header = [_("Name"), _("Email"), _("Organisation"), _("Country"), _("Country code"),
              _("Enrolled on")]
    header += [module.title for module in modules]
    header += [_("Status"), _("Progress (%)"), _("Last activity"), _("Certificate")]

    def certificate_text(certificate):
        if certificate is None:
            return ""
        if certificate.is_revoked:
            return _("Revoked")
        return _("Issued on %(date)s", date=certificate.issued_at.date().isoformat())

    def lines():
        buffer = io.StringIO()
        writer = csv.writer(buffer)

        def flush():
            text = buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
            return text

        writer.writerow([exporting.neutralise(cell) for cell in header])
        yield "\ufeff" + flush()  # so that spreadsheets read the file as UTF-8
        for row in exporting.export_rows(cohort, asked, modules):
            writer.writerow([exporting.neutralise(cell) for cell in [
                row.name, row.email, row.organisation, country_name(row.country), row.country,
                row.enrolled_at.date().isoformat(),
                *[labels[status] for status in row.modules],
                labels[row.status], row.percent,
                row.last_activity.date().isoformat() if row.last_activity else "",
                certificate_text(row.certificate),
            ]])
            yield flush()

    filename = exporting.file_name(cohort, "participants")
    return Response(
        stream_with_context(lines()),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
