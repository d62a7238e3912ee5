"""What a content folder is read into: the specs the importer writes, and the problems found.

A folder without problems becomes a `CourseSpec`: the values to store, already normalised
(text stripped, line breaks normalised, pages sanitised), which the importer matches against
the database by natural keys. Reading and checking the folder is `content.folder`.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class ContentError:
    """One problem in the content files: where it is and what is wrong.

    `incomplete` marks a part an instrument still lacks (its first dimension, a dimension's
    feedback for a band) rather than something wrong in what is there: the studio keeps an
    instrument no item uses yet as a draft with such gaps, and nothing else.
    """

    file: str
    field: str
    message: str
    incomplete: bool = field(default=False, compare=False)

    def __str__(self) -> str:
        return ": ".join(part for part in (self.file, self.field, self.message) if part)


class ContentInvalid(Exception):
    """The content cannot be imported; `errors` says why, and nothing was changed."""

    def __init__(self, errors: Iterable[ContentError]):
        self.errors = list(errors)
        super().__init__("\n".join(str(error) for error in self.errors))


@dataclass
class MediaFile:
    """A file to copy from the content folder to `target`, a path relative to MEDIA_ROOT."""

    source: Path
    target: str


@dataclass
class ItemSpec:
    """An item as the files describe it; `fields` are Item columns."""

    slug: str
    position: int
    fields: dict
    instrument_slug: str | None = None


@dataclass
class ModuleSpec:
    """A module and its items, read from one module folder."""

    slug: str
    position: int
    folder: str
    fields: dict
    items: list[ItemSpec] = field(default_factory=list)


@dataclass
class BandSpec:
    """A score band of an instrument."""

    slug: str
    position: int
    fields: dict


@dataclass
class DimensionSpec:
    """A dimension with its statements (in order) and its feedback per band slug."""

    slug: str
    position: int
    fields: dict
    statements: list[dict] = field(default_factory=list)
    feedback: dict[str, str] = field(default_factory=dict)


@dataclass
class InstrumentSpec:
    """A self-assessment instrument, read from the file a self-assessment item names."""

    slug: str
    file: str
    fields: dict
    bands: list[BandSpec] = field(default_factory=list)
    dimensions: list[DimensionSpec] = field(default_factory=list)


@dataclass
class CourseSpec:
    """Everything a content folder holds, checked and ready to import."""

    slug: str
    fields: dict
    modules: list[ModuleSpec] = field(default_factory=list)
    instruments: list[InstrumentSpec] = field(default_factory=list)
    media: list[MediaFile] = field(default_factory=list)
    # The names given to images of `images/` (course.yml's image_names), by file name.
    image_names: dict[str, str] = field(default_factory=dict)
