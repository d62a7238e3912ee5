"""A cohort's figures per country and per organisation (the breakdowns page)."""

from dataclasses import dataclass

from sqlalchemy import func, select

from learning.accounts.models import User
from learning.certificates import services as certificates
from learning.cohorts import members
from learning.countries import country_name
from learning.database import db
from learning.progress import completion, rules
from learning.reports.figures import percent

BREAKDOWNS = ("country", "organisation")


@dataclass(frozen=True)
class GroupFigures:
    """One country's or organisation's figures within a cohort ("" when not given).

    A country's `name` is its ISO code: pages show its name (`country_name`).
    """

    name: str
    enrolled: int
    started: int
    completed: int
    certificates: int

    @property
    def completion_rate(self) -> int:
        """Share of those enrolled who completed, as a whole percentage."""
        return percent(self.completed, self.enrolled)


def breakdowns(cohort) -> dict[str, list[GroupFigures]]:
    """The cohort's figures per country and per organisation, largest group first.

    Two queries whatever the size: participants counted per (country, organisation, done,
    total) from `completion.standings` (no standing: not started), the rule deciding each
    of those few groups, and certificates per (country, organisation).
    """
    participants = members.member_ids(cohort.id)
    joined = members.enrolments(cohort.id).subquery()
    standing = completion.standings(cohort.course_id, participants).subquery()
    earned = standing.c.earned_at.is_not(None)
    groups = db.session.execute(
        select(User.country, User.organisation, standing.c.user_id.is_not(None),
               standing.c.done, standing.c.total, earned, func.count())
        .join(joined, joined.c.user_id == User.id)
        .outerjoin(standing, standing.c.user_id == User.id)
        .group_by(User.country, User.organisation, standing.c.user_id.is_not(None),
                  standing.c.done, standing.c.total, earned)
    ).all()
    issued = certificates.standing_certificates(cohort.course_id, participants).subquery()
    certified = db.session.execute(
        select(User.country, User.organisation, func.count())
        .join(issued, issued.c.user_id == User.id)
        .group_by(User.country, User.organisation)
    ).all()
    result = {}
    for index, by in enumerate(BREAKDOWNS):
        figures: dict[str, list[int]] = {}
        for *names, started, done, total, has_earned, people in groups:
            counts = figures.setdefault(names[index], [0, 0, 0, 0])
            counts[0] += people
            if started:
                counts[1] += people
                if has_earned or rules.is_complete(done, total):
                    counts[2] += people
        for *names, people in certified:
            figures.setdefault(names[index], [0, 0, 0, 0])[3] += people
        # Largest first; "not given" after the named groups of its size; then by name (a
        # country's in the reader's language).
        label = country_name if by == "country" else str
        result[by] = sorted((GroupFigures(name, *counts) for name, counts in figures.items()),
                            key=lambda g: (-g.enrolled, not g.name, label(g.name).lower()))
    return result
