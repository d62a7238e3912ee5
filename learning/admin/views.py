"""Administration: people and what they may do.

Find users (by name or email, role and whether they are deactivated), create them, send
them a password link, see their progress item by item (never their self-assessment
answers); grant and remove roles, attach facilitators and managers; choose the country
meant by text typed before countries came from a list. Correcting a person's details and
deactivating or reactivating their account are in `admin/people.py`.
"""

import secrets

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import func, or_, select

from learning.accounts import countries as people_countries
from learning.accounts import emails, roles
from learning.accounts.errors import EmailTakenError, LastAdminError
from learning.accounts.forms import EmptyForm
from learning.accounts.models import ROLES, User, UserRole
from learning.accounts.permissions import role_required
from learning.accounts.users import create_user
from learning.admin import people, work
from learning.admin.forms import CohortChoiceForm, CountryForm, CourseChoiceForm, NewUserForm
from learning.catalog import services as catalog
from learning.catalog.models import Course
from learning.cohorts import members, running
from learning.cohorts.models import Cohort
from learning.core.routing import paginate
from learning.countries import country_name
from learning.database import db
from learning.mail import services as mail
from learning.reports.course import kind_labels, status_labels
from learning.reports.detail import course_lines

bp = Blueprint("admin", __name__, url_prefix="/admin")
bp.register_blueprint(people.bp)
bp.register_blueprint(work.bp)

USERS_PER_PAGE = 25
SEARCH_MAX = 254
# The users list's filter of accounts: everyone, those who may sign in, or not.
STATUSES = ("active", "deactivated")
ROLE_LABELS = {
    "participant": _l("Participant"),
    "facilitator": _l("Facilitator"),
    "manager": _l("Manager"),
    "admin": _l("Administrator"),
}


@bp.context_processor
def labels():
    return {"role_labels": ROLE_LABELS, "roles": ROLES}


def _role_list(user: User) -> str:
    return ", ".join(str(ROLE_LABELS[r]) for r in ROLES if r in user.role_names)


def _like(text: str) -> str:
    """A LIKE pattern matching the text anywhere, its wildcards taken literally."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _back_to(user: User):
    return redirect(url_for("admin.user", id=user.id))


def _role_or_404(role: str) -> str:
    if role not in ROLES:
        abort(404)
    return role


def _users_filter() -> dict[str, str]:
    """The users list's search and filters from the query string; 400 for an unknown one."""
    wanted = {"q": request.args.get("q", "").strip()[:SEARCH_MAX],
              "role": request.args.get("role", ""), "status": request.args.get("status", "")}
    if wanted["role"] and wanted["role"] not in ROLES:
        abort(400, description=_("There is no role “%(role)s”. Choose one from the list.",
                                 role=wanted["role"][:40]))
    if wanted["status"] and wanted["status"] not in STATUSES:
        abort(400, description=_("Choose active or deactivated accounts from the list."))
    return wanted


def _users_query(q: str, role: str, status: str):
    """Users by name matching the search and the filters (each optional)."""
    query = select(User).order_by(func.lower(User.name), User.id)
    if q:
        pattern = _like(q.lower())
        query = query.where(or_(func.lower(User.name).like(pattern, escape="\\"),
                                User.email.like(pattern, escape="\\")))
    if role:
        query = query.where(User.id.in_(select(UserRole.user_id).where(UserRole.role == role)))
    if status:
        query = query.where(User.is_active.is_(status == "active"))
    return query


@bp.get("/users")
@role_required("admin")
def users():
    wanted = _users_filter()
    pagination = paginate(_users_query(**wanted), USERS_PER_PAGE)
    # What the pager's links carry, so that the next page keeps the search and filters.
    kept = {name: value for name, value in wanted.items() if value}
    return render_template("admin/users.html", pagination=pagination, kept=kept, **wanted,
                           role_list=_role_list, statuses=STATUSES,
                           countries_to_fix=people_countries.count_countries_to_fix())


@bp.get("/countries")
@role_required("admin")
def countries_to_fix():
    """The people whose country, typed before there was a list, names none: to choose it."""
    pagination = paginate(people_countries.countries_to_fix(), USERS_PER_PAGE)
    return render_template("admin/countries.html", pagination=pagination)


@bp.route("/users/<int:id>/country", methods=["GET", "POST"])
@role_required("admin")
def choose_country(id):
    user = db.get_or_404(User, id)
    form = CountryForm(data={"country": user.country})
    if form.validate_on_submit():
        had_text = user.country_as_entered
        people_countries.set_country(user, form.country.data)
        db.session.commit()
        flash(_("The country of %(name)s is now %(country)s.", name=user.name,
                country=country_name(user.country)), "success")
        if had_text and people_countries.count_countries_to_fix():
            return redirect(url_for("admin.countries_to_fix"))
        return _back_to(user)
    return render_template("admin/choose_country.html", user=user, form=form)


@bp.get("/users/<int:id>")
@role_required("admin")
def user(id):
    user = db.get_or_404(User, id)
    facilitated = catalog.facilitated_courses(user)
    managed = members.managed_cohorts(user)
    course_form = CourseChoiceForm()
    facilitated_ids = {c.id for c in facilitated}
    course_form.course.choices = [
        (c.id, c.title) for c in catalog.all_courses() if c.id not in facilitated_ids
    ]
    cohort_form = CohortChoiceForm()
    managed_ids = {c.id for c in managed}
    cohort_form.cohort.choices = [
        (c.id, f"{c.name} ({c.course.title})") for c in running.all_cohorts()
        if c.id not in managed_ids
    ]
    enrolled = members.enrolled_course_ids(user)
    learning = [course_lines(course, user.id)
                for course in catalog.all_courses() if course.id in enrolled]
    return render_template(
        "admin/user.html",
        user=user,
        facilitated=facilitated,
        managed=managed,
        course_form=course_form,
        cohort_form=cohort_form,
        learning=learning,
        statuses=status_labels(),
        kinds=kind_labels(),
    )


@bp.route("/users/new", methods=["GET", "POST"])
@role_required("admin")
def new_user():
    form = NewUserForm()
    form.role.choices = [(role, str(ROLE_LABELS[role])) for role in ROLES]
    if form.validate_on_submit():
        try:
            user = create_user(
                email=form.email.data, name=form.name.data,
                organisation=form.organisation.data or "", country=form.country.data or "",
                roles=(form.role.data,), password=secrets.token_urlsafe(32))
        except EmailTakenError as error:
            form.email.errors.append(str(error))
        else:
            emails.send_account_invitation(user)
            db.session.commit()
            flash(*mail.written_notice(
                _("Account created for %(name)s; they were sent a link to choose a "
                  "password.", name=user.name),
                _("Account created for %(name)s. Email is off on this installation, so the "
                  "link to choose a password is kept in the email outbox, not sent.",
                  name=user.name)))
            return _back_to(user)
    return render_template("admin/new_user.html", form=form)


@bp.post("/users/<int:id>/password-reset")
@role_required("admin")
def send_password_reset(id):
    user = db.get_or_404(User, id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    if not user.is_active:
        flash(_("Reactivate the account first: a deactivated account cannot set a password."),
              "error")
        return _back_to(user)
    emails.send_password_reset(user)
    db.session.commit()
    flash(*mail.written_notice(
        _("A link to choose a new password was sent to %(email)s.", email=user.email),
        _("Email is off on this installation, so the link to choose a new password for "
          "%(email)s is kept in the email outbox, not sent.", email=user.email)))
    return _back_to(user)


@bp.post("/users/<int:id>/roles/<role>/grant")
@role_required("admin")
def grant_role(id, role):
    user = db.get_or_404(User, id)
    role = _role_or_404(role)
    if EmptyForm().validate_on_submit():
        if roles.grant_role(user, role):
            db.session.commit()
            flash(_("%(name)s now holds the role %(role)s.",
                    name=user.name, role=ROLE_LABELS[role]), "success")
        else:
            flash(_("%(name)s already holds the role %(role)s.",
                    name=user.name, role=ROLE_LABELS[role]), "info")
    return _back_to(user)


@bp.post("/users/<int:id>/roles/<role>/revoke")
@role_required("admin")
def revoke_role(id, role):
    user = db.get_or_404(User, id)
    role = _role_or_404(role)
    if EmptyForm().validate_on_submit():
        try:
            removed = roles.revoke_role(user, role)
        except LastAdminError as error:
            db.session.rollback()
            flash(str(error), "error")
            return _back_to(user)
        if removed:
            db.session.commit()
            flash(_("%(name)s no longer holds the role %(role)s.",
                    name=user.name, role=ROLE_LABELS[role]), "success")
            if user.id == current_user.id and role == "admin":
                return redirect(url_for("catalog.my_learning"))
        else:
            flash(_("%(name)s did not hold the role %(role)s.",
                    name=user.name, role=ROLE_LABELS[role]), "info")
    return _back_to(user)


@bp.post("/users/<int:id>/courses")
@role_required("admin")
def add_course(id):
    user = db.get_or_404(User, id)
    form = CourseChoiceForm()
    form.course.choices = [(c.id, c.title) for c in catalog.all_courses()]
    if not form.validate_on_submit():
        flash(_("Choose one of the courses listed."), "error")
        return _back_to(user)
    course = db.get_or_404(Course, form.course.data)
    had_role = "facilitator" in user.role_names
    if catalog.add_facilitator(course, user):
        db.session.commit()
        if had_role:
            flash(_("%(name)s now facilitates %(course)s.",
                    name=user.name, course=course.title), "success")
        else:
            flash(_("%(name)s now facilitates %(course)s and holds the role Facilitator.",
                    name=user.name, course=course.title), "success")
    else:
        flash(_("%(name)s already facilitates %(course)s.",
                name=user.name, course=course.title), "info")
    return _back_to(user)


@bp.post("/users/<int:id>/courses/<int:course_id>/remove")
@role_required("admin")
def remove_course(id, course_id):
    user = db.get_or_404(User, id)
    course = db.get_or_404(Course, course_id)
    if EmptyForm().validate_on_submit():
        if catalog.remove_facilitator(course, user):
            db.session.commit()
            flash(_("%(name)s no longer facilitates %(course)s.",
                    name=user.name, course=course.title), "success")
        else:
            flash(_("%(name)s did not facilitate %(course)s.",
                    name=user.name, course=course.title), "info")
    return _back_to(user)


@bp.post("/users/<int:id>/cohorts")
@role_required("admin")
def add_cohort(id):
    user = db.get_or_404(User, id)
    form = CohortChoiceForm()
    form.cohort.choices = [(c.id, c.name) for c in running.all_cohorts()]
    if not form.validate_on_submit():
        flash(_("Choose one of the cohorts listed."), "error")
        return _back_to(user)
    cohort = db.get_or_404(Cohort, form.cohort.data)
    had_role = "manager" in user.role_names
    if running.add_manager(cohort, user):
        db.session.commit()
        if had_role:
            flash(_("%(name)s now manages %(cohort)s.",
                    name=user.name, cohort=cohort.name), "success")
        else:
            flash(_("%(name)s now manages %(cohort)s and holds the role Manager.",
                    name=user.name, cohort=cohort.name), "success")
    else:
        flash(_("%(name)s already manages %(cohort)s.",
                name=user.name, cohort=cohort.name), "info")
    return _back_to(user)


@bp.post("/users/<int:id>/cohorts/<int:cohort_id>/remove")
@role_required("admin")
def remove_cohort(id, cohort_id):
    user = db.get_or_404(User, id)
    cohort = db.get_or_404(Cohort, cohort_id)
    if EmptyForm().validate_on_submit():
        if running.remove_manager(cohort, user):
            db.session.commit()
            flash(_("%(name)s no longer manages %(cohort)s.",
                    name=user.name, cohort=cohort.name), "success")
        else:
            flash(_("%(name)s did not manage %(cohort)s.",
                    name=user.name, cohort=cohort.name), "info")
    return _back_to(user)
