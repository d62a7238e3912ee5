"""Home page, health check, error pages and the headers every response carries."""

from flask import Blueprint, current_app, g, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from sqlalchemy import text
from sqlalchemy.exc import InterfaceError, OperationalError, SQLAlchemyError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from werkzeug.exceptions import BadRequest

from learning.accounts.signing_in import landing_endpoint
from learning.core.api import wants_json_errors
from learning.database import db
from learning.extensions import login_manager

bp = Blueprint("site", __name__)

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "media-src 'self'",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


HSTS_MAX_AGE = 365 * 24 * 3600


@bp.get("/")
def home():
    if current_user.is_authenticated:
        return redirect(url_for(landing_endpoint(current_user)))
    return render_template("site/home.html")


@bp.get("/ping")
def ping():
    """Liveness: the process answers, whatever the database does (see /healthz for that)."""
    return "pong\n", 200, {"Content-Type": "text/plain; charset=utf-8"}


@bp.get("/healthz")
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        db.session.rollback()
        current_app.logger.exception("Health check: database unreachable")
        return {"status": "error", "database": "unreachable"}, 503
    return {"status": "ok", "database": "ok"}, 200


@bp.after_app_request
def security_headers(response):
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    if request.is_secure:
        # Over HTTPS (directly, or behind a proxy trusted with PROXY_COUNT): HTTPS only, from
        # now on, for a year.
        response.headers.setdefault("Strict-Transport-Security",
                                    f"max-age={HSTS_MAX_AGE}; includeSubDomains")
    return response


ERRORS = {
    400: (lambda: _("Bad request"), lambda: _("The request could not be understood.")),
    401: (lambda: _("Sign in required"), lambda: _("Please sign in to continue.")),
    403: (lambda: _("Not allowed"), lambda: _("You do not have permission to see this page.")),
    404: (lambda: _("Page not found"), lambda: _("There is no page at this address.")),
    405: (
        lambda: _("Method not allowed"),
        lambda: _("This address does not accept that kind of request."),
    ),
    429: (
        lambda: _("Too many attempts"),
        lambda: _("Please wait a minute before trying again."),
    ),
    413: (
        lambda: _("Request too large"),
        lambda: _("What you sent is larger than this page accepts."),
    ),
    500: (
        lambda: _("Something went wrong"),
        lambda: _("An unexpected error occurred. It has been logged; please try again."),
    ),
    503: (
        lambda: _("Briefly unavailable"),
        lambda: _("The site cannot reach its database just now. Please try again in a "
                  "minute."),
    ),
}
# How long a client is asked to wait before trying again when the database is out of reach.
RETRY_AFTER_SECONDS = 30


def _render_error(status: int, message: str | None = None):
    title, default_message = ERRORS[status]
    if wants_json_errors():
        return jsonify(error=message or default_message()), status
    return (
        render_template(
            "site/error.html", status=status, title=title(), message=message or default_message()
        ),
        status,
    )


@bp.app_errorhandler(CSRFError)
def csrf_error(error):
    return _render_error(
        400, _("Your form had expired or was sent from elsewhere. Please go back and try again.")
    )


@bp.app_errorhandler(400)
def bad_request(error):
    # abort(400, description=...) names what is wrong; Werkzeug's own text is not for people.
    own = error.description if error.description != BadRequest.description else None
    return _render_error(400, own)


@bp.app_errorhandler(401)
def unauthorised(error):
    return _render_error(401)


@bp.app_errorhandler(405)
def method_not_allowed(error):
    return _render_error(405)


@bp.app_errorhandler(403)
def forbidden(error):
    return _render_error(403)


@bp.app_errorhandler(404)
def not_found(error):
    return _render_error(404)


@bp.app_errorhandler(413)
def too_large(error):
    return _render_error(413)


@bp.app_errorhandler(429)
def too_many_requests(error):
    return _render_error(429)


@bp.app_errorhandler(500)
def internal_error(error):
    db.session.rollback()
    return _render_error(500)


@bp.app_errorhandler(OperationalError)
@bp.app_errorhandler(InterfaceError)
@bp.app_errorhandler(PoolTimeoutError)
def database_unavailable(error):
    """The database is out of reach (down, restarting, refusing connections): 503, retry.

    The page is rendered without asking the database anything: a visitor not yet known to
    this request is shown the signed-out layout.
    """
    current_app.logger.error("Database unavailable: %s", error)
    try:
        db.session.rollback()
    except SQLAlchemyError:
        current_app.logger.exception("Rollback failed while the database is unavailable")
    if "_login_user" not in g:
        g._login_user = login_manager.anonymous_user()
    response, status = _render_error(503)
    return response, status, {"Retry-After": str(RETRY_AFTER_SECONDS)}
