"""A job's subject kept in the database as a row with a status: queued, then done.

The rule of `learning.jobs` ("idempotent"), written once for every such row (an
announcement's emails, a roster's import): the job takes its row with a conditional UPDATE
from queued to done in the transaction that does the work, so that a second run or a second
worker finds it taken and does nothing; a periodic job queues again the rows still queued
long after they were made (their job was lost with a worker). The row type has `id`,
`status` and a column saying when it was queued.
"""

from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update

from learning.database import db


def take_queued(row_type, row_id: int, **values) -> bool:
    """Mark the row done (with `values`) if it is still queued; whether this run took it.

    When it did not (done already, or gone), the transaction is rolled back: nothing to do.
    """
    taken = db.session.execute(
        update(row_type).where(row_type.id == row_id, row_type.status == "queued")
        .values(status="done", **values)
        .execution_options(synchronize_session=False)).rowcount
    if not taken:
        db.session.rollback()
    return bool(taken)


def still_queued(row_type, queued_at, after: timedelta) -> list[int]:
    """The ids of the rows queued more than `after` ago and still queued, oldest first.

    The read's transaction ends here, before the jobs are queued again (and, in the test
    suite, run at once).
    """
    ids = list(db.session.scalars(
        select(row_type.id).where(row_type.status == "queued",
                                  queued_at < datetime.now(UTC) - after)
        .order_by(row_type.id)))
    db.session.commit()
    return ids
