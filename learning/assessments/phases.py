"""Where a participant stands with each phase of a self-assessment, and why one is closed.

Privacy: a participant's responses are only ever loaded by their own user id (`responses_of`).
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from flask import abort
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from learning.assessments import baseline
from learning.assessments.asked import AFTER, BEFORE, NOT_STARTED, SUBMITTED, phases_of
from learning.assessments.models import Response
from learning.catalog.models import Course, Item
from learning.database import db
from learning.instruments.models import Instrument
from learning.progress import completion


class AssessmentError(Exception):
    """A request the rules refuse, with a message for the participant."""


class PhaseClosed(AssessmentError):
    """The phase cannot be taken now (not open yet, or no longer)."""


def baseline_closed() -> PhaseClosed:
    """The refusal of a "before" once its window has closed (`baseline`)."""
    return PhaseClosed(baseline.closed_message())


class AlreadySubmitted(AssessmentError):
    """The phase was submitted before: a submission is final."""


def responses_of(user_id: int, instrument: Instrument) -> dict[str, Response]:
    """The user's own responses to the instrument, by phase, with their answers."""
    rows = db.session.scalars(
        select(Response).options(selectinload(Response.answers))
        .where(Response.user_id == user_id, Response.instrument_id == instrument.id)
    )
    return {row.phase: row for row in rows}


def rest_of_course_complete(user_id: int, course: Course, item: Item) -> bool:
    """True when every required item of the course other than this one is complete.

    Other before-and-after self-assessments are left out: each is completed by its own
    "after", which waits for the rest of the course, so counting them would make two such
    items wait for each other for ever.
    """
    ends_with_after = {row.id for row in baseline.course_outline(course) if row.is_before_after}
    return completion.nothing_left_but(user_id, course.id, ends_with_after | {item.id})


@dataclass(frozen=True)
class PhaseState:
    """Where a participant stands with one phase of an instrument."""

    phase: str
    status: str  # not_started, draft or submitted
    is_open: bool
    submitted_at: datetime | None = None
    # Why a phase that is not submitted cannot be taken: "waiting" (the rest of the course
    # comes first), "passed" (the after phase was taken, so "before" is over) or
    # "baseline_closed" (the participant has begun the module it belongs to).
    closed_because: str | None = None


def phase_states(user_id: int, course: Course, item: Item, instrument: Instrument,
                 responses: Mapping[str, Response] | None = None) -> list[PhaseState]:
    """The state of each phase of the instrument for the participant.

    Single is open until submitted; before until either phase is submitted or its window
    closes (`baseline.is_before_open`); after once every other required item of the course is
    complete (`rest_of_course_complete`).
    """
    if responses is None:
        responses = responses_of(user_id, instrument)

    def status(phase):
        row = responses.get(phase)
        return row.status if row else NOT_STARTED

    states = []
    for phase in phases_of(instrument):
        current = status(phase)
        submitted = current == SUBMITTED
        reason = None
        if submitted:
            is_open = False
        elif phase == BEFORE and status(AFTER) == SUBMITTED:
            is_open, reason = False, "passed"
        elif phase == BEFORE and not baseline.is_before_open(user_id, item):
            is_open, reason = False, "baseline_closed"
        elif phase == AFTER and not rest_of_course_complete(user_id, course, item):
            is_open, reason = False, "waiting"
        else:
            is_open = True
        row = responses.get(phase)
        states.append(PhaseState(phase, current, is_open,
                                 row.submitted_at if row else None, reason))
    return states


def check_phase_open(states: list[PhaseState], phase: str) -> None:
    """Raise unless the phase can be answered now."""
    state = next((s for s in states if s.phase == phase), None)
    if state is None:
        abort(404)
    if state.status == SUBMITTED:
        raise AlreadySubmitted(_("You have already submitted this self-assessment. "
                                 "A submission is final: your results are below."))
    if state.closed_because == "waiting":
        raise PhaseClosed(_("The end-of-course self-assessment opens once you have "
                            "completed every other required item of the course, apart from "
                            "the other end-of-course self-assessments."))
    if state.closed_because == "passed":
        raise PhaseClosed(_("The start-of-course self-assessment is closed: you have "
                            "already taken the end-of-course one."))
    if state.closed_because == "baseline_closed":
        raise baseline_closed()
