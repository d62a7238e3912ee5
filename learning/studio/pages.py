"""What the studio's pages share: the blueprint, the access rule, the way back, asking first.

The way back is to the row acted on; asking first is for a change that moves cohorts'
figures. An item's forms share how a new item is published and how a change to whether it
is required or published is asked; a change to files goes through one unit of work
(`file_changes`).

The pages register on this blueprint, each area in a module of its own: courses (`views`,
which imports the others so that the factory finds them all), modules (`module_views`), an
item's forms (`item_views`), what an item's pages do beyond its forms (`items`), the
self-assessment instruments (`instrument_views`), cohorts and their people
(`cohort_views`, `roster_views`), a course's images (`image_views`) and the reading
editor's preview (`editor_views`).
"""

import dataclasses

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from learning.accounts.forms import EmptyForm
from learning.catalog.models import Module
from learning.database import db
from learning.media.files import FileChanges
from learning.studio import courses, effects, item_rules

bp = Blueprint("studio", __name__, url_prefix="/studio")

KIND_LABELS = {
    "recording": _l("Recording"),
    "reading": _l("Reading"),
    "self_assessment": _l("Self-assessment"),
}
DIRECTIONS = (courses.UP, courses.DOWN)
# Room for an upload form's other fields beside its file.
FORM_ALLOWANCE_BYTES = 256 * 1024


@bp.context_processor
def labels():
    """The item kinds' labels, in the request's language."""
    return {"studio_kind_labels": {kind: str(label) for kind, label in KIND_LABELS.items()}}


def course_or_404(slug):
    """The course with this slug, if the signed-in user may author it."""
    return courses.course_for_edit_or_404(slug, current_user)


def course_and_item(slug, module_id, item_id):
    """The course the user may author, and its module's item the URL names."""
    course = course_or_404(slug)
    return course, courses.item_for_edit_or_404(courses.module_for_edit_or_404(course, module_id),
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
    except courses.StudioError:
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


def direction_or_404(direction: str) -> str:
    """"up" or "down" from the URL; 404 for anything else."""
    if direction not in DIRECTIONS:
        abort(404)
    return direction


def may_author(slug, **_url) -> bool:
    """Whether this request may send an upload's body: its user may author the course."""
    return courses.may_edit_course(slug, current_user)


def file_changes(releasing=()) -> FileChanges:
    """The unit of work for a change to items' files under MEDIA_ROOT (`media.files`).

    `releasing`: the files the change may let go of. They are removed once it commits,
    those no item (archived or not) still names.
    """
    return FileChanges(current_app.config["MEDIA_ROOT"],
                       in_use=item_rules.files_in_use).releasing(releasing)


def no_account(email: str) -> str:
    """Why a person named by address cannot be added: no account has it yet."""
    return _("No account has the address %(email)s. They can register first; then add them "
             "here.", email=email)


def _item_change_words(item, fields) -> tuple[str, str] | None:
    """The question and the button for an item form's change that can move figures.

    Those are changes to whether the item is required or published; None for neither.
    """
    publishing = fields.is_published != item.is_published
    requiring = fields.is_required != item.is_required
    if publishing and requiring:
        return _("Save the changes to “%(title)s”?", title=item.title), _("Yes, save them")
    if publishing:
        return ((_("Publish “%(title)s”?", title=item.title), _("Yes, publish it"))
                if fields.is_published else
                (_("Unpublish “%(title)s”?", title=item.title), _("Yes, unpublish it")))
    if requiring:
        return ((_("Make “%(title)s” required?", title=item.title), _("Yes, make it required"))
                if fields.is_required else
                (_("Make “%(title)s” optional?", title=item.title), _("Yes, make it optional")))
    return None


def confirm_item_change(course, item, fields, change, files=(), form_page=None):
    """For an item's edit form: the page asking to confirm its change, or None to save it.

    Asked when the form changes whether the item is required or published and that moves
    someone's figures (`confirmation_page`). The confirmation page re-sends the form's
    fields, never its files: so a submission that carries a new file (`files`, the form's
    file fields) and would need confirming stores nothing and asks nothing. The form comes
    back (`form_page`) with the reason beside the file: save the file with "Required" and
    "Published" as they were, then change them.
    """
    words = _item_change_words(item, fields)
    if words is None:
        return None
    confirming = confirmation_page(course, change, *words)
    carrying = next((field for field in files if field.data), None)
    if confirming is None or carrying is None:
        return confirming
    carrying.errors.append(_(
        "This change to whether the item is required or published moves participants' "
        "figures and is confirmed on a page of its own, which cannot carry a file. Save the "
        "new file first with “Required” and “Published” as they were, then change them."))
    return form_page()


def created(course, item, publish: bool, message: str, then=None):
    """Where an item's creation form goes next: the item is saved, as a draft, and committed.

    If the form ticked "Published", the item is published now when that moves no one's
    figures; otherwise it stays a draft and the page asking to confirm publishing it is
    the answer (posting to `publish_item`). A file the form carried is already stored with
    the draft, so nothing is lost whatever the facilitator answers. `then` gives the page
    to go to once created, when not the studio's course page.
    """
    if publish:
        confirming = confirmation_page(
            course, lambda: item_rules.set_item_published(item, True),
            _("Publish “%(title)s”?", title=item.title), _("Yes, publish it"),
            action=url_for("studio.publish_item", slug=course.slug, module_id=item.module_id,
                           item_id=item.id),
            notice=_("“%(title)s” is created as a draft. Publishing it changes what cohorts "
                     "have completed: it is published once you confirm below; until then "
                     "only facilitators see it.", title=item.title))
        if confirming is not None:
            return confirming
        item_rules.set_item_published(item, True)
        db.session.commit()
    flash(message, "success")
    return then() if then is not None else back_to(course, item)


def as_draft(create):
    """A creation service called with fields that make a draft (`created` publishes it)."""
    return lambda fields: create(dataclasses.replace(fields, is_published=False))
