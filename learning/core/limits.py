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
"""

import io
from collections.abc import Callable, Mapping

from flask import Flask, abort, current_app, request
from werkzeug.exceptions import RequestEntityTooLarge


def body_limit(max_bytes: int | Callable[[Mapping], int]):
    """Let this view accept bodies of at most `max_bytes` instead of `MAX_CONTENT_LENGTH`.

    A number, or a function of the app's configuration (an upload's configured size).
    """

    def decorator(view):
        view.max_body_bytes = max_bytes
        return view

    return decorator


def limit_for(endpoint: str | None) -> int:
    """The largest body the endpoint accepts, in bytes."""
    view = current_app.view_functions.get(endpoint or "")
    own = getattr(view, "max_body_bytes", None)
    if own is None:
        return current_app.config["MAX_CONTENT_LENGTH"]
    return own(current_app.config) if callable(own) else own


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
    """Apply the endpoint's limit to this request's body before anything reads it."""
    limit = limit_for(request.endpoint)
    request.max_content_length = limit
    length = request.content_length
    if length is not None:
        if length > limit:
            abort(413)
    elif "wsgi.input_terminated" in request.environ:
        request.stream = CappedStream(request.environ["wsgi.input"], limit)


def init_app(app: Flask) -> None:
    """Register the check as the first `before_request`, whatever was registered already."""
    app.before_request_funcs.setdefault(None, []).insert(0, refuse_oversized_body)
