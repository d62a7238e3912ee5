"""Rows of a list in a posted form, added, removed and moved before the form reads them.

A page whose form holds lists (an instrument's bands, its dimensions, each dimension's
statements) offers "Add a…", "Remove" and "Move up/down" as submit buttons. Without
JavaScript the browser posts the whole form with the button pressed; the page then shows
the form again with that one change made and everything typed kept, and saves nothing. With
JavaScript the same post is made in place (static/js/rows.js). The change is made to the
posted fields themselves, under WTForms' names (`dimensions-1-statements-0-text`): WTForms'
lists number their rows from 0 again as they read them, so a row taken out or added at the
end needs nothing renumbered.

A button's value names the change: `add:<list>`, `remove:<row>`, `up:<row>`, `down:<row>`,
where a list is a field name such as `dimensions-1-statements` and a row is a list's name and
an index (`dimensions-1-statements-2`).
"""

import re
from dataclasses import dataclass

from werkzeug.datastructures import MultiDict

# The button every row change is posted with.
BUTTON = "row"
ACTIONS = ("add", "remove", "up", "down")
_ROW = re.compile(r"^(?P<list>[a-z_]+(?:-\d+-[a-z_]+)*)-(?P<index>\d+)$")
_LIST = re.compile(r"^[a-z_]+(?:-\d+-[a-z_]+)*$")


@dataclass(frozen=True)
class RowChange:
    """One change asked for: an action on a list (`add`) or on one of its rows."""

    action: str
    list_name: str
    index: int | None = None

    @property
    def row(self) -> str:
        """The row's field prefix, such as `bands-2`."""
        return f"{self.list_name}-{self.index}"


def asked(formdata) -> RowChange | None:
    """The row change the post asks for, or None (a plain save, or a value not understood)."""
    value = formdata.get(BUTTON) or ""
    action, _, target = value.partition(":")
    if action not in ACTIONS:
        return None
    if action == "add":
        return RowChange("add", target) if _LIST.match(target) else None
    match = _ROW.match(target)
    if match is None:
        return None
    return RowChange(action, match.group("list"), int(match.group("index")))


def indices(formdata, list_name: str) -> list[int]:
    """The row indices of the list present in the post, in order."""
    prefix = f"{list_name}-"
    found = set()
    for key in formdata:
        if key.startswith(prefix):
            head = key[len(prefix):].split("-", 1)[0]
            if head.isdigit():
                found.add(int(head))
    return sorted(found)


def without(formdata: MultiDict, row: str) -> MultiDict:
    """The post without the row's fields (`bands-2-…`)."""
    prefix = f"{row}-"
    return MultiDict([(key, value) for key, value in formdata.items(multi=True)
                      if not key.startswith(prefix)])


def with_row(formdata: MultiDict, list_name: str, fields: dict[str, str]) -> MultiDict:
    """The post with one more row at the end of the list, its fields as given.

    `last_row` names the new row afterwards.
    """
    index = max(indices(formdata, list_name), default=-1) + 1
    result = MultiDict(formdata.items(multi=True))
    for name, value in fields.items():
        result.add(f"{list_name}-{index}-{name}", value)
    return result


def last_row(formdata, list_name: str) -> str | None:
    """The field prefix of the list's last row, or None when it has none."""
    found = indices(formdata, list_name)
    return f"{list_name}-{found[-1]}" if found else None


def swapped(formdata: MultiDict, list_name: str, first: int, second: int) -> MultiDict:
    """The post with two rows of a list changing places (their fields exchanged)."""
    one, other = f"{list_name}-{first}-", f"{list_name}-{second}-"

    def renamed(key: str) -> str:
        if key.startswith(one):
            return other + key[len(one):]
        if key.startswith(other):
            return one + key[len(other):]
        return key

    return MultiDict([(renamed(key), value) for key, value in formdata.items(multi=True)])


def neighbour(formdata, change: RowChange) -> int | None:
    """The index of the row a move changes places with, or None at that end of the list."""
    found = indices(formdata, change.list_name)
    if change.index not in found:
        return None
    position = found.index(change.index) + (-1 if change.action == "up" else 1)
    return found[position] if 0 <= position < len(found) else None
