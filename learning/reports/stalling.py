"""Where it stalls: who has done nothing for a while, and the required item each stopped at.

Completion is asked of `progress.completion`, activity and stopping points of
`progress.activity`; two queries or so each, whatever the size of the cohort.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select

from learning.accounts.models import User, utcnow
from learning.catalog.outline import ItemOutline, ModuleOutline
from learning.cohorts import members
from learning.database import db
from learning.progress import activity, completion
from learning.reports.course import published_modules


def stall_cutoff(days: int, now: datetime | None = None) -> datetime:
    """The moment before which a participant's last activity makes them stalled."""
    return (now or utcnow()) - timedelta(days=days)


def _idle_since(cohort):
    """The cohort's participants' ids as a query, and when each was last seen.

    Last seen is the last activity in the course, or joining the cohort for someone who has
    done nothing yet.
    """
    last = activity.last_activity(cohort.course_id, members.member_ids(cohort.id)).subquery()
    joined = members.enrolments(cohort.id).subquery()
    seen = func.coalesce(last.c.at, joined.c.enrolled_at)
    query = (select(User.id).join(joined, joined.c.user_id == User.id)
             .outerjoin(last, last.c.user_id == User.id))
    return query, seen


def stalled_ids(cohort, cutoff: datetime) -> list[int]:
    """Participants who have not completed the course and did nothing since `cutoff`.

    Longest idle first. Two queries; completion is asked of `completion.completers`.
    """
    query, seen = _idle_since(cohort)
    ids = db.session.scalars(query.where(seen < cutoff)
                             .order_by(seen, func.lower(User.name), User.id))
    complete = completion.completers(cohort.course_id, members.member_ids(cohort.id))
    return [user_id for user_id in ids if user_id not in complete]


@dataclass(frozen=True)
class StoppingPoint:
    """A required item and how many stalled participants have it as their next one."""

    module: ModuleOutline
    item: ItemOutline
    stalled: int


def stopping_points(cohort, cutoff: datetime) -> list[StoppingPoint]:
    """Where the stalled stopped: per required item, how many have it as their next one.

    Each stalled participant's first required item not yet complete that they could do
    now (`activity.next_required`), counted per item, most first. One query besides the
    course's outline.

    Only participants with a required item left and no completion earned have one, so
    those who completed the course are not counted, as in `stalled_ids`.
    """
    required = {item.id: (module, item) for module in published_modules(cohort.course)
                for item in module.items if item.is_required}
    if not required:
        return []
    query, seen = _idle_since(cohort)
    holders = completion.earned(cohort.course_id, members.member_ids(cohort.id)).subquery()
    idle = query.where(seen < cutoff, User.id.not_in(select(holders.c.user_id)))
    counts = activity.next_required(cohort.course_id, idle)
    points = [StoppingPoint(*required[item_id], stalled=count)
              for item_id, count in counts.items()]
    return sorted(points, key=lambda point: (-point.stalled, point.module.position,
                                             point.item.position))
