"""`export_content`: write a course from the database as a content folder.

The folder has the format `import_content` reads, so that what facilitators author in the
browser can be kept in files, reviewed and imported elsewhere.

The output is deterministic (same database, same bytes): module folders `NN-<slug>` by
position, block-style YAML with multi-line text as literal blocks, readings as
`readings/<item-slug>.html`, media and PDFs copied from MEDIA_ROOT keeping their file names,
and the course's image library in `images/`, each image keeping the name the studio gave it,
so that the pages' links to them hold wherever the course is imported under the same slug.
"""

import shutil
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import yaml
from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from learning.catalog import services as catalog
from learning.catalog.models import Course, Item, Module
from learning.content.folder import COURSE_FILE, MODULE_FILE, validate_content
from learning.content.sanitise import course_images
from learning.content.specs import ContentError
from learning.database import db
from learning.instruments.models import Dimension, Instrument
from learning.media.uploads import stored_images


class ExportError(Exception):
    """The course cannot be exported; `problems` says why, and nothing was written."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass
class ExportReport:
    """What an export wrote, and any problem a re-import of it would meet."""

    course: str
    directory: Path
    modules: int = 0
    files: int = 0
    problems: list[ContentError] = field(default_factory=list)
    # Instruments no item uses: the format has no place for them (a re-import would drop them).
    unused_instruments: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """One line for the command line."""
        return (f"Exported course {self.course} to {self.directory}: {self.modules} modules, "
                f"{self.files} files.")


class _Dumper(yaml.SafeDumper):
    """Block-style YAML with indented lists, as people write it."""

    def increase_indent(self, flow=False, indentless=False):
        return super().increase_indent(flow, False)


class _Flow(dict):
    """A small mapping written on one line, such as a band."""


def _represent_text(dumper: yaml.SafeDumper, value: str):
    if "\n" not in value:
        return dumper.represent_scalar("tag:yaml.org,2002:str", value)
    # Imported text is stripped, so the final line break a literal block ends with is free.
    if not value.endswith("\n"):
        value += "\n"
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")


def _represent_flow(dumper: yaml.SafeDumper, value: _Flow):
    return dumper.represent_mapping("tag:yaml.org,2002:map", value, flow_style=True)


_Dumper.add_representer(str, _represent_text)
_Dumper.add_representer(_Flow, _represent_flow)


def dump_yaml(data) -> str:
    """Deterministic, human-friendly YAML: keys in the given order, one value per line."""
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True,
                     default_flow_style=False, width=1_000_000)


def course_to_export(slug: str | None = None) -> Course:
    """The course with this slug, or the only course; loaded with all that an export walks."""
    instrument = selectinload(Course.modules).selectinload(Module.items) \
        .selectinload(Item.instrument)
    query = select(Course).order_by(Course.slug).options(
        instrument.selectinload(Instrument.bands),
        instrument.selectinload(Instrument.dimensions).selectinload(Dimension.statements),
        instrument.selectinload(Instrument.dimensions).selectinload(Dimension.feedback),
    )
    if slug:
        query = query.where(Course.slug == slug)
    courses = db.session.scalars(query).all()
    if not courses:
        raise ExportError([f"There is no course {slug!r}." if slug else "There is no course."])
    if len(courses) > 1:
        raise ExportError([f"There are several courses ({', '.join(c.slug for c in courses)}): "
                           "choose one with --course SLUG."])
    return courses[0]


def export_content(course: Course, directory: str | Path) -> ExportReport:
    """Write the course into `directory`, which must be empty or not exist yet.

    Everything is gathered first, so a missing media file stops the export before anything
    is written. The written folder is then validated as an import would, and any problem
    is returned in the report's `problems`.
    """
    directory = Path(directory)
    if directory.exists() and (not directory.is_dir() or any(directory.iterdir())):
        raise ExportError([f"{directory} is not an empty folder; export into a new one."])
    files = _Files(Path(current_app.config["MEDIA_ROOT"]), course.slug)
    data = {"slug": course.slug, "title": course.title}
    if not course.is_published:
        data["published"] = False
    data.update(summary=course.summary, description=course.description,
                issuers=list(course.issuers or []))
    if course.certificate_wording:
        data["certificate_wording"] = course.certificate_wording
    files.add_images()
    names = {name: label for name, label in sorted(catalog.image_names(course.id).items())
             if name in files.images}
    if names:
        data["image_names"] = names
    files.add(COURSE_FILE, dump_yaml(data))
    for module in course.modules:
        _export_module(files, module)
    if files.problems:
        raise ExportError(files.problems)
    files.write(directory)
    used = {item.instrument_id for module in course.modules for item in module.items
            if item.instrument_id is not None}
    unused = db.session.scalars(
        select(Instrument.slug)
        .where(Instrument.course_id == course.id, Instrument.id.not_in(used))
        .order_by(Instrument.slug)
    ).all()
    return ExportReport(course=course.slug, directory=directory, modules=len(course.modules),
                        files=len(files.contents), problems=validate_content(directory),
                        unused_instruments=list(unused))


class _Files:
    """The files of an export, by path relative to the export folder."""

    def __init__(self, media_root: Path, course_slug: str):
        self.media_root = media_root
        self.course_slug = course_slug
        self.images: set[str] = set()
        self.contents: dict[str, str | Path] = {}
        self.problems: list[str] = []

    def add(self, path: str, content: str | Path) -> None:
        self.contents[path] = content

    def add_media(self, folder: str, subfolder: str, stored: str, item: Item) -> str | None:
        """Copy a file stored under MEDIA_ROOT into the module folder; its path there."""
        source = (self.media_root / stored).resolve()
        if not source.is_relative_to(self.media_root.resolve()) or not source.is_file():
            self.problems.append(f"{folder}: item {item.slug!r}: media file {stored!r} is "
                                 f"missing from MEDIA_ROOT ({self.media_root})")
            return None
        name = PurePosixPath(stored).name
        relative = f"{subfolder}/{name}"
        known = self.contents.get(f"{folder}/{relative}")
        if known is not None and known != source:
            relative = f"{subfolder}/{item.slug}-{name}"
        self.contents[f"{folder}/{relative}"] = source
        return relative

    def add_images(self) -> None:
        """Copy the course's image library into `images/`, each image keeping its name."""
        self.images = set(stored_images(self.media_root, self.course_slug))
        for name in self.images:
            self.contents[f"{catalog.IMAGE_FOLDER}/{name}"] = \
                self.media_root / self.course_slug / catalog.IMAGE_FOLDER / name

    def check_page_images(self, folder: str, item: Item) -> None:
        """Every image of the course the item's page shows is in the library."""
        for course, name in course_images(item.body_html):
            if course == self.course_slug and name not in self.images:
                self.problems.append(f"{folder}: item {item.slug!r}: image {name!r} is "
                                     f"missing from MEDIA_ROOT ({self.media_root})")

    def write(self, directory: Path) -> None:
        for relative, content in sorted(self.contents.items()):
            path = directory / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, Path):
                shutil.copyfile(content, path)
            else:
                path.write_text(content, encoding="utf-8")


def _export_module(files: _Files, module: Module) -> None:
    folder = f"{module.position:02d}-{module.slug}"
    data = {
        "slug": module.slug,
        "position": module.position,
        "title": module.title,
        "live_session": module.live_session_on,
        "speakers": list(module.speakers or []),
    }
    if not module.is_published:
        data["published"] = False
    if module.is_archived:
        data["archived"] = True
    data["summary"] = module.summary
    data["outcomes"] = list(module.outcomes or [])
    recordings = [item for item in module.items if item.kind == "recording" and item.transcript]
    assessments = [item for item in module.items if item.kind == "self_assessment"]
    items = []
    for item in module.items:
        entry = {"slug": item.slug, "kind": item.kind, "title": item.title,
                 "required": item.is_required, "minutes": item.minutes}
        if not item.is_published:
            entry["published"] = False
        if item.is_archived:
            entry["archived"] = True
        if item.kind == "recording":
            transcript = "transcript.txt" if len(recordings) == 1 else f"transcript-{item.slug}.txt"
            entry["recording"] = _recording(files, folder, item, transcript)
        elif item.kind == "reading":
            entry["reading"] = _reading(files, folder, item)
        elif item.kind == "self_assessment":
            name = "instrument.yml" if len(assessments) == 1 else f"instrument-{item.slug}.yml"
            files.add(f"{folder}/{name}", dump_yaml(instrument_document(item.instrument)))
            entry["instrument"] = name
        items.append(entry)
    data["items"] = items
    files.add(f"{folder}/{MODULE_FILE}", dump_yaml(data))


def _recording(files: _Files, folder: str, item: Item, transcript: str) -> dict:
    recording = {}
    if item.video_path:
        recording["video"] = files.add_media(folder, "media", item.video_path, item)
    else:
        recording["embed"] = item.embed_url
    if item.captions_path:
        recording["captions"] = files.add_media(folder, "media", item.captions_path, item)
    if item.transcript:
        files.add(f"{folder}/{transcript}", item.transcript + "\n")
        recording["transcript"] = transcript
    recording["duration_seconds"] = item.duration_seconds
    recording["threshold"] = item.completion_threshold
    recording["transcript_completes"] = item.transcript_completes
    return recording


def _reading(files: _Files, folder: str, item: Item) -> dict:
    reading = {}
    if item.body_html:
        page = f"readings/{item.slug}.html"
        files.add(f"{folder}/{page}", item.body_html + "\n")
        files.check_page_images(folder, item)
        reading["page"] = page
    if item.file_path:
        reading["file"] = files.add_media(folder, "readings", item.file_path, item)
    if item.url:
        reading["url"] = item.url
    if item.citation:
        reading["citation"] = item.citation
    return reading


def instrument_document(instrument: Instrument) -> dict:
    """The instrument as its content file holds it (what `check_instrument` reads)."""
    bands = list(instrument.bands)
    return {
        "slug": instrument.slug,
        "title": instrument.title,
        "level": instrument.level,
        "before_after": instrument.is_before_after,
        "introduction": instrument.introduction,
        "scale": list(instrument.scale_labels),
        "bands": [_Flow(slug=band.slug, label=band.label, min=band.min_score,
                        max=band.max_score) for band in bands],
        "dimensions": [
            {
                "slug": dimension.slug,
                "title": dimension.title,
                "description": dimension.description,
                "statements": [
                    {"text": statement.text, "reverse": True} if statement.is_reverse_scored
                    else {"text": statement.text}
                    for statement in dimension.statements
                ],
                "feedback": {band.slug: dimension.feedback_for(band) for band in bands
                             if dimension.feedback_for(band)},
                "helpful_items": list(dimension.helpful_items or []),
            }
            for dimension in instrument.dimensions
        ],
    }
