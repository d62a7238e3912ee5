"""Studio pages for an item beyond its own forms: its buttons, and moving it to another module.

The buttons move it up or down its module, archive or restore it, publish or unpublish it
(asked first when that moves anyone's figures) and delete it while nobody has touched it.

Registered on the studio's blueprint (`pages.bp`); `views` imports this module so that its
pages are there whenever the studio's are.
"""

from flask import flash, render_template
from flask_babel import gettext as _
from wtforms.fields.choices import SelectChoice

from learning.accounts.permissions import role_required
from learning.content import writing
from learning.database import db
from learning.studio import courses, item_rules, moves
from learning.studio.item_forms import MoveItemForm
from learning.studio.pages import (
    back_to,
    bp,
    button_form_or_400,
    change_on_purpose,
    course_and_item,
    direction_or_404,
    file_changes,
)


@bp.context_processor
def item_moves():
    """Where each item may move, for the course page's rows and the items' edit pages."""
    return {"move_targets": moves.move_targets}


def _move_form(item) -> MoveItemForm:
    form = MoveItemForm()
    form.target.choices = [
        SelectChoice(module.id, module.title if module.is_published
                     else _("%(module)s (draft)", module=module.title))
        for module in moves.move_targets(item)]
    return form


def _move_page(course, item, form):
    return render_template("studio/move_item.html", course=course, module=item.module,
                           item=item, form=form)


@bp.route("/courses/<slug>/modules/<int:module_id>/items/<int:item_id>/move-to-module",
          methods=["GET", "POST"])
@role_required("facilitator")
def move_item_to_module(slug, module_id, item_id):
    """Move the item to the end of another module, asked first if that moves anyone.

    A move changes what each of the two modules asks, so a required item's move can change
    who has completed each (and, to or from a draft module, who has completed the course):
    `change_on_purpose` works that out with `studio.effects` and asks before making it,
    as publishing or archiving does. A slug the target module already uses is refused
    before anything is asked, with a free one offered in its place.
    """
    course, item = course_and_item(slug, module_id, item_id)
    form = _move_form(item)
    if form.validate_on_submit():
        target = next(module for module in moves.move_targets(item)
                      if module.id == form.target.data)
        new_slug = form.slug.data or item.slug
        if moves.slug_taken(item, target, new_slug):
            form.slug.errors.append(_(
                "“%(module)s” already has an item with the slug “%(slug)s”. Move it under "
                "the slug offered here, or choose another.", module=target.title,
                slug=new_slug))
            form.slug.data = writing.free_slug(new_slug, writing.sibling_slugs(target.items),
                                               "item")
            return _move_page(course, item, form)
        source = item.module.title
        return change_on_purpose(
            course, item, lambda: moves.move_item_to_module(item, target, new_slug),
            _("Move “%(title)s” to “%(module)s”?", title=item.title, module=target.title),
            _("Yes, move it"),
            _("“%(title)s” moved from “%(source)s” to the end of “%(module)s”; everyone's "
              "progress on it is kept.", title=item.title, source=source,
              module=target.title))
    return _move_page(course, item, form)


@bp.post("/courses/<slug>/modules/<int:module_id>/items/<int:item_id>/move/<direction>")
@role_required("facilitator")
def move_item(slug, module_id, item_id, direction):
    course, item = course_and_item(slug, module_id, item_id)
    direction = direction_or_404(direction)
    button_form_or_400()
    if item_rules.move_item(item, direction):
        db.session.commit()
        flash(_("“%(title)s” moved.", title=item.title), "success")
    return back_to(course, item)


@bp.post("/courses/<slug>/modules/<int:module_id>/items/<int:item_id>/archive")
@role_required("facilitator")
def archive_item(slug, module_id, item_id):
    course, item = course_and_item(slug, module_id, item_id)
    return change_on_purpose(
        course, item, lambda: writing.set_archived(item, True),
        _("Archive “%(title)s”?", title=item.title), _("Yes, archive it"),
        _("“%(title)s” archived: participants no longer see it, and their progress is "
          "kept.", title=item.title))


@bp.post("/courses/<slug>/modules/<int:module_id>/items/<int:item_id>/restore")
@role_required("facilitator")
def restore_item(slug, module_id, item_id):
    course, item = course_and_item(slug, module_id, item_id)
    return change_on_purpose(
        course, item, lambda: writing.set_archived(item, False),
        _("Restore “%(title)s”?", title=item.title), _("Yes, restore it"),
        _("“%(title)s” restored.", title=item.title))


@bp.post("/courses/<slug>/modules/<int:module_id>/items/<int:item_id>/publish")
@role_required("facilitator")
def publish_item(slug, module_id, item_id):
    course, item = course_and_item(slug, module_id, item_id)
    return change_on_purpose(
        course, item, lambda: item_rules.set_item_published(item, True),
        _("Publish “%(title)s”?", title=item.title), _("Yes, publish it"),
        _("“%(title)s” published.", title=item.title))


@bp.post("/courses/<slug>/modules/<int:module_id>/items/<int:item_id>/unpublish")
@role_required("facilitator")
def unpublish_item(slug, module_id, item_id):
    course, item = course_and_item(slug, module_id, item_id)
    return change_on_purpose(
        course, item, lambda: item_rules.set_item_published(item, False),
        _("Unpublish “%(title)s”?", title=item.title), _("Yes, unpublish it"),
        _("“%(title)s” unpublished: it is a draft again, which participants do not see, "
          "and their progress is kept.", title=item.title))


@bp.post("/courses/<slug>/modules/<int:module_id>/items/<int:item_id>/delete")
@role_required("facilitator")
def delete_item(slug, module_id, item_id):
    course, item = course_and_item(slug, module_id, item_id)
    module = item.module
    button_form_or_400()
    title = item.title
    try:
        with file_changes(releasing=item_rules.item_files([item])):
            item_rules.delete_item(item)
    except courses.StudioError as error:
        flash(str(error), "error")
        return back_to(course, module)
    flash(_("“%(title)s” deleted.", title=title), "success")
    return back_to(course, module)
