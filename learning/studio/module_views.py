"""Studio pages for a course's modules: creating, editing, moving, archiving, deleting.

Registered on the studio's blueprint (`pages.bp`); `views` imports this module so that its
pages are there whenever the studio's are.
"""

from flask import flash, render_template
from flask_babel import gettext as _

from learning.accounts.permissions import role_required
from learning.content import writing
from learning.database import db
from learning.studio import courses, item_rules, modules
from learning.studio.module_forms import ModuleForm
from learning.studio.pages import (
    back_to,
    bp,
    button_form_or_400,
    change_on_purpose,
    confirmation_page,
    course_or_404,
    direction_or_404,
    file_changes,
)


@bp.route("/courses/<slug>/modules/new", methods=["GET", "POST"])
@role_required("facilitator")
def new_module(slug):
    course = course_or_404(slug)
    form = ModuleForm(taken_slugs=writing.sibling_slugs(course.modules), fills_slug=True)
    if form.validate_on_submit():
        module = modules.create_module(course, form.fields())
        db.session.commit()
        flash(_("Module “%(title)s” created.", title=module.title), "success")
        return back_to(course, module)
    return render_template("studio/module_form.html", course=course, module=None, form=form)


@bp.route("/courses/<slug>/modules/<int:module_id>/edit", methods=["GET", "POST"])
@role_required("facilitator")
def edit_module(slug, module_id):
    course = course_or_404(slug)
    module = courses.module_for_edit_or_404(course, module_id)
    form = ModuleForm(data=ModuleForm.data_of(module),
                      taken_slugs=writing.sibling_slugs(course.modules, leaving_out=module))
    if form.validate_on_submit():
        fields = form.fields()
        if fields.is_published != module.is_published:
            confirming = confirmation_page(
                course, lambda: modules.update_module(module, fields),
                (_("Publish “%(title)s”?", title=module.title) if fields.is_published
                 else _("Unpublish “%(title)s”?", title=module.title)),
                _("Yes, publish it") if fields.is_published else _("Yes, unpublish it"))
            if confirming is not None:
                return confirming
        modules.update_module(module, fields)
        db.session.commit()
        flash(_("Module “%(title)s” saved.", title=module.title), "success")
        return back_to(course, module)
    return render_template("studio/module_form.html", course=course, module=module, form=form)


@bp.post("/courses/<slug>/modules/<int:module_id>/move/<direction>")
@role_required("facilitator")
def move_module(slug, module_id, direction):
    course = course_or_404(slug)
    module = courses.module_for_edit_or_404(course, module_id)
    direction = direction_or_404(direction)
    button_form_or_400()
    if modules.move_module(module, direction):
        db.session.commit()
        flash(_("Module “%(title)s” moved.", title=module.title), "success")
    return back_to(course, module)


@bp.post("/courses/<slug>/modules/<int:module_id>/archive")
@role_required("facilitator")
def archive_module(slug, module_id):
    course = course_or_404(slug)
    module = courses.module_for_edit_or_404(course, module_id)
    return change_on_purpose(
        course, module, lambda: writing.set_archived(module, True),
        _("Archive “%(title)s”?", title=module.title), _("Yes, archive it"),
        _("Module “%(title)s” archived: participants no longer see it, and their progress "
          "is kept.", title=module.title))


@bp.post("/courses/<slug>/modules/<int:module_id>/restore")
@role_required("facilitator")
def restore_module(slug, module_id):
    course = course_or_404(slug)
    module = courses.module_for_edit_or_404(course, module_id)
    return change_on_purpose(
        course, module, lambda: writing.set_archived(module, False),
        _("Restore “%(title)s”?", title=module.title), _("Yes, restore it"),
        _("Module “%(title)s” restored.", title=module.title))


@bp.post("/courses/<slug>/modules/<int:module_id>/delete")
@role_required("facilitator")
def delete_module(slug, module_id):
    course = course_or_404(slug)
    module = courses.module_for_edit_or_404(course, module_id)
    button_form_or_400()
    title = module.title
    try:
        with file_changes(releasing=item_rules.item_files(module.items)):
            modules.delete_module(module)
    except courses.StudioError as error:
        flash(str(error), "error")
        return back_to(course)
    flash(_("Module “%(title)s” deleted.", title=title), "success")
    return back_to(course)

