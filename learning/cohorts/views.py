"""Cohort pages: joining with a code, the cohorts list, a new cohort, one cohort."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from learning.accounts.permissions import role_required
from learning.catalog import services as catalog
from learning.certificates import services as certificates
from learning.cohorts import access, joining, members, running
from learning.cohorts.forms import CohortForm, JoinForm
from learning.cohorts.pages import bp
from learning.database import db
from learning.extensions import limiter

# Join codes are short enough to guess at; slow down anyone trying many.
JOIN_RATE_LIMIT = "20 per minute"


@bp.route("/cohorts/join", methods=["GET", "POST"])
@login_required
@limiter.limit(JOIN_RATE_LIMIT, methods=["POST"])
def join():
    form = JoinForm(code=request.args.get("code", ""))
    if form.validate_on_submit():
        cohort = joining.find_cohort_by_code(form.code.data)
        if cohort is None:
            form.code.errors.append(
                _("There is no cohort with this code. Check it against the one you were given.")
            )
        elif members.is_enrolled(current_user, cohort):
            flash(_("You are already in %(cohort)s.", cohort=cohort.name), "info")
            return redirect(url_for("catalog.course", slug=cohort.course.slug))
        elif not joining.can_join(cohort):
            form.code.errors.append(
                _("This cohort is closed to new participants. Ask the people who run your "
                  "programme for a current code.")
            )
        else:
            joining.join_cohort(current_user, cohort)
            db.session.commit()
            flash(_("You have joined %(cohort)s. Welcome to %(course)s.",
                    cohort=cohort.name, course=cohort.course.title), "success")
            return redirect(url_for("catalog.course", slug=cohort.course.slug))
    return render_template("cohorts/join.html", form=form)


@bp.get("/cohorts")
@role_required("facilitator", "manager")
def index():
    rows = access.cohorts_for(current_user, catalog.facilitated_course_ids(current_user))
    return render_template(
        "cohorts/index.html",
        rows=rows,
        can_create=current_user.has_role("facilitator"),
    )


@bp.route("/cohorts/new", methods=["GET", "POST"])
@role_required("facilitator")
def new():
    courses = catalog.editable_courses(current_user)
    form = CohortForm()
    form.course.choices = [(course.id, course.title) for course in courses]
    if courses and form.validate_on_submit():
        course = next(c for c in courses if c.id == form.course.data)
        cohort = running.create_cohort(course, form.name.data, form.starts_on.data,
                                       form.ends_on.data, form.time_zone.data)
        db.session.commit()
        flash(_("Cohort %(cohort)s created. Its join code is %(code)s.",
                cohort=cohort.name, code=cohort.join_code), "success")
        return redirect(url_for("studio.edit_cohort", id=cohort.id))
    return render_template("cohorts/new.html", form=form, has_courses=bool(courses))


@bp.get("/cohorts/<int:id>")
@login_required
def cohort(id):
    """A cohort's participants, for its managers; those who run it go to the studio's page.

    The course's facilitators and admins have one page for everything about running a
    cohort (`studio.edit_cohort`), and are sent there. Managers follow the cohort here and
    through reports.
    """
    cohort = access.get_cohort_for_progress_or_404(id, current_user)
    if cohort.course.can_edit(current_user):
        return redirect(url_for("studio.edit_cohort", id=cohort.id))
    enrolments = members.participants(cohort)
    return render_template(
        "cohorts/cohort.html",
        cohort=cohort,
        enrolments=enrolments,
        certificates=certificates.certificates_by_user(
            cohort.course_id, [e.user_id for e in enrolments]),
    )


# Its page registers on this blueprint, so it is there whenever these are.
from learning.cohorts import invitation_views  # noqa: E402, F401
