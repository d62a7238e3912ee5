"""Who an announcement is for: a cohort, or the part of it a filter names, resolved once.

The filters are the reports' own rules, asked of their services, never of their tables:
not started (no progress in the course, `reports.figures.course_statuses`), stalled (the
stall rule, `reports.stalling`), not finished module N (the module's status by
`progress.rules`, a completion earned counting for every module, as on the participants
list), and a country (the one on the person's profile now). Deactivated accounts are left
out: they could not sign in to read it. A few queries for any size of cohort.
"""

from dataclasses import dataclass

from sqlalchemy import func, select

from learning.accounts.models import User
from learning.catalog.outline import ModuleOutline
from learning.cohorts.members import member_ids
from learning.database import db
from learning.progress import completion, rules
from learning.reports import course as report_course
from learning.reports import figures, listing, stalling


@dataclass(frozen=True)
class Selection:
    """What part of the cohort a message is for: `audience` with its module or country."""

    audience: str  # one of models.AUDIENCES
    module_id: int | None = None
    country: str = ""


@dataclass(frozen=True)
class Recipient:
    """A person a message goes to, as they are now."""

    user_id: int
    name: str
    email: str


def numbered_modules(cohort) -> list[tuple[int, ModuleOutline]]:
    """The modules participants see, numbered as they see them: the module filter's choices."""
    return list(enumerate(report_course.published_modules(cohort.course), start=1))


def countries(cohort) -> list[tuple[str, str]]:
    """The countries the cohort's participants gave, as (code, name): the country filter's."""
    return listing.filter_choices(cohort)[0]


def _finished_module(cohort, module_id: int) -> set[int]:
    """Who of the cohort has completed the module, by the rule; those who earned the course too."""
    members = member_ids(cohort.id)
    total = completion.module_totals(cohort.course_id).get(module_id, 0)
    counts = completion.module_done_counts(cohort.course_id, members).subquery()
    finished = {row.user_id for row in db.session.execute(
        select(counts.c.user_id, counts.c.done).where(counts.c.module_id == module_id))
        if rules.is_complete(row.done, total)}
    earned = completion.earned(cohort.course_id, members).subquery()
    return finished | set(db.session.scalars(select(earned.c.user_id)))


def _kept(cohort, selection: Selection, stall_days: int) -> set[int] | None:
    """The ids a progress filter keeps (None: it keeps everyone)."""
    if selection.audience == "not_started":
        started = figures.course_statuses(cohort)
        return set(db.session.scalars(member_ids(cohort.id))) - set(started)
    if selection.audience == "stalled":
        return set(stalling.stalled_ids(cohort, stalling.stall_cutoff(stall_days)))
    if selection.audience == "not_finished":
        finished = _finished_module(cohort, selection.module_id)
        return set(db.session.scalars(member_ids(cohort.id))) - finished
    return None


def recipients(cohort, selection: Selection, stall_days: int) -> list[Recipient]:
    """The cohort's people the selection names who can sign in, by name."""
    db.session.flush()
    query = (select(User.id, User.name, User.email)
             .where(User.id.in_(member_ids(cohort.id)), User.is_active.is_(True))
             .order_by(func.lower(User.name), User.id))
    if selection.audience == "country":
        query = query.where(User.country == selection.country)
    kept = _kept(cohort, selection, stall_days)
    return [Recipient(*row) for row in db.session.execute(query)
            if kept is None or row[0] in kept]
