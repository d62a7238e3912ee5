"""Instrument files: a self-assessment item's instrument, as a content folder holds it.

An instrument file holds slug, title, level, before_after, introduction, scale (five labels,
from strongly disagree to strongly agree), bands (slug, label, min, max: covering scores 0 to
100) and dimensions (slug, title, description, statements with text and reverse, feedback
for every band, helpful_items naming "module-slug/item-slug" of the course).
`check_instrument` applies the same checks to a mapping with no file on disk: the studio's
way of checking the instrument a facilitator builds.
"""

from collections.abc import Iterable
from pathlib import Path

from learning.assessments.scoring import band_problems
from learning.content.fields import File, Mapping, child_path, column_length
from learning.content.specs import BandSpec, ContentError, DimensionSpec, InstrumentSpec
from learning.instruments.models import LEVELS, SCALE_POINTS, Band, Dimension, Instrument, Statement

INSTRUMENT_KEYS = ("slug", "title", "level", "before_after", "introduction", "scale", "bands",
                   "dimensions")


def check_instrument(data, name: str, known_items: Iterable[str]
                     ) -> tuple[InstrumentSpec | None, list[ContentError]]:
    """Check an instrument as the mapping its file would hold, with no file on disk.

    The same checks as an instrument file in a content folder, its helpful items against
    `known_items` (the course's "module-slug/item-slug" references); problems are named as
    if in the file `name`. Returns the spec, unless the mapping could not be read at all,
    and every problem: a spec whose problems are all `incomplete` is a draft that can be
    stored, one without problems can be imported.
    """
    reader = InstrumentReader([])
    file = File(name, reader.errors)
    mapping = file.mapping(data, "", INSTRUMENT_KEYS)
    if mapping is None:
        return None, reader.errors
    spec = reader.instrument_from(file, mapping)
    reader.check_helpful_refs(set(known_items))
    return spec, reader.errors


class InstrumentReader:
    """Reads instruments, collecting their problems and the helpful items they name.

    The helpful items are checked once the whole course is known (`check_helpful_refs`).
    """

    def __init__(self, errors: list[ContentError]):
        self.errors = errors
        self.helpful_refs: list[tuple[File, str, str]] = []

    def read_file(self, file: File, path: Path) -> InstrumentSpec | None:
        """The instrument the file at `path` describes, or None if it has problems."""
        errors_before = len(self.errors)
        data = file.load_mapping(path, INSTRUMENT_KEYS)
        if data is None:
            return None
        instrument = self.instrument_from(file, data)
        return instrument if len(self.errors) == errors_before else None

    def instrument_from(self, file: File, data: Mapping) -> InstrumentSpec:
        """The instrument an instrument file's mapping describes, its problems recorded."""
        slug = data.slug(max_length=column_length(Instrument, "slug"))
        scale = data.text_list("scale", max_length=80)
        if scale is not None and len(scale) != SCALE_POINTS:
            data.error("scale", f"wrong length: needs exactly {SCALE_POINTS} labels, from "
                                f"strongly disagree to strongly agree; found {len(scale)}")
        instrument = InstrumentSpec(slug=slug or "", file=file.name, fields={
            "title": data.text("title", max_length=column_length(Instrument, "title")),
            "level": data.choice("level", LEVELS),
            "is_before_after": data.boolean("before_after", default=False),
            "introduction": data.text("introduction", required=False),
            "scale_labels": scale,
        })
        instrument.bands, bands_valid = self._bands(file, data)
        band_slugs = [band.slug for band in instrument.bands] if bands_valid else None
        raw_dimensions = data.sequence("dimensions", required=True)
        if raw_dimensions == []:
            data.error("dimensions", "missing: an instrument needs at least one dimension",
                       incomplete=True)
        dimension_slugs: dict[str, int] = {}
        for index, raw in enumerate(raw_dimensions or []):
            dimension = self._dimension(file, raw, child_path("dimensions", index), band_slugs)
            if dimension is None:
                continue
            if dimension.slug in dimension_slugs:
                file.error(child_path(child_path("dimensions", index), "slug"),
                           f"duplicate slug: {dimension.slug!r} is also "
                           f"dimensions[{dimension_slugs[dimension.slug]}]")
            dimension_slugs.setdefault(dimension.slug, index)
            dimension.position = index + 1
            instrument.dimensions.append(dimension)
        return instrument

    def _bands(self, file: File, data: Mapping) -> tuple[list[BandSpec], bool]:
        """The bands as listed, and whether they are valid enough to check feedback against."""
        raw_bands = data.sequence("bands", required=True)
        if raw_bands == []:
            data.error("bands", "missing: an instrument needs bands covering scores 0 to 100")
        bands: list[BandSpec] = []
        complete = True
        for index, raw in enumerate(raw_bands or []):
            path = child_path("bands", index)
            band = file.mapping(raw, path, ("slug", "label", "min", "max"))
            if band is None:
                complete = False
                continue
            slug = band.slug(max_length=column_length(Band, "slug"))
            label = band.text("label", max_length=column_length(Band, "label"))
            low = band.integer("min", minimum=0, maximum=100)
            high = band.integer("max", minimum=0, maximum=100)
            if None in (slug, label, low, high):
                complete = False
                continue
            if any(other.slug == slug for other in bands):
                band.error("slug", f"duplicate slug: {slug!r} names another band")
                complete = False
            if low >= high:
                band.error("max", f"must be more than min ({high} is not more than {low})")
                complete = False
            bands.append(BandSpec(slug=slug, position=index + 1, fields={
                "label": label, "min_score": low, "max_score": high,
            }))
        if complete and bands:
            ranges = [(b.slug, b.fields["min_score"], b.fields["max_score"]) for b in bands]
            for problem in band_problems(ranges):
                file.error(child_path(child_path("bands", problem.index), problem.field),
                           problem.message)
        return bands, complete and bool(bands)

    def _dimension(self, file: File, raw, path: str, band_slugs: list[str] | None):
        data = file.mapping(raw, path, ("slug", "title", "description", "statements",
                                        "feedback", "helpful_items"))
        if data is None:
            return None
        dimension = DimensionSpec(
            slug=data.slug(max_length=column_length(Dimension, "slug")) or "",
            position=0,
            fields={
                "title": data.text("title", max_length=column_length(Dimension, "title")),
                "description": data.text("description", required=False),
                "helpful_items": data.text_list("helpful_items"),
            },
        )
        for index, ref in enumerate(dimension.fields["helpful_items"] or []):
            self.helpful_refs.append(
                (file, child_path(child_path(path, "helpful_items"), index), ref))
        raw_statements = data.sequence("statements", required=True)
        if raw_statements == []:
            data.error("statements", "missing: a dimension needs at least one statement")
        for index, raw_statement in enumerate(raw_statements or []):
            statement = file.mapping(raw_statement,
                                     child_path(child_path(path, "statements"), index),
                                     ("text", "reverse"))
            if statement is not None:
                dimension.statements.append({
                    "text": statement.text("text",
                                           max_length=column_length(Statement, "text")),
                    "is_reverse_scored": statement.boolean("reverse", default=False),
                })
        feedback = data.data.get("feedback")
        if band_slugs is None:
            return dimension  # the bands have problems of their own, reported already
        if feedback is None:
            data.error("feedback", "missing: a dimension needs feedback for every band ("
                                   f"{', '.join(band_slugs)})", incomplete=True)
            return dimension
        feedback = file.mapping(feedback, data.field_path("feedback"), band_slugs)
        if feedback is not None:
            for band_slug in band_slugs:
                if band_slug not in feedback.data:
                    feedback.error(band_slug, f"missing: no feedback for band {band_slug!r}",
                                   incomplete=True)
                    continue
                text = feedback.text(band_slug)
                if text is not None:
                    dimension.feedback[band_slug] = text
        return dimension

    def check_helpful_refs(self, known: set[str]) -> None:
        """Every helpful item read so far is one of the course's `module/item` references."""
        for file, path, ref in self.helpful_refs:
            if ref not in known:
                file.error(path, f"unknown item: {ref!r} is not a module-slug/item-slug of "
                                 "this course")
