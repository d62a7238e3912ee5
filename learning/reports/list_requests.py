"""What a participants list (and the mindset page's filters) may ask for, read from the URL.

An unknown status, sort key or direction, or a country that is no ISO code on the list, is
refused here with the reason (the page answers 400), before any query runs.
"""

from dataclasses import dataclass

from learning.countries import is_country
from learning.progress import rules

STATUSES = (rules.NOT_STARTED, rules.IN_PROGRESS, rules.COMPLETE)
SORT_KEYS = ("name", "email", "organisation", "country", "progress", "last_activity",
             "enrolled")
DIRECTIONS = ("asc", "desc")
SEARCH_MAX = 254


class BadListRequest(ValueError):
    """A participants list asked for with a filter or sort that does not exist."""


class NotAPartition(BadListRequest):
    """Mindset filters combining what is released only apart (a country and an organisation)."""


class NoSuchGroup(BadListRequest):
    """A mindset filter naming a country or organisation no answer of the cohort came from."""


class UnknownCountry(BadListRequest):
    """A country filter that is no ISO code on the list (`asked`: what the URL said)."""

    def __init__(self, asked: str):
        super().__init__("country")
        self.asked = asked


@dataclass(frozen=True)
class ListRequest:
    """What a participants list shows: filters, search, order and page (from the URL)."""

    status: str = ""
    country: str = ""
    organisation: str = ""
    search: str = ""
    sort: str = "name"
    direction: str = "asc"
    page: int = 1

    def args(self, **changes) -> dict:
        """The URL arguments that ask for this list again, with `changes`, defaults left out."""
        values = {"status": self.status, "country": self.country,
                  "organisation": self.organisation, "q": self.search, "sort": self.sort,
                  "dir": self.direction, "page": self.page}
        values.update(changes)
        defaults = {"sort": "name", "dir": "asc", "page": 1}
        return {key: value for key, value in values.items()
                if value not in ("", None) and defaults.get(key) != value}


def parse_list_request(args) -> ListRequest:
    """Read a list request from URL arguments.

    An unknown status, sort key or direction raises BadListRequest, and a country that is
    not an ISO code on the list UnknownCountry (the page answers 400); a page that is not a
    whole number counts as the first (the list then clamps it to the nearest page there is).
    The organisation is free text matched exactly.
    """
    status = args.get("status", "").strip()
    if status and status not in STATUSES:
        raise BadListRequest("status")
    sort = args.get("sort", "name").strip() or "name"
    if sort not in SORT_KEYS:
        raise BadListRequest("sort")
    direction = args.get("dir", "asc").strip() or "asc"
    if direction not in DIRECTIONS:
        raise BadListRequest("dir")
    try:
        page = int(args.get("page", "1"))
    except ValueError:
        page = 1
    def text(name: str, limit: int) -> str:
        # No stored text holds a NUL, and PostgreSQL refuses one in a parameter.
        return args.get(name, "").replace("\x00", "").strip()[:limit]

    country = text("country", 80).upper()
    if country and not is_country(country):
        raise UnknownCountry(args.get("country", ""))
    return ListRequest(
        status=status,
        country=country,
        organisation=text("organisation", 160),
        search=text("q", SEARCH_MAX),
        sort=sort,
        direction=direction,
        page=page,
    )

