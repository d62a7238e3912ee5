"""How course content is written, whoever writes it: the content importer and the studio.

Both write the same rows, so both follow the rules here: where a row stands among its
siblings, what its slug may be, and what archiving and deleting do.

Positions. Modules of a course and items of a module are ordered by `position`, unique
within their parent and at least 1, and both databases check that per statement: two rows
may never hold the same number, not even for a moment between two UPDATEs. So a row that
changes place first steps aside, past every number its siblings hold, and only then takes
its new one. The importer (a whole folder at once), the studio (one row added, moved or
renumbered) and moving an item to another module all place rows through these functions.

Slugs. A slug is lower-case ASCII letters and digits in words joined by single hyphens
(`SLUG_PATTERN`), at most `SLUG_MAX` characters, and no sibling holds it: a course's
modules, a module's items, a course's instruments, an instrument's bands and dimensions.
Archived siblings count (`sibling_slugs`): an archived row can be restored, and its
address comes back with it. The two sides differ on purpose in how a slug comes to be:
a content file must give every slug (the files are the source, so the importer never
makes one up), and the folder reader refuses a duplicate naming the sibling that holds it
first (`content.folder`, `content.item_files`), whereas the studio makes one from a title
left without one (`free_slug`) and refuses one a sibling holds (`slug_taken`).

Archiving and deleting. Archiving sets `is_archived` and nothing else (`set_archived`): the
row keeps its place, its slug, whether it is published, and everyone's progress and
certificates; it is gone from every page and from the completion rule, and restoring it
brings it back as it was. A row someone has progress on is never deleted, only archived
(`may_delete`, over `progress_on`). The two sides differ on purpose in how they meet these
rules: the studio archives and deletes one row on a facilitator's request and refuses a
deletion alone; a content file states the whole course, so the importer writes a row's
`archived` with its other values and deletes the rows the folder no longer holds, refusing
the whole import (naming the files) when one of them has progress.
"""

import re
from collections.abc import Collection, Iterable, Sequence

from learning.core.slugs import slugify, unique_slug
from learning.database import db
from learning.progress import services as progress

SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# The slug columns' length, of modules, items, instruments, bands and dimensions alike.
SLUG_MAX = 80


# Positions ---------------------------------------------------------------------------------


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


# Slugs -------------------------------------------------------------------------------------


def sibling_slugs(siblings: Iterable, leaving_out=None) -> set[str]:
    """The slugs the siblings hold, archived ones included, but `leaving_out`'s own."""
    return {row.slug for row in siblings if row is not leaving_out}


def slug_taken(slug: str, siblings: Iterable, leaving_out=None) -> bool:
    """True if a sibling other than `leaving_out` (the row being edited) holds the slug."""
    return slug in sibling_slugs(siblings, leaving_out)


def free_slug(text: str, taken: Collection[str], fallback: str) -> str:
    """A slug made from `text` (a title, or a slug wanted), free among the `taken` slugs.

    `fallback` stands in for a text with nothing a slug can carry; a slug taken gets the
    first free number (slug-2, slug-3…), cut to stay within `SLUG_MAX` (`core.slugs`).
    """
    return unique_slug(slugify(text, SLUG_MAX) or fallback, taken, SLUG_MAX)


# Archiving and deleting ------------------------------------------------------------------


def set_archived(row, archived: bool) -> None:
    """Archive a module or an item, or bring it back: `is_archived` and nothing else; flushed."""
    row.is_archived = archived
    db.session.flush()


def progress_on(items: Iterable) -> dict[int, int]:
    """How many participants have progress on each of the items, for those anyone touched."""
    return progress.people_by_item(item.id for item in items)


def may_delete(items: Iterable, people: dict[int, int]) -> bool:
    """True if nobody has progress on any of the items (`progress_on`): they may go for good.

    Otherwise they are archived instead, so that the progress and the certificates that
    refer to them stay.
    """
    return not any(item.id in people for item in items)
