"""What the studio's pages share: the blueprint, the access rule, the way back, asking first.

The way back is to the row acted on; asking first is for a change that moves cohorts'
figures.

The pages themselves are in `views` and, for what an item's own pages do beyond its forms
(moving it to another module), `items`; both register on this blueprint.
"""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from learning.accounts.forms import EmptyForm
from learning.catalog.models import Module
from learning.database import db
from learning.studio import effects
from learning.studio import services as studio

bp = Blueprint("studio", __name__, url_prefix="/studio")


def course_or_404(slug):
    """The course with this slug, if the signed-in user may author it."""
    return studio.course_for_edit_or_404(slug, current_user)


def course_and_item(slug, module_id, item_id):
    """The course the user may author, and its module's item the URL names."""
    course = course_or_404(slug)
    return course, studio.item_for_edit_or_404(studio.module_for_edit_or_404(course, module_id),
                                               item_id)


def back_to(course, row=None):
    """The studio's course page, scrolled to the module or item acted on when there is one."""
    anchor = None
    if row is not None:
        anchor = f"{'module' if isinstance(row, Module) else 'item'}-{row.id}"
    return redirect(url_for("studio.course", slug=course.slug, _anchor=anchor))


def button_form_or_400() -> None:
    """A button's form carries a valid CSRF token, or the request is refused."""
    if not EmptyForm().validate_on_submit():
        abort(400)


def confirmation_page(course, change, heading: str, confirm_label: str, action=None,
                      notice=None):
    """The page asking to confirm a change that moves a cohort's figures, or None.

    None when the change may go ahead: confirmed on that page already, moving no one's
    completion of the course or of a module (`studio.effects`), or refused by the rules
    (`StudioError`: making it says why). The page re-sends the form that asked for the
    change, with `confirm` set; or, given an `action`, posts only `confirm` there. A
    `notice` says what has happened already.
    """
    if request.form.get("confirm") == "yes":
        return None
    try:
        found = effects.effects(course, change)
    except studio.StudioError:
        return None
    if not effects.affects_anyone(found):
        return None
    fields = [] if action else [
        (name, value) for name, value in request.form.items(multi=True)
        if name not in ("csrf_token", "confirm")]
    return render_template("studio/confirm_change.html", course=course, heading=heading,
                           confirm_label=confirm_label, effects=found, fields=fields,
                           action=action, notice=notice)


def change_on_purpose(course, row, change, question: str, confirm_label: str, done: str):
    """A button's change to a module or item, asked first if it moves anyone's figures.

    Made (`change`), committed and reported (`done`) once confirmed or when it moves no one.
    """
    button_form_or_400()
    confirming = confirmation_page(course, change, question, confirm_label)
    if confirming is not None:
        return confirming
    change()
    db.session.commit()
    flash(done, "success")
    return back_to(course, row)
