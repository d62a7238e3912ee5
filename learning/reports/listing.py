"""The participants list: who matches the filters, in the order asked, a page at a time.

Module and course status are decided by `rules.status` from `completion`'s counts, so they
agree with every other page; a page of any size costs the same few queries.
"""

from dataclasses import dataclass

from sqlalchemy import ColumnElement, Select, case, func, or_, select

from learning.accounts.models import User
from learning.catalog.outline import ModuleOutline
from learning.certificates import services as certificates
from learning.cohorts import members
from learning.countries import country_codes, country_name, sorted_by_name
from learning.database import db
from learning.progress import activity, completion, rules
from learning.reports.list_requests import ListRequest

PAGE_SIZE = 50


def _filtered(cohort, request: ListRequest) -> Select:
    """The cohort's participants' ids, filtered and ordered as asked (no status filter)."""
    joined = members.enrolments(cohort.id).subquery()
    query = select(User.id).join(joined, joined.c.user_id == User.id)
    if request.country:
        query = query.where(User.country == request.country)
    if request.organisation:
        query = query.where(User.organisation == request.organisation)
    if request.search:
        term = request.search.lower()
        query = query.where(or_(func.lower(User.name).contains(term, autoescape=True),
                                User.email.contains(term, autoescape=True)))
    if request.sort in ("progress", "last_activity"):
        participants = members.member_ids(cohort.id)
        if request.sort == "progress":
            # `done` orders as the percentage does: every participant has the same total.
            counts = completion.done_counts(cohort.course_id, participants).subquery()
            key = func.coalesce(counts.c.done, 0)
        else:
            counts = activity.last_activity(cohort.course_id, participants).subquery()
            key = counts.c.at
        query = query.outerjoin(counts, counts.c.user_id == User.id)
    else:
        key = {
            "name": func.lower(User.name),
            "email": User.email,
            "organisation": func.lower(User.organisation),
            "country": _country_order(),
            "enrolled": joined.c.enrolled_at,
        }[request.sort]
    ordered = key.desc() if request.direction == "desc" else key.asc()
    if request.sort == "last_activity":
        ordered = ordered.nulls_last()
    # Ties (the same country, say) in name order whichever way the column goes.
    return query.order_by(ordered, func.lower(User.name), User.id)


def _country_order() -> ColumnElement[int]:
    """Countries in the order of their names in the reader's language ("not given" first)."""
    ranks = {code: rank for rank, code in enumerate(sorted_by_name(country_codes()))}
    return case(ranks, value=User.country, else_=-1)


def _with_status(cohort, ids: list[int], status: str) -> list[int]:
    """Of `ids` (in order), those whose course status is `status`, by the completion rule."""
    rows = db.session.execute(completion.standings(cohort.course_id,
                                                   members.member_ids(cohort.id)))
    started, complete = set(), set()
    for row in rows:
        started.add(row.user_id)
        if rules.counts_as_complete(row.done, row.total, row.earned_at):
            complete.add(row.user_id)
    if status == rules.COMPLETE:
        return [user_id for user_id in ids if user_id in complete]
    if status == rules.IN_PROGRESS:
        return [user_id for user_id in ids if user_id in started and user_id not in complete]
    return [user_id for user_id in ids if user_id not in started]


def matching_ids(cohort, request: ListRequest) -> list[int]:
    """Every participant the filters show, in the order asked: what an export writes."""
    ids = list(db.session.scalars(_filtered(cohort, request)))
    if request.status:
        ids = _with_status(cohort, ids, request.status)
    return ids


@dataclass(frozen=True)
class ParticipantRow:
    """One participant as the list shows them."""

    user_id: int
    name: str
    email: str
    organisation: str
    country: str
    enrolled_at: object
    modules: list[str]
    status: str
    percent: int
    last_activity: object
    certificate: object  # their certificate for the course (`certificates`), or None


@dataclass(frozen=True)
class ParticipantPage:
    """One page of the list: its rows, where it is among the pages and how many matched."""

    rows: list[ParticipantRow]
    total: int
    page: int
    pages: int
    first: int
    last: int


def participant_rows(cohort, user_ids: list[int],
                     modules: list[ModuleOutline]) -> list[ParticipantRow]:
    """The rows of these participants, in the order given, in four queries for any number.

    Module and course status are decided by `rules.status` from counts of required items
    (`completion.module_done_counts`), so they agree with every other page.
    """
    if not user_ids:
        return []
    course_id = cohort.course_id
    totals = completion.module_totals(course_id)
    total = sum(totals.values())
    per_module: dict[tuple[int, int], tuple[int, int]] = {}
    for row in db.session.execute(completion.module_done_counts(course_id, user_ids)):
        per_module[(row.user_id, row.module_id)] = (row.done, row.started)
    last = activity.last_activity(course_id, user_ids).subquery()
    joined = members.enrolments(cohort.id).subquery()
    people = {row.id: row for row in db.session.execute(
        select(User.id, User.name, User.email, User.organisation, User.country,
               joined.c.enrolled_at, last.c.at)
        .join(joined, joined.c.user_id == User.id)
        .outerjoin(last, last.c.user_id == User.id)
        .where(User.id.in_(user_ids)))}
    issued = certificates.certificates_by_user(course_id, user_ids)
    # A completion earned counts as complete in every column, as in every other figure.
    holders = set(db.session.scalars(
        select(completion.earned(course_id, user_ids).subquery().c.user_id)))
    rows = []
    for user_id in user_ids:
        person = people[user_id]
        statuses, done, started = [], 0, False
        earned = user_id in holders
        for module in modules:
            module_done, module_started = per_module.get((user_id, module.id), (0, 0))
            statuses.append(rules.status(module_done, totals.get(module.id, 0),
                                         module_started > 0, earned))
            done += module_done
            started = started or module_started > 0
        rows.append(ParticipantRow(
            user_id=user_id, name=person.name, email=person.email,
            organisation=person.organisation, country=person.country,
            enrolled_at=person.enrolled_at, modules=statuses,
            status=rules.status(done, total, started, earned),
            percent=100 if earned else rules.percent(done, total),
            last_activity=person.at, certificate=issued.get(user_id),
        ))
    return rows


def participants_page(cohort, request: ListRequest,
                      modules: list[ModuleOutline]) -> ParticipantPage:
    """The page of participants asked for; a page past either end gives the nearest one."""
    if request.status:
        ids = matching_ids(cohort, request)
        total = len(ids)
    else:
        total = db.session.scalar(
            select(func.count()).select_from(_filtered(cohort, request).order_by(None)
                                             .subquery()))
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(request.page, 1), pages)
    offset = (page - 1) * PAGE_SIZE
    if request.status:
        page_ids = ids[offset:offset + PAGE_SIZE]
    else:
        page_ids = list(db.session.scalars(
            _filtered(cohort, request).limit(PAGE_SIZE).offset(offset)))
    rows = participant_rows(cohort, page_ids, modules)
    return ParticipantPage(rows, total, page, pages, offset + 1 if rows else 0,
                           offset + len(rows))


def filter_choices(cohort) -> tuple[list[tuple[str, str]], list[str]]:
    """The countries and organisations the cohort's participants gave, for the filters.

    Countries as (code, name in the reader's language), in the order of their names.
    """
    joined = members.enrolments(cohort.id).subquery()
    rows = db.session.execute(
        select(User.country, User.organisation).distinct()
        .join(joined, joined.c.user_id == User.id))
    countries, organisations = set(), set()
    for country, organisation in rows:
        countries.add(country)
        organisations.add(organisation)
    return ([(code, country_name(code)) for code in sorted_by_name(c for c in countries if c)],
            sorted(o for o in organisations if o))
