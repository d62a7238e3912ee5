"""Who has completed a course: the completion rule's data, for one participant or many.

The rule is `rules.is_complete(done, total)`: every required item of the course's published
modules complete, and at least one required. Pages count `done` and `total` from the outline
they already hold (`services.summarise`); certificates, self-assessments and reports ask
here, where one query answers for one participant or for a whole cohort.
"""

from collections.abc import Collection, Iterable

from sqlalchemy import Select, func, select

from learning.catalog.models import Item, Module, shown_to_participants
from learning.database import db
from learning.progress import rules
from learning.progress.models import Progress

_items, _modules, _progress = Item.__table__.c, Module.__table__.c, Progress.__table__.c


def required_items(course_id, excluding: Collection[int] = ()) -> Select:
    """The ids of the items the rule asks of the course: required, shown to participants.

    `excluding` leaves some out: a self-assessment's "after" opens once the rest of the
    course is complete, itself and the other before-and-after ones aside.
    """
    query = (
        select(_items.id)
        .join(Module.__table__, _modules.id == _items.module_id)
        .where(_modules.course_id == course_id, shown_to_participants(),
               _items.is_required.is_(True))
    )
    if excluding:
        query = query.where(_items.id.not_in(list(excluding)))
    return query


def _done(required: Select) -> Select:
    return select(func.count()).where(
        _progress.item_id.in_(required), _progress.status == rules.COMPLETE)


def done_counts(course_id, participants, excluding: Collection[int] = ()) -> Select:
    """Per participant with any: (user_id, done, total), the rule's two numbers, in one query.

    `participants` is a list of user ids or a query of them (a cohort's enrolments). Someone
    with no required item complete has no row: their `done` is 0.
    """
    required = required_items(course_id, excluding)
    total = select(func.count()).select_from(required.subquery()).scalar_subquery()
    return (
        select(_progress.user_id, func.count().label("done"), total.label("total"))
        .where(_progress.user_id.in_(participants), _progress.item_id.in_(required),
               _progress.status == rules.COMPLETE)
        .group_by(_progress.user_id)
    )


def completers(course_id: int, participants: Iterable[int] | Select,
               excluding: Collection[int] = ()) -> set[int]:
    """Of these participants, the ids of those for whom the course is complete."""
    if not isinstance(participants, Select):
        participants = list(participants)
        if not participants:
            return set()
    db.session.flush()  # what the session holds pending counts, as for an ORM query
    rows = db.session.execute(done_counts(course_id, participants, excluding))
    return {row.user_id for row in rows if rules.is_complete(row.done, row.total)}


def counts(user_id: int, course_id: int, excluding: Collection[int] = ()) -> tuple[int, int]:
    """One participant's (done, total) in the course, less `excluding`, in one query."""
    required = required_items(course_id, excluding)
    done = _done(required).where(_progress.user_id == user_id)
    total = select(func.count()).select_from(required.subquery())
    db.session.flush()
    row = db.session.execute(select(done.scalar_subquery(), total.scalar_subquery())).one()
    return row[0], row[1]


def is_course_complete(user_id: int, course_id: int) -> bool:
    """True if the participant has completed the course, by the rule."""
    return rules.is_complete(*counts(user_id, course_id))


def nothing_left_but(user_id: int, course_id: int, excluding: Collection[int]) -> bool:
    """True if every item the rule asks of the course, `excluding` aside, is complete.

    Unlike `is_course_complete`, true when `excluding` was all the course asked.
    """
    return rules.nothing_left(*counts(user_id, course_id, excluding))


def _required_by_module(course_id) -> Select:
    """Per published module of the course: (module_id, total), its required items."""
    return (
        select(_items.module_id, func.count().label("total"))
        .where(_items.id.in_(required_items(course_id)))
        .group_by(_items.module_id)
    )


def module_done_counts(course_id, participants) -> Select:
    """Per participant and module with any progress: (user_id, module_id, done, started).

    `done` counts the module's required items complete, `started` any of its items begun;
    the module's `total` comes from `module_totals`. One query for any number of people;
    a page of participants asks it for its rows.
    """
    is_done = (_items.is_required.is_(True)) & (_progress.status == rules.COMPLETE)
    return (
        select(_progress.user_id, _items.module_id,
               func.count().filter(is_done).label("done"),
               func.count().label("started"))
        .join(Item.__table__, _items.id == _progress.item_id)
        .join(Module.__table__, _modules.id == _items.module_id)
        # Archived items count for nothing, like the rule's own `required_items`.
        .where(_progress.user_id.in_(participants), _modules.course_id == course_id,
               shown_to_participants())
        .group_by(_progress.user_id, _items.module_id)
    )


def module_totals(course_id: int) -> dict[int, int]:
    """Per published module with required items: how many the rule asks, in one query."""
    return {row.module_id: row.total for row in db.session.execute(_required_by_module(course_id))}


def modules_completed(course_id: int, participants: Select) -> dict[int, int]:
    """Per module: how many of these participants have completed it, by the rule.

    Two levels of counting in one query: done items per participant and module, then how
    many participants share each (module, done); the rule decides each of those few
    groups, so the rows returned do not grow with the cohort.
    """
    per_person = (
        select(_progress.user_id, _items.module_id, func.count().label("done"))
        .join(Item.__table__, _items.id == _progress.item_id)
        .where(_progress.user_id.in_(participants), _progress.status == rules.COMPLETE,
               _items.id.in_(required_items(course_id)))
        .group_by(_progress.user_id, _items.module_id)
        .subquery()
    )
    totals = _required_by_module(course_id).subquery()
    db.session.flush()
    rows = db.session.execute(
        select(per_person.c.module_id, per_person.c.done, totals.c.total,
               func.count().label("people"))
        .join(totals, totals.c.module_id == per_person.c.module_id)
        .group_by(per_person.c.module_id, per_person.c.done, totals.c.total)
    )
    completed: dict[int, int] = {}
    for row in rows:
        if rules.is_complete(row.done, row.total):
            completed[row.module_id] = completed.get(row.module_id, 0) + row.people
    return completed


def completion_times(course_id: int, participants: Select) -> dict:
    """Of these participants, those for whom the course is complete, with when it became so.

    "When" is the completion of their last required item: the moment the rule was met. One
    query, the rule deciding each row.
    """
    required = required_items(course_id)
    total = select(func.count()).select_from(required.subquery()).scalar_subquery()
    db.session.flush()
    rows = db.session.execute(
        select(_progress.user_id, func.count().label("done"), total.label("total"),
               func.max(_progress.completed_at).label("at"))
        .where(_progress.user_id.in_(participants), _progress.item_id.in_(required),
               _progress.status == rules.COMPLETE)
        .group_by(_progress.user_id)
    )
    return {row.user_id: row.at for row in rows if rules.is_complete(row.done, row.total)}


def standings(course_id, participants) -> Select:
    """Per participant who began anything in the course: the rule's numbers and a date.

    Rows of (user_id, done, total, completed_at) for those of `participants` with progress
    on any item participants see (optional ones too; archived ones not): someone without a
    row has not started. `done` and `total` are the rule's two numbers; `completed_at` is
    when the last of the `done` items was completed, which for someone complete by the rule
    is when the course became complete. One scan of the participants' progress answers
    "started", "completed" and "when" together.
    """
    required = required_items(course_id)
    published = (select(_items.id).join(Module.__table__, _modules.id == _items.module_id)
                 .where(_modules.course_id == course_id, shown_to_participants()))
    total = select(func.count()).select_from(required.subquery()).scalar_subquery()
    # Sets of item ids rather than joins: each database reads the progress rows once.
    is_done = _progress.item_id.in_(required) & (_progress.status == rules.COMPLETE)
    return (
        select(_progress.user_id, func.count().filter(is_done).label("done"),
               total.label("total"),
               func.max(_progress.completed_at).filter(is_done).label("completed_at"))
        .where(_progress.user_id.in_(participants), _progress.item_id.in_(published))
        .group_by(_progress.user_id)
    )
