"""What reports remember: the reminders sent to a cohort's stalled participants."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index
from sqlalchemy.orm import Mapped, mapped_column

from learning.accounts.models import utcnow
from learning.database import db


class Reminder(db.Model):
    """One reminder email queued for a participant of a cohort, and who asked for it.

    Written in the request that queues the mail, before the mail goes: the stalls page shows
    when each participant was last reminded, and the same person is not reminded again within
    `REMINDER_INTERVAL_DAYS`. Written under a lock on the cohort's row
    (`reminding.send`), so confirmations racing on several workers write one per person.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    sent_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (Index("ix_reminder_cohort_user_sent", "cohort_id", "user_id", "sent_at"),)
