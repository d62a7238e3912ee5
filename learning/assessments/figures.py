"""A cohort's self-assessment figures for facilitators and managers, as released.

Every figure these functions give comes out of `release` (differential privacy through
OpenDP): the exact scores never leave this module and `release`. The groups are those
recorded with each answer at submission (`answering.save_response`).
"""

import math

from sqlalchemy import Select, func, select

from learning.assessments import release, scoring
from learning.assessments.aggregates import Aggregate, DimensionAggregate, InstrumentSummary
from learning.assessments.asked import BEFORE, SUBMITTED, instruments_of, phases_of, snapshot
from learning.assessments.models import Response
from learning.assessments.personal import ShiftRow
from learning.assessments.privacy import min_group
from learning.cohorts.models import Cohort, Enrolment
from learning.database import db
from learning.instruments.models import Instrument


def counted_responses(instrument: Instrument, cohort: Cohort, phase: str) -> Select:
    """The cohort's submitted responses to one phase that group figures count.

    A "before" counts real baselines only, like a person's (`personal.counts`).
    """
    conditions = [Enrolment.cohort_id == cohort.id, Response.instrument_id == instrument.id,
                  Response.phase == phase, Response.status == SUBMITTED]
    if phase == BEFORE:
        conditions.append(Response.is_baseline.is_(True))
    return (select(Response.id).join(Enrolment, Enrolment.user_id == Response.user_id)
            .where(*conditions))


def released_aggregate(instrument: Instrument, cohort: Cohort, phase: str,
                       partition: str = "whole", group: str = "") -> Aggregate:
    """One group's figures for one phase, as differentially privately released (`release`).

    `partition` is "whole", "country" or "organisation"; `group` the country code or the
    organisation (as recorded with the answers). Only released values come out: a release
    is made here when a milestone is due and the budget allows, and stored for every later
    view. A mean or band counts too uncertain to mean anything come out as None.
    """
    threshold = min_group()
    respondents = counted_responses(instrument, cohort, phase)
    snapshots = dict(db.session.execute(
        select(Response.version, Response.snapshot).where(Response.id.in_(
            respondents.with_only_columns(func.min(Response.id)).group_by(Response.version)))
    ).all())
    current = snapshot(instrument)
    titles = {d["slug"]: d["title"] for d in current["dimensions"]}
    for snap in snapshots.values():
        for part in snap["dimensions"]:
            titles.setdefault(part["slug"], part["title"])
    released = release.release(instrument, cohort.id, phase, partition, respondents,
                               snapshots, titles, threshold)
    now = released.counts.get(group, 0)
    figures = released.release.figures.get(group) if released.release else None
    if not figures or not figures["dimensions"]:
        return Aggregate(phase, threshold, False, pending=now,
                         is_budget_spent=released.is_budget_spent,
                         is_kept_for_whole=released.is_kept_for_whole)
    counted = figures["respondents"]
    useful = release.USEFUL_HALF_WIDTH
    dimensions = []
    for part in figures["dimensions"]:
        useful_bands = 100 * part["band_half_width"] / counted <= useful
        dimensions.append(DimensionAggregate(
            slug=part["slug"], title=part["title"],
            mean=part["mean"] if part["half_width"] <= useful else None,
            band_counts=list(part["bands"].items()) if useful_bands else None,
            half_width=part["half_width"], band_half_width=part["band_half_width"]))
    return Aggregate(phase, threshold, True, counted, dimensions, max(now - counted, 0),
                     is_budget_spent=released.is_budget_spent,
                     is_kept_for_whole=released.is_kept_for_whole,
                     released_at=released.release.released_at)


def released_shift(before: Aggregate, after: Aggregate) -> list[ShiftRow]:
    """Dimensions before and after, with the change's uncertainty.

    9 times in 10 by the normal approximation: 1.645 standard deviations of the two
    Laplace noises together.
    """
    first = {d.slug: d for d in before.dimensions}
    rows = []
    for part in after.dimensions:
        earlier = first.get(part.slug)
        if earlier is None or earlier.mean is None or part.mean is None:
            rows.append(ShiftRow(part.title, None, None))
            continue
        spread = [math.sqrt(2) * d.half_width / release.CONFIDENCE_FACTOR
                  for d in (earlier, part)]
        rows.append(ShiftRow(part.title, scoring.display_score(earlier.mean),
                             scoring.display_score(part.mean),
                             1.645 * math.hypot(*spread)))
    return rows


def cohort_summaries(cohort: Cohort, partition: str = "whole",
                     group: str = "") -> list[InstrumentSummary]:
    """Every instrument of the cohort's course with its released figures.

    For facilitators and managers (`released_aggregate`); the shift when both phases have
    figures.
    """
    summaries = []
    for instrument in instruments_of(cohort.course):
        phases = [released_aggregate(instrument, cohort, phase, partition, group)
                  for phase in phases_of(instrument)]
        shift = None
        if instrument.is_before_after and all(p.is_enough for p in phases):
            shift = released_shift(*phases)
        summaries.append(InstrumentSummary(instrument, phases, shift))
    return summaries


def recorded_groups(cohort: Cohort) -> tuple[set[str], set[str]]:
    """The countries and organisations recorded with the cohort's submitted answers."""
    rows = db.session.execute(
        select(Response.country, Response.organisation).distinct()
        .join(Enrolment, Enrolment.user_id == Response.user_id)
        .where(Enrolment.cohort_id == cohort.id, Response.status == SUBMITTED)).all()
    return ({country for country, _ in rows if country},
            {organisation for _, organisation in rows if organisation})
