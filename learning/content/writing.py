"""How course content is written, whoever writes it: the content importer and the studio.

Modules of a course and items of a module are ordered by `position`, unique within their
parent and at least 1, and both databases check that per statement: two rows may never hold
the same number, not even for a moment between two UPDATEs. So a row that changes place
first steps aside, past every number its siblings hold, and only then takes its new one.
The importer (a whole folder at once), the studio (one row added, moved or renumbered) and
moving an item to another module all place rows through these functions.
"""

from collections.abc import Iterable, Sequence

from learning.database import db


def next_position(siblings: Iterable) -> int:
    """The number after the highest the rows hold (1 for none): the end of their parent."""
    return max((row.position for row in siblings), default=0) + 1


def step_aside(rows: Sequence, siblings: Iterable, past: int = 0) -> None:
    """Give each of the rows a number past every one the siblings (and the rows) hold.

    And past `past`, the highest number any row is about to take, so that neither a row
    taking its place nor a new row added there meets one standing aside. Flushed, so that
    the rows may then take their new places in any order.
    """
    if not rows:
        return
    start = max(next_position([*siblings, *rows]), past + 1)
    for offset, row in enumerate(rows):
        row.position = start + offset
    db.session.flush()


def place(rows_and_positions: Sequence[tuple[object, int]], siblings: Iterable) -> None:
    """Move each row to its position, those that change stepping aside first; flushed.

    The positions are the rows' final ones, none held by a sibling that keeps its own.
    """
    moving = [(row, position) for row, position in rows_and_positions
              if row.position != position]
    step_aside([row for row, _position in moving], siblings,
               past=max((position for _row, position in moving), default=0))
    for row, position in moving:
        row.position = position
    db.session.flush()


def renumber(rows: Sequence) -> None:
    """Number the rows 1, 2, 3… in this order: all their parent's, so no one else is in the way."""
    place([(row, number) for number, row in enumerate(rows, start=1)], rows)


def swap(rows: Sequence, row, other) -> None:
    """Swap the places of two rows among their parent's `rows`."""
    place([(row, other.position), (other, row.position)], rows)
