"""Completion certificates: one per participant per course, with a verification code."""

from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from learning.accounts.models import utcnow
from learning.extensions import db


class Certificate(db.Model):
    """A certificate of completion, with a snapshot of the claims it makes."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="RESTRICT"))
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id", ondelete="RESTRICT"))
    cohort_id: Mapped[int | None] = mapped_column(ForeignKey("cohort.id", ondelete="SET NULL"))
    code: Mapped[str] = mapped_column(String(32), unique=True)
    recipient_name: Mapped[str] = mapped_column(String(120))
    course_title: Mapped[str] = mapped_column(String(200))
    cohort_name: Mapped[str] = mapped_column(String(120), default="")
    completed_on: Mapped[date]
    learning_hours: Mapped[float]
    issuers: Mapped[list[str]] = mapped_column(JSON, default=list)
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None]
    revocation_reason: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (
        UniqueConstraint("user_id", "course_id"),
        CheckConstraint("(revoked_at IS NULL) = (revocation_reason IS NULL)",
                        name="revocation_has_reason"),
    )
