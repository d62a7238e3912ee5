"""Studio pages for courses: a facilitator's list, a course's page, settings and export.

And who facilitates a course, added and removed on its page.

Every page asks the one access rule (`studio.courses.course_for_edit_or_404`). The
blueprint and what the pages share are in `pages`; the other areas' pages are in modules of
their own (listed there), imported here so that they are on the blueprint whenever the
application factory registers it. Nothing else imports this module.
"""

import io

from flask import flash, redirect, render_template, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from learning.accounts.permissions import role_required
from learning.catalog.models import module_numbers
from learning.certificates import services as certificates
from learning.cohorts import running
from learning.content import writing
from learning.database import db
from learning.studio import (
    cohort_views,  # noqa: F401 (its pages register on the blueprint)
    courses,
    editor_views,  # noqa: F401 (its pages register on the blueprint)
    image_views,  # noqa: F401 (its pages register on the blueprint)
    instrument_views,  # noqa: F401 (its pages register on the blueprint)
    instruments,
    item_views,  # noqa: F401 (its pages register on the blueprint)
    items,  # noqa: F401 (its pages register on the blueprint)
    module_views,  # noqa: F401 (its pages register on the blueprint)
    roster_views,  # noqa: F401 (its pages register on the blueprint)
    schedule_views,  # noqa: F401 (its pages register on the blueprint)
)
from learning.studio.forms import CourseSettingsForm, PersonForm
from learning.studio.pages import back_to, bp, button_form_or_400, course_or_404, no_account


@bp.get("/")
@role_required("facilitator")
def index():
    return render_template("studio/index.html", courses=courses.courses_for(current_user))


@bp.get("/courses/<slug>")
@role_required("facilitator")
def course(slug):
    course = course_or_404(slug)
    people = courses.people_by_item(course)
    return render_template(
        "studio/course.html",
        course=course,
        people=people,
        can_delete_module=lambda module: writing.may_delete(module.items, people),
        can_delete_item=lambda item: writing.may_delete([item], people),
        cohorts=running.course_cohorts(course),
        person_form=PersonForm(),
        instruments=instruments.overview(course),
        numbers=module_numbers(course.modules),
    )


@bp.route("/courses/<slug>/settings", methods=["GET", "POST"])
@role_required("facilitator")
def edit_course(slug):
    course = course_or_404(slug)
    form = CourseSettingsForm(data=CourseSettingsForm.data_of(course))
    if form.validate_on_submit():
        try:
            courses.update_course(course, form.fields())
        except courses.StudioError as error:
            db.session.rollback()
            form.issuers.errors.append(str(error))
        else:
            db.session.commit()
            flash(_("Course settings saved."), "success")
            return back_to(course)
    return render_template("studio/course_settings.html", course=course, form=form,
                           default_wording=certificates.DEFAULT_WORDING)


@bp.get("/courses/<slug>/export")
@role_required("facilitator")
def export(slug):
    course = course_or_404(slug)
    try:
        data = courses.export_zip(course)
    except courses.StudioError as error:
        flash(_("The course could not be exported: %(reason)s", reason=str(error)), "error")
        return back_to(course)
    return send_file(io.BytesIO(data), mimetype="application/zip", as_attachment=True,
                     download_name=f"{course.slug}.zip", max_age=0)


@bp.post("/courses/<slug>/facilitators")
@role_required("facilitator")
def add_facilitator(slug):
    course = course_or_404(slug)
    form = PersonForm()
    if not form.validate_on_submit():
        flash(" ".join(str(error) for error in form.email.errors), "error")
        return back_to(course)
    try:
        user = courses.add_co_facilitator(course, form.email.data)
    except courses.StudioError as error:
        flash(str(error), "error")
        return back_to(course)
    if user is None:
        flash(no_account(form.email.data), "error")
        return back_to(course)
    db.session.commit()
    flash(_("%(name)s now facilitates %(course)s.", name=user.name, course=course.title),
          "success")
    return back_to(course)


@bp.post("/courses/<slug>/facilitators/<int:user_id>/remove")
@role_required("facilitator")
def remove_facilitator(slug, user_id):
    course = course_or_404(slug)
    button_form_or_400()
    try:
        user = courses.remove_co_facilitator(course, user_id)
    except courses.StudioError as error:
        flash(str(error), "error")
        return back_to(course)
    db.session.commit()
    flash(_("%(name)s no longer facilitates %(course)s.", name=user.name, course=course.title),
          "success")
    if user.id == current_user.id and not current_user.has_role("admin"):
        return redirect(url_for("studio.index"))
    return back_to(course)

