"""The page where someone with an account accepts an invitation to a cohort.

Registered on the cohorts' blueprint (`pages.bp`); `views` imports this module so that its
page is there whenever theirs are.
"""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from learning.accounts.forms import EmptyForm
from learning.cohorts import invitations, members
from learning.cohorts.pages import bp
from learning.database import db


def _refused(error: invitations.CohortInvitationError, status: int):
    return render_template("cohorts/invitation_invalid.html", message=str(error),
                           expired=error.expired), status


@bp.route("/cohorts/invitations/<token>", methods=["GET", "POST"])
@login_required
def accept_invitation(token):
    """Accept an invitation to a cohort, signed in as the account it was sent to.

    Anonymous visitors are sent to sign in first (and back here). An expired or broken link,
    or one for another account, gets a page saying so; one already accepted says that the
    person is in the cohort. Pressing "Accept" (a POST with its CSRF token) enrols them.
    """
    try:
        invitation = invitations.read_invitation(token)
    except invitations.CohortInvitationError as error:
        return _refused(error, 400)
    if invitation.user.id != current_user.id:
        return _refused(invitations.CohortInvitationError(_(
            "This invitation was sent to another account. Sign out, then open the link again "
            "and sign in with the email address it was sent to.")), 403)
    cohort = invitation.cohort
    course_page = url_for("catalog.course", slug=cohort.course.slug)
    if members.is_enrolled(current_user, cohort):
        flash(_("You are already in %(cohort)s.", cohort=cohort.name), "info")
        return redirect(course_page)
    form = EmptyForm()
    if form.validate_on_submit():
        invitations.accept(invitation, current_user)
        db.session.commit()
        flash(_("You have joined %(cohort)s. Welcome to %(course)s.",
                cohort=cohort.name, course=cohort.course.title), "success")
        return redirect(course_page)
    return render_template("cohorts/invitation.html", cohort=cohort, form=form, token=token)
