"""What others ask of progress about a cohort: when each was last active, where each stopped.

Reports read progress only through here and `completion` (the rule's data): each answer is
a query to join on, or a few rows whatever the size of the cohort, never a query per person.
`participants` is a list of user ids or a query of them (a cohort's enrolments).
"""

from sqlalchemy import Select, case, func, select, true

from learning.catalog.models import Item, Module
from learning.database import db
from learning.progress import completion, rules
from learning.progress.models import Progress

_items, _modules, _progress = Item.__table__.c, Module.__table__.c, Progress.__table__.c


def last_activity(course_id: int, participants) -> Select:
    """Per participant with any: (user_id, at), when they last did anything in the course.

    Any item participants see counts, optional ones too; archived and draft ones do not.
    """
    return (select(_progress.user_id, func.max(_progress.updated_at).label("at"))
            .where(_progress.user_id.in_(participants),
                   _progress.item_id.in_(completion.shown_items(course_id)))
            .group_by(_progress.user_id))


def item_records(user_id: int, item_ids: list[int]) -> dict:
    """One participant's rows for these items, by item id: status, detail and dates.

    Rows of (item_id, status, detail, started_at, updated_at, completed_at); one query.
    """
    if not item_ids:
        return {}
    db.session.flush()  # what the session holds pending counts, as for an ORM query
    return {row.item_id: row for row in db.session.execute(
        select(_progress.item_id, _progress.status, _progress.detail, _progress.started_at,
               _progress.updated_at, _progress.completed_at)
        .where(_progress.user_id == user_id, _progress.item_id.in_(item_ids)))}


def next_required(course_id: int, people: Select) -> dict[int, int]:
    """Per required item: how many of `people` have it as the first one left; one query.

    Someone's first required item not complete that they could do now, in course order
    with the self-assessments taken before and after last (their "after" opens once
    everything else is complete). `people` is a query of user ids; who to leave out
    (those whose completion stands, say) is the caller's choice. Someone with every
    required item complete has none.
    """
    required = completion.required_items(course_id)
    order = (case((completion.ends_course(), 1), else_=0), _modules.position, _items.position)
    ranked = (select(_items.id.label("item_id"),
                     func.row_number().over(order_by=order).label("rank"))
              .join(Module.__table__, _modules.id == _items.module_id)
              .where(_items.id.in_(required))
              .subquery())
    idle = people.subquery()
    person = idle.c[0]
    done = (select(_progress.user_id, _progress.item_id)
            .where(_progress.status == rules.COMPLETE).subquery())
    first_left = (
        select(person.label("user_id"), func.min(ranked.c.rank).label("rank"))
        .select_from(idle.join(ranked, true()))
        .outerjoin(done, (done.c.user_id == person) & (done.c.item_id == ranked.c.item_id))
        .where(done.c.item_id.is_(None))
        .group_by(person)
        .subquery()
    )
    db.session.flush()
    return dict(db.session.execute(
        select(ranked.c.item_id, func.count())
        .join(first_left, first_left.c.rank == ranked.c.rank)
        .group_by(ranked.c.item_id)).all())
