"""Administration of work done outside requests: the mail outbox and the failed jobs.

Admins see every email, newest first, filtered by status, and send a failed one again;
and the jobs that failed for good, which they may queue again. A blueprint nested in the
admin one (`admin.work.*`, under /admin).
"""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from learning.accounts.forms import EmptyForm
from learning.accounts.permissions import role_required
from learning.core.routing import paginate
from learning.database import db
from learning.jobs import services as jobs
from learning.jobs.models import FailedJob
from learning.mail import services as mail
from learning.mail.models import STATUSES, OutboxMessage

bp = Blueprint("work", __name__)

PER_PAGE = 50
STATUS_LABELS = {
    "pending": _l("Waiting to be sent"),
    "sending": _l("Being sent"),
    "sent": _l("Sent"),
    "failed": _l("Not sent"),
}
KIND_LABELS = {
    "password_reset": _l("Password reset"),
    "invitation": _l("Invitation"),
    "details_changed": _l("Account details changed"),
    "reminder": _l("Reminder"),
    "announcement": _l("Announcement"),
}


@bp.get("/mail")
@role_required("admin")
def outbox():
    """Every email, newest first; `?status=` narrows to one status."""
    status = request.args.get("status", "")
    if status and status not in STATUSES:
        abort(400, description=_("Choose a status from the list."))
    pagination = paginate(mail.messages(status or None), PER_PAGE)
    return render_template("admin/outbox.html", pagination=pagination, status=status,
                           statuses=STATUSES, status_labels=STATUS_LABELS,
                           kind_labels=KIND_LABELS, counts=mail.counts(),
                           mail_on=mail.mail_is_on(), form=EmptyForm())


@bp.post("/mail/<int:id>/retry")
@role_required("admin")
def retry_message(id):
    """Send a failed email again, from its first attempt."""
    message = db.get_or_404(OutboxMessage, id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    if mail.retry(message):
        db.session.commit()
        flash(_("The email to %(to)s will be sent again.", to=message.recipient), "success")
    else:
        flash(_("The email to %(to)s is not failed any more: nothing was done.",
                to=message.recipient), "info")
    return redirect(url_for("admin.work.outbox", status="failed"))


@bp.get("/jobs")
@role_required("admin")
def failed_jobs():
    """The jobs that failed on every attempt, latest first."""
    pagination = paginate(jobs.failed_jobs(), PER_PAGE)
    return render_template("admin/failed_jobs.html", pagination=pagination, form=EmptyForm())


@bp.post("/jobs/<int:id>/retry")
@role_required("admin")
def retry_job(id):
    """Queue a failed job again, with its arguments."""
    failed = db.get_or_404(FailedJob, id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    name = failed.name
    try:
        jobs.retry(failed)
    except jobs.UnknownJobError as error:
        flash(str(error), "error")
    else:
        db.session.commit()
        flash(_("The job %(name)s is queued again.", name=name), "success")
    return redirect(url_for("admin.work.failed_jobs"))
