"""Marking views whose errors are answered in JSON, for the little JavaScript there is."""

from flask import current_app, request


def json_errors(view):
    """Answer this view's errors (400, 401, 403, 404, 413, CSRF...) with {"error": "..."}."""
    view.json_errors = True
    return view


def wants_json_errors() -> bool:
    """True while handling a request for a view marked with @json_errors."""
    view = current_app.view_functions.get(request.endpoint or "")
    return bool(getattr(view, "json_errors", False))
