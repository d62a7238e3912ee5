"""A participant's own results: their submitted phases scored, the shift, the item's state.

Privacy: only the participant's own responses are read (`phases.responses_of`).
"""

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from learning.assessments import baseline, release, scoring
from learning.assessments.asked import AFTER, BEFORE, SUBMITTED, phases_of
from learning.assessments.models import Response
from learning.assessments.phases import phase_states, responses_of
from learning.catalog.models import Course, Item, Module, shown_to_participants
from learning.database import db
from learning.instruments.models import Instrument


@dataclass(frozen=True)
class PhaseResult:
    """A submitted phase and its scores."""

    phase: str
    response: Response
    dimensions: list[scoring.DimensionResult]


@dataclass(frozen=True)
class ShiftRow:
    """One dimension before and after, and the change (None where a phase lacks it)."""

    title: str
    before: float | None
    after: float | None
    # ± points of the change, 9 times in 10, for released group figures (None: exact).
    half_width: float | None = None

    @property
    def change(self) -> float | None:
        """After minus before, on the displayed scores; None if too uncertain to show."""
        if self.before is None or self.after is None:
            return None
        if self.half_width is not None and self.half_width > release.USEFUL_HALF_WIDTH:
            return None
        return scoring.display_score(self.after - self.before)


@dataclass(frozen=True)
class Results:
    """What the participant's results page shows."""

    phases: list[PhaseResult]
    shift: list[ShiftRow] | None
    # The end-of-course answers are in, but there is no baseline to measure a shift against.
    has_no_baseline: bool = False

    @property
    def latest(self) -> PhaseResult:
        """The most recent submitted phase: its feedback leads the page."""
        return self.phases[-1]


def shift_rows(before: list, after: list, score=lambda d: d.score) -> list[ShiftRow]:
    """Dimensions matched by slug across two phases, in the later phase's order."""
    first = {d.slug: d for d in before}
    second = {d.slug: d for d in after}
    order = [d.slug for d in after] + [d.slug for d in before if d.slug not in second]
    return [
        ShiftRow(
            title=(second.get(slug) or first[slug]).title,
            before=scoring.display_score(score(first[slug])) if slug in first else None,
            after=scoring.display_score(score(second[slug])) if slug in second else None,
        )
        for slug in order
    ]


def counts(response: Response | None) -> bool:
    """True for a submitted response that results may show.

    A "before" counts only as a real baseline: one submitted while the baseline window was
    open. Any other "before" would make a shift out of two answers given at the same stage.
    """
    if response is None or response.status != SUBMITTED:
        return False
    return response.phase != BEFORE or response.is_baseline


def results(user_id: int, instrument: Instrument) -> Results | None:
    """The user's own submitted phases scored from their snapshots; None if none.

    The shift (after minus before) is given only against a real baseline (`counts`).
    """
    responses = responses_of(user_id, instrument)
    phases = [
        PhaseResult(phase, responses[phase],
                    scoring.score_snapshot(responses[phase].snapshot, responses[phase].values))
        for phase in phases_of(instrument)
        if counts(responses.get(phase))
    ]
    if not phases:
        return None
    by_phase = {p.phase: p for p in phases}
    shift = None
    if BEFORE in by_phase and AFTER in by_phase:
        shift = shift_rows(by_phase[BEFORE].dimensions, by_phase[AFTER].dimensions)
    has_no_baseline = AFTER in by_phase and BEFORE not in by_phase
    return Results(phases, shift, has_no_baseline)


def helpful_links(course: Course, references) -> dict[str, Item]:
    """Items of the course's published modules named by "module-slug/item-slug" references.

    References to items that do not exist (or are hidden) are left out.
    """
    wanted = {ref for ref in references if ref.count("/") == 1}
    if not wanted:
        return {}
    items = db.session.scalars(
        select(Item).join(Module).options(joinedload(Item.module))
        .where(Module.course_id == course.id, shown_to_participants())
    )
    found = {f"{item.module.slug}/{item.slug}": item for item in items}
    return {ref: found[ref] for ref in wanted if ref in found}


def item_state(user_id: int, course: Course, item: Item) -> dict:
    """What the item page shows a participant about their self-assessment."""
    instrument = item.instrument
    responses = responses_of(user_id, instrument)
    return {
        "phases": phase_states(user_id, course, item, instrument, responses),
        "has_results": any(counts(r) for r in responses.values()),
        "other_baselines": (baseline.starting_points(user_id, course, besides=instrument)
                            if instrument.is_before_after else []),
    }
