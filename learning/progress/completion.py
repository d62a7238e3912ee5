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
