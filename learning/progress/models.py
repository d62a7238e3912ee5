"""Per-participant, per-item progress: the one record module and course progress derive from."""

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from learning.accounts.models import utcnow
from learning.database import db

STATUSES = ("in_progress", "complete")


class Progress(db.Model):
    """What one participant has done of one item. No row means not started."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(20), default="in_progress")
    # Watched intervals of a recording, as sorted, merged [start, end] pairs in seconds;
    # the position to resume at; when the last report was received ("reported_at", ISO
    # 8601, what the next report's credit is measured from); how it was completed.
    detail: Mapped[dict] = mapped_column(JSON, default=dict)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    completed_at: Mapped[datetime | None]
    # Counts the writes to the row; every UPDATE increments it. A write made from an
    # unlocked read names the revision it read, and changes nothing if another write came
    # first (progress.services.record_watch_if_unchanged).
    revision: Mapped[int] = mapped_column(default=0, server_default="0")

    __table_args__ = (
        UniqueConstraint("user_id", "item_id"),
        CheckConstraint("status IN ('in_progress', 'complete')", name="status_known"),
        CheckConstraint("(status = 'complete') = (completed_at IS NOT NULL)",
                        name="completed_at_iff_complete"),
    )


class CourseCompletion(db.Model):
    """A participant's completion of a course: a fact, recorded the moment the rule was met.

    Later changes to the course (a module added, an item made required) never take it
    away: figures count the participant as complete while it stands. Only revoking their
    certificate withdraws it (`revoked_at`), and re-issuing the certificate restores it.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id", ondelete="CASCADE"))
    completed_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None]

    __table_args__ = (UniqueConstraint("user_id", "course_id"),)
