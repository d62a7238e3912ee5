"""Request body limits, enforced before anything reads the body.

CSRFProtect parses a form in a `before_request`, so a limit a view sets for itself comes
after the body was read. The check here is the application's first `before_request`
(`init_app` puts it first): it knows the request's endpoint and nothing has read the body.

- A `Content-Length` over the endpoint's limit is refused with 413 at once, unread.
- A body without one (chunked, streamed) is read through a `CappedStream`, which raises 413
  as soon as more than the limit has come in. (Werkzeug's own cap would hand on the first
  `limit` bytes as if they were the whole body.) Only servers that mark the stream as
  terminated (`wsgi.input_terminated`: gunicorn, Werkzeug's) send such a body on; on others
  Werkzeug reads it as empty, never as an endless stream.

Every endpoint has `MAX_CONTENT_LENGTH`, small since forms are small; a view declares its
own limit, smaller (a progress report) or larger (an upload), with `@body_limit(...)`.

A larger limit is a privilege: it is granted only to a request its view's `granted` check
accepts (for the studio's uploads: signed in, and allowed to author the course or run the
cohort the URL names), asked from the headers alone (the session cookie, the URL) before
the body is read, and only when the body could be larger than `MAX_CONTENT_LENGTH`. Anyone
else, signed out or not allowed, is held to `MAX_CONTENT_LENGTH` on the same route: a
stranger cannot make the server read 200 MB only to be refused afterwards.
"""

import io
from collections.abc import Callable, Mapping

from flask import Flask, abort, current_app, request
from werkzeug.exceptions import RequestEntityTooLarge


def body_limit(max_bytes: int | Callable[[Mapping], int],
               granted: Callable[..., bool] | None = None):
    """Let this view accept bodies of at most `max_bytes` instead of `MAX_CONTENT_LENGTH`.

    A number, or a function of the app's configuration (an upload's configured size). A
    limit above `MAX_CONTENT_LENGTH` applies only to requests for which `granted(**view_args)`
    (the URL's arguments) is true; without `granted`, never.
    """

    def decorator(view):
        view.max_body_bytes = max_bytes
        view.body_limit_granted = granted
        return view

    return decorator


def _own_limit(view) -> int | None:
    own = getattr(view, "max_body_bytes", None)
    return own(current_app.config) if callable(own) else own


def limit_for(endpoint: str | None, view_args: Mapping | None = None, *,
              ask: bool = True) -> int:
    """The largest body this request to the endpoint may send, in bytes.

    The endpoint's own limit when it is smaller than `MAX_CONTENT_LENGTH`; when larger, only
    if its `granted` check accepts the request (asked only when `ask` is true: a request
    whose body cannot pass the general limit need not ask anything).
    """
    general = current_app.config["MAX_CONTENT_LENGTH"]
    view = current_app.view_functions.get(endpoint or "")
    own = _own_limit(view)
    if own is None:
        return general
    if own <= general:
        return own
    granted = getattr(view, "body_limit_granted", None)
    if ask and granted is not None and granted(**(view_args or {})):
        return own
    return general


class CappedStream(io.RawIOBase):
    """A request body of unknown length that raises 413 once more than `limit` bytes are read."""

    def __init__(self, stream, limit: int):
        self._stream = stream
        self._limit = limit
        self._read = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        # One byte past the limit is enough to know the body is too large.
        wanted = min(len(buffer), self._limit + 1 - self._read)
        if wanted <= 0:
            raise RequestEntityTooLarge()
        data = self._stream.read(wanted)
        self._read += len(data)
        if self._read > self._limit:
            raise RequestEntityTooLarge()
        buffer[:len(data)] = data
        return len(data)


def refuse_oversized_body() -> None:
    """Apply the limit this request may have to its body before anything reads it."""
    length = request.content_length
    streamed = length is None and "wsgi.input_terminated" in request.environ
    general = current_app.config["MAX_CONTENT_LENGTH"]
    # Whether to ask for a larger limit: only for a body that may be larger than the
    # general one (a declared length over it, or a stream of unknown length).
    ask = streamed or (length is not None and length > general)
    limit = limit_for(request.endpoint, request.view_args, ask=ask)
    request.max_content_length = limit
    if length is not None:
        if length > limit:
            abort(413)
    elif streamed:
        request.stream = CappedStream(request.environ["wsgi.input"], limit)


def init_app(app: Flask) -> None:
    """Register the check as the first `before_request`, whatever was registered already."""
    app.before_request_funcs.setdefault(None, []).insert(0, refuse_oversized_body)
