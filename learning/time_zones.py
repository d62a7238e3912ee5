"""Time zones: which IANA names a cohort may use, and the date a moment falls on in one.

Timestamps are stored in UTC; a date shown to people (the day a course was completed, on a
certificate) is the date where they are: in their cohort's time zone. zoneinfo reads the
IANA database from the tzdata package where the system has none.
"""

from datetime import UTC, date, datetime
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from flask import current_app

DEFAULT_TIME_ZONE = "America/Port_of_Spain"
TIME_ZONE_MAX = 64  # characters stored; the longest IANA names have about 30
# Offered in forms: "Region/City" names. Legacy aliases such as US/Eastern, EST5EDT or
# Etc/GMT+4 (whose sign is the reverse of what people expect) are left out.
_REGIONS = ("Africa", "America", "Antarctica", "Arctic", "Asia", "Atlantic", "Australia",
            "Europe", "Indian", "Pacific")


def is_time_zone(name: object) -> bool:
    """True for a time zone name zoneinfo knows, such as "America/Port_of_Spain"."""
    if not isinstance(name, str) or not name or name != name.strip():
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


@cache
def time_zone_names() -> tuple[str, ...]:
    """The time zones to choose from: UTC, then every Region/City name in order."""
    names = sorted(name for name in available_timezones()
                   if "/" in name and name.split("/", 1)[0] in _REGIONS)
    return ("UTC", *names)


def default_time_zone() -> str:
    """The installation's time zone for cohorts that do not name one (DEFAULT_TIME_ZONE)."""
    return current_app.config.get("DEFAULT_TIME_ZONE") or DEFAULT_TIME_ZONE


def local_date(moment: datetime, time_zone: str) -> date:
    """The date the moment falls on in the time zone (a naive moment is taken as UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(ZoneInfo(time_zone)).date()


def local_time(moment: datetime, time_zone: str) -> datetime:
    """The moment as a wall-clock time in the time zone (a naive moment is taken as UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(ZoneInfo(time_zone))
