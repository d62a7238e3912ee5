"""The page following a roster's import: what the job has done so far.

Registered on the studio's blueprint (`pages.bp`); `views` imports this module so that its
page is there whenever the studio's are.
"""

from flask import abort, render_template
from flask_login import current_user

from learning.accounts.permissions import role_required
from learning.cohorts import access
from learning.cohorts.models import RosterImport
from learning.database import db
from learning.studio.pages import bp


@bp.get("/cohorts/<int:id>/participants/imports/<int:import_id>")
@role_required("facilitator")
def roster_import(id, import_id):
    """A roster's import: queued (with a Refresh link) or done, with the one count shown."""
    cohort = access.get_cohort_for_edit_or_404(id, current_user)
    record = db.session.get(RosterImport, import_id)
    if record is None or record.cohort_id != cohort.id:
        abort(404)
    return render_template("studio/roster_import.html", cohort=cohort, record=record)
