"""A cohort's exact group figures for one phase, which no page shows.

Group figures shown to anyone come from `figures`, released with differential privacy by
`release`; `aggregate` computes exact ones (in batches, refusing groups smaller than
ASSESSMENT_MIN_GROUP: the rule is `privacy`'s), and the tests reproduce the old attacks on
them. The figures' shapes (`Aggregate`, `InstrumentSummary`) are those `figures` releases.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, Select, func, literal, select, true, union_all

from learning.assessments import privacy, scoring
from learning.assessments.asked import BEFORE, SUBMITTED, snapshot
from learning.assessments.models import Answer, Response
from learning.assessments.personal import ShiftRow
from learning.cohorts.models import Cohort, Enrolment
from learning.database import db
from learning.instruments.models import SCALE_POINTS, Instrument


@dataclass(frozen=True)
class DimensionAggregate:
    """A group's mean score on one dimension and how many fell in each band."""

    slug: str
    title: str
    # None when released but too uncertain to show (`release.USEFUL_HALF_WIDTH`).
    mean: float | None
    band_counts: list[tuple[str, int]] | None
    # ± points (mean) and ± people (each band count), 9 times in 10; 0 for exact figures.
    half_width: float = 0.0
    band_half_width: float = 0.0


@dataclass(frozen=True)
class Aggregate:
    """A group's results for one phase, or only the fact that the group is too small.

    When `is_enough` is False there is no figure at all: no count, no mean. `is_rest_too_few`
    says why for a part of a cohort: the part is big enough, but the rest of the cohort is
    not, so the whole's figures minus the part's would describe those few.
    """

    phase: str
    threshold: int
    is_enough: bool
    respondents: int | None = None
    dimensions: list[DimensionAggregate] | None = None
    # Submitted answers not in the figures yet: they wait for a whole batch of `threshold`.
    pending: int = 0
    is_rest_too_few: bool = False
    # A release was due but the privacy budget is spent: the figures stay as last released.
    is_budget_spent: bool = False
    # A release was due but the budget left is kept for the whole cohort's first figures of
    # a phase not released yet (before or after).
    is_kept_for_whole: bool = False
    released_at: datetime | None = None


def aggregate(instrument: Instrument, cohort: Cohort, phase: str,
              among: ColumnElement[bool] | None = None) -> Aggregate:
    """The cohort's submitted responses to one phase, as exact group figures (never shown).

    A "before" aggregate counts real baselines only (`personal.counts`). `among`, a condition from
    `privacy.group_condition`, narrows the group to part of the cohort (a country, say), as the
    respondents were when they submitted.

    Figures are released in batches: they cover the first k x threshold responses by
    submission time, for the largest whole k, and the rest wait (`pending`) until they make
    a batch. So one new answer never moves a figure, and the difference between two
    releases is a whole batch, never one person (6 x mean of six - 5 x mean of five would
    otherwise be the sixth person's score). Below the threshold the answer carries no
    figure. A part of the cohort carries none either while the rest of the cohort's
    respondents are fewer than the threshold (but some): the whole's figures against the
    part's would describe them. A dimension is averaged over the counted responses whose
    snapshots have it (a later version may add or drop one); a dimension with fewer than
    the threshold is left out.

    Three queries, whatever the size: how many answered, one snapshot per version (a
    version's snapshot is the same for everyone who submitted it), and the scores added up
    in SQL (`_score_groups`).
    """
    threshold = privacy.min_group()
    conditions = [Enrolment.cohort_id == cohort.id, Response.instrument_id == instrument.id,
                  Response.phase == phase, Response.status == SUBMITTED]
    if phase == BEFORE:  # a group's "before" is made of real baselines only, like a person's
        conditions.append(Response.is_baseline.is_(True))
    respondents = (select(Response.id).join(Enrolment, Enrolment.user_id == Response.user_id)
                   .where(*conditions))
    whole, in_group = db.session.execute(
        respondents.with_only_columns(
            func.count(), func.count().filter(true() if among is None else among))
    ).one()
    counting = privacy.batch(whole, in_group, threshold)
    if not counting.is_enough:
        return Aggregate(phase, threshold, False, is_rest_too_few=counting.is_rest_too_few)
    counted = counting.counted
    group = respondents if among is None else respondents.where(among)
    snapshots = dict(db.session.execute(
        select(Response.version, Response.snapshot).where(Response.id.in_(
            group.with_only_columns(func.min(Response.id)).group_by(Response.version)))
    ).all())
    scores: dict[str, list[tuple[float, str, int, str]]] = {}
    for version, slug, total, statements, people in _score_groups(group, snapshots, counted):
        score = scoring.score_from_total(total, statements)
        band = scoring.band_for(score, snapshots[version]["bands"])
        title = next(d["title"] for d in snapshots[version]["dimensions"] if d["slug"] == slug)
        scores.setdefault(slug, []).append((score, band["label"], people, title))
    current = snapshot(instrument)
    titles = {d["slug"]: d["title"] for d in current["dimensions"]}
    band_labels = [band["label"] for band in current["bands"]]
    order = list(titles) + [slug for slug in scores if slug not in titles]
    kept = [slug for slug in order
            if privacy.is_big_enough(
                sum(people for _score, _band, people, _title in scores.get(slug, [])), threshold)]
    # Every row gets every band, so the table has one column per band, older labels included.
    for slug in kept:
        for _score, label, _people, _title in scores[slug]:
            if label not in band_labels:
                band_labels.append(label)
    dimensions = []
    for slug in kept:
        groups = scores[slug]
        counts = dict.fromkeys(band_labels, 0)
        for _score, label, people, _title in groups:
            counts[label] += people
        everyone = sum(people for _score, _band, people, _title in groups)
        dimensions.append(DimensionAggregate(
            slug=slug, title=titles.get(slug, groups[0][3]),
            mean=sum(score * people for score, _band, people, _title in groups) / everyone,
            band_counts=list(counts.items()),
        ))
    return Aggregate(phase, threshold, True, counted, dimensions, in_group - counted)


def _score_groups(respondents: Select, snapshots: dict[int, dict], counted: int):
    """The counted responses' dimension scores, as few groups of identical ones.

    Rows of (version, dimension slug, total of scored values, statements, people): for the
    first `counted` of `respondents` by submission time, each response's values per
    dimension are added up in SQL (a reverse-scored statement counts 6 - value; the
    snapshots' statements joined as a small table of literals) and
    responses with the same version, dimension, total and number of statements counted
    together. A score depends on nothing else (`scoring.score_from_total`), so the rows are
    few whatever the size of the group, and Python scores each once.
    """
    statements = union_all(*[
        select(literal(version).label("version"), literal(statement["key"]).label("key"),
               literal(part["slug"]).label("slug"),
               literal(SCALE_POINTS + 1 if statement["reverse"] else 0).label("flip"))
        for version, snap in snapshots.items()
        for part in snap["dimensions"] for statement in part["statements"]
    ]).subquery()
    # A reverse-scored value counts 6 - value: flip - value, where flip is 6; else value.
    scored = func.abs(statements.c.flip - Answer.value)
    ranked = (respondents.with_only_columns(
        Response.id, Response.version,
        func.row_number().over(order_by=(Response.submitted_at, Response.id)).label("rank"))
        .subquery())
    per_response = (
        select(ranked.c.version, statements.c.slug, func.sum(scored).label("total"),
               func.count().label("statements"))
        .select_from(ranked)
        .join(Answer, Answer.response_id == ranked.c.id)
        .join(statements, (statements.c.version == ranked.c.version)
              & (statements.c.key == Answer.statement_key))
        .where(ranked.c.rank <= counted)
        .group_by(ranked.c.id, ranked.c.version, statements.c.slug)
        .subquery())
    return db.session.execute(
        select(per_response.c.version, per_response.c.slug, per_response.c.total,
               per_response.c.statements, func.count())
        .group_by(per_response.c.version, per_response.c.slug, per_response.c.total,
                  per_response.c.statements)
    ).all()


@dataclass(frozen=True)
class InstrumentSummary:
    """A cohort's released figures for one instrument: each phase, and the shift."""

    instrument: Instrument
    phases: list[Aggregate]
    shift: list[ShiftRow] | None
