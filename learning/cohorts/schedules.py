"""Schedules per cohort: when each module opens for a cohort, and when it is due.

Dates are days in the cohort's time zone (`Cohort.time_zone`): a module that opens on
3 March opens at midnight there, wherever the server is. Facilitators set them on the
studio's schedule page; who may open a module now is decided from them in one place,
`learning.cohorts.visibility.module_openings`.
"""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy import bindparam, exists, select

from learning.cohorts.models import Cohort, Enrolment, ModuleSchedule
from learning.database import db
from learning.time_zones import local_date

# What the studio suggests: a module opens this long after its live session.
SUGGESTED_DAYS_AFTER_LIVE_SESSION = 2


def today_in(time_zone: str, now: datetime | None = None) -> date:
    """The date it is now in the time zone: where a cohort's dates are counted."""
    return local_date(now or datetime.now(UTC), time_zone)


def suggested_opening(live_session_on: date | None) -> date | None:
    """The opening date offered for a module: two days after its live session, if it has one."""
    if live_session_on is None:
        return None
    return live_session_on + timedelta(days=SUGGESTED_DAYS_AFTER_LIVE_SESSION)


def schedule_of(cohort: Cohort) -> dict[int, ModuleSchedule]:
    """The cohort's dates, by module id (a module without dates has no row)."""
    return {row.module_id: row for row in db.session.scalars(
        select(ModuleSchedule).where(ModuleSchedule.cohort_id == cohort.id))}


def scheduled_column(course_id):
    """An SQL column: whether the user's (`user_id` parameter) cohorts of the course have dates.

    A look-up that finds a course asks it in the same round trip
    (learning/progress/lookups.py), so that a course without a schedule costs no query more.
    """
    schedule, cohort = ModuleSchedule.__table__.c, Cohort.__table__.c
    enrolment = Enrolment.__table__.c
    return exists().where(
        enrolment.user_id == bindparam("user_id"), enrolment.cohort_id == cohort.id,
        cohort.course_id == course_id, schedule.cohort_id == cohort.id,
    ).label("scheduled")


@dataclass(frozen=True)
class MemberDates:
    """One of a participant's cohorts of a course, and its dates for a module (if any)."""

    cohort_id: int
    today: date  # in the cohort's time zone
    module_id: int | None  # None: the cohort has no dates (for the module asked about)
    opens_on: date | None
    due_on: date | None


def member_dates(user_id: int, course_id: int, module_id: int | None = None,
                 now: datetime | None = None) -> list[MemberDates]:
    """The dates of every cohort of the course the user is enrolled in, in one query.

    A row per cohort and scheduled module, and one without a module for a cohort that has
    none (so that every cohort the user is in is there). `module_id` narrows the dates to
    one module, for a request about one item.
    """
    on = ModuleSchedule.cohort_id == Cohort.id
    if module_id is not None:
        on = on & (ModuleSchedule.module_id == module_id)
    rows = db.session.execute(
        select(Cohort.id, Cohort.time_zone, ModuleSchedule.module_id, ModuleSchedule.opens_on,
               ModuleSchedule.due_on)
        .join(Enrolment, Enrolment.cohort_id == Cohort.id)
        .outerjoin(ModuleSchedule, on)
        .where(Enrolment.user_id == user_id, Cohort.course_id == course_id)
    )
    todays: dict[str, date] = {}
    found = []
    for cohort_id, time_zone, scheduled, opens_on, due_on in rows:
        if time_zone not in todays:
            todays[time_zone] = today_in(time_zone, now)
        found.append(MemberDates(cohort_id, todays[time_zone], scheduled, opens_on, due_on))
    return found


@dataclass
class ScheduleEntry:
    """One module's line of the schedule form: what was typed, what it means, what is wrong."""

    module_id: int
    opens_text: str = ""
    due_text: str = ""
    opens_on: date | None = None
    due_on: date | None = None
    errors: dict[str, str] = field(default_factory=dict)  # "opens_on" / "due_on": message


def _parse(text: str) -> date:
    return date.fromisoformat(text)


def _long(day: date) -> str:
    return format_date(day, "long")


def read_entry(cohort: Cohort, module_id: int, opens_text: str, due_text: str) -> ScheduleEntry:
    """Check one module's dates as typed; the entry holds the text whatever is wrong with it.

    Refused: a date that is not one (YYYY-MM-DD, as a date field sends it), an opening after
    the cohort ends, a due date before the opening or after the cohort ends.
    """
    entry = ScheduleEntry(module_id, opens_text.strip(), due_text.strip())
    for name, text in (("opens_on", entry.opens_text), ("due_on", entry.due_text)):
        if not text:
            continue
        try:
            setattr(entry, name, _parse(text))
        except ValueError:
            entry.errors[name] = _("Enter a date as year-month-day, for example 2024-03-01.")
    ends = cohort.ends_on
    if entry.opens_on and ends and entry.opens_on > ends:
        entry.errors["opens_on"] = _(
            "The cohort ends on %(date)s: a module must open by then.", date=_long(ends))
    if entry.due_on and entry.opens_on and entry.due_on < entry.opens_on:
        entry.errors["due_on"] = _(
            "The due date must be on or after the opening date, %(date)s.",
            date=_long(entry.opens_on))
    elif entry.due_on and ends and entry.due_on > ends:
        entry.errors["due_on"] = _(
            "The cohort ends on %(date)s: the due date must be by then.", date=_long(ends))
    return entry


def end_date_problem(cohort: Cohort, ends_on: date | None) -> str | None:
    """Why the cohort may not end on this day, or None: a saved date falls after it.

    Dates are checked against the cohort's end when the schedule is saved (`read_entry`);
    a new end date is checked against the dates already saved, so that no module is left
    opening or due after its cohort has ended.
    """
    if ends_on is None:
        return None
    dates = [day for row in schedule_of(cohort).values() for day in (row.opens_on, row.due_on)
             if day is not None and day > ends_on]
    if not dates:
        return None
    return _(
        "The schedule has a module opening or due on %(date)s, after this end date: change "
        "the schedule first, or end the cohort on or after that day.", date=_long(max(dates)))


def save_schedule(cohort: Cohort, entries: list[ScheduleEntry]) -> None:
    """Write the cohort's dates for these modules: a module left without dates has no row.

    The entries must have been checked (`read_entry`) and found without errors.
    """
    existing = schedule_of(cohort)
    for entry in entries:
        row = existing.get(entry.module_id)
        if entry.opens_on is None and entry.due_on is None:
            if row is not None:
                db.session.delete(row)
            continue
        if row is None:
            row = ModuleSchedule(cohort_id=cohort.id, module_id=entry.module_id)
            db.session.add(row)
        row.opens_on = entry.opens_on
        row.due_on = entry.due_on
    db.session.flush()


def get_schedule(schedule_id: int) -> ModuleSchedule | None:
    """One cohort's dates for one module, with the cohort and the module (None if gone)."""
    return db.session.get(ModuleSchedule, schedule_id)


def due_between(first: date, last: date) -> list[ModuleSchedule]:
    """The schedules with a due date in these days (inclusive), with their cohorts."""
    return list(db.session.scalars(
        select(ModuleSchedule)
        .join(ModuleSchedule.cohort)
        .where(ModuleSchedule.due_on.between(first, last))
        .order_by(ModuleSchedule.id)
    ))
