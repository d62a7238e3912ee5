"""Instruments as the self-assessments ask them: snapshots, phases and the items asking them.

A response stores the instrument as it was answered (`snapshot`): scoring, results and
group figures read that, never the instrument as it is now.
"""

from flask import abort
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from learning.assessments.models import Response
from learning.catalog.models import Course, Item, Module, shown_to_participants
from learning.database import db
from learning.instruments.models import Dimension, Feedback, Instrument

SINGLE, BEFORE, AFTER = "single", "before", "after"
DRAFT, SUBMITTED = "draft", "submitted"
NOT_STARTED = "not_started"


def snapshot(instrument: Instrument) -> dict:
    """The instrument as a participant answers it, for storing with the response.

    Statements are keyed by their id (as text): the form's field names and the answers use
    the same key. Everything scoring and the results page need is here.
    """
    return {
        "version": instrument.version,
        "title": instrument.title,
        "level": instrument.level,
        "is_before_after": instrument.is_before_after,
        "scale": list(instrument.scale_labels),
        "bands": [{"slug": b.slug, "label": b.label, "min": b.min_score, "max": b.max_score}
                  for b in _by_position(instrument.bands)],
        "dimensions": [
            {
                "slug": dimension.slug,
                "title": dimension.title,
                "description": dimension.description,
                "helpful_items": list(dimension.helpful_items or []),
                "statements": [{"key": str(s.id), "text": s.text,
                                "reverse": s.is_reverse_scored}
                               for s in _by_position(dimension.statements)],
                "feedback": {f.band.slug: f.text for f in dimension.feedback},
            }
            for dimension in _by_position(instrument.dimensions)
        ],
    }


def _by_position(rows) -> list:
    # A collection edited in this session keeps its loaded order while positions change.
    return sorted(rows, key=lambda row: row.position)


def definition(instrument: Instrument) -> dict:
    """What a new version is about: the snapshot without its version number."""
    data = snapshot(instrument)
    del data["version"]
    return data


def has_responses(instrument: Instrument) -> bool:
    """True if anyone has answered (or started answering) the instrument."""
    return db.session.scalar(
        select(Response.id).where(Response.instrument_id == instrument.id).limit(1)
    ) is not None


def response_counts(instrument_ids) -> dict[int, int]:
    """How many responses each of the instruments has (for refusing their deletion)."""
    ids = list(instrument_ids)
    if not ids:
        return {}
    return dict(db.session.execute(
        select(Response.instrument_id, func.count()).where(Response.instrument_id.in_(ids))
        .group_by(Response.instrument_id)
    ).all())


def phases_of(instrument: Instrument) -> tuple[str, ...]:
    """The phases an instrument is taken in."""
    return (BEFORE, AFTER) if instrument.is_before_after else (SINGLE,)


def completing_phase(instrument: Instrument) -> str:
    """The phase whose submission completes the item."""
    return AFTER if instrument.is_before_after else SINGLE


def instrument_query():
    """A query of instruments with everything a snapshot reads loaded with them."""
    return select(Instrument).options(
        selectinload(Instrument.bands),
        selectinload(Instrument.dimensions).selectinload(Dimension.statements),
        selectinload(Instrument.dimensions).selectinload(Dimension.feedback)
        .joinedload(Feedback.band),
    )


def get_instrument_or_404(course: Course, slug: str) -> Instrument:
    """The course's instrument with this slug, with everything a snapshot reads."""
    instrument = db.session.scalar(
        instrument_query().where(Instrument.course_id == course.id, Instrument.slug == slug)
    )
    if instrument is None:
        abort(404)
    return instrument


def instruments_of(course: Course) -> list[Instrument]:
    """The course's instruments that an item of a published module asks, in course order."""
    ids = list(dict.fromkeys(db.session.scalars(
        select(Item.instrument_id).join(Module)
        .where(Module.course_id == course.id, shown_to_participants(),
               Item.instrument_id.is_not(None))
        .order_by(Module.position, Item.position)
    )))
    instruments = {i.id: i for i in db.session.scalars(
        instrument_query().where(Instrument.id.in_(ids)))}
    return [instruments[i] for i in ids]


def assessment_item_or_404(course: Course, instrument: Instrument) -> Item:
    """The item of a published module of the course that asks this instrument."""
    item = db.session.scalar(
        select(Item).join(Module)
        .options(joinedload(Item.module))
        .where(Module.course_id == course.id, shown_to_participants(),
               Item.instrument_id == instrument.id)
        .order_by(Module.position, Item.position)
        .limit(1)
    )
    if item is None:
        abort(404)
    return item
