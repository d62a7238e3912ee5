"""Private pages are never cached: every response to a signed-in visitor is `no-store`.

Results, profile, certificates, cohorts, administration, the JSON the player reads: anything
answered to someone signed in may be theirs alone, so neither the browser nor a cache on the
way keeps a copy (a shared computer's history, a proxy's disk). Public pages keep whatever
caching they had; static files are the same for everyone and are left alone.

Course media (recordings, captions, PDFs) are the one exception, see `revalidate_privately`.

Static files (style sheets, scripts, icons) are linked with their content's fingerprint
(`/static/css/site.css?v=1a2b3c4d5e6f`) and kept by browsers for a year without asking again
(`versioned_static`): a page on a slow connection costs one request, not one more round trip
per file to learn that nothing changed. A changed file has a new fingerprint, so a new URL.
"""

import hashlib
import os

from flask import Flask, Response, current_app, g, request, session

STATIC_MAX_AGE = 365 * 24 * 3600
_fingerprints: dict[tuple[str, float], str] = {}


def fingerprint(app: Flask, filename: str) -> str | None:
    """A short hash of the static file's content, kept per file and modification time."""
    path = os.path.join(app.static_folder or "", filename)
    try:
        mtime = os.stat(path).st_mtime
    except OSError:
        return None  # a missing file: its link is left as it is, and answers 404
    key = (path, mtime)
    if key not in _fingerprints:
        with open(path, "rb") as file:
            _fingerprints[key] = hashlib.sha256(file.read()).hexdigest()[:12]
    return _fingerprints[key]


def _versioned_url(app: Flask):
    def add_version(endpoint: str, values: dict) -> None:
        if endpoint == "static" and "filename" in values and "v" not in values:
            version = fingerprint(app, values["filename"])
            if version:
                values["v"] = version
    return add_version


def versioned_static(response: Response) -> Response:
    """`after_request`: a static file asked for at its current fingerprint is kept a year."""
    if request.endpoint != "static" or response.status_code != 200:
        return response
    asked = request.args.get("v")
    if asked and asked == fingerprint(current_app, request.view_args["filename"]):
        response.cache_control.no_cache = None
        response.cache_control.public = True
        response.cache_control.max_age = STATIC_MAX_AGE
        response.cache_control.immutable = True
    return response


def revalidate_privately(response: Response) -> Response:
    """Let the browser keep a media file, but ask the server again before each use.

    `private, no-cache` rather than `no-store`: a recording is course material, not a
    person's data, and people on metered connections seek back and forth through it and
    come back to it. The browser keeps the bytes it fetched (range requests fill its media
    cache piece by piece; with `no-store` it would fetch them again) and revalidates with a
    conditional request, answered 304 with no body while the file is unchanged. Because each
    use asks the server, a browser signed out or no longer enrolled is refused, not served
    from its cache. No shared cache may keep a copy.
    """
    response.cache_control.public = False
    response.cache_control.max_age = None
    response.cache_control.private = True
    response.cache_control.no_cache = True
    return response


def _revalidated_privately(response: Response) -> bool:
    return bool(response.cache_control.private and response.cache_control.no_cache)


def _signed_in() -> bool:
    """Whether the response goes to someone signed in, without asking the database.

    The user this request loaded, if it loaded one; else the session cookie naming one (so
    an error page rendered before the user was loaded counts too).
    """
    user = g.get("_login_user")
    if user is not None and user.is_authenticated:
        return True
    return "_user_id" in session


def no_store_when_signed_in(response: Response) -> Response:
    """`after_request`: `Cache-Control: no-store` on every response to a signed-in visitor."""
    if request.endpoint == "static" or not _signed_in():
        return response
    if _revalidated_privately(response):
        return response
    response.headers["Cache-Control"] = "no-store"
    return response


def init_app(app: Flask) -> None:
    """Register the `after_request` hooks and the static files' fingerprints in their URLs."""
    app.after_request(no_store_when_signed_in)
    app.after_request(versioned_static)
    app.url_defaults(_versioned_url(app))
