"""`import_content`: bring the database in line with a content folder, in place.

An instrument whose definition changes after someone answered it gets a new version number;
responses keep a snapshot of what they answered, so their scores do not move.

Rows are matched by natural keys (course slug; module slug in the course; item slug in the
module; instrument slug in the course; dimension and band slugs in the instrument; statements
by position), so an edit updates rows where they are and participants' progress, which points
at item ids, survives. Only values that differ are written: importing the same folder twice
writes nothing the second time.
"""

import filecmp
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from learning.assessments import asked
from learning.catalog import services as catalog
from learning.catalog.models import Course, Item, Module
from learning.content import writing
from learning.content.folder import COURSE_FILE, MODULE_FILE, load_content
from learning.content.specs import (
    ContentError,
    ContentInvalid,
    CourseSpec,
    InstrumentSpec,
    MediaFile,
)
from learning.database import db
from learning.instruments.models import Band, Dimension, Feedback, Instrument, Statement


@dataclass
class ImportReport:
    """What an import did, in rows and media files."""

    course: str
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0
    media_copied: int = 0
    media_unchanged: int = 0

    @property
    def changed(self) -> bool:
        """True if the import wrote anything."""
        return bool(self.created or self.updated or self.deleted or self.media_copied)

    def summary(self) -> str:
        """One line for the command line."""
        if not self.changed:
            return (f"Course {self.course}: no changes ({self.unchanged} rows and "
                    f"{self.media_unchanged} media files already up to date).")
        return (f"Course {self.course}: {self.created} created, {self.updated} updated, "
                f"{self.deleted} deleted, {self.unchanged} unchanged; media files: "
                f"{self.media_copied} copied, {self.media_unchanged} unchanged.")


def import_content(directory: str | Path) -> ImportReport:
    """Import a content folder into the database, creating or updating one course.

    Raises ContentInvalid, having changed nothing, if any file has a problem or the import
    would delete an item someone has progress on. Adds and flushes in the caller's
    transaction (the caller commits, inside `write_transaction()`), then copies the media
    files under MEDIA_ROOT, the images of `images/` to `<course>/images/` with their names
    (images already in the library and not in the folder stay).
    """
    spec, errors = load_content(directory)
    if errors:
        raise ContentInvalid(errors)
    course = db.session.scalar(
        select(Course).where(Course.slug == spec.slug)
        .options(selectinload(Course.modules).selectinload(Module.items))
    )
    if course is not None:
        errors = _removal_conflicts(course, spec) + _instrument_conflicts(course, spec)
        if errors:
            raise ContentInvalid(errors)
    report = ImportReport(course=spec.slug)
    _Importer(report).run(course, spec)
    _copy_media(spec.media, report)
    return report


def save_instrument(course_id: int, spec: InstrumentSpec,
                    instrument: Instrument | None = None) -> Instrument:
    """Write one checked instrument as an import would: create it, or update it in place.

    The studio's way in. The rule is the import's: once anyone has answered the instrument,
    a change to its definition raises its version, and responses keep their snapshots.
    Adds and flushes; the caller commits.
    """
    instrument = _Importer(ImportReport(course="")).instrument(course_id, spec, instrument)
    db.session.flush()
    return instrument


def _removal_conflicts(course: Course, spec: CourseSpec) -> list[ContentError]:
    """Items the files no longer have but participants have progress on (`writing.may_delete`)."""
    wanted = {module.slug: {item.slug for item in module.items} for module in spec.modules}
    folders = {module.slug: module.folder for module in spec.modules}
    leaving = {
        item.id: (module, item)
        for module in course.modules for item in module.items
        if item.slug not in wanted.get(module.slug, ())
    }
    if not leaving:
        return []
    # As the studio's deleting: a row someone has progress on is archived, never deleted.
    counts = writing.progress_on(item for _module, item in leaving.values())
    errors = []
    for item_id, (module, item) in leaving.items():
        if writing.may_delete([item], counts):
            continue
        people = f"{counts[item_id]} participant{'s' if counts[item_id] != 1 else ''}"
        if module.slug in wanted:
            errors.append(ContentError(
                f"{folders[module.slug]}/{MODULE_FILE}", "items",
                f"item {item.slug!r} is no longer in the file, but {people} have progress on "
                "it; put it back (an item's slug identifies it: renaming or moving it to "
                "another module also removes it)",
            ))
        else:
            errors.append(ContentError(
                f"{module.position:02d}-{module.slug}/{MODULE_FILE}", "",
                f"module {module.slug!r} is no longer in the folder, but {people} have "
                f"progress on its item {item.slug!r}; put the module back (a module's slug "
                "identifies it: renaming it also removes it)",
            ))
    return errors


def _instrument_conflicts(course: Course, spec: CourseSpec) -> list[ContentError]:
    """Instruments the files no longer have but participants have answered."""
    wanted = {instrument.slug for instrument in spec.instruments}
    leaving = {
        instrument.id: instrument.slug
        for instrument in db.session.scalars(
            select(Instrument).where(Instrument.course_id == course.id,
                                     Instrument.slug.not_in(wanted)))
    }
    return [
        ContentError(COURSE_FILE, "instruments",
                     f"instrument {leaving[instrument_id]!r} is no longer in any module, but "
                     f"{count} response{'s' if count != 1 else ''} answer it; put it back")
        for instrument_id, count in asked.response_counts(leaving).items()
    ]


class _Importer:
    """Writes a CourseSpec into the database, counting what it creates, changes and deletes."""

    def __init__(self, report: ImportReport):
        self.report = report

    def run(self, course: Course | None, spec: CourseSpec) -> Course:
        if course is None:
            course = Course(slug=spec.slug, **spec.fields)
            db.session.add(course)
            self.report.created += 1
        else:
            self._update(course, spec.fields)
        db.session.flush()
        instruments = self._instruments(course, spec.instruments)
        self._modules(course, spec, instruments)
        self._remove_unused_instruments(course, spec)
        for file_name, label in spec.image_names.items():
            if catalog.name_image(course.id, file_name, label):
                self.report.updated += 1
        return course

    def _update(self, row, values: dict) -> bool:
        """Assign the values that differ; count the row as updated or unchanged."""
        changed = {key: value for key, value in values.items() if getattr(row, key) != value}
        for key, value in changed.items():
            setattr(row, key, value)
        if changed:
            self.report.updated += 1
        else:
            self.report.unchanged += 1
        return bool(changed)

    def _ordered(self, collection: list, specs: list, create, rows_of=lambda row: 1) -> dict:
        """Bring a collection ordered by position in line with specs matched by slug.

        Rows the specs lack are deleted first, rows that move step aside (`writing`), then
        every row takes its final position and values. Returns the rows by slug.
        """
        wanted = {spec.slug for spec in specs}
        for row in list(collection):
            if row.slug not in wanted:
                collection.remove(row)
                self.report.deleted += rows_of(row)
        db.session.flush()
        existing = {row.slug: row for row in collection}
        moving = [existing[spec.slug] for spec in specs
                  if spec.slug in existing and existing[spec.slug].position != spec.position]
        writing.step_aside(moving, collection,
                           past=max((spec.position for spec in specs), default=0))
        rows = {}
        for spec in specs:
            row = existing.get(spec.slug)
            if row is None:
                row = create(spec)
                collection.append(row)
                self.report.created += 1
            else:
                self._update(row, {"position": spec.position, **spec.fields})
            rows[spec.slug] = row
        db.session.flush()
        return rows

    def _instruments(self, course: Course, specs: list[InstrumentSpec]) -> dict[str, Instrument]:
        existing = {
            instrument.slug: instrument
            for instrument in db.session.scalars(
                select(Instrument).where(Instrument.course_id == course.id).options(
                    selectinload(Instrument.bands),
                    selectinload(Instrument.dimensions).selectinload(Dimension.statements),
                    selectinload(Instrument.dimensions).selectinload(Dimension.feedback)
                    .joinedload(Feedback.band),
                )
            )
        }
        return {spec.slug: self.instrument(course.id, spec, existing.get(spec.slug))
                for spec in specs}

    def instrument(self, course_id: int, spec: InstrumentSpec,
                   instrument: Instrument | None) -> Instrument:
        """Create the instrument, or bring it in line with the spec (its slug too).

        Once anyone has answered it, a change to its definition makes a new version.
        """
        if instrument is None:
            instrument = Instrument(course_id=course_id, slug=spec.slug, **spec.fields)
            db.session.add(instrument)
            self.report.created += 1
            self._instrument_parts(instrument, spec)
            return instrument
        before = asked.definition(instrument)
        self._update(instrument, {"slug": spec.slug, **spec.fields})
        self._instrument_parts(instrument, spec)
        if asked.definition(instrument) != before and asked.has_responses(instrument):
            instrument.version += 1
            db.session.flush()
        return instrument

    def _instrument_parts(self, instrument: Instrument, spec: InstrumentSpec) -> None:
        band_slugs = {band.slug for band in spec.bands}
        # Feedback for a band that goes away goes first: a band is deleted after its feedback.
        for dimension in instrument.dimensions:
            for feedback in list(dimension.feedback):
                if feedback.band.slug not in band_slugs:
                    dimension.feedback.remove(feedback)
                    self.report.deleted += 1
        bands = self._ordered(
            instrument.bands, spec.bands,
            lambda band: Band(slug=band.slug, position=band.position, **band.fields),
        )
        dimensions = self._ordered(
            instrument.dimensions, spec.dimensions,
            lambda dimension: Dimension(slug=dimension.slug, position=dimension.position,
                                        **dimension.fields),
            rows_of=lambda dimension: 1 + len(dimension.statements) + len(dimension.feedback),
        )
        for dimension_spec in spec.dimensions:
            dimension = dimensions[dimension_spec.slug]
            self._statements(dimension, dimension_spec.statements)
            self._feedback(dimension, dimension_spec.feedback, bands)
        db.session.flush()

    def _statements(self, dimension: Dimension, specs: list[dict]) -> None:
        existing = {statement.position: statement for statement in dimension.statements}
        for statement in list(dimension.statements):
            if statement.position > len(specs):
                dimension.statements.remove(statement)
                self.report.deleted += 1
        for position, values in enumerate(specs, start=1):
            statement = existing.get(position)
            if statement is None:
                dimension.statements.append(Statement(position=position, **values))
                self.report.created += 1
            else:
                self._update(statement, values)

    def _feedback(self, dimension: Dimension, texts: dict[str, str],
                  bands: dict[str, Band]) -> None:
        existing = {feedback.band.slug: feedback for feedback in dimension.feedback}
        # A valid file has feedback for every band; a draft instrument may lack some.
        for band_slug, feedback in existing.items():
            if band_slug not in texts:
                dimension.feedback.remove(feedback)
                self.report.deleted += 1
        for band_slug, text in texts.items():
            feedback = existing.get(band_slug)
            if feedback is None:
                dimension.feedback.append(Feedback(band=bands[band_slug], text=text))
                self.report.created += 1
            else:
                self._update(feedback, {"text": text})

    def _modules(self, course: Course, spec: CourseSpec,
                 instruments: dict[str, Instrument]) -> None:
        modules = self._ordered(
            course.modules, spec.modules,
            lambda module: Module(slug=module.slug, position=module.position, **module.fields),
            rows_of=lambda module: 1 + len(module.items),
        )
        for module_spec in spec.modules:
            for item in module_spec.items:
                instrument = instruments.get(item.instrument_slug)
                item.fields["instrument_id"] = instrument.id if instrument else None
            self._ordered(
                modules[module_spec.slug].items, module_spec.items,
                lambda item: Item(slug=item.slug, position=item.position, **item.fields),
            )

    def _remove_unused_instruments(self, course: Course, spec: CourseSpec) -> None:
        """Instruments the files no longer have; no item points at them any more."""
        wanted = {instrument.slug for instrument in spec.instruments}
        unused = db.session.scalars(
            select(Instrument).where(Instrument.course_id == course.id,
                                     Instrument.slug.not_in(wanted))
        ).all()
        for instrument in unused:
            self.report.deleted += 1 + len(instrument.bands) + sum(
                1 + len(dimension.statements) + len(dimension.feedback)
                for dimension in instrument.dimensions
            )
            db.session.delete(instrument)
        db.session.flush()


def _copy_media(files: list[MediaFile], report: ImportReport) -> None:
    """Copy media under MEDIA_ROOT, atomically, skipping files whose bytes are already there."""
    root = Path(current_app.config["MEDIA_ROOT"])
    done = set()
    for media in files:
        if media.target in done:
            continue
        done.add(media.target)
        target = root / media.target
        if target.is_file() and filecmp.cmp(media.source, target, shallow=False):
            report.media_unchanged += 1
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
        try:
            with os.fdopen(handle, "wb") as out, media.source.open("rb") as source:
                while chunk := source.read(1 << 20):
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            os.chmod(temporary, 0o644)  # noqa: S103 - media are public course material
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        report.media_copied += 1
