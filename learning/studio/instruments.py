"""Authoring self-assessment instruments, as plain functions.

An instrument is edited as the document its content file holds
(`exporter.instrument_document`): the studio's one form sets the whole document, which is
checked by the content files' own rules (`content.instrument_files.check_instrument`) and
written as an import writes it (`importer.save_instrument`, the one write path). So the
studio can store exactly what a file can say, an export imports again as the same
instrument, and the import's version rule holds here too: once anyone has answered, a
change to the definition makes a new version, and responses keep the snapshot of the
version they answered.

An instrument that no item uses yet may be a draft: it may still lack its dimensions, or a
dimension its feedback for a band (the problems those rules mark `incomplete`). Only a
complete instrument can be given to a self-assessment item, and one that an item uses must
stay complete.
"""

import copy
from dataclasses import dataclass, field

from flask import abort
from flask_babel import gettext as _
from sqlalchemy import select

from learning.assessments import asked
from learning.catalog.models import Course, Item
from learning.content import writing
from learning.content.exporter import instrument_document
from learning.content.importer import save_instrument
from learning.content.instrument_files import check_instrument
from learning.content.specs import ContentError, InstrumentSpec
from learning.database import db
from learning.instruments.models import Instrument
from learning.studio.courses import StudioError
from learning.studio.instrument_problems import in_labels

DEFAULT_SCALE = ("Strongly disagree", "Disagree", "Neither agree nor disagree", "Agree",
                 "Strongly agree")
DEFAULT_BANDS = (
    {"slug": "emerging", "label": "Emerging", "min": 0, "max": 40},
    {"slug": "developing", "label": "Developing", "min": 40, "max": 70},
    {"slug": "established", "label": "Established", "min": 70, "max": 100},
)


class InstrumentInvalid(StudioError):
    """The change would leave an instrument the content files could not hold.

    `problems` are what the content files' rules find, each with the field path of the
    instrument's document.
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
        asked.instrument_query().where(Instrument.course_id == course.id)
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
    counts = asked.response_counts(instrument.id for instrument in rows)
    return [Summary(instrument=instrument, responses=counts.get(instrument.id, 0),
                    items=items_using(course, instrument),
                    is_complete=check(course, document(instrument), instrument,
                                      writing.sibling_slugs(rows, leaving_out=instrument),
                                      ).is_complete)
            for instrument in rows]


def instrument_for_edit_or_404(course: Course, instrument_id: int) -> Instrument:
    """The course's instrument with this id, with all its parts (the course is checked)."""
    instrument = db.session.scalar(
        asked.instrument_query()
        .where(Instrument.course_id == course.id, Instrument.id == instrument_id))
    if instrument is None:
        abort(404)
    return instrument


def items_using(course: Course, instrument: Instrument) -> list[Item]:
    """The course's self-assessment items that ask this instrument (archived ones too)."""
    return [item for module in course.modules for item in module.items
            if item.instrument_id == instrument.id]


def response_count(instrument: Instrument) -> int:
    """How many responses (drafts and submitted) the instrument has."""
    return asked.response_counts([instrument.id]).get(instrument.id, 0)


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


def taken_slugs(course: Course, instrument: Instrument | None) -> set[str]:
    """The slugs of the course's other instruments (all of them for a new one).

    The instruments of a course are siblings: the rule of `content.writing.sibling_slugs`.
    """
    siblings = db.session.scalars(select(Instrument).where(Instrument.course_id == course.id))
    return writing.sibling_slugs(siblings, leaving_out=instrument)


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
        other_slugs = taken_slugs(course, instrument)
    if data.get("slug") in other_slugs:
        errors.append(ContentError(name, "slug", "duplicate slug: another instrument of this "
                                                 "course uses it"))
    errors = in_labels(errors, data)
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
    return [instrument for instrument in rows
            if instrument.id not in taken
            and check(course, document(instrument), instrument,
                      writing.sibling_slugs(rows, leaving_out=instrument)).is_complete]

