"""Cohorts of participants taking a course together, and their enrolments."""

from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from learning.accounts.models import User, utcnow
from learning.catalog.models import Course, Module
from learning.database import db
from learning.time_zones import TIME_ZONE_MAX, default_time_zone, is_time_zone


class Cohort(db.Model):
    """A group taking a course together, joined with a code.

    `time_zone` (an IANA name, DEFAULT_TIME_ZONE unless chosen) is where the cohort is: the
    dates on its participants' certificates are the dates there.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(120))
    join_code: Mapped[str] = mapped_column(String(16), unique=True)
    starts_on: Mapped[date | None]
    ends_on: Mapped[date | None]
    is_open: Mapped[bool] = mapped_column(default=True)
    time_zone: Mapped[str] = mapped_column(String(TIME_ZONE_MAX), default=default_time_zone)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    course: Mapped[Course] = relationship()
    managers: Mapped[list[User]] = relationship(secondary="cohort_manager")
    enrolments: Mapped[list["Enrolment"]] = relationship(
        back_populates="cohort", cascade="all, delete-orphan"
    )

    __table_args__ = (
        CheckConstraint("ends_on IS NULL OR starts_on IS NULL OR ends_on >= starts_on",
                        name="dates_ordered"),
    )

    @validates("time_zone")
    def _check_time_zone(self, key, value):
        if not is_time_zone(value):
            raise ValueError(f"unknown time zone: {value!r}")
        return value


class CohortManager(db.Model):
    """A manager attached to a cohort."""

    cohort_id: Mapped[int] = mapped_column(
        ForeignKey("cohort.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user.id", ondelete="CASCADE"), primary_key=True
    )


class Enrolment(db.Model):
    """A participant in a cohort."""

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    enrolled_at: Mapped[datetime] = mapped_column(default=utcnow)

    cohort: Mapped[Cohort] = relationship(back_populates="enrolments")
    user: Mapped[User] = relationship()

    # The unique pair serves lookups by cohort; a user's own enrolments (asked on every
    # course page and heartbeat) need their own index.
    __table_args__ = (
        UniqueConstraint("cohort_id", "user_id"),
        Index("ix_enrolment_user_id", "user_id"),
    )


class RosterImport(db.Model):
    """A roster file checked in a request and imported by a job (`studio.roster_jobs`).

    `rows` is the file's good rows as JSON (a list of {email, name, organisation,
    country}); `status` is queued, then done (or failed); the counts are what the job did:
    `invited` everyone invited, with or without an account before (the only count shown),
    `already` those in the cohort before.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id", ondelete="CASCADE"),
                                           index=True)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(10), default="queued")
    total: Mapped[int]
    invited: Mapped[int] = mapped_column(default=0)
    already: Mapped[int] = mapped_column(default=0)
    rows: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]

    cohort: Mapped[Cohort] = relationship()


class ModuleSchedule(db.Model):
    """When a module opens for a cohort and when it is due: dates in the cohort's time zone.

    A module without a row, or without an opening date, is open to the cohort as soon as it
    is published; the due date is shown to participants and reminded before
    (`learning.reports.due_reminders`). Who may open a module is decided in one place,
    `learning.cohorts.visibility.module_openings`.
    """

    __tablename__ = "cohort_module_schedule"

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id", ondelete="CASCADE"))
    module_id: Mapped[int] = mapped_column(ForeignKey("module.id", ondelete="CASCADE"),
                                           index=True)
    opens_on: Mapped[date | None]
    due_on: Mapped[date | None]

    cohort: Mapped[Cohort] = relationship()
    module: Mapped[Module] = relationship()

    __table_args__ = (
        UniqueConstraint("cohort_id", "module_id"),
        CheckConstraint("due_on IS NULL OR opens_on IS NULL OR due_on >= opens_on",
                        name="due_after_opening"),
    )
