"""Studio pages for a cohort: the one page for running it, and what its forms do.

The cohort's page (`edit_cohort`) holds everything about running it, in sections: its
participants, adding one person by email, managers, co-facilitators, the join code, dates
and time zone, the schedule, results and messages. Its forms post here and come back to it.
Every page asks the one access rule for running a cohort
(`cohorts.access.get_cohort_for_edit_or_404`). Registered on the studio's blueprint
(`pages.bp`); `views` imports this module so that its pages are there whenever the
studio's are. The page following a roster's import is in `roster_views`; the messages'
pages are the announcements' own (`announcements.views`).
"""

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from learning.accounts.links import invitation_days
from learning.accounts.permissions import role_required
from learning.accounts.signing_in import never_signed_in
from learning.accounts.users import find_user_by_email
from learning.announcements import services as announcements
from learning.certificates import services as certificates
from learning.cohorts import access, joining, members, running, schedules
from learning.core.limits import body_limit
from learning.database import db
from learning.mail import services as mail
from learning.media import uploads
from learning.reports import course as report_course
from learning.reports import figures, stalling
from learning.studio import roster, roster_jobs
from learning.studio.cohort_forms import CohortSettingsForm, InvitePersonForm, RosterForm
from learning.studio.forms import PersonForm
from learning.studio.pages import FORM_ALLOWANCE_BYTES, bp, button_form_or_400, no_account

# A participants' CSV: 10,000 rows fit, at up to about 200 bytes each.
ROSTER_MAX_BYTES = 2 * 1024 * 1024


def _may_run_cohort(id, **_url) -> bool:
    """Whether this request may send a participants' file: its user may run the cohort."""
    return access.may_run_cohort(id, current_user)


def _cohort(id):
    return access.get_cohort_for_edit_or_404(id, current_user)


def _back_to_cohort(cohort, section=None):
    """The cohort's page, at the section acted on when one is given."""
    return redirect(url_for("studio.edit_cohort", id=cohort.id, _anchor=section))


@bp.route("/cohorts/<int:id>", methods=["GET", "POST"])
@role_required("facilitator")
def edit_cohort(id):
    cohort = _cohort(id)
    form = CohortSettingsForm(data=CohortSettingsForm.data_of(cohort))
    if form.validate_on_submit() and not _ends_before_its_schedule(cohort, form):
        running.update_cohort(cohort, form.name.data, form.starts_on.data, form.ends_on.data,
                              bool(form.is_open.data), form.time_zone.data)
        db.session.commit()
        flash(_("Cohort %(cohort)s saved.", cohort=cohort.name), "success")
        return _back_to_cohort(cohort)
    return _cohort_page(cohort, form=form)


def _ends_before_its_schedule(cohort, form) -> bool:
    """Whether the new end date leaves a saved module date after it (said beside the field)."""
    problem = schedules.end_date_problem(cohort, form.ends_on.data)
    if problem:
        form.ends_on.errors = [*form.ends_on.errors, problem]
    return problem is not None


def _settings_form(cohort) -> CohortSettingsForm:
    return CohortSettingsForm(formdata=None, data=CohortSettingsForm.data_of(cohort))


def _cohort_page(cohort, form=None, person_form=None, invite_form=None):
    """The cohort's one page; a form sent back with its errors is given, the others fresh.

    The roster's status comes from reports (`figures.course_statuses`, the completion
    rule's), the results' counts from the reports' overview and stall rule.
    """
    enrolments = members.participants(cohort)
    ids = [enrolment.user_id for enrolment in enrolments]
    stall_days = current_app.config["REPORTS_STALL_DAYS"]
    return render_template(
        "studio/cohort.html", cohort=cohort,
        form=form or _settings_form(cohort),
        person_form=person_form or PersonForm(formdata=None),
        invite_form=invite_form or InvitePersonForm(formdata=None, prefix="person"),
        enrolments=enrolments,
        never_signed_in=never_signed_in(ids),
        statuses=figures.course_statuses(cohort),
        status_labels=report_course.status_labels(),
        certificates=certificates.certificates_by_user(cohort.course_id, ids),
        join_link=current_app.config["BASE_URL"] + url_for("cohorts.join",
                                                           code=cohort.join_code),
        headline=figures.overview(cohort),
        stalled=len(stalling.stalled_ids(cohort, stalling.stall_cutoff(stall_days))),
        stall_days=stall_days,
        announcements=announcements.sent_to_cohort(cohort),
        schedule=schedules.schedule_of(cohort))


@bp.post("/cohorts/<int:id>/join-code")
@role_required("facilitator")
def new_join_code(id):
    cohort = _cohort(id)
    button_form_or_400()
    code = joining.regenerate_join_code(cohort)
    db.session.commit()
    flash(_("The new join code is %(code)s; the old one no longer works.", code=code),
          "success")
    return _back_to_cohort(cohort)


@bp.post("/cohorts/<int:id>/participants/<int:user_id>/remove")
@role_required("facilitator")
def remove_participant(id, user_id):
    cohort = _cohort(id)
    button_form_or_400()
    if not running.remove_participant(cohort, user_id):
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
    button_form_or_400()
    try:
        user = roster.resend_invitation(cohort, user_id)
    except LookupError:
        abort(404)
    except roster.InvitationError as error:
        flash(str(error), "error")
        return _back_to_cohort(cohort)
    db.session.commit()
    flash(*mail.written_notice(
        _("The invitation was sent again to %(name)s at %(email)s: its link to choose a "
          "password works for %(days)d days.", name=user.name, email=user.email,
          days=invitation_days()),
        _("A new invitation for %(name)s at %(email)s is kept in the email outbox, not sent: "
          "email is off on this installation.", name=user.name, email=user.email)))
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


@bp.post("/cohorts/<int:id>/participants/add")
@role_required("facilitator")
def add_participant(id):
    """Invite one person by email, as a roster's row: never enrolled without accepting.

    The answer is the same whether or not the address had an account.
    """
    cohort = _cohort(id)
    invite_form = InvitePersonForm(prefix="person")
    if not invite_form.validate_on_submit():
        # Shown again with what was typed and what is wrong beside it.
        return _cohort_page(cohort, invite_form=invite_form)
    person = invite_form.person()
    if not roster.invite_person(cohort, person):
        flash(_("%(email)s is already in %(cohort)s.", email=person.email, cohort=cohort.name),
              "info")
        return _back_to_cohort(cohort, "add-person")
    db.session.commit()
    flash(*mail.written_notice(
        _("%(email)s is invited to %(cohort)s: they are in it once they accept the "
          "invitation emailed to them, whose link works for %(days)d days.",
          email=person.email, cohort=cohort.name, days=invitation_days()),
        _("%(email)s is invited to %(cohort)s and is in it once they accept, but email is off "
          "on this installation: the invitation is kept in the email outbox, not sent.",
          email=person.email, cohort=cohort.name)))
    return _back_to_cohort(cohort, "add-person")


@bp.post("/cohorts/<int:id>/managers")
@role_required("facilitator")
def add_manager(id):
    cohort = _cohort(id)
    person_form = PersonForm()
    if person_form.validate_on_submit():
        user = find_user_by_email(person_form.email.data)
        if user is None:
            person_form.email.errors.append(no_account(person_form.email.data))
        else:
            if running.add_manager(cohort, user):
                db.session.commit()
                flash(_("%(name)s now manages %(cohort)s.", name=user.name,
                        cohort=cohort.name), "success")
            else:
                flash(_("%(name)s already manages %(cohort)s.", name=user.name,
                        cohort=cohort.name), "info")
            return _back_to_cohort(cohort)
    return _cohort_page(cohort, person_form=person_form)


@bp.post("/cohorts/<int:id>/managers/<int:user_id>/remove")
@role_required("facilitator")
def remove_manager(id, user_id):
    cohort = _cohort(id)
    button_form_or_400()
    user = next((m for m in cohort.managers if m.id == user_id), None)
    if user is None:
        abort(404)
    running.remove_manager(cohort, user)
    db.session.commit()
    flash(_("%(name)s no longer manages %(cohort)s.", name=user.name, cohort=cohort.name),
          "success")
    return _back_to_cohort(cohort)

