"""Who has completed a course: the completion rule's data, for one participant or many.

The rule is `rules.is_complete(done, total)`: every required item participants see (published,
in a published module, neither archived) complete, and at least one required. Pages count
`done` and `total` from the outline they already hold (`services.summarise`); certificates,
self-assessments and reports ask here, where one query answers for one participant or for a
whole cohort.

Earned stays earned: the moment someone meets the rule, their completion is recorded
(`CourseCompletion`, written with their certificate). A completion that stands counts as
complete in every figure whatever the course became since (a module added, an item made
required); everyone else is measured against the course as it is now. Only revoking the
certificate withdraws it.
"""

from collections.abc import Collection, Iterable
from datetime import datetime

from sqlalchemy import Select, func, select, union
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from learning.catalog.models import Item, Module, shown_to_participants
from learning.database import db
from learning.instruments.models import Instrument
from learning.progress import rules
from learning.progress.models import CourseCompletion, Progress

_items, _modules, _progress = Item.__table__.c, Module.__table__.c, Progress.__table__.c
_completions = CourseCompletion.__table__.c
_instruments = Instrument.__table__.c


def earned(course_id, participants=None) -> Select:
    """(user_id, completed_at) of those whose recorded completion of the course stands.

    `participants`, a list of user ids or a query of them, narrows it.
    """
    query = select(_completions.user_id, _completions.completed_at).where(
        _completions.course_id == course_id, _completions.revoked_at.is_(None))
    if participants is not None:
        query = query.where(_completions.user_id.in_(participants))
    return query


def earned_at(user_id: int, course_id: int) -> datetime | None:
    """When the participant's completion of the course was recorded, if it stands."""
    db.session.flush()
    return db.session.scalar(select(_completions.completed_at).where(
        _completions.user_id == user_id, _completions.course_id == course_id,
        _completions.revoked_at.is_(None)))


def record(user_id: int, course_id: int, at: datetime) -> None:
    """Record that the participant completed the course at `at` (once: a second is ignored)."""
    insert = pg_insert if db.session.get_bind().dialect.name == "postgresql" else sqlite_insert
    db.session.execute(insert(CourseCompletion)
                       .values(user_id=user_id, course_id=course_id, completed_at=at)
                       .on_conflict_do_nothing())


def record_many(course_id: int, completed_at: dict[int, datetime]) -> None:
    """Record the completions of many participants at once (a synthetic cohort's), by user id."""
    if completed_at:
        db.session.execute(CourseCompletion.__table__.insert(), [
            {"user_id": user_id, "course_id": course_id, "completed_at": at}
            for user_id, at in completed_at.items()])


def withdraw(user_id: int, course_id: int, at: datetime) -> None:
    """Withdraw the participant's recorded completion (their certificate was revoked)."""
    db.session.execute(CourseCompletion.__table__.update()
                       .where(_completions.user_id == user_id,
                              _completions.course_id == course_id)
                       .values(revoked_at=at))


def restore(user_id: int, course_id: int) -> None:
    """Let a withdrawn completion stand again (the certificate was re-issued)."""
    db.session.execute(CourseCompletion.__table__.update()
                       .where(_completions.user_id == user_id,
                              _completions.course_id == course_id)
                       .values(revoked_at=None))


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


def shown_items(course_id) -> Select:
    """The ids of every item participants see in the course, required or optional."""
    return (select(_items.id).join(Module.__table__, _modules.id == _items.module_id)
            .where(_modules.course_id == course_id, shown_to_participants()))


def ends_course():
    """SQL condition on Item: a self-assessment taken before and after (`Item.ends_course`)."""
    # Never NULL, so that its negation holds for items that ask no instrument.
    return _items.instrument_id.is_not(None) & _items.instrument_id.in_(
        select(_instruments.id).where(_instruments.is_before_after.is_(True)).correlate(None))


def module_work_items(course_id) -> Select:
    """The ids of the items modules' progress counts: `rules.module_work`, for a course.

    The items the rule asks, less the self-assessments taken before and after, except in a
    module that asks nothing else.
    """
    own = required_items(course_id).where(~ends_course()).correlate(None)
    with_own_work = select(_items.module_id).where(_items.id.in_(own)).correlate(None)
    return required_items(course_id).where(~ends_course()
                                           | _items.module_id.not_in(with_own_work))


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
    complete = {row.user_id for row in rows if rules.is_complete(row.done, row.total)}
    if excluding:
        # A part of the course (a self-assessment's "after" aside), measured as it is now.
        return complete
    return complete | set(db.session.scalars(
        select(earned(course_id, participants).subquery().c.user_id)))


def counts(user_id: int, course_id: int, excluding: Collection[int] = ()) -> tuple[int, int]:
    """One participant's (done, total) in the course, less `excluding`, in one query."""
    required = required_items(course_id, excluding)
    done = _done(required).where(_progress.user_id == user_id)
    total = select(func.count()).select_from(required.subquery())
    db.session.flush()
    row = db.session.execute(select(done.scalar_subquery(), total.scalar_subquery())).one()
    return row[0], row[1]


def is_course_complete(user_id: int, course_id: int) -> bool:
    """True if the participant's completion stands, or the course is complete by the rule."""
    return (earned_at(user_id, course_id) is not None
            or rules.is_complete(*counts(user_id, course_id)))


def meets_the_rule(user_id: int, course_id: int) -> bool:
    """True if the course, as it is now, is complete by the rule for the participant."""
    return rules.is_complete(*counts(user_id, course_id))


def nothing_left_but(user_id: int, course_id: int, excluding: Collection[int]) -> bool:
    """True if every item the rule asks of the course, `excluding` aside, is complete.

    Unlike `is_course_complete`, true when `excluding` was all the course asked.
    """
    return rules.nothing_left(*counts(user_id, course_id, excluding))


def _required_by_module(course_id) -> Select:
    """Per published module of the course: (module_id, total), the work it counts."""
    return (
        select(_items.module_id, func.count().label("total"))
        .where(_items.id.in_(module_work_items(course_id)))
        .group_by(_items.module_id)
    )


def module_done_counts(course_id, participants) -> Select:
    """Per participant and module with any progress: (user_id, module_id, done, started).

    `done` counts the module's work complete (`module_work_items`), `started` any of its
    items begun; the module's `total` comes from `module_totals`. One query for any number
    of people; a page of participants asks it for its rows.
    """
    is_done = (_items.id.in_(module_work_items(course_id))
               & (_progress.status == rules.COMPLETE))
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

    Those whose completion of the course stands count for every module; the others by the
    rule. Two levels of counting in one query: done items per participant and module, then
    how many participants share each (module, done); the rule decides each of those few
    groups, so the rows returned do not grow with the cohort.
    """
    holders = earned(course_id, participants).subquery()
    per_person = (
        select(_progress.user_id, _items.module_id, func.count().label("done"))
        .join(Item.__table__, _items.id == _progress.item_id)
        .where(_progress.user_id.in_(participants), _progress.status == rules.COMPLETE,
               _items.id.in_(module_work_items(course_id)),
               _progress.user_id.not_in(select(holders.c.user_id)))
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
    holding = db.session.scalar(select(func.count()).select_from(holders))
    if holding:
        for module_id in module_totals(course_id):
            completed[module_id] = completed.get(module_id, 0) + holding
    return completed


def completion_times(course_id: int, participants: Select) -> dict:
    """Of these participants, those for whom the course is complete, with when it became so.

    "When" is when a standing completion was recorded, else the completion of their last
    required item: the moment the rule was met. Two queries, the rule deciding each row.
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
    times = {row.user_id: row.at for row in rows if rules.is_complete(row.done, row.total)}
    times.update((row.user_id, row.completed_at)
                 for row in db.session.execute(earned(course_id, participants)))
    return times


def standings(course_id, participants) -> Select:
    """Per participant who began anything in the course or completed it: the rule's data.

    Rows of (user_id, done, total, completed_at, earned_at) for those of `participants`
    with progress on any item participants see (optional ones too; archived ones not) or a
    completion that stands: someone without a row has not started. `done` and `total` are
    the rule's two numbers; `completed_at` is when the last of the `done` items was
    completed, which for someone complete by the rule is when the course became complete;
    `earned_at` is when their standing completion was recorded (else None), and such a
    participant is complete whatever the numbers (`rules.counts_as_complete`). One scan of
    the participants' progress answers "started", "completed" and "when" together.
    """
    required = required_items(course_id)
    published = shown_items(course_id)
    total = select(func.count()).select_from(required.subquery()).scalar_subquery()
    # Sets of item ids rather than joins: each database reads the progress rows once.
    is_done = _progress.item_id.in_(required) & (_progress.status == rules.COMPLETE)
    progress = (
        select(_progress.user_id, func.count().filter(is_done).label("done"),
               func.max(_progress.completed_at).filter(is_done).label("completed_at"))
        .where(_progress.user_id.in_(participants), _progress.item_id.in_(published))
        .group_by(_progress.user_id)
        .subquery()
    )
    holders = earned(course_id, participants).subquery()
    people = union(select(progress.c.user_id), select(holders.c.user_id)).subquery()
    return (
        select(people.c.user_id, func.coalesce(progress.c.done, 0).label("done"),
               total.label("total"), progress.c.completed_at,
               holders.c.completed_at.label("earned_at"))
        .outerjoin(progress, progress.c.user_id == people.c.user_id)
        .outerjoin(holders, holders.c.user_id == people.c.user_id)
    )
