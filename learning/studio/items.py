"""Studio pages for an item beyond its own forms: moving it to another module of its course.

Registered on the studio's blueprint (`pages.bp`); `views` imports this module so that its
pages are there whenever the studio's are.
"""

from flask import render_template
from flask_babel import gettext as _
from wtforms.fields.choices import SelectChoice

from learning.accounts.permissions import role_required
from learning.core.slugs import unique_slug
from learning.studio import moves
from learning.studio import services as studio
from learning.studio.forms import SLUG_MAX, MoveItemForm
from learning.studio.pages import bp, change_on_purpose, course_and_item


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
            form.slug.data = unique_slug(new_slug, studio.item_slugs(target), SLUG_MAX)
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
