"""Progress reports from the player (JSON) and "I have read it" forms (plain HTML)."""

import json
from functools import wraps

from flask import abort, flash, jsonify, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from learning.catalog.services import get_item_by_id_or_404
from learning.cohorts.services import is_enrolled_in_course
from learning.core.api import json_errors
from learning.extensions import db
from learning.progress import bp, rules, services
from learning.progress.forms import CompleteForm

# A heartbeat is a few hundred bytes; anything near this is not one.
MAX_REPORT_BYTES = 16 * 1024


def json_error(status: int, message: str):
    """A short JSON error for the player's script."""
    return jsonify(error=message), status


@bp.before_request
def limit_report_size():
    if request.endpoint == "progress.watch":
        request.max_content_length = MAX_REPORT_BYTES


def participant_item(view):
    """Load the item of a progress request, for an enrolled participant only.

    Others get a 401 (not signed in), 404 (cannot see the item) or 403 (can see it, e.g. as
    a facilitator previewing, but keeps no progress in the course).
    """

    @wraps(view)
    def wrapped(item_id: int):
        if not current_user.is_authenticated:
            abort(401)
        item = get_item_by_id_or_404(item_id)
        if not is_enrolled_in_course(current_user, item.module.course):
            abort(403)
        return view(item)

    return wrapped


@bp.get("/csrf-token")
@json_errors
def csrf_token():
    """A fresh token for a page left open long enough for its own to stop working."""
    if not current_user.is_authenticated:
        abort(401)
    return jsonify(csrf_token=generate_csrf())


@bp.post("/items/<int:item_id>/watch")
@json_errors
@participant_item
def watch(item):
    """Merge the intervals the player reports as watched; answer with the item's state."""
    if item.kind != "recording" or not item.duration_seconds:
        return json_error(400, "this item is not a recording")
    try:
        raw = json.loads(request.form.get("intervals", ""))
        intervals = rules.parse_intervals(raw, item.duration_seconds)
        position = _position(request.form.get("position"), item.duration_seconds)
    except (ValueError, TypeError) as error:
        return json_error(400, str(error) if isinstance(error, rules.IntervalError)
                          else "intervals must be JSON")
    row = services.record_watch(current_user.id, item, intervals, position)
    # Read the answer before committing: the commit expires the row and the item, and
    # reading them afterwards would open a second (on SQLite, write-locking) transaction.
    answer = jsonify(
        status=row.status,
        watched_percent=rules.watched_percent(row.detail["intervals"], item.duration_seconds),
        position=row.detail.get("position", 0),
    )
    db.session.commit()
    return answer


def _position(raw: str | None, duration: int) -> float | None:
    if raw in (None, ""):
        return None
    value = float(raw)
    if not (0 <= value <= duration + rules.END_TOLERANCE_SECONDS):
        raise rules.IntervalError("position is outside the recording")
    return value


@bp.post("/items/<int:item_id>/complete")
@participant_item
def complete(item):
    """Mark a reading read, or a recording done by reading its transcript (works without JS)."""
    form = CompleteForm()
    if not form.validate_on_submit():
        abort(400)
    how = form.how.data
    if how == "read" and item.kind != "reading":
        abort(400)
    if how == "transcript" and not (item.kind == "recording" and item.transcript_completes):
        abort(400)
    services.mark_complete(current_user.id, item, how)
    db.session.commit()
    flash(_("Marked as done: %(title)s.", title=item.title), "success")
    module = item.module
    return redirect(url_for("catalog.item", slug=module.course.slug, module_slug=module.slug,
                            item_slug=item.slug))
