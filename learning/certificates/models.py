"""Completion certificates: one per participant per course, with a verification code."""

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Sequence,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from learning.accounts.models import NAME_MAX, User, utcnow
from learning.catalog.models import CERTIFICATE_WORDING_MAX, Course
from learning.database import db
from learning.time_zones import TIME_ZONE_MAX, local_date, local_time

ACTIONS = ("issued", "revoked", "reissued")


class Certificate(db.Model):
    """A certificate of completion, with a snapshot of the claims it makes.

    `status_index` is the certificate's bit in the published revocation status list, handed
    out by a counter through a keyed shuffle of the list (`certificates.status`), so that
    neighbouring bits say nothing about who was certified when.
    `time_zone` is the participant's cohort's when it was issued: `completed_on` and the
    dates the pages show are dates there. (Certificates issued before cohorts had a time
    zone keep the UTC dates they were issued with: "UTC".)
    `wording` is the line under the recipient's name as the course had it when issued; None
    (every certificate issued before courses could change it, and those of courses that
    keep the default) prints the default line, in the language of whoever reads it.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="RESTRICT"))
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id", ondelete="RESTRICT"))
    cohort_id: Mapped[int | None] = mapped_column(ForeignKey("cohort.id", ondelete="SET NULL"))
    code: Mapped[str] = mapped_column(String(32), unique=True)
    status_index: Mapped[int] = mapped_column(unique=True)
    recipient_name: Mapped[str] = mapped_column(String(NAME_MAX))
    course_title: Mapped[str] = mapped_column(String(200))
    cohort_name: Mapped[str] = mapped_column(String(120), default="")
    completed_on: Mapped[date]
    learning_hours: Mapped[float]
    issuers: Mapped[list[str]] = mapped_column(JSON, default=list)
    wording: Mapped[str | None] = mapped_column(String(CERTIFICATE_WORDING_MAX))
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    time_zone: Mapped[str] = mapped_column(String(TIME_ZONE_MAX))
    revoked_at: Mapped[datetime | None]
    revocation_reason: Mapped[str | None] = mapped_column(Text)

    user: Mapped[User] = relationship()
    course: Mapped[Course] = relationship()
    events: Mapped[list["CertificateEvent"]] = relationship(
        back_populates="certificate", order_by="CertificateEvent.id",
        cascade="all, delete-orphan",
    )

    __table_args__ = (
        UniqueConstraint("user_id", "course_id"),
        CheckConstraint("(revoked_at IS NULL) = (revocation_reason IS NULL)",
                        name="revocation_has_reason"),
        CheckConstraint("status_index >= 0", name="status_index_not_negative"),
    )

    @property
    def is_revoked(self) -> bool:
        """True while the certificate stands revoked."""
        return self.revoked_at is not None

    @property
    def issued_on(self) -> date:
        """The date it was issued, in the certificate's time zone."""
        return local_date(self.issued_at, self.time_zone)

    @property
    def revoked_on(self) -> date | None:
        """The date it was revoked, in the certificate's time zone, while it stands revoked."""
        return local_date(self.revoked_at, self.time_zone) if self.revoked_at else None

    def local_time(self, moment: datetime) -> datetime:
        """A moment in the certificate's life as the time on the clock in its time zone."""
        return local_time(moment, self.time_zone)

    def __repr__(self) -> str:
        return f"<Certificate {self.code}>"


class CertificateEvent(db.Model):
    """One thing that happened to a certificate: issued, revoked or re-issued; by whom and why.

    The actor is empty when the platform issued the certificate on completion.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    certificate_id: Mapped[int] = mapped_column(
        ForeignKey("certificate.id", ondelete="CASCADE"), index=True
    )
    action: Mapped[str] = mapped_column(String(20))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    reason: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(default=utcnow)

    certificate: Mapped[Certificate] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship()

    __table_args__ = (
        CheckConstraint("action IN ('issued', 'revoked', 'reissued')", name="action_known"),
    )


class StatusCounter(db.Model):
    """How many revocation status numbers have been handed out, on SQLite (`status`).

    One row (id 1), made by the migration or by the first certificate issued. PostgreSQL
    hands out the numbers from the sequence `certificate_status_number` instead; the table
    is there too, unused, so that both have one schema.
    """

    __tablename__ = "certificate_status_counter"

    id: Mapped[int] = mapped_column(primary_key=True)
    allocated: Mapped[int] = mapped_column(default=0)

    __table_args__ = (CheckConstraint("id = 1", name="one_row"),)


# PostgreSQL's counter of status numbers (`certificates.status`); SQLite has no sequences.
STATUS_NUMBERS = Sequence("certificate_status_number", metadata=db.metadata)
