"""Starting points: when a self-assessment taken before and after can take its "before".

A "before" records where a participant stood before the module it belongs to, so that the
"after", at the end of the course, can show a shift. It is open from joining until the
participant begins that module's own work: any item of the module other than its
before-and-after self-assessments (`open_before_ids`). Each instrument has its own window:
someone who has finished modules 1 and 2 can still set the starting point of module 3's,
and an instrument added to a running course opens to everyone who has not reached its
module. The course invites people to set all of them when they join (`starting_points`).

A "before" submitted while its window is open is a baseline (`Response.is_baseline`); only
baselines count when a shift is shown.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import Select, select

from learning.assessments.asked import BEFORE, SUBMITTED
from learning.assessments.models import Response
from learning.catalog.models import Course, Item, Module, shown_to_participants
from learning.database import db
from learning.instruments.models import Instrument
from learning.progress import services as progress


@dataclass(frozen=True)
class OutlineItem:
    """What the windows need to know of an item, in course order."""

    id: int
    module_id: int
    is_before_after: bool
    instrument_id: int | None = None


def open_before_ids(outline: Sequence[OutlineItem], begun_ids: Iterable[int]) -> set[int]:
    """The before-and-after items whose "before" is open: their module's own work not begun.

    `outline` is the published items of the course; `begun_ids`, the items the participant
    has a progress row for (begun or complete). Beginning a before-and-after self-assessment
    begins no module: its "before" is the module's starting point, not its work.
    """
    begun = set(begun_ids)
    begun_modules = {item.module_id for item in outline
                     if item.id in begun and not item.is_before_after}
    return {item.id for item in outline
            if item.is_before_after and item.module_id not in begun_modules}


def course_outline(course: Course) -> list[OutlineItem]:
    """The items of the course's published modules in order, for the windows."""
    rows = db.session.execute(
        select(Item.id, Item.module_id, Item.instrument_id, Instrument.is_before_after)
        .join(Module, Item.module_id == Module.id)
        .outerjoin(Instrument, Item.instrument_id == Instrument.id)
        .where(Module.course_id == course.id, shown_to_participants())
        .order_by(Module.position, Item.position)
    )
    return [OutlineItem(row.id, row.module_id, bool(row.is_before_after), row.instrument_id)
            for row in rows]


def _open_items(user_id: int, outline: Sequence[OutlineItem]) -> set[int]:
    begun = progress.statuses_by_item(user_id, [item.id for item in outline])
    return open_before_ids(outline, begun)


def is_before_open(user_id: int, item: Item) -> bool:
    """True while the participant may still set this item's starting point ("before")."""
    return item.id in _open_items(user_id, course_outline(item.module.course))


def starting_points(user_id: int, course: Course,
                    besides: Instrument | None = None) -> list[Instrument]:
    """The instruments whose "before" the participant can take now, in course order.

    Those whose window is open and whose "before" they have not submitted (a draft is still
    to finish); `besides`, the one they are looking at, left out. Three queries.
    """
    outline = course_outline(course)
    open_ids = _open_items(user_id, outline)
    wanted = list(dict.fromkeys(
        item.instrument_id for item in outline
        if item.id in open_ids and (besides is None or item.instrument_id != besides.id)))
    if not wanted:
        return []
    submitted = set(db.session.scalars(
        select(Response.instrument_id)
        .where(Response.user_id == user_id, Response.phase == BEFORE,
               Response.status == SUBMITTED, Response.instrument_id.in_(wanted))))
    instruments = {row.id: row for row in db.session.scalars(
        select(Instrument).where(Instrument.id.in_(wanted)))}
    return [instruments[i] for i in wanted if i not in submitted]


def missing_starting_points(course: Course, user_ids) -> dict[int, frozenset[int]]:
    """Per participant: the before-and-after items whose "before" they lost, if any.

    Lost: its window closed and they never gave it. `user_ids`, ids or a query of them; four
    queries for any number of people. What the studio compares before and after a change:
    who would lose a starting point.
    """
    outline = course_outline(course)
    before_after = [item for item in outline if item.is_before_after]
    if not before_after:
        return {}
    user_ids = list(db.session.scalars(user_ids) if isinstance(user_ids, Select) else user_ids)
    if not user_ids:
        return {}
    begun = progress.begun_by_user(user_ids, [item.id for item in outline])
    given = {(row.user_id, row.instrument_id) for row in db.session.execute(
        select(Response.user_id, Response.instrument_id)
        .where(Response.user_id.in_(user_ids), Response.phase == BEFORE,
               Response.status == SUBMITTED,
               Response.instrument_id.in_({item.instrument_id for item in before_after}))
    )}
    missing = {}
    for user_id in user_ids:
        still_open = open_before_ids(outline, begun.get(user_id, ()))
        lost = frozenset(item.id for item in before_after if item.id not in still_open
                         and (user_id, item.instrument_id) not in given)
        if lost:
            missing[user_id] = lost
    return missing


def closed_message() -> str:
    """Why a "before" can no longer be taken."""
    return _("The start-of-course self-assessment is closed. It records where you stood "
             "before the module it belongs to, so it can only be taken until you begin that "
             "module. You can still take the end-of-course self-assessment when it opens.")
