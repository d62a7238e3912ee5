"""What a URL may carry: ids the database can hold, text without control characters, pages.

Anything else is answered before a query runs: PostgreSQL fails on a NUL byte in text and
on a number too large for the column it is compared with, and such a failure would be a 500.

- `<int:...>` matches only ids an INTEGER primary key can hold (1 to 2**31 - 1, PostgreSQL's
  INTEGER); a larger one is no page: 404.
- Text in the path (`<slug>`, `<code>`) matches only without control characters: 404.
- A query string with a control character in any value is a bad request: 400.
- `page_number()` reads `?page=`: missing is 1, anything but a whole number from 1 to
  MAX_PAGE is 400; `paginate()` turns a page past the last into the last.
"""

from flask import Flask, abort, request
from flask_babel import gettext as _
from werkzeug.routing import IntegerConverter, UnicodeConverter, ValidationError

from learning.core.text import has_control_characters
from learning.database import db

MAX_ID = 2**31 - 1
MAX_PAGE = 2**31 - 1


class IdConverter(IntegerConverter):
    """The default `int` converter, bounded by what the id columns can hold."""

    def __init__(self, map, fixed_digits=0, min=1, max=MAX_ID, signed=False):  # noqa: A002
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)

    def to_python(self, value: str) -> int:
        # Python refuses to read numbers of thousands of digits (a ValueError, not a no-match).
        if len(value) > len(str(self.max)):
            raise ValidationError()
        return super().to_python(value)


class TextConverter(UnicodeConverter):
    """The default converter: a path segment without control characters."""

    def to_python(self, value: str) -> str:
        if has_control_characters(value):
            raise ValidationError()
        return value


def refuse_control_characters_in_query() -> None:
    """Answer 400 to a query string with a control character in any name or value."""
    if not request.query_string:
        return
    for name, value in request.args.items(multi=True):
        if has_control_characters(name) or has_control_characters(value):
            abort(400, description=_("The address contains characters that are not allowed."))


def page_number(name: str = "page") -> int:
    """The page the query string asks for: 1 if none, else a whole number up to MAX_PAGE.

    Anything else (negative, zero, not a number, too large) is a bad request: 400.
    """
    raw = request.args.get(name)
    if raw is None or raw == "":
        return 1
    if not raw.isascii() or not raw.isdigit() or len(raw) > len(str(MAX_PAGE)):
        abort(400, description=_("The page number must be a whole number from 1."))
    page = int(raw)
    if not 1 <= page <= MAX_PAGE:
        abort(400, description=_("The page number must be a whole number from 1."))
    return page


def paginate(query, per_page: int):
    """The query's page that `?page=` asks for; a page past the last is the last."""
    page = page_number()
    pagination = db.paginate(query, page=page, per_page=per_page, max_per_page=per_page,
                             error_out=False)
    if page > 1 and page > pagination.pages:
        pagination = db.paginate(query, page=max(pagination.pages, 1), per_page=per_page,
                                 max_per_page=per_page, error_out=False)
    return pagination


def init_app(app: Flask) -> None:
    """Register the converters (before any route) and the query string check."""
    app.url_map.converters["int"] = IdConverter
    app.url_map.converters["default"] = TextConverter
    app.url_map.converters["string"] = TextConverter
    app.before_request(refuse_control_characters_in_query)
