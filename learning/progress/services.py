"""Recording and reading progress: concurrency-safe writes, and progress derived for pages."""

from dataclasses import dataclass
from datetime import datetime

from blinker import Namespace
from flask import current_app
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from learning.accounts.models import utcnow
from learning.catalog.services import required_items
from learning.extensions import db
from learning.progress import rules
from learning.progress.models import Progress


def _locked_row(user_id: int, item_id: int) -> Progress:
    """The user's progress row for the item, created if missing, locked until commit.

    The insert ignores a conflict, so concurrent first reports from several tabs or
    processes end with one row; the row lock (PostgreSQL) or the immediate transaction
    (SQLite) makes the read-merge-write that follows one at a time.
    """
    insert = pg_insert if db.session.get_bind().dialect.name == "postgresql" else sqlite_insert
    now = utcnow()
    db.session.execute(
        insert(Progress)
        .values(user_id=user_id, item_id=item_id, status=rules.IN_PROGRESS, detail={},
                started_at=now, updated_at=now)
        .on_conflict_do_nothing(index_elements=["user_id", "item_id"])
    )
    return db.session.scalars(
        select(Progress)
        .where(Progress.user_id == user_id, Progress.item_id == item_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()


# Sent, inside the same transaction, when an item becomes complete for a participant, with
# user_id and item. Certificates listen to issue one when the course is complete.
item_completed = Namespace().signal("item-completed")


def _complete(row: Progress, item, how: str, at: datetime) -> None:
    if row.status != rules.COMPLETE:
        row.status = rules.COMPLETE
        row.completed_at = at
        row.detail = {**row.detail, "completed_by": how}
        db.session.flush()
        item_completed.send(current_app._get_current_object(), user_id=row.user_id, item=item)


def record_watch(user_id: int, item, intervals: list[rules.Interval],
                 position: float | None) -> Progress:
    """Merge watched intervals into the participant's record of a recording.

    Progress only goes up: intervals are unioned, and a complete item stays complete.
    """
    row = _locked_row(user_id, item.id)
    merged = rules.merge_intervals(row.detail.get("intervals", []), intervals)
    detail = {**row.detail, "intervals": merged}
    if position is not None:
        detail["position"] = round(min(max(position, 0.0), float(item.duration_seconds)), 3)
    row.detail = detail
    row.updated_at = utcnow()
    if rules.recording_is_watched(merged, item.duration_seconds, item.completion_threshold):
        _complete(row, item, "watching", row.updated_at)
    db.session.flush()
    return row


def mark_complete(user_id: int, item, how: str) -> Progress:
    """Complete an item the participant says they have done (a reading, a transcript)."""
    row = _locked_row(user_id, item.id)
    row.updated_at = utcnow()
    _complete(row, item, how, row.updated_at)
    db.session.flush()
    return row


def mark_started(user_id: int, item) -> Progress:
    """Record that the participant has begun an item (a self-assessment's first phase).

    Creates an in-progress row if there is none; a complete item stays complete.
    """
    row = _locked_row(user_id, item.id)
    row.updated_at = utcnow()
    db.session.flush()
    return row


def progress_by_item(user_id: int, item_ids) -> dict[int, Progress]:
    """The user's progress rows for the given items, by item id, in one query."""
    item_ids = list(item_ids)
    if not item_ids:
        return {}
    rows = db.session.scalars(
        select(Progress).where(Progress.user_id == user_id, Progress.item_id.in_(item_ids))
    )
    return {row.item_id: row for row in rows}


def item_status(row: Progress | None) -> str:
    """not_started, in_progress or complete."""
    return rules.NOT_STARTED if row is None else row.status


@dataclass(frozen=True)
class Summary:
    """Progress through a set of items: required ones done, and the next thing to do."""

    done: int
    total: int
    next_item: object | None
    started: bool

    @property
    def percent(self) -> int:
        """Share of required items complete, rounded down."""
        return rules.percent(self.done, self.total)

    @property
    def status(self) -> str:
        """Complete once every required item is; in progress once anything is started."""
        if self.done == self.total:
            return rules.COMPLETE
        return rules.IN_PROGRESS if self.started else rules.NOT_STARTED


def summarise(items, rows: dict[int, Progress]) -> Summary:
    """Progress through items in order: required ones complete, and the first unfinished one.

    Only required items count toward completion, and the next item is the first required one
    not yet complete: an optional reading left aside does not hold the participant back.
    """
    required = [item for item in items if item.is_required]
    unfinished = [i for i in required if item_status(rows.get(i.id)) != rules.COMPLETE]
    started = any(item.id in rows for item in items)
    return Summary(done=len(required) - len(unfinished), total=len(required),
                   next_item=unfinished[0] if unfinished else None, started=started)


@dataclass(frozen=True)
class CourseProgress:
    """A participant's progress through a course: per module, overall, and per item."""

    modules: dict[int, Summary]
    overall: Summary
    rows: dict[int, Progress]

    def status_of(self, item) -> str:
        """not_started, in_progress or complete for one item of the course."""
        return item_status(self.rows.get(item.id))


def course_progress(user_id: int, modules) -> CourseProgress:
    """Progress through the given modules (with their items loaded), from one query."""
    items = [item for module in modules for item in module.items]
    rows = progress_by_item(user_id, [item.id for item in items])
    return CourseProgress(
        modules={module.id: summarise(module.items, rows) for module in modules},
        overall=summarise(items, rows),
        rows=rows,
    )


def is_course_complete(user_id: int, course) -> bool:
    """The completion rule: every required item of the course's published modules complete.

    Certificates and reports ask this; a course with no required item is never complete.
    """
    items = required_items(course)
    if not items:
        return False
    rows = progress_by_item(user_id, [item.id for item in items])
    return all(item_status(rows.get(item.id)) == rules.COMPLETE for item in items)
