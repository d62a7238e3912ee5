"""Authoring self-assessment instruments, as plain functions.

An instrument is edited as the document its content file holds
(`exporter.instrument_document`): each page changes one part of that document, the whole is
checked by the content files' own rules (`schema.check_instrument`) and written as an import
writes it (`importer.save_instrument`). So the studio can store exactly what a file can say,
an export imports again as the same instrument, and the import's version rule holds here too:
once anyone has answered, a change to the definition makes a new version, and responses keep
the snapshot of the version they answered.

An instrument that no item uses yet may be a draft: it may still lack its dimensions, or a
dimension its feedback for a band (the problems the schema marks `incomplete`). Only a
complete instrument can be given to a self-assessment item, and one that an item uses must
stay complete.
"""

import copy
from dataclasses import dataclass, field

from flask import abort
from flask_babel import gettext as _
from sqlalchemy import select

from learning.assessments import services as assessments
from learning.catalog.models import Course, Item
from learning.content.exporter import instrument_document
from learning.content.importer import save_instrument
from learning.content.schema import ContentError, InstrumentSpec, check_instrument
from learning.database import db
from learning.instruments.models import Dimension, Instrument
from learning.studio.services import DOWN, UP, StudioError

DEFAULT_SCALE = ("Strongly disagree", "Disagree", "Neither agree nor disagree", "Agree",
                 "Strongly agree")
DEFAULT_BANDS = (
    {"slug": "emerging", "label": "Emerging", "min": 0, "max": 40},
    {"slug": "developing", "label": "Developing", "min": 40, "max": 70},
    {"slug": "established", "label": "Established", "min": 70, "max": 100},
)


class InstrumentInvalid(StudioError):
    """The change would leave an instrument the content files could not hold.

    `problems` are the schema's, each with the field path of the instrument's document.
    """

    def __init__(self, problems: list[ContentError]):
        self.problems = problems
        super().__init__("; ".join(str(problem) for problem in problems))


@dataclass(frozen=True)
class Check:
    """What the content files' rules say of an instrument's document.

    `problems` stop a save; `missing` are the parts a draft still lacks (they stop a save
    too once an item uses the instrument, and are then among `problems`).
    """

    spec: InstrumentSpec | None
    problems: list[ContentError] = field(default_factory=list)
    missing: list[ContentError] = field(default_factory=list)

    @property
    def is_complete(self) -> bool:
        """True if the document is a valid instrument file: an item may use it."""
        return not self.problems and not self.missing


def instruments_of(course: Course) -> list[Instrument]:
    """Every instrument of the course, used or not, by title, with all its parts."""
    return list(db.session.scalars(
        assessments.instrument_query().where(Instrument.course_id == course.id)
        .order_by(Instrument.title, Instrument.id)))


@dataclass(frozen=True)
class Summary:
    """An instrument as the course's studio page lists it."""

    instrument: Instrument
    responses: int
    items: list[Item]
    is_complete: bool


def overview(course: Course) -> list[Summary]:
    """The course's instruments: responses, the items asking each, whether each is complete."""
    rows = instruments_of(course)
    counts = assessments.response_counts(instrument.id for instrument in rows)
    slugs = {instrument.slug for instrument in rows}
    return [Summary(instrument=instrument, responses=counts.get(instrument.id, 0),
                    items=items_using(course, instrument),
                    is_complete=check(course, document(instrument), instrument,
                                      slugs - {instrument.slug}).is_complete)
            for instrument in rows]


def instrument_for_edit_or_404(course: Course, instrument_id: int) -> Instrument:
    """The course's instrument with this id, with all its parts (the course is checked)."""
    instrument = db.session.scalar(
        assessments.instrument_query()
        .where(Instrument.course_id == course.id, Instrument.id == instrument_id))
    if instrument is None:
        abort(404)
    return instrument


def dimension_or_404(instrument: Instrument, dimension_id: int) -> Dimension:
    """The instrument's dimension with this id."""
    dimension = next((d for d in instrument.dimensions if d.id == dimension_id), None)
    if dimension is None:
        abort(404)
    return dimension


def items_using(course: Course, instrument: Instrument) -> list[Item]:
    """The course's self-assessment items that ask this instrument (archived ones too)."""
    return [item for module in course.modules for item in module.items
            if item.instrument_id == instrument.id]


def response_count(instrument: Instrument) -> int:
    """How many responses (drafts and submitted) the instrument has."""
    return assessments.response_counts([instrument.id]).get(instrument.id, 0)


def item_references(course: Course) -> list[tuple[str, str]]:
    """The course's items as helpful-item references ("module/item") with their titles."""
    return [(f"{module.slug}/{item.slug}", f"{module.title} › {item.title}")
            for module in course.modules for item in module.items]


def document(instrument: Instrument) -> dict:
    """The instrument's document, a copy to change."""
    data = copy.deepcopy(instrument_document(instrument))
    data["bands"] = [dict(band) for band in data["bands"]]
    return data


def new_document() -> dict:
    """The document of an instrument not written yet: the usual scale and three bands."""
    return {"slug": "", "title": "", "level": "individual", "before_after": False,
            "introduction": "", "scale": list(DEFAULT_SCALE),
            "bands": [dict(band) for band in DEFAULT_BANDS], "dimensions": []}


def _other_slugs(course: Course, instrument: Instrument | None) -> set[str]:
    return set(db.session.scalars(
        select(Instrument.slug).where(Instrument.course_id == course.id,
                                      Instrument.id != (instrument.id if instrument else None))))


def check(course: Course, data: dict, instrument: Instrument | None = None,
          other_slugs: set[str] | None = None) -> Check:
    """Check a document as the content files are checked, for this course.

    The slug must also differ from the course's other instruments' (`other_slugs`, looked
    up when not given), as a content folder checks across its files. Gaps are allowed while
    no item uses the instrument.
    """
    in_use = instrument is not None and bool(items_using(course, instrument))
    name = f"instrument {data.get('slug') or ''}".strip()
    spec, errors = check_instrument(data, name, (ref for ref, _ in item_references(course)))
    if other_slugs is None:
        other_slugs = _other_slugs(course, instrument)
    if data.get("slug") in other_slugs:
        errors.append(ContentError(name, "slug", "duplicate slug: another instrument of this "
                                                 "course uses it"))
    return Check(
        spec=spec,
        problems=[error for error in errors if in_use or not error.incomplete],
        missing=[error for error in errors if error.incomplete],
    )


def save(course: Course, data: dict, instrument: Instrument | None = None) -> Instrument:
    """Store the document as the instrument (a new one when None); InstrumentInvalid if not.

    Nothing is written unless the whole document passes. Adds and flushes.
    """
    result = check(course, data, instrument)
    if result.problems or result.spec is None:
        raise InstrumentInvalid(result.problems)
    return save_instrument(course.id, result.spec, instrument)


# The parts of a document each page changes ------------------------------------------------


@dataclass(frozen=True)
class Settings:
    """What the instrument's settings page sets."""

    slug: str
    title: str
    level: str
    before_after: bool
    introduction: str
    scale: list[str]


@dataclass(frozen=True)
class BandRow:
    """One band as the bands page sets it, with each dimension's feedback for it by slug."""

    slug: str
    label: str
    min: int | None
    max: int | None
    feedback: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class DimensionFields:
    """What a dimension's page sets: statements as (text, reverse-scored), in order."""

    slug: str
    title: str
    description: str
    helpful_items: list[str]
    statements: list[tuple[str, bool]]
    feedback: dict[str, str]


def with_settings(data: dict, settings: Settings) -> dict:
    """The document with these settings."""
    return {**data, "slug": settings.slug, "title": settings.title, "level": settings.level,
            "before_after": settings.before_after, "introduction": settings.introduction,
            "scale": list(settings.scale)}


def with_bands(data: dict, bands: list[BandRow]) -> dict:
    """The document with these bands, each dimension's feedback keyed by the bands' slugs."""
    dimensions = []
    for dimension in data["dimensions"]:
        feedback = {band.slug: band.feedback[dimension["slug"]] for band in bands
                    if band.feedback.get(dimension["slug"])}
        dimensions.append({**dimension, "feedback": feedback})
    return {**data, "dimensions": dimensions,
            "bands": [{"slug": band.slug, "label": band.label, "min": band.min,
                       "max": band.max} for band in bands]}


def with_dimension(data: dict, index: int | None, fields: DimensionFields) -> dict:
    """The document with the dimension at `index` replaced (or, with None, one added)."""
    dimension = {
        "slug": fields.slug, "title": fields.title, "description": fields.description,
        "statements": [{"text": text, "reverse": reverse} for text, reverse in fields.statements],
        "feedback": {slug: text for slug, text in fields.feedback.items() if text},
        "helpful_items": list(fields.helpful_items),
    }
    dimensions = list(data["dimensions"])
    if index is None:
        dimensions.append(dimension)
    else:
        dimensions[index] = dimension
    return {**data, "dimensions": dimensions}


def dimension_index(instrument: Instrument, dimension: Dimension) -> int:
    """Where the dimension is in the instrument's document."""
    return sorted(instrument.dimensions, key=lambda d: d.position).index(dimension)


def move_dimension(course: Course, instrument: Instrument, dimension: Dimension,
                   direction: str) -> bool:
    """Move the dimension one place up or down; False if it is already at that end."""
    data = document(instrument)
    index = dimension_index(instrument, dimension)
    other = index - 1 if direction == UP else index + 1 if direction == DOWN else -1
    if not 0 <= other < len(data["dimensions"]):
        return False
    dimensions = data["dimensions"]
    dimensions[index], dimensions[other] = dimensions[other], dimensions[index]
    save(course, data, instrument)
    return True


def delete_dimension(course: Course, instrument: Instrument, dimension: Dimension) -> None:
    """Take the dimension out; refused when an item uses the instrument and it is the last."""
    data = document(instrument)
    del data["dimensions"][dimension_index(instrument, dimension)]
    try:
        save(course, data, instrument)
    except InstrumentInvalid as error:
        raise StudioError(_("A self-assessment item uses this instrument, which keeps at "
                            "least one dimension: add another first.")) from error


def delete_instrument(course: Course, instrument: Instrument) -> None:
    """Delete an instrument no item uses and nobody answered; refused otherwise."""
    if items_using(course, instrument):
        raise StudioError(_("A self-assessment item uses this instrument: delete the item "
                            "first, or give it another instrument."))
    if response_count(instrument):
        raise StudioError(_("People have answered this instrument: it is kept with their "
                            "answers."))
    db.session.delete(instrument)
    db.session.flush()


def ready_instruments(course: Course, item: Item | None = None) -> list[Instrument]:
    """The complete instruments a self-assessment item may ask: each item has its own."""
    taken = {other.instrument_id for module in course.modules for other in module.items
             if other.instrument_id is not None and other is not item}
    rows = instruments_of(course)
    slugs = {instrument.slug for instrument in rows}
    return [instrument for instrument in rows
            if instrument.id not in taken
            and check(course, document(instrument), instrument,
                      slugs - {instrument.slug}).is_complete]

