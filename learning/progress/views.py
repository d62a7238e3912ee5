"""Progress reports from the player (JSON) and "I have read it" forms (plain HTML)."""

import json
from functools import wraps

from flask import Blueprint, abort, flash, jsonify, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from learning.cohorts import visibility
from learning.core.api import json_errors
from learning.core.limits import body_limit
from learning.database import db, reads_then_writes
from learning.progress import lookups, rules, services
from learning.progress.forms import CompleteForm

bp = Blueprint("progress", __name__, url_prefix="/progress")

# A heartbeat is a few hundred bytes; anything near this is not one.
MAX_REPORT_BYTES = 16 * 1024


def json_error(status: int, message: str):
    """A short JSON error for the player's script."""
    return jsonify(error=message), status


def participant_item(view):
    """Find the item of a progress request in its course's outline, for a participant only.

    The view gets the course's and the item's outlines (`lookups.item_outline_or_404`): what
    progress needs of them, without loading the item's body. And the participant's progress
    row for the item, as read with them (None if there is none).

    Others get a 401 (not signed in), 404 (cannot see the item) or 403 (can see it, e.g. as
    a facilitator previewing, but keeps no progress in the course; or its module is not open
    for them yet: `visibility.module_openings`).
    """

    @wraps(view)
    def wrapped(item_id: int):
        if not current_user.is_authenticated:
            abort(401)
        course, access, item, seen = lookups.item_outline_or_404(item_id)
        if not access.is_enrolled:
            abort(403)
        if not visibility.module_openings(current_user, course.id, access.is_preview,
                                          item.module_id, access.scheduled
                                          ).is_open(item.module_id):
            abort(403)
        return view(course, item, seen)

    return wrapped


@bp.get("/csrf-token")
@json_errors
def csrf_token():
    """A fresh token for a page left open long enough for its own to stop working."""
    if not current_user.is_authenticated:
        abort(401)
    return jsonify(csrf_token=generate_csrf())


@bp.post("/items/<int:item_id>/watch")
@reads_then_writes
@json_errors
@body_limit(MAX_REPORT_BYTES)
@participant_item
def watch(course, item, seen):
    """Merge the intervals the player reports as watched; answer with the item's state.

    The busiest write of the site: its reads run before any write lock, and the write is
    `services.report_watching`'s.
    """
    if item.kind != "recording" or not item.duration_seconds:
        return json_error(400, "this item is not a recording")
    try:
        raw = json.loads(request.form.get("intervals", ""))
        intervals = rules.parse_intervals(raw, item.duration_seconds)
        position = _position(request.form.get("position"), item.duration_seconds)
    except RecursionError:
        # Thousands of nested brackets fit in a report's 16 KB; the parser gives up on them.
        return json_error(400, _("intervals are nested too deeply"))
    except (ValueError, TypeError) as error:
        return json_error(400, str(error) if isinstance(error, rules.IntervalError)
                          else "intervals must be JSON")
    duration = item.duration_seconds
    state = services.report_watching(current_user.id, item, seen, intervals, position)
    return jsonify(
        status=state.status,
        watched_percent=rules.watched_percent(state.detail["intervals"], duration),
        position=state.detail.get("position", 0),
    )


def _position(raw: str | None, duration: int) -> float | None:
    if raw in (None, ""):
        return None
    value = float(raw)
    if not (0 <= value <= duration + rules.END_TOLERANCE_SECONDS):
        raise rules.IntervalError("position is outside the recording")
    return value


@bp.post("/items/<int:item_id>/complete")
@participant_item
def complete(course, item, _seen):
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
    return redirect(url_for("catalog.item", slug=course.slug, module_slug=item.module_slug,
                            item_slug=item.slug))
