"""Private pages are never cached: every response to a signed-in visitor is `no-store`.

Results, profile, certificates, cohorts, administration, the JSON the player reads: anything
answered to someone signed in may be theirs alone, so neither the browser nor a cache on the
way keeps a copy (a shared computer's history, a proxy's disk). Public pages keep whatever
caching they had; static files are the same for everyone and are left alone.

Course media (recordings, captions, PDFs) are the one exception, see `revalidate_privately`.
"""

from flask import Flask, Response, g, request, session


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
    """Register the `after_request` hook."""
    app.after_request(no_store_when_signed_in)
