"""Cohort reports as plain functions: who may see which cohort, and the figures they see.

Completion is never decided here: every figure about who has completed a module or the
course asks `learning.progress.completion`, which applies `learning.progress.rules`. The
number of queries each function makes does not depend on the size of the cohort.
"""

import statistics
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask import abort
from flask_babel import gettext as _
from sqlalchemy import ColumnElement, Select, case, func, insert, or_, select, true

from learning.accounts.models import User, utcnow
from learning.assessments import figures as assessment_figures
from learning.assessments import scoring
from learning.catalog.models import (
    Course,
    CourseFacilitator,
    Item,
    Module,
    shown_to_participants,
)
from learning.catalog.outline import ItemOutline, ModuleOutline, outline
from learning.certificates.models import Certificate
from learning.certificates.services import certificates_by_user
from learning.cohorts.models import Cohort, CohortManager, Enrolment
from learning.countries import country_codes, country_name, is_country, sorted_by_name
from learning.database import db
from learning.progress import completion, rules
from learning.progress import services as progress_services
from learning.progress.models import Progress
from learning.reports.models import Reminder


def cohort_scope(user: User) -> ColumnElement[bool] | None:
    """The scope rule, the one place it is written: which cohorts' reports the user may see.

    Admins see every cohort, managers the cohorts they are attached to, facilitators the
    cohorts of the courses they facilitate. Returned as a condition on `Cohort`, so lists
    and look-ups filter in SQL; None when the user may see no report at all.
    """
    if not user.is_authenticated:
        return None
    roles = user.role_names
    if "admin" in roles:
        return true()
    conditions = []
    if "manager" in roles:
        conditions.append(Cohort.id.in_(
            select(CohortManager.cohort_id).where(CohortManager.user_id == user.id)))
    if "facilitator" in roles:
        conditions.append(Cohort.course_id.in_(
            select(CourseFacilitator.course_id).where(CourseFacilitator.user_id == user.id)))
    if not conditions:
        return None
    return or_(*conditions)


def sees_reports(user: User) -> bool:
    """True if the user holds a role that has reports (their list may still be empty)."""
    return cohort_scope(user) is not None


@dataclass(frozen=True)
class CohortLine:
    """One line of the reports list: a cohort, its course and how many joined it."""

    id: int
    name: str
    course_title: str
    is_open: bool
    enrolled: int


def visible_cohorts(user: User) -> list[CohortLine]:
    """The cohorts whose reports the user may see, by course and name; one query."""
    scope = cohort_scope(user)
    if scope is None:
        return []
    enrolled = (select(func.count(Enrolment.id)).where(Enrolment.cohort_id == Cohort.id)
                .correlate(Cohort).scalar_subquery())
    rows = db.session.execute(
        select(Cohort.id, Cohort.name, Course.title, Cohort.is_open, enrolled)
        .join(Course, Course.id == Cohort.course_id)
        .where(scope)
        .order_by(Course.title, Cohort.name, Cohort.id)
    )
    return [CohortLine(*row) for row in rows]


# Ids are 32-bit integer columns: a larger one in a URL names nothing (and PostgreSQL
# would refuse to compare it).
MAX_ID = 2**31 - 1


def get_cohort_or_404(cohort_id: int, user: User) -> Cohort:
    """The cohort, if the user may see its reports.

    403 for someone with no reports at all; 404 both for an unknown cohort and for one
    outside the user's scope, so that probing ids reveals nothing.
    """
    scope = cohort_scope(user)
    if scope is None:
        abort(403)
    if cohort_id > MAX_ID:
        abort(404)
    cohort = db.session.scalar(select(Cohort).where(Cohort.id == cohort_id, scope))
    if cohort is None:
        abort(404)
    return cohort


def participant_ids(cohort: Cohort) -> Select:
    """The cohort's participants, as a query of user ids (never loaded into a list)."""
    return select(Enrolment.user_id).where(Enrolment.cohort_id == cohort.id)


def published_modules(course_id: int) -> list[Module]:
    """The modules participants see, in order: the columns and steps of every report.

    Published and not archived, as the completion rule counts them.
    """
    return list(db.session.scalars(
        select(Module).where(Module.course_id == course_id, Module.is_published.is_(True),
                             Module.is_archived.is_(False))
        .order_by(Module.position)
    ))


def _course_items(course_id: int) -> Select:
    """Ids of every item participants see in the course, required or optional."""
    return (select(Item.id).join(Module, Module.id == Item.module_id)
            .where(Module.course_id == course_id, shown_to_participants()))


@dataclass(frozen=True)
class ModuleFigure:
    """How many participants completed one module."""

    module: Module
    completed: int


@dataclass(frozen=True)
class FunnelStep:
    """One step of the funnel: a label, how many reached it and their share of the cohort."""

    label: str
    count: int
    percent: int
    is_module: bool = False


@dataclass(frozen=True)
class Overview:
    """The figures of a cohort's overview page."""

    enrolled: int
    started: int
    completed: int
    certificates: int
    median_days_to_complete: float | None
    modules: list[ModuleFigure]
    completed_at: dict[int, datetime]  # who completed the course, and when


def overview(cohort: Cohort) -> Overview:
    """A cohort's headline figures, in a fixed number of queries whatever its size.

    Started and completed come from one scan (`completion.standings`), the rule deciding
    who is complete. The median time to complete runs from a participant's joining the
    cohort to the issue of their (unrevoked) certificate for the course, which the platform
    issues the moment the completion rule is met; participants who completed without a
    certificate standing (a revoked one, say) are not in it.
    """
    participants = participant_ids(cohort)
    enrolled = db.session.scalar(
        select(func.count()).select_from(Enrolment).where(Enrolment.cohort_id == cohort.id))
    started, completed_at = standings(cohort)
    per_module = completion.modules_completed(cohort.course_id, participants)
    modules = [ModuleFigure(module, per_module.get(module.id, 0))
               for module in published_modules(cohort.course_id)]
    durations = [
        issued_at - enrolled_at
        for enrolled_at, issued_at in db.session.execute(
            select(Enrolment.enrolled_at, Certificate.issued_at)
            .join(Certificate, Certificate.user_id == Enrolment.user_id)
            .where(Enrolment.cohort_id == cohort.id,
                   Certificate.course_id == cohort.course_id,
                   Certificate.revoked_at.is_(None))
        )
    ]
    return Overview(
        enrolled=enrolled,
        started=started,
        completed=len(completed_at),
        certificates=len(durations),
        median_days_to_complete=_median_days(durations),
        modules=modules,
        completed_at=completed_at,
    )


def standings(cohort: Cohort) -> tuple[int, dict[int, datetime]]:
    """How many of the cohort started, and when each who completed did so; one query.

    Completion decided by `rules.counts_as_complete` on `completion.standings`' data: a
    completion earned stands, whatever the course asks now.
    """
    db.session.flush()
    rows = db.session.execute(completion.standings(cohort.course_id, participant_ids(cohort)))
    started, completed_at = 0, {}
    for row in rows:
        started += 1
        if rules.counts_as_complete(row.done, row.total, row.earned_at):
            completed_at[row.user_id] = row.earned_at or row.completed_at
    return started, completed_at


def _median_days(durations: list[timedelta]) -> float | None:
    if not durations:
        return None
    median = statistics.median(max(d, timedelta(0)).total_seconds() for d in durations)
    return round(median / 86_400, 1)


def _percent(count: int, of: int) -> int:
    return round(100 * count / of) if of else 0


def funnel(figures: Overview, labels: dict[str, str]) -> list[FunnelStep]:
    """The steps from joining to completing: enrolled, started, each module, the course.

    `labels` names the fixed steps ("enrolled", "started", "completed") in the reader's
    language; modules are named by their titles.
    """
    steps = [(labels["enrolled"], figures.enrolled, False),
             (labels["started"], figures.started, False)]
    steps += [(figure.module.title, figure.completed, True) for figure in figures.modules]
    steps.append((labels["completed"], figures.completed, False))
    return [FunnelStep(label, count, _percent(count, figures.enrolled), is_module)
            for label, count, is_module in steps]


@dataclass(frozen=True)
class Week:
    """Completions of the course in one week (Monday to Sunday, UTC), and all so far."""

    starts_on: date
    completed: int
    cumulative: int


def completions_by_week(completed_at: dict[int, datetime]) -> list[Week]:
    """Course completions per week, from the first week anyone completed to the latest.

    `completed_at` is the overview's: a completion is dated by its last required item.
    Weeks in between with none are listed with 0, so the chart's gaps are real gaps.
    """
    times = completed_at
    per_week: dict[date, int] = {}
    for at in times.values():
        day = at.date()
        monday = day - timedelta(days=day.weekday())
        per_week[monday] = per_week.get(monday, 0) + 1
    if not per_week:
        return []
    weeks, cumulative = [], 0
    monday, last = min(per_week), max(per_week)
    while monday <= last:
        cumulative += per_week.get(monday, 0)
        weeks.append(Week(monday, per_week.get(monday, 0), cumulative))
        monday += timedelta(weeks=1)
    return weeks


# Breakdowns ---------------------------------------------------------------------------

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
        return _percent(self.completed, self.enrolled)


def breakdowns(cohort: Cohort) -> dict[str, list[GroupFigures]]:
    """The cohort's figures per country and per organisation, largest group first.

    Two queries whatever the size: participants counted per (country, organisation, done,
    total) from `completion.standings` (no standing: not started), the rule deciding each
    of those few groups, and certificates per (country, organisation).
    """
    participants = participant_ids(cohort)
    standing = completion.standings(cohort.course_id, participants).subquery()
    earned = standing.c.earned_at.is_not(None)
    groups = db.session.execute(
        select(User.country, User.organisation, standing.c.user_id.is_not(None),
               standing.c.done, standing.c.total, earned, func.count())
        .join(Enrolment, Enrolment.user_id == User.id)
        .outerjoin(standing, standing.c.user_id == User.id)
        .where(Enrolment.cohort_id == cohort.id)
        .group_by(User.country, User.organisation, standing.c.user_id.is_not(None),
                  standing.c.done, standing.c.total, earned)
    ).all()
    certified = db.session.execute(
        select(User.country, User.organisation, func.count())
        .join(Certificate, Certificate.user_id == User.id)
        .where(User.id.in_(participants), Certificate.course_id == cohort.course_id,
               Certificate.revoked_at.is_(None))
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


# Mindset shift ------------------------------------------------------------------------


@dataclass(frozen=True)
class MindsetGroup:
    """The part of a cohort the mindset figures are about: a country or an organisation.

    Empty strings mean the whole cohort; a country is its ISO code. Figures are released by
    partition (`assessments.release`): the whole cohort, by country, or by organisation, as
    recorded with each answer. A country and an organisation together are no partition.
    """

    country: str = ""
    organisation: str = ""

    @classmethod
    def from_args(cls, args) -> "MindsetGroup":
        """The group asked for in the URL (`country`, `organisation`), as the list reads them.

        An unknown country raises UnknownCountry, as it does for the list.
        """
        asked = parse_list_request({key: args.get(key, "") for key in BREAKDOWNS})
        return cls(asked.country, asked.organisation)

    @property
    def is_whole(self) -> bool:
        """True when no filter narrows the cohort."""
        return not (self.country or self.organisation)

    @property
    def partition(self) -> str:
        """The released partition the group belongs to."""
        return "country" if self.country else "organisation" if self.organisation else "whole"

    @property
    def key(self) -> str:
        """The group within its partition: a country code, an organisation, or ""."""
        return self.country or self.organisation

    def check(self, cohort: Cohort) -> None:
        """Refuse a group figures are never released for (the page answers 400).

        Both filters at once raise NotAPartition; a country or organisation no answer of
        the cohort was given from raises NoSuchGroup.
        """
        if self.country and self.organisation:
            raise NotAPartition("country and organisation")
        countries, organisations = assessment_figures.recorded_groups(cohort)
        if self.country and self.country not in countries:
            raise NoSuchGroup(self.country)
        if self.organisation and self.organisation not in organisations:
            raise NoSuchGroup(self.organisation)


def mindset_choices(cohort: Cohort) -> tuple[list[tuple[str, str]], list[str]]:
    """The countries and organisations recorded with the cohort's answers, for the filters."""
    countries, organisations = assessment_figures.recorded_groups(cohort)
    return ([(code, country_name(code)) for code in sorted_by_name(countries)],
            sorted(organisations))


@dataclass(frozen=True)
class MindsetRow:
    """One dimension of an instrument across its phases: means, change, people per band.

    `means` and `bands` follow the instrument's phases; None where a phase has no figure
    (too few answers). `bands` holds (label, [count per phase]).
    """

    title: str
    means: list[float | None]
    change: float | None
    # ± points of the change, 9 times in 10.
    change_margin: int | None
    bands: list[tuple[str, list[int | None]]]
    # ± points of each phase's mean, 9 times in 10 (None where no mean is shown).
    margins: list[int | None]


def mindset_rows(summary) -> list[MindsetRow]:
    """An instrument's released group figures (`figures.cohort_summaries`), one row a dimension.

    Only figures the privacy rule released appear: a phase with too few answers, or not yet
    a whole batch more, adds nothing here that the assessments domain did not give.
    """
    phases = summary.phases
    order: list[str] = []
    titles: dict[str, str] = {}
    means: dict[str, list[float | None]] = {}
    margins: dict[str, list[int | None]] = {}
    bands: dict[str, dict[str, list[int | None]]] = {}
    for index, aggregate in enumerate(phases):
        for dimension in aggregate.dimensions or []:
            if dimension.slug not in titles:
                order.append(dimension.slug)
                titles[dimension.slug] = dimension.title
                means[dimension.slug] = [None] * len(phases)
                margins[dimension.slug] = [None] * len(phases)
                bands[dimension.slug] = {}
            if dimension.mean is not None:
                means[dimension.slug][index] = scoring.display_score(dimension.mean)
                margins[dimension.slug][index] = round(dimension.half_width)
            for label, count in dimension.band_counts or []:
                bands[dimension.slug].setdefault(label, [None] * len(phases))[index] = count
    changes = {row.title: row for row in summary.shift or []}

    def change(slug):
        row = changes.get(titles[slug])
        if row is None or row.change is None:
            return None, None
        return row.change, round(row.half_width or 0)

    return [MindsetRow(titles[slug], means[slug], *change(slug), list(bands[slug].items()),
                       margins[slug]) for slug in order]


def mindset_chart_rows(summary, labels: dict[str, str]
                       ) -> list[tuple[str, list[tuple[str, str, float]]]]:
    """Rows for the assessments' bar chart: each dimension with a bar per released phase.

    `labels` names the phases in the reader's language.
    """
    rows = []
    for row in mindset_rows(summary):
        bars = [(aggregate.phase, labels[aggregate.phase], mean)
                for aggregate, mean in zip(summary.phases, row.means, strict=True)
                if mean is not None]
        if bars:
            rows.append((row.title, bars))
    return rows


# The participants list ------------------------------------------------------------------

PAGE_SIZE = 50
STATUSES = (rules.NOT_STARTED, rules.IN_PROGRESS, rules.COMPLETE)
SORT_KEYS = ("name", "email", "organisation", "country", "progress", "last_activity",
             "enrolled")
DIRECTIONS = ("asc", "desc")
SEARCH_MAX = 254


class BadListRequest(ValueError):
    """A participants list asked for with a filter or sort that does not exist."""


class NotAPartition(BadListRequest):
    """Mindset filters combining what is released only apart (a country and an organisation)."""


class NoSuchGroup(BadListRequest):
    """A mindset filter naming a country or organisation no answer of the cohort came from."""


class UnknownCountry(BadListRequest):
    """A country filter that is no ISO code on the list (`asked`: what the URL said)."""

    def __init__(self, asked: str):
        super().__init__("country")
        self.asked = asked


@dataclass(frozen=True)
class ListRequest:
    """What a participants list shows: filters, search, order and page (from the URL)."""

    status: str = ""
    country: str = ""
    organisation: str = ""
    search: str = ""
    sort: str = "name"
    direction: str = "asc"
    page: int = 1

    def args(self, **changes) -> dict:
        """The URL arguments that ask for this list again, with `changes`, defaults left out."""
        values = {"status": self.status, "country": self.country,
                  "organisation": self.organisation, "q": self.search, "sort": self.sort,
                  "dir": self.direction, "page": self.page}
        values.update(changes)
        defaults = {"sort": "name", "dir": "asc", "page": 1}
        return {key: value for key, value in values.items()
                if value not in ("", None) and defaults.get(key) != value}


def parse_list_request(args) -> ListRequest:
    """Read a list request from URL arguments.

    An unknown status, sort key or direction raises BadListRequest, and a country that is
    not an ISO code on the list UnknownCountry (the page answers 400); a page that is not a
    whole number counts as the first (the list then clamps it to the nearest page there is).
    The organisation is free text matched exactly.
    """
    status = args.get("status", "").strip()
    if status and status not in STATUSES:
        raise BadListRequest("status")
    sort = args.get("sort", "name").strip() or "name"
    if sort not in SORT_KEYS:
        raise BadListRequest("sort")
    direction = args.get("dir", "asc").strip() or "asc"
    if direction not in DIRECTIONS:
        raise BadListRequest("dir")
    try:
        page = int(args.get("page", "1"))
    except ValueError:
        page = 1
    def text(name: str, limit: int) -> str:
        # No stored text holds a NUL, and PostgreSQL refuses one in a parameter.
        return args.get(name, "").replace("\x00", "").strip()[:limit]

    country = text("country", 80).upper()
    if country and not is_country(country):
        raise UnknownCountry(args.get("country", ""))
    return ListRequest(
        status=status,
        country=country,
        organisation=text("organisation", 160),
        search=text("q", SEARCH_MAX),
        sort=sort,
        direction=direction,
        page=page,
    )


def _last_activity(course_id: int, participants) -> Select:
    """Per participant: when they last did anything in the course's published items."""
    return (select(Progress.user_id, func.max(Progress.updated_at).label("at"))
            .where(Progress.user_id.in_(participants),
                   Progress.item_id.in_(_course_items(course_id)))
            .group_by(Progress.user_id))


def _filtered(cohort: Cohort, request: ListRequest) -> Select:
    """The cohort's participants' ids, filtered and ordered as asked (no status filter)."""
    query = (select(User.id).join(Enrolment, Enrolment.user_id == User.id)
             .where(Enrolment.cohort_id == cohort.id))
    if request.country:
        query = query.where(User.country == request.country)
    if request.organisation:
        query = query.where(User.organisation == request.organisation)
    if request.search:
        term = request.search.lower()
        query = query.where(or_(func.lower(User.name).contains(term, autoescape=True),
                                User.email.contains(term, autoescape=True)))
    if request.sort in ("progress", "last_activity"):
        if request.sort == "progress":
            # `done` orders as the percentage does: every participant has the same total.
            counts = completion.done_counts(cohort.course_id,
                                            participant_ids(cohort)).subquery()
            key = func.coalesce(counts.c.done, 0)
        else:
            counts = _last_activity(cohort.course_id, participant_ids(cohort)).subquery()
            key = counts.c.at
        query = query.outerjoin(counts, counts.c.user_id == User.id)
    else:
        key = {
            "name": func.lower(User.name),
            "email": User.email,
            "organisation": func.lower(User.organisation),
            "country": _country_order(),
            "enrolled": Enrolment.enrolled_at,
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


def _with_status(cohort: Cohort, ids: list[int], status: str) -> list[int]:
    """Of `ids` (in order), those whose course status is `status`, by the completion rule."""
    rows = db.session.execute(completion.standings(cohort.course_id, participant_ids(cohort)))
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


def matching_ids(cohort: Cohort, request: ListRequest) -> list[int]:
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
    certificate: Certificate | None


@dataclass(frozen=True)
class ParticipantPage:
    """One page of the list: its rows, where it is among the pages and how many matched."""

    rows: list[ParticipantRow]
    total: int
    page: int
    pages: int
    first: int
    last: int


def participant_rows(cohort: Cohort, user_ids: list[int],
                     modules: list[Module]) -> list[ParticipantRow]:
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
    last = _last_activity(course_id, user_ids).subquery()
    people = {row.id: row for row in db.session.execute(
        select(User.id, User.name, User.email, User.organisation, User.country,
               Enrolment.enrolled_at, last.c.at)
        .join(Enrolment, Enrolment.user_id == User.id)
        .outerjoin(last, last.c.user_id == User.id)
        .where(Enrolment.cohort_id == cohort.id, User.id.in_(user_ids)))}
    certificates = certificates_by_user(course_id, user_ids)
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
            last_activity=person.at, certificate=certificates.get(user_id),
        ))
    return rows


def participants_page(cohort: Cohort, request: ListRequest,
                      modules: list[Module]) -> ParticipantPage:
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


def filter_choices(cohort: Cohort) -> tuple[list[tuple[str, str]], list[str]]:
    """The countries and organisations the cohort's participants gave, for the filters.

    Countries as (code, name in the reader's language), in the order of their names.
    """
    rows = db.session.execute(
        select(User.country, User.organisation).distinct()
        .join(Enrolment, Enrolment.user_id == User.id)
        .where(Enrolment.cohort_id == cohort.id))
    countries, organisations = set(), set()
    for country, organisation in rows:
        countries.add(country)
        organisations.add(organisation)
    return ([(code, country_name(code)) for code in sorted_by_name(c for c in countries if c)],
            sorted(o for o in organisations if o))


# The export ---------------------------------------------------------------------------

EXPORT_CHUNK = 500
# A spreadsheet runs a cell starting with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value) -> str:
    """A cell's text, with a leading apostrophe if a spreadsheet would read it as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def export_rows(cohort: Cohort, request: ListRequest, modules: list[Module]):
    """Every row the filters show, in order, a chunk of participants at a time.

    Yields ParticipantRow; memory holds the ordered ids and one chunk (the session keeps
    no reference to a chunk's certificates once they are written), whatever the size.
    """
    ids = matching_ids(cohort, request)
    for start in range(0, len(ids), EXPORT_CHUNK):
        yield from participant_rows(cohort, ids[start:start + EXPORT_CHUNK], modules)


# One participant ------------------------------------------------------------------------


def status_labels() -> dict[str, str]:
    """A module's or course's status in words: the pages and the export say the same."""
    return {
        rules.NOT_STARTED: _("Not started"),
        rules.IN_PROGRESS: _("In progress"),
        rules.COMPLETE: _("Complete"),
    }


def kind_labels() -> dict[str, str]:
    """An item's kind in words."""
    return {"recording": _("Recording"), "reading": _("Reading"),
            "self_assessment": _("Self-assessment")}


@dataclass(frozen=True)
class ItemLine:
    """One item of the course as one participant stands with it: status and dates only."""

    item: ItemOutline
    status: str
    started_at: object
    completed_at: object
    watched_percent: int | None


@dataclass(frozen=True)
class ModuleLines:
    """One module: its summary by the completion rule and its items."""

    module: ModuleOutline
    summary: progress_services.Summary
    items: list[ItemLine]


@dataclass(frozen=True)
class ParticipantDetail:
    """What a report shows of one participant: who, since when, and item by item.

    Never their self-assessment answers, scores or reflections: those are read nowhere here.
    """

    user: User
    enrolled_at: object
    overall: progress_services.Summary
    modules: list[ModuleLines]
    last_activity: object
    certificate: Certificate | None


def participant_detail(cohort: Cohort, user_id: int) -> ParticipantDetail:
    """One participant of the cohort item by item; 404 for anyone not enrolled in it."""
    if user_id > MAX_ID:
        abort(404)
    enrolment = db.session.execute(
        select(User, Enrolment.enrolled_at).join(Enrolment, Enrolment.user_id == User.id)
        .where(Enrolment.cohort_id == cohort.id, User.id == user_id)
    ).one_or_none()
    if enrolment is None:
        abort(404)
    user, enrolled_at = enrolment
    lines = course_lines(cohort.course, user_id)
    return ParticipantDetail(
        user=user,
        enrolled_at=enrolled_at,
        overall=lines.overall,
        modules=lines.modules,
        last_activity=lines.last_activity,
        certificate=certificates_by_user(cohort.course_id, [user_id]).get(user_id),
    )


@dataclass(frozen=True)
class CourseLines:
    """One person's progress through one course, module by module and item by item."""

    course: Course
    overall: progress_services.Summary
    modules: list[ModuleLines]
    last_activity: object


def course_lines(course: Course, user_id: int) -> CourseLines:
    """The person's progress through the course as participants see it, item by item.

    The published modules and their published items, as the completion rule counts them
    (the course's outline), each with its status, when it was started and completed, and
    the share watched of a recording. Status and dates only: self-assessment answers,
    scores and reflections are read nowhere here. One query besides the outline.
    """
    modules = outline(course.id, course.outline_version).visible_modules(preview=False)
    items = [item for module in modules for item in module.items]
    rows = {row.item_id: row for row in db.session.execute(
        select(Progress.item_id, Progress.status, Progress.detail, Progress.started_at,
               Progress.updated_at, Progress.completed_at)
        .where(Progress.user_id == user_id,
               Progress.item_id.in_([item.id for item in items]))
    )} if items else {}
    statuses = {item_id: row.status for item_id, row in rows.items()}
    progress = progress_services.course_progress(user_id, modules, statuses)

    def line(item):
        row = rows.get(item.id)
        watched = None
        if row is not None and item.kind == "recording" and item.duration_seconds:
            watched = rules.watched_percent(row.detail.get("intervals", []),
                                            item.duration_seconds)
        return ItemLine(item, progress.status_of(item), row.started_at if row else None,
                        row.completed_at if row else None, watched)

    return CourseLines(
        course=course,
        overall=progress.overall,
        modules=[ModuleLines(module, progress.modules[module.id],
                             [line(item) for item in module.items]) for module in modules],
        last_activity=max((row.updated_at for row in rows.values()), default=None),
    )


# Where it stalls ----------------------------------------------------------------------


def stall_cutoff(days: int, now: datetime | None = None) -> datetime:
    """The moment before which a participant's last activity makes them stalled."""
    return (now or utcnow()) - timedelta(days=days)


def _idle_since(cohort: Cohort):
    """The cohort's participants' ids as a query, and when each was last seen.

    Last seen is the last activity in the course, or joining the cohort for someone who has
    done nothing yet.
    """
    last = _last_activity(cohort.course_id, participant_ids(cohort)).subquery()
    seen = func.coalesce(last.c.at, Enrolment.enrolled_at)
    query = (select(User.id).join(Enrolment, Enrolment.user_id == User.id)
             .outerjoin(last, last.c.user_id == User.id)
             .where(Enrolment.cohort_id == cohort.id))
    return query, seen


def stalled_ids(cohort: Cohort, cutoff: datetime) -> list[int]:
    """Participants who have not completed the course and did nothing since `cutoff`.

    Longest idle first. Two queries; completion is asked of `completion.completers`.
    """
    query, seen = _idle_since(cohort)
    ids = db.session.scalars(query.where(seen < cutoff)
                             .order_by(seen, func.lower(User.name), User.id))
    complete = completion.completers(cohort.course_id, participant_ids(cohort))
    return [user_id for user_id in ids if user_id not in complete]


@dataclass(frozen=True)
class StoppingPoint:
    """A required item and how many stalled participants have it as their next one."""

    module: Module
    item: Item
    stalled: int


def stopping_points(cohort: Cohort, cutoff: datetime) -> list[StoppingPoint]:
    """Where the stalled stopped: per required item, how many have it as their next one.

    Each stalled participant's first required item not yet complete that they could do
    now, counted per item, most first: in course order, with the self-assessments taken
    before and after last (their "after" opens once everything else is complete). Two
    queries whatever the size.

    Only participants with a required item left and no completion earned have one, so
    those who completed the course are not counted, as in `stalled_ids`.
    """
    order = (case((completion.ends_course(), 1), else_=0), Module.position, Item.position)
    required = list(db.session.execute(
        select(Module, Item).join(Item, Item.module_id == Module.id)
        .where(Item.id.in_(completion.required_items(cohort.course_id)))
        .order_by(*order)))
    if not required:
        return []
    ranked = (select(Item.id.label("item_id"),
                     func.row_number().over(order_by=order).label("rank"))
              .join(Module, Module.id == Item.module_id)
              .where(Item.id.in_(completion.required_items(cohort.course_id)))
              .subquery())
    query, seen = _idle_since(cohort)
    holders = completion.earned(cohort.course_id, participant_ids(cohort)).subquery()
    idle = query.where(seen < cutoff, User.id.not_in(select(holders.c.user_id))).subquery()
    done = (select(Progress.user_id, Progress.item_id)
            .where(Progress.status == rules.COMPLETE).subquery())
    first_left = (
        select(idle.c.id.label("user_id"), func.min(ranked.c.rank).label("rank"))
        .select_from(idle.join(ranked, true()))
        .outerjoin(done, (done.c.user_id == idle.c.id) & (done.c.item_id == ranked.c.item_id))
        .where(done.c.item_id.is_(None))
        .group_by(idle.c.id)
        .subquery()
    )
    counts = db.session.execute(
        select(first_left.c.rank, func.count()).group_by(first_left.c.rank)).all()
    points = [StoppingPoint(*required[rank - 1], stalled=count) for rank, count in counts]
    return sorted(points, key=lambda point: (-point.stalled, point.module.position,
                                             point.item.position))


def reminder_recipients(user_ids: list[int]) -> list[tuple[int, str, str]]:
    """(id, name, email) of these participants who can still sign in; one query per 500."""
    recipients = []
    for start in range(0, len(user_ids), EXPORT_CHUNK):
        recipients += db.session.execute(
            select(User.id, User.name, User.email)
            .where(User.id.in_(user_ids[start:start + EXPORT_CHUNK]),
                   User.is_active.is_(True))
            .order_by(User.id)).all()
    return [(user_id, name, email) for user_id, name, email in recipients]


def last_reminded(cohort: Cohort, user_ids: list[int]) -> dict[int, datetime]:
    """When each of these participants (a page of them) was last reminded; one query."""
    return dict(db.session.execute(
        select(Reminder.user_id, func.max(Reminder.sent_at))
        .where(Reminder.cohort_id == cohort.id, Reminder.user_id.in_(user_ids))
        .group_by(Reminder.user_id)).all()) if user_ids else {}


def due_for_reminder(cohort: Cohort, user_ids: list[int], since: datetime) -> list[int]:
    """Of these participants (in order), those not reminded about the cohort since `since`.

    One query, whatever the number: the cohort's participants reminded since then.
    """
    recent = set(db.session.scalars(
        select(Reminder.user_id).distinct()
        .where(Reminder.cohort_id == cohort.id, Reminder.sent_at >= since)))
    return [user_id for user_id in user_ids if user_id not in recent]


def record_reminders(cohort: Cohort, user_ids: list[int], sent_by: User) -> None:
    """Remember that these participants are being reminded now, by `sent_by`."""
    if user_ids:
        now = utcnow()
        db.session.execute(insert(Reminder), [
            {"cohort_id": cohort.id, "user_id": user_id, "sent_by_id": sent_by.id,
             "sent_at": now} for user_id in user_ids])
