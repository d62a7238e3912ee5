"""Administration of one person's account: correct their details, deactivate, reactivate.

Deactivating asks first, on a page saying what it does. A blueprint nested in the admin
one (`admin.people.*`, under /admin), so that the admin pages stay in modules of a
readable size.
"""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from learning.accounts import emails
from learning.accounts.errors import EmailTakenError, LastAdminError
from learning.accounts.forms import EmptyForm
from learning.accounts.models import User
from learning.accounts.permissions import role_required
from learning.accounts.roles import deactivate_user, reactivate_user
from learning.accounts.users import DetailsChange, change_details, log_details_change
from learning.admin.forms import PersonDetailsForm
from learning.database import db

bp = Blueprint("people", __name__)


def _back_to(user: User):
    return redirect(url_for("admin.user", id=user.id))


def _saved_message(change: DetailsChange) -> str:
    if change.email_changed:
        return _("The details of %(name)s are saved. They were told by email at their old "
                 "address, %(old)s, and at their new one, %(new)s, with which they now sign in.",
                 name=change.user.name, old=change.previous_email, new=change.user.email)
    return _("The details of %(name)s are saved. They were told by email.",
             name=change.user.name)


@bp.route("/users/<int:id>/edit", methods=["GET", "POST"])
@role_required("admin")
def edit(id):
    """Correct a person's name, email address, organisation and country; they are told."""
    user = db.get_or_404(User, id)
    form = PersonDetailsForm(user, obj=user)
    if form.validate_on_submit():
        try:
            change = change_details(
                user, by=current_user, name=form.name.data, email=form.email.data,
                organisation=form.organisation.data or "", country=form.country.data or "")
        except EmailTakenError as error:
            db.session.rollback()
            form.email.errors.append(str(error))
        else:
            if not change.changed:
                flash(_("Nothing was changed: the details of %(name)s are as they were.",
                        name=user.name), "info")
                return _back_to(user)
            emails.send_details_changed(change)
            db.session.commit()
            log_details_change(change)
            flash(_saved_message(change), "success")
            return _back_to(user)
    return render_template("admin/edit_user.html", user=user, form=form)


@bp.route("/users/<int:id>/deactivate", methods=["GET", "POST"])
@role_required("admin")
def deactivate(id):
    """Ask first (what deactivating does), then deactivate on the confirmed POST."""
    user = db.get_or_404(User, id)
    if request.method == "POST" and not EmptyForm().validate_on_submit():
        abort(400)
    if user.id == current_user.id:
        flash(_("You cannot deactivate your own account."), "error")
        return _back_to(user)
    if not user.is_active:
        flash(_("%(name)s is already deactivated.", name=user.name), "info")
        return _back_to(user)
    if request.method == "GET" or request.form.get("confirm") != "yes":
        return render_template("admin/confirm_deactivate.html", user=user)
    try:
        deactivate_user(user)
    except LastAdminError as error:
        db.session.rollback()
        flash(str(error), "error")
        return _back_to(user)
    db.session.commit()
    flash(_("%(name)s is deactivated and signed out everywhere. Their progress and "
            "certificates are kept.", name=user.name), "success")
    return _back_to(user)


@bp.post("/users/<int:id>/reactivate")
@role_required("admin")
def reactivate(id):
    """Let a deactivated account sign in again."""
    user = db.get_or_404(User, id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    if reactivate_user(user):
        db.session.commit()
        flash(_("%(name)s can sign in again.", name=user.name), "success")
    return _back_to(user)
