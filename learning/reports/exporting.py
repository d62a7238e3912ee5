"""The participants export: every row the filters show, safe to open in a spreadsheet."""

from datetime import UTC, datetime

from learning.catalog.outline import ModuleOutline
from learning.core.slugs import slugify
from learning.reports.list_requests import ListRequest
from learning.reports.listing import matching_ids, participant_rows
from learning.time_zones import local_date

EXPORT_CHUNK = 500
# A spreadsheet runs a cell starting with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value) -> str:
    """A cell's text, with a leading apostrophe if a spreadsheet would read it as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def file_name(cohort, what: str, now: datetime | None = None) -> str:
    """An export's file name: the cohort's name, what it holds and the day, in its time zone.

    "demo-cohort-participants-2026-12-06.csv": exports of several cohorts, or of one on
    several days, never overwrite one another in a downloads folder.
    """
    day = local_date(now or datetime.now(UTC), cohort.time_zone)
    return f"{slugify(cohort.name, 60) or 'cohort'}-{what}-{day.isoformat()}.csv"


def export_rows(cohort, request: ListRequest, modules: list[ModuleOutline]):
    """Every row the filters show, in order, a chunk of participants at a time.

    Yields ParticipantRow; memory holds the ordered ids and one chunk (the session keeps
    no reference to a chunk's certificates once they are written), whatever the size.
    """
    ids = matching_ids(cohort, request)
    for start in range(0, len(ids), EXPORT_CHUNK):
        yield from participant_rows(cohort, ids[start:start + EXPORT_CHUNK], modules)
