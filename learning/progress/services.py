"""Recording and reading progress: concurrency-safe writes, and progress derived for pages.

Two ways to write a participant's row for an item, with one merge (`rules`):

- Locked (`record_watch`, `mark_complete`, `mark_started`): lock the row, merge, write it
  back, commit. The way for the first report on an item, completions and the rest.
- From an unlocked read (`record_watch_if_unchanged`): a heartbeat reads the row with its
  item (`lookups.item_outline_or_404`), merges, and writes in one UPDATE that names the row's
  revision. If another write came between the read and the write, the UPDATE matches
  nothing and the heartbeat takes the locked way: no report is lost. Three round trips
  for a heartbeat on PostgreSQL instead of six.

`report_watching` is a heartbeat's whole write, choosing between the two.

Writes are Core statements built once: building statements and the ORM's load and flush of
the row cost more than the rest of a heartbeat's write. A participant's progress on an item
is one shape, `ProgressState`: what writes return and pages read (`progress_by_item`), or
just its status where that is all they show (`statuses_by_item`, by item id). An ORM
`Progress` object loaded elsewhere in the transaction is kept in step by the locked writes
(`_write`).
"""

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime

from blinker import Namespace
from flask import current_app
from sqlalchemy import bindparam, func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm.util import identity_key

from learning.accounts.models import utcnow
from learning.database import db, end_read_transaction, single_statement_write, write_transaction
from learning.progress import completion, rules
from learning.progress.models import Progress


@dataclass(frozen=True, slots=True)
class ProgressState:
    """A participant's progress row for one item, as read or as a write leaves it."""

    id: int
    user_id: int
    item_id: int
    status: str
    detail: dict
    completed_at: datetime | None
    revision: int


_progress = Progress.__table__
STATE_COLUMNS = (_progress.c.id, _progress.c.status, _progress.c.detail, _progress.c.completed_at,
          _progress.c.revision)
_LOCK_ROW = (
    select(*STATE_COLUMNS)
    .where(_progress.c.user_id == bindparam("user_id"),
           _progress.c.item_id == bindparam("item_id"))
    .with_for_update()
)
# The columns come with the parameters. A conflict means a concurrent first report has
# created the row: it is locked and read like any other.
_CREATE_ROW = {
    name: dialect_insert(_progress).on_conflict_do_nothing(index_elements=["user_id", "item_id"])
    for name, dialect_insert in (("postgresql", pg_insert), ("sqlite", sqlite_insert))
}
# Sets the columns given with the row id, and counts the write.
_UPDATE_ROW = (update(_progress).where(_progress.c.id == bindparam("row_id"))
               .values(revision=_progress.c.revision + 1))
_UPDATE_IF_UNCHANGED_ROW = _UPDATE_ROW.where(_progress.c.revision == bindparam("seen_revision"))
_UPDATE_IF_UNCHANGED = _UPDATE_IF_UNCHANGED_ROW.returning(_progress.c.id)
_WRITABLE = ("status", "detail", "completed_at")


def _state(row, user_id: int, item_id: int) -> ProgressState:
    return ProgressState(id=row.id, user_id=user_id, item_id=item_id, status=row.status,
                         detail=row.detail, completed_at=row.completed_at,
                         revision=row.revision)


def _locked_row(user_id: int, item_id: int) -> ProgressState:
    """The user's progress row for the item, created if missing, locked until commit.

    The row lock (PostgreSQL's FOR UPDATE) or the immediate transaction (SQLite) makes the
    read-merge-write that follows one at a time. Most reports find the row; the first one
    creates it, ignoring a conflict, so that concurrent first reports from several tabs or
    processes end with one row, and reads it again (a new statement sees the other's commit).
    """
    db.session.flush()  # what the session holds pending goes first, as for an ORM query
    connection = db.session.connection()
    key = {"user_id": user_id, "item_id": item_id}
    row = connection.execute(_LOCK_ROW, key).first()
    if row is None:
        now = utcnow()
        connection.execute(_CREATE_ROW[connection.dialect.name], {
            **key, "status": rules.IN_PROGRESS, "detail": {}, "started_at": now,
            "updated_at": now,
        })
        row = connection.execute(_LOCK_ROW, key).one()
    return _state(row, user_id, item_id)


def _write(state: ProgressState, **values) -> ProgressState:
    """Write these columns of the locked row; the state the caller sees next.

    An ORM copy of the row in the session (a page's, a test's) is expired, so that the
    next ORM read in this transaction, such as the certificate's completion check, sees
    the write instead of the copy.
    """
    db.session.connection().execute(_UPDATE_ROW, {"row_id": state.id, **values})
    return _written(state, values)


def _written(state: ProgressState, values: Mapping) -> ProgressState:
    """The state after a write of `values`, with the session's ORM copy, if any, expired."""
    session = db.session()
    loaded = session.identity_map.get(identity_key(Progress, state.id))
    if loaded is not None:
        session.expire(loaded)
    return replace(state, revision=state.revision + 1,
                   **{name: values[name] for name in _WRITABLE if name in values})


# Sent, inside the same transaction, when an item becomes complete for a participant, with
# user_id and item. Certificates listen to issue one when the course is complete.
item_completed = Namespace().signal("item-completed")


def _complete(state: ProgressState, item, how: str, at: datetime,
              detail: dict) -> ProgressState:
    """Write the row complete, with `detail`, and tell the listeners (it was not complete)."""
    state = _write(state, status=rules.COMPLETE, completed_at=at, updated_at=at,
                   detail={**detail, "completed_by": how})
    item_completed.send(current_app._get_current_object(), user_id=state.user_id, item=item)
    return state


def _watched(state: ProgressState, item, intervals: list[rules.Interval],
             position: float | None) -> tuple[dict, bool]:
    """The row's detail with a report merged in, and whether the report completes the item.

    Progress only goes up: intervals are unioned, and a complete item stays complete. The
    new seconds credited are held to the pace of real watching (`rules.report_allowance`),
    measured from the time of the previous report the row records, so the revision that
    guards the write guards that time too.
    """
    at = rules.now()
    previous = state.detail.get("reported_at")
    allowance = rules.report_allowance(
        datetime.fromisoformat(previous) if previous else None, at,
        rules.FIRST_REPORT_ALLOWANCE_SECONDS)
    watched = state.detail.get("intervals", [])
    merged = rules.merge_intervals(watched, rules.credit(watched, intervals, allowance))
    detail = {**state.detail, "intervals": merged, "reported_at": at.isoformat()}
    if position is not None:
        detail["position"] = round(min(max(position, 0.0), float(item.duration_seconds)), 3)
    completes = state.status != rules.COMPLETE and rules.recording_is_watched(
        merged, item.duration_seconds, item.completion_threshold)
    return detail, completes


def record_watch(user_id: int, item, intervals: list[rules.Interval],
                 position: float | None) -> ProgressState:
    """Merge watched intervals into the participant's record of a recording, under its lock.

    Reads only the item's id, duration and threshold (the completion's listeners get the
    item itself). One UPDATE, whether or not this report completes the item.
    """
    state = _locked_row(user_id, item.id)
    detail, completes = _watched(state, item, intervals, position)
    now = utcnow()
    if completes:
        return _complete(state, item, "watching", now, detail)
    return _write(state, detail=detail, updated_at=now)


def record_watch_if_unchanged(seen: ProgressState, item, intervals: list[rules.Interval],
                              position: float | None) -> ProgressState | None:
    """Merge a report into the row as `seen` (read without a lock); write it in one UPDATE.

    Run inside `single_statement_write()`. The UPDATE names the revision seen: None, and
    nothing written, if another write came since, or if the report completes the item (a
    completion's listeners write too, in one transaction). Either way the caller then
    records the report with `record_watch`.
    """
    detail, completes = _watched(seen, item, intervals, position)
    if completes:
        return None
    values = {"detail": detail, "updated_at": utcnow()}
    connection = db.session.connection()
    written = connection.execute(_UPDATE_IF_UNCHANGED, {
        "row_id": seen.id, "seen_revision": seen.revision, **values}).first()
    return None if written is None else _written(seen, values)


def report_watching(user_id: int, item, seen: ProgressState | None,
                    intervals: list[rules.Interval], position: float | None) -> ProgressState:
    """Record a player's report, committed: the whole write of a heartbeat.

    For a `@reads_then_writes` view, whose reads found the item and `seen`, the user's row
    as read (`lookups.item_outline_or_404`). Most reports write that row back in one
    statement named by its revision (`record_watch_if_unchanged`); the first report on an
    item, one that completes it and one that another write overtook are recorded under the
    row's lock (`record_watch`). On SQLite either write holds the database's write lock only
    while it writes (learning/database.py). The commit expires ORM objects: callers answer
    from the state returned and what they read before.
    """
    end_read_transaction()
    state = None
    if seen is not None:
        with single_statement_write():
            state = record_watch_if_unchanged(seen, item, intervals, position)
    if state is None:
        with write_transaction():
            state = record_watch(user_id, item, intervals, position)
            db.session.commit()
    return state


def mark_complete(user_id: int, item, how: str) -> ProgressState:
    """Complete an item the participant says they have done (a reading, a transcript)."""
    state = _locked_row(user_id, item.id)
    now = utcnow()
    if state.status == rules.COMPLETE:
        return _write(state, updated_at=now)
    return _complete(state, item, how, now, state.detail)


def mark_started(user_id: int, item) -> ProgressState:
    """Record that the participant has begun an item (a self-assessment's first phase).

    Creates an in-progress row if there is none; a complete item stays complete.
    """
    return _write(_locked_row(user_id, item.id), updated_at=utcnow())


_ROWS = select(_progress.c.item_id, *STATE_COLUMNS).where(
    _progress.c.user_id == bindparam("user_id"),
    _progress.c.item_id.in_(bindparam("item_ids", expanding=True)))


def progress_by_item(user_id: int, item_ids) -> dict[int, ProgressState]:
    """The user's progress on the given items, by item id, in one query.

    Read-only states, not ORM objects: every page a participant opens asks this, and
    loading objects costs more than the query.
    """
    item_ids = list(item_ids)
    if not item_ids:
        return {}
    db.session.flush()  # what the session holds pending counts, as for an ORM query
    rows = db.session.execute(_ROWS, {"user_id": user_id, "item_ids": item_ids})
    return {row.item_id: _state(row, user_id, row.item_id) for row in rows}


_STATUSES = select(_progress.c.item_id, _progress.c.status).where(
    _progress.c.user_id == bindparam("user_id"),
    _progress.c.item_id.in_(bindparam("item_ids", expanding=True)),
)


def statuses_by_item(user_id: int, item_ids) -> dict[int, str]:
    """The status of each of the given items the user has a progress row for, in one query.

    What the progress bars, summaries and the completion rule need: the status alone, not
    the watched intervals and dates that `progress_by_item` also reads and converts.
    """
    item_ids = list(item_ids)
    if not item_ids:
        return {}
    db.session.flush()  # what the session holds pending counts, as for an ORM query
    rows = db.session.execute(_STATUSES, {"user_id": user_id, "item_ids": item_ids})
    return {item_id: status for item_id, status in rows}


def begun_by_user(user_ids, item_ids) -> dict[int, set[int]]:
    """Of these items, the ones each of these participants has begun or completed; one query."""
    user_ids, item_ids = list(user_ids), list(item_ids)
    if not user_ids or not item_ids:
        return {}
    db.session.flush()
    begun: dict[int, set[int]] = {}
    for user_id, item_id in db.session.execute(
            select(_progress.c.user_id, _progress.c.item_id)
            .where(_progress.c.user_id.in_(user_ids), _progress.c.item_id.in_(item_ids))):
        begun.setdefault(user_id, set()).add(item_id)
    return begun


def people_by_item(item_ids) -> dict[int, int]:
    """How many participants have progress (started or complete) on each item that has any.

    What the studio asks before deleting content: an item anyone touched is archived instead.
    """
    item_ids = list(item_ids)
    if not item_ids:
        return {}
    db.session.flush()
    rows = db.session.execute(
        select(_progress.c.item_id, func.count())
        .where(_progress.c.item_id.in_(item_ids))
        .group_by(_progress.c.item_id)
    )
    return {item_id: count for item_id, count in rows}


def item_status(state: ProgressState | None) -> str:
    """not_started, in_progress or complete."""
    return rules.NOT_STARTED if state is None else state.status


@dataclass(frozen=True)
class Summary:
    """Progress through a set of items: required ones done, and the next thing to do."""

    done: int
    total: int
    next_item: object | None
    started: bool
    # A course's completion earned earlier stands, whatever the course asks now.
    earned: bool = False

    @property
    def percent(self) -> int:
        """Share of required items complete, rounded down."""
        return rules.percent(self.done, self.total)

    @property
    def is_finished(self) -> bool:
        """Earned, or complete by the completion rule (`rules.is_complete`)."""
        return self.earned or rules.is_complete(self.done, self.total)

    @property
    def status(self) -> str:
        """not_started, in_progress or complete, by the completion rule (or earned)."""
        return rules.status(self.done, self.total, self.started, self.earned)


def summarise(items, statuses: dict[int, str]) -> Summary:
    """Progress through items in order: required ones complete, and the first unfinished one.

    Only required items count toward completion, and the next item is the first required one
    not yet complete: an optional reading left aside does not hold the participant back, and
    a self-assessment's "after" comes once nothing else is left.
    """
    required = [item for item in items if item.is_required]
    unfinished = [i for i in required if statuses.get(i.id) != rules.COMPLETE]
    started = any(item.id in statuses for item in items)
    # A self-assessment's "after" waits for the rest: it is next only once nothing else is.
    doable = [item for item in unfinished if not item.ends_course] or unfinished
    return Summary(done=len(required) - len(unfinished), total=len(required),
                   next_item=doable[0] if doable else None, started=started)


def summarise_module(items, statuses: dict[int, str]) -> Summary:
    """A module's progress: its own work (`rules.module_work`), and whether anything began.

    A self-assessment taken before and after is the course's last step, not its module's.
    """
    work = {item.id for item in rules.module_work(items)}
    summary = summarise([item for item in items if item.id in work or not item.is_required],
                        statuses)
    return replace(summary, started=any(item.id in statuses for item in items))


@dataclass(frozen=True)
class CourseProgress:
    """A participant's progress through a course: per module, overall, and per item."""

    modules: dict[int, Summary]
    overall: Summary
    statuses: dict[int, str]

    def status_of(self, item) -> str:
        """not_started, in_progress or complete for one item of the course."""
        return self.statuses.get(item.id, rules.NOT_STARTED)


def course_progress(user_id: int, modules, statuses: Mapping[int, str] | None = None,
                    course_id: int | None = None) -> CourseProgress:
    """Progress through the given modules (with their items loaded) of one course.

    From the user's item statuses when the caller has them (`lookups.course_outline_or_404`),
    else from one query. With `course_id`, a completion of the course the user earned
    earlier makes it finished whatever it asks now (one more query).
    """
    items = [item for module in modules for item in module.items]
    if statuses is None:
        statuses = statuses_by_item(user_id, [item.id for item in items])
    overall = summarise(items, statuses)
    if course_id is not None and completion.earned_at(user_id, course_id) is not None:
        overall = replace(overall, earned=True)
    return CourseProgress(
        modules={module.id: summarise_module(module.items, statuses) for module in modules},
        overall=overall,
        statuses=statuses,
    )
