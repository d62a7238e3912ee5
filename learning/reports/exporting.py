"""The participants export: every row the filters show, safe to open in a spreadsheet."""

from learning.catalog.outline import ModuleOutline
from learning.reports.list_requests import ListRequest
from learning.reports.listing import matching_ids, participant_rows

EXPORT_CHUNK = 500
# A spreadsheet runs a cell starting with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value) -> str:
    """A cell's text, with a leading apostrophe if a spreadsheet would read it as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def export_rows(cohort, request: ListRequest, modules: list[ModuleOutline]):
    """Every row the filters show, in order, a chunk of participants at a time.

    Yields ParticipantRow; memory holds the ordered ids and one chunk (the session keeps
    no reference to a chunk's certificates once they are written), whatever the size.
    """
    ids = matching_ids(cohort, request)
    for start in range(0, len(ids), EXPORT_CHUNK):
        yield from participant_rows(cohort, ids[start:start + EXPORT_CHUNK], modules)
