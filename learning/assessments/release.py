"""Self-assessment group figures released with differential privacy, through OpenDP.

What facilitators and managers see about self-assessments (each dimension's mean and the
people per band, for a cohort and for each group of a partition by country or by
organisation) is released here and nowhere else. The rules, as plain functions:

- What is protected is what someone answered. Who answered, and their country and
  organisation as recorded with the answer, are not secret (the participant pages show who
  completed each step), so a group's number of answers is exact and public.
- Each figure is an OpenDP measurement over bounded scores: scores are clamped to 0-100,
  summed, and Laplace noise is added at the scale OpenDP derives from the sensitivity (one
  person changing their answers moves a sum by at most 100, and band counts by at most 2).
  No noise is written here by hand.
- Every group of one partition is released together at one cost (parallel composition: the
  groups are disjoint). Each release is written to the ledger (`models.Release`) with its
  epsilon and the values as shown; pages show the latest release again, so looking again
  never draws new noise.
- A partition is released again only at a milestone: when a group's answers have at least
  doubled since the last release, and only while the cohort and instrument have budget left
  (ASSESSMENT_EPSILON, per participant and instrument, summing every release). Then the
  figures stay as last released and the page says why.
- The whole cohort's first figures of each phase (before and after, or the one phase) are
  what shows whether mindsets shift, so their releases are kept: a breakdown, or a later
  milestone, is released only if the budget left after it still pays for the whole cohort's
  first release of every phase not yet released (`kept_for_whole`). Whoever opens a
  breakdown first cannot spend the "after" figures' budget.
- A figure whose uncertainty (± points, 9 times in 10) is wider than USEFUL_HALF_WIDTH is
  not shown; no release is spent before the largest group could give useful figures.
"""

import math
from dataclasses import dataclass

import opendp.prelude as dp
from flask import current_app
from sqlalchemy import Select, func, literal, select
from sqlalchemy.exc import IntegrityError

from learning.accounts.models import utcnow
from learning.assessments import asked, scoring
from learning.assessments.models import Answer, Release, Response
from learning.database import db, end_read_transaction, write_transaction
from learning.instruments.models import Instrument

# OpenDP keeps constructors whose proofs are not yet vetted behind the "contrib" flag; its
# documentation asks every program using them (make_sum, make_count_by_categories,
# then_laplace among them) to say so explicitly.
dp.enable_features("contrib")

PARTITIONS = ("whole", "country", "organisation")
TOP = float(scoring.TOP_SCORE)
# The share of a dimension's epsilon spent on its mean; the rest goes to its band counts.
MEAN_SHARE = 2 / 3
# One person changing their answers is a distance of 2 in OpenDP's symmetric distance
# (one record out, another in).
CHANGE_ONE = 2
# Nine times in ten the released figure is within its half-width of the exact one:
# P(|Laplace(b)| > t) = exp(-t / b) = 0.1 gives t = b ln 10.
CONFIDENCE_FACTOR = math.log(10)
# A mean whose uncertainty is wider than this (± points out of 100, 9 times in 10) says
# too little to show: a band is typically 25 to 50 points wide.
USEFUL_HALF_WIDTH = 10.0


@dataclass(frozen=True)
class Budget:
    """A cohort's budget for one instrument: the total, what one release costs, what is spent."""

    total: float
    per_release: float
    spent: float
    releases: int = 0

    def can_release(self, kept: float = 0.0) -> bool:
        """True while one more release fits beside what is `kept` (slack for float sums)."""
        return self.spent + self.per_release + kept <= self.total + 1e-9


def kept_for_whole(instrument: Instrument, cohort_id: int, phase: str, partition: str,
                   per_release: float) -> float:
    """The budget a release must leave for the whole cohort's first figures of each phase.

    A phase's first whole-cohort release keeps nothing back (the phases' first figures are
    peers: whichever is due first is released); every other release leaves one release for
    each phase whose whole-cohort figures are not released yet.
    """
    released = set(db.session.scalars(
        select(Release.phase).where(Release.cohort_id == cohort_id,
                                    Release.instrument_id == instrument.id,
                                    Release.partition == "whole").distinct()))
    if partition == "whole" and phase not in released:
        return 0.0
    return per_release * len(set(asked.phases_of(instrument)) - released)


def budget_of(cohort_id: int, instrument_id: int) -> Budget:
    """The budget (configuration) and what the ledger says the cohort's releases spent."""
    spent, releases = db.session.execute(
        select(func.coalesce(func.sum(Release.epsilon), 0.0), func.count()).where(
            Release.cohort_id == cohort_id, Release.instrument_id == instrument_id)).one()
    return Budget(float(current_app.config["ASSESSMENT_EPSILON"]),
                  float(current_app.config["ASSESSMENT_RELEASE_EPSILON"]), float(spent),
                  releases)


def dimension_epsilon(per_release: float, dimensions: int) -> float:
    """What one dimension may spend of a release (sequential composition over dimensions)."""
    return per_release / max(dimensions, 1)


def sum_scale(epsilon: float) -> float:
    """The Laplace scale OpenDP uses for a sum of 0-100 scores at `epsilon` (any size)."""
    return _bounded_sum(1).map(CHANGE_ONE) / (epsilon * MEAN_SHARE)


def mean_half_width(scale: float, respondents: int) -> float:
    """± points, 9 times in 10, of a mean released as (noisy sum) / respondents."""
    return scale * CONFIDENCE_FACTOR / respondents


def useful_size(scale: float) -> int:
    """The fewest answers whose mean would be within USEFUL_HALF_WIDTH, 9 times in 10."""
    return math.ceil(scale * CONFIDENCE_FACTOR / USEFUL_HALF_WIDTH)


def _bounded_sum(size: int):
    """Clamp to the scale, then sum: OpenDP's transformation with sensitivity 100 per change."""
    domain = dp.vector_domain(dp.atom_domain(T=float, nan=False), size=size)
    return (dp.t.make_clamp(domain, dp.symmetric_distance(), bounds=(0.0, TOP))
            >> dp.t.then_sum())


def _check_loss(measurement, epsilon: float) -> None:
    """Refuse a measurement whose privacy loss, by OpenDP's own map, exceeds its share."""
    loss = measurement.map(CHANGE_ONE)
    if loss > epsilon * (1 + 1e-9):
        raise RuntimeError(f"a release would lose {loss} where {epsilon} is allowed")


def release_mean(scores: list[float], epsilon: float) -> tuple[float, float]:
    """A group's mean score through OpenDP's Laplace mechanism; (mean, half-width).

    The number of answers is public, so the mean is the noisy sum over it (post-processing),
    clamped to 0-100.
    """
    summed = _bounded_sum(len(scores))
    scale = summed.map(CHANGE_ONE) / epsilon
    measurement = summed >> dp.m.then_laplace(scale=scale)
    _check_loss(measurement, epsilon)
    noisy = measurement(scores)
    return (min(max(noisy / len(scores), 0.0), TOP),
            mean_half_width(scale, len(scores)))


def release_bands(labels: list[str], categories: list[str],
                  epsilon: float) -> tuple[list[int], float]:
    """People per band through OpenDP's (discrete) Laplace mechanism; (counts, half-width).

    `labels` holds each answer's band, `categories` every band label the instrument's
    versions have (public: never read from the answers). Counts are clamped at 0
    (post-processing).
    """
    counting = dp.t.make_count_by_categories(
        dp.vector_domain(dp.atom_domain(T=str)), dp.symmetric_distance(),
        categories=categories, null_category=False)
    scale = counting.map(CHANGE_ONE) / epsilon
    measurement = counting >> dp.m.then_laplace(scale=scale)
    _check_loss(measurement, epsilon)
    return ([max(int(count), 0) for count in measurement(labels)],
            scale * CONFIDENCE_FACTOR)


def _partition_key(partition: str):
    if partition == "country":
        return func.coalesce(Response.country, "")
    if partition == "organisation":
        return func.coalesce(Response.organisation, "")
    return literal("")


def group_counts(respondents: Select, partition: str) -> dict[str, int]:
    """How many answers each group of the partition has (public: see the module's docstring)."""
    key = _partition_key(partition)
    return dict(db.session.execute(
        respondents.with_only_columns(key, func.count()).group_by(key)).all())


def _scores(respondents: Select, partition: str, snapshots: dict[int, dict]):
    """Every answer's dimension scores, by group: {group: {slug: [(score, band label)]}}.

    Scored as `aggregates.aggregate` scores them: values added up in SQL per response and
    dimension (a reverse-scored statement counts 6 - value), then scored in Python.
    """
    statements = [(version, statement["key"], part["slug"], statement["reverse"])
                  for version, snap in snapshots.items()
                  for part in snap["dimensions"] for statement in part["statements"]]
    slugs = {(version, key): (slug, reverse) for version, key, slug, reverse in statements}
    key = _partition_key(partition)
    rows = db.session.execute(
        respondents.with_only_columns(Response.id, Response.version, key.label("grp"),
                                      Answer.statement_key, Answer.value)
        .join(Answer, Answer.response_id == Response.id)
        .order_by(Response.id)).all()
    totals: dict[tuple, list[int]] = {}
    for response_id, version, group, statement_key, value in rows:
        slug, reverse = slugs.get((version, statement_key), (None, False))
        if slug is None:
            continue
        total = totals.setdefault((group, response_id, version, slug), [0, 0])
        total[0] += scoring.scored_value(value, reverse)
        total[1] += 1
    result: dict[str, dict[str, list[tuple[float, str]]]] = {}
    for (group, _response, version, slug), (total, count) in totals.items():
        score = scoring.score_from_total(total, count)
        band = scoring.band_for(score, snapshots[version]["bands"])["label"]
        result.setdefault(group, {}).setdefault(slug, []).append((score, band))
    return result


def _release_groups(scores, titles: dict[str, str], categories: list[str],
                    per_release: float, minimum: int) -> dict:
    """The released figures of every group of a partition, as stored in the ledger."""
    epsilon = dimension_epsilon(per_release, len(titles))
    figures = {}
    for group, by_slug in scores.items():
        respondents = max((len(pairs) for pairs in by_slug.values()), default=0)
        dimensions = []
        for slug, title in titles.items():
            pairs = by_slug.get(slug, [])
            if len(pairs) < minimum:
                continue
            mean, half_width = release_mean([score for score, _band in pairs],
                                            epsilon * MEAN_SHARE)
            counts, band_half_width = release_bands([band for _score, band in pairs],
                                                    categories, epsilon * (1 - MEAN_SHARE))
            dimensions.append({"slug": slug, "title": title, "mean": mean,
                               "half_width": half_width,
                               "bands": dict(zip(categories, counts, strict=True)),
                               "band_half_width": band_half_width})
        figures[group] = {"respondents": respondents, "dimensions": dimensions}
    return figures


@dataclass(frozen=True)
class Released:
    """The latest release of a partition, and whether a due one was refused for budget."""

    release: Release | None
    counts: dict[str, int]
    is_budget_spent: bool
    # Due, but what is left is kept for the whole cohort's first figures of another phase.
    is_kept_for_whole: bool = False


def latest(cohort_id: int, instrument_id: int, phase: str, partition: str) -> Release | None:
    """The partition's latest release in the ledger, if any."""
    return db.session.scalar(
        select(Release).where(Release.cohort_id == cohort_id,
                              Release.instrument_id == instrument_id,
                              Release.phase == phase, Release.partition == partition)
        .order_by(Release.id.desc()).limit(1))


def is_due(counts: dict[str, int], last: Release | None, needed: int) -> bool:
    """True at a milestone, when a partition is released again.

    That is when a group has enough answers for useful figures, and twice as many as at the
    partition's last release (a group new since then counts from 0).
    """
    before = {group: figures["respondents"]
              for group, figures in (last.figures if last else {}).items()}
    return any(count >= needed and count >= 2 * before.get(group, 0)
               for group, count in counts.items())


def release(instrument: Instrument, cohort_id: int, phase: str, partition: str,
            respondents: Select, snapshots: dict[int, dict], titles: dict[str, str],
            minimum: int) -> Released:
    """The partition's figures: the latest release, after a new one if a milestone is due.

    `respondents` selects the phase's counted responses of the cohort (`figures.counted_responses`),
    `snapshots` one per version among them, `titles` the dimensions to release in order.
    """
    counts = group_counts(respondents, partition)
    last = latest(cohort_id, instrument.id, phase, partition)
    budget = budget_of(cohort_id, instrument.id)
    epsilon = dimension_epsilon(budget.per_release, len(titles))
    needed = max(minimum, useful_size(sum_scale(epsilon)))
    if not (titles and is_due(counts, last, needed)):
        return Released(last, counts, False)
    # A page view (GET) only reads until here: the release is written in a transaction of
    # its own (learning/database.py), committed before the page goes on.
    end_read_transaction()
    with write_transaction():
        return _write_release(instrument, cohort_id, phase, partition, respondents,
                              snapshots, titles, minimum, counts, needed)


def _write_release(instrument: Instrument, cohort_id: int, phase: str, partition: str,
                   respondents: Select, snapshots: dict[int, dict], titles: dict[str, str],
                   minimum: int, counts: dict[str, int], needed: int) -> Released:
    """Under the instrument's row lock, release the partition if still due and affordable."""
    # One release at a time per instrument: the row lock (PostgreSQL; SQLite's write lock
    # does the same) makes a second page view wait, then find the release made.
    db.session.execute(select(Instrument.id).where(Instrument.id == instrument.id)
                       .with_for_update())
    last = latest(cohort_id, instrument.id, phase, partition)
    budget = budget_of(cohort_id, instrument.id)
    if not is_due(counts, last, needed):
        db.session.commit()
        return Released(last, counts, False)
    if not budget.can_release():
        db.session.commit()
        return Released(last, counts, True)
    if not budget.can_release(kept_for_whole(instrument, cohort_id, phase, partition,
                                             budget.per_release)):
        db.session.commit()
        return Released(last, counts, False, is_kept_for_whole=True)
    categories = list(dict.fromkeys(band["label"] for snap in snapshots.values()
                                    for band in snap["bands"]))
    figures = _release_groups(_scores(respondents, partition, snapshots), titles, categories,
                              budget.per_release, minimum)
    row = Release(cohort_id=cohort_id, instrument_id=instrument.id, phase=phase,
                  partition=partition, sequence=budget.releases + 1,
                  epsilon=budget.per_release, figures=figures, released_at=utcnow())
    db.session.add(row)
    try:
        db.session.commit()
    except IntegrityError:
        # Another view wrote this entry of the ledger first: its release stands, and this
        # one's noise is never shown.
        db.session.rollback()
        return Released(latest(cohort_id, instrument.id, phase, partition), counts, False)
    return Released(row, counts, False)
