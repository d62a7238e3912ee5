"""Report pages: the cohorts a user may report on and each cohort's overview."""

from flask import Blueprint, abort, render_template
from flask_babel import gettext as _
from flask_login import current_user, login_required

from learning.reports import charts, services

bp = Blueprint("reports", __name__)


@bp.get("/reports")
@login_required
def index():
    if not services.sees_reports(current_user):
        abort(403)
    return render_template("reports/index.html", cohorts=services.visible_cohorts(current_user))


@bp.get("/reports/cohorts/<int:id>")
@login_required
def overview(id):
    cohort = services.get_cohort_or_404(id, current_user)
    figures = services.overview(cohort)
    steps = services.funnel(figures, {
        "enrolled": _("Enrolled"),
        "started": _("Started"),
        "completed": _("Completed the course"),
    })
    return render_template(
        "reports/overview.html",
        cohort=cohort,
        course=cohort.course,
        figures=figures,
        steps=steps,
        chart=charts.funnel_chart(steps),
    )
