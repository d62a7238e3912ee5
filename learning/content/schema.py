"""Reading and checking a content folder: `course.yml` and one `NN-<slug>/` folder per module.

Every file is read and every problem collected before anything is imported, so that an author
sees all of them at once. Each problem names the file (relative to the content folder), the
field (a dotted path such as `items[2].recording.duration_seconds`, list indexes from 0) and
what is wrong. A folder without problems becomes a `CourseSpec`: the values to store, already
normalised (text stripped, line breaks normalised, pages sanitised), which the importer matches
against the database by natural keys.

The layout: `course.yml` (slug, title, published, summary, description, issuers, and
certificate_wording: the line printed under the participant's name on the course's
certificates, one line of at most 200 characters, optional: without it they print the
default "has completed the course", translated for whoever reads them; `published: false`
keeps the whole course out of participants' sight) and, for each module, a
folder named after its position and slug holding `module.yml` (slug, position, title,
live_session, speakers, published, archived, summary, outcomes, items; an item may be a
draft too, `published: false`, seen only by facilitators previewing, or archived: kept with
its progress, shown to no one) and the files its items name by
paths inside the folder: media (video, WebVTT captions), a transcript, reading pages (HTML
fragments), PDFs and instrument files (slug, title, level, before_after, introduction, scale,
bands, dimensions). Other files at the top level (a README) and folders whose names start
with "." or "_" are ignored.

An `images/` folder beside the modules holds the course's image library, the images reading
pages show as `<img src="/courses/<course slug>/images/<name>">` (Markdown's
`![alt](/courses/<course slug>/images/<name>)` in the studio). Each file keeps the name the
studio gave it (32 hexadecimal digits and `.png`, `.jpg`, `.webp` or `.gif`, the suffix its
type's) and is checked as an upload to the library is (`media.uploads.check_image`: its
first bytes, at most IMAGE_MAX_BYTES); the folder holds nothing else, no hidden files, links
or subfolders. A page may show only this course's images, and only those in the folder.
"""

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

import yaml
from flask import current_app

from learning.assessments.scoring import band_problems
from learning.catalog.models import (
    CERTIFICATE_WORDING_MAX,
    ISSUER_MAX,
    ITEM_KINDS,
    Course,
    Item,
    Module,
)
from learning.catalog.services import IMAGE_FOLDER, IMAGE_NAME
from learning.content.sanitise import course_images, sanitise_html
from learning.core.text import has_control_characters
from learning.instruments.models import LEVELS, SCALE_POINTS, Band, Dimension, Instrument, Statement
from learning.media.uploads import UploadError, check_image
from learning.media.videolength import MAX_SECONDS

COURSE_FILE = "course.yml"
MODULE_FILE = "module.yml"
DEFAULT_THRESHOLD = 90
SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
FOLDER_PATTERN = re.compile(r"^(\d+)-(.+)$")
# Media file names become part of URLs and of paths under MEDIA_ROOT.
FILE_NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
VIDEO_SUFFIXES = (".webm", ".mp4", ".m4v", ".ogv", ".ogg")
INSTRUMENT_KEYS = ("slug", "title", "level", "before_after", "introduction", "scale", "bands",
                   "dimensions")


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


def validate_content(directory: str | Path) -> list[ContentError]:
    """Every problem in the content folder, or an empty list if it can be imported."""
    return load_content(directory)[1]


def load_content(directory: str | Path) -> tuple[CourseSpec | None, list[ContentError]]:
    """Read and check a content folder: its spec when valid, and the list of problems."""
    root = Path(directory)
    if not root.is_dir():
        return None, [ContentError(str(directory), "", "not a folder")]
    return _Reader(root).read()


def check_instrument(data, name: str, known_items: Iterable[str]
                     ) -> tuple[InstrumentSpec | None, list[ContentError]]:
    """Check an instrument as the mapping its file would hold, with no file on disk.

    The same checks as an instrument file in a content folder, its helpful items against
    `known_items` (the course's "module-slug/item-slug" references); problems are named as
    if in the file `name`. Returns the spec, unless the mapping could not be read at all,
    and every problem: a spec whose problems are all `incomplete` is a draft that can be
    stored, one without problems can be imported.
    """
    reader = _Reader(Path())
    file = _File(name, reader.errors)
    mapping = file.mapping(data, "", INSTRUMENT_KEYS)
    if mapping is None:
        return None, reader.errors
    spec = reader.instrument_from(file, mapping)
    reader.check_helpful_refs(set(known_items))
    return spec, reader.errors


# YAML ------------------------------------------------------------------------------------


class _Loader(yaml.SafeLoader):
    """Safe YAML that refuses duplicate keys and keeps impossible dates as text to report."""

    def construct_mapping(self, node, deep=False):
        if isinstance(node, yaml.MappingNode):
            seen = set()
            for key_node, _ in node.value:
                if not isinstance(key_node, yaml.ScalarNode) or key_node.tag.endswith(":merge"):
                    continue
                key = self.construct_object(key_node, deep=True)
                if key in seen:
                    raise yaml.constructor.ConstructorError(
                        "while reading a mapping", node.start_mark,
                        f"found the key {key!r} twice", key_node.start_mark,
                    )
                seen.add(key)
        return super().construct_mapping(node, deep=deep)


def _construct_timestamp(loader, node):
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except ValueError:
        return loader.construct_scalar(node)


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)


def _normalise(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


def _column_length(model, column: str) -> int:
    return model.__table__.c[column].type.length


def _describe(value) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, datetime):
        return "a date and time"
    if isinstance(value, date):
        return "a date"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


def _join(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


class _File:
    """One file being checked: collects its problems under its relative path."""

    def __init__(self, name: str, errors: list[ContentError]):
        self.name = name
        self.errors = errors

    def error(self, field_path: str, message: str, incomplete: bool = False) -> None:
        self.errors.append(ContentError(self.name, field_path, message, incomplete))

    def load_mapping(self, path: Path, keys: Iterable[str]) -> "_Mapping | None":
        """The file's YAML mapping, or None (with the problem recorded)."""
        text = self.read_text(path, "")
        if text is None:
            return None
        loader = _Loader(text)
        try:
            data = loader.get_single_data()
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            where = f"line {mark.line + 1}" if mark else ""
            problem = exc.problem or exc.context or "unreadable"
            self.error(where, f"YAML syntax error: {problem}")
            return None
        except yaml.YAMLError as exc:
            self.error("", f"YAML error: {exc}")
            return None
        finally:
            loader.dispose()
        return self.mapping(data, "", keys)

    def read_text(self, path: Path, field_path: str) -> str | None:
        """A UTF-8 text file's content, or None (with the problem recorded)."""
        try:
            return path.read_bytes().decode("utf-8-sig")
        except FileNotFoundError:
            self.error(field_path, "missing file: it does not exist")
        except UnicodeDecodeError:
            self.error(field_path, f"not UTF-8 text: {path.name}")
        except OSError as exc:
            self.error(field_path, f"cannot be read: {exc.strerror}")
        return None

    def mapping(self, data, path: str, keys: Iterable[str]) -> "_Mapping | None":
        """Check that `data` is a mapping with only the given keys."""
        if not isinstance(data, dict):
            self.error(path, f"wrong type: expected a mapping of keys, found {_describe(data)}")
            return None
        return _Mapping(self, data, path, tuple(keys))


class _Mapping:
    """One YAML mapping: typed fields read from it, each problem recorded against its path."""

    def __init__(self, file: _File, data: dict, path: str, keys: tuple[str, ...]):
        self.file = file
        self.data = data
        self.path = path
        for key in data:
            if key not in keys:
                close = difflib.get_close_matches(str(key), keys, n=1)
                hint = f"did you mean {close[0]!r}?" if close else f"expected {', '.join(keys)}"
                self.error(str(key), f"unknown key ({hint})")

    def error(self, key: str | int, message: str, incomplete: bool = False) -> None:
        self.file.error(_join(self.path, key), message, incomplete)

    def field_path(self, key: str) -> str:
        return _join(self.path, key)

    def has(self, key: str) -> bool:
        return self.data.get(key) is not None

    def text(self, key: str, *, required: bool = True, max_length: int | None = None,
             default: str | None = "") -> str | None:
        """Text, stripped; None when missing and required, or when wrong."""
        value = self.data.get(key)
        if value is None:
            if required:
                self.error(key, "missing" if key not in self.data else "missing: it is empty")
            return None if required else default
        if not isinstance(value, str):
            hint = " (put it in quotes)" if isinstance(value, int | float | bool | date) else ""
            self.error(key, f"wrong type: expected text, found {_describe(value)}{hint}")
            return None
        value = _normalise(value)
        if not value:
            if required:
                self.error(key, "missing: it is empty")
                return None
            return default
        if max_length is not None and len(value) > max_length:
            self.error(key, f"too long: {len(value)} characters, at most {max_length}")
            return None
        return value

    def slug(self, key: str = "slug", max_length: int = 80) -> str | None:
        """A slug: lowercase letters, digits and single hyphens."""
        value = self.text(key, max_length=max_length)
        if value is not None and not SLUG_PATTERN.match(value):
            self.error(key, f"not a valid slug: {value!r} (use lowercase letters, digits and "
                            "single hyphens, such as 'changing-mindsets')")
            return None
        return value

    def choice(self, key: str, choices: Iterable[str]) -> str | None:
        """Text that must be one of the choices."""
        value = self.text(key)
        choices = tuple(choices)
        if value is not None and value not in choices:
            self.error(key, f"{value!r} is not one of: {', '.join(choices)}")
            return None
        return value

    def integer(self, key: str, *, required: bool = True, default: int | None = None,
                minimum: int | None = None, maximum: int | None = None) -> int | None:
        """A whole number within the bounds."""
        value = self.data.get(key)
        if value is None:
            if required:
                self.error(key, "missing")
            return default
        if isinstance(value, bool) or not isinstance(value, int):
            self.error(key, f"wrong type: expected a whole number, found {_describe(value)}")
            return None
        if minimum is not None and value < minimum or maximum is not None and value > maximum:
            bounds = (f"from {minimum} to {maximum}" if maximum is not None
                      else f"at least {minimum}")
            self.error(key, f"out of range: {value} (must be {bounds})")
            return None
        return value

    def boolean(self, key: str, default: bool) -> bool | None:
        """A boolean: true or false in YAML."""
        value = self.data.get(key)
        if value is None:
            return default
        if not isinstance(value, bool):
            self.error(key, f"wrong type: expected true or false, found {_describe(value)}")
            return None
        return value

    def date(self, key: str) -> date | None:
        """A date written as YYYY-MM-DD; None when absent."""
        value = self.data.get(key)
        if value is None:
            return None
        if isinstance(value, datetime):
            self.error(key, "bad date: expected a date (YYYY-MM-DD) without a time")
        elif isinstance(value, date):
            return value
        elif isinstance(value, str):
            self.error(key, f"bad date: {value!r} is not a date (YYYY-MM-DD)")
        else:
            self.error(key, f"bad date: expected a date (YYYY-MM-DD), found {_describe(value)}")
        return None

    def sequence(self, key: str, *, required: bool = False) -> list | None:
        """A list (empty when absent and not required)."""
        value = self.data.get(key)
        if value is None:
            if required:
                self.error(key, "missing")
                return None
            return []
        if not isinstance(value, list):
            self.error(key, f"wrong type: expected a list, found {_describe(value)}")
            return None
        return value

    def text_list(self, key: str, *, max_length: int | None = None) -> list[str] | None:
        """A list of non-empty texts."""
        values = self.sequence(key)
        if values is None:
            return None
        result, ok = [], True
        for index, value in enumerate(values):
            path = _join(key, index)
            if not isinstance(value, str):
                self.error(path, f"wrong type: expected text, found {_describe(value)}")
                ok = False
                continue
            value = _normalise(value)
            if not value:
                self.error(path, "missing: it is empty")
                ok = False
            elif max_length is not None and len(value) > max_length:
                self.error(path, f"too long: {len(value)} characters, at most {max_length}")
                ok = False
            result.append(value)
        return result if ok else None

    def url(self, key: str, max_length: int) -> str | None:
        """An https URL."""
        value = self.text(key, required=False, max_length=max_length, default=None)
        if value is None:
            return None
        parts = urlsplit(value)
        if parts.scheme != "https" or not parts.netloc or any(c.isspace() for c in value):
            self.error(key, f"not an https URL: {value!r} (only https:// links are accepted)")
            return None
        return value


# Folder -----------------------------------------------------------------------------------


class _Reader:
    """Reads a whole content folder into a CourseSpec, collecting every problem."""

    def __init__(self, root: Path):
        self.root = root
        self.errors: list[ContentError] = []
        self.instrument_files: dict[str, str] = {}
        self.helpful_refs: list[tuple[_File, str, str]] = []
        self.media: list[MediaFile] = []
        # The course's slug once course.yml is read, and the names in its images/ folder.
        self.course_slug: str | None = None
        self.images: set[str] = set()
        # Set when a module or item could not be read at all: references to it cannot be checked.
        self.incomplete = False

    def read(self) -> tuple[CourseSpec | None, list[ContentError]]:
        course = self._course()
        self.course_slug = course.slug if course else None
        self._images(self.course_slug or "course")
        modules = self._modules(self.course_slug or "course")
        if course:
            course.modules = [module for module, _ in modules]
            for _, instruments in modules:
                course.instruments.extend(instruments)
            course.media = self.media
            if not self.incomplete:
                self._check_helpful_items(course)
        if self.errors:
            return None, sorted(self.errors, key=lambda error: error.file)
        return course, []

    def _course(self) -> CourseSpec | None:
        file = _File(COURSE_FILE, self.errors)
        path = self.root / COURSE_FILE
        if not path.is_file():
            file.error("", "missing file: the content folder needs a course.yml")
            return None
        data = file.load_mapping(path, ("slug", "title", "published", "summary", "description",
                                        "issuers", "certificate_wording"))
        if data is None:
            return None
        slug = data.slug(max_length=_column_length(Course, "slug"))
        fields = {
            "title": data.text("title", max_length=_column_length(Course, "title")),
            "is_published": data.boolean("published", default=True),
            "summary": data.text("summary", required=False,
                                 max_length=_column_length(Course, "summary")),
            "description": data.text("description", required=False),
            "issuers": data.text_list("issuers", max_length=ISSUER_MAX),
        }
        # Optional: None (absent) is the default wording.
        wording = data.text("certificate_wording", required=False,
                            max_length=CERTIFICATE_WORDING_MAX, default=None)
        if wording is not None and has_control_characters(wording):
            data.error("certificate_wording", "not one line: it is printed as one line under "
                                              "the participant's name (no line breaks or tabs)")
            return None
        if slug is None or None in fields.values():
            return None
        return CourseSpec(slug=slug, fields={**fields, "certificate_wording": wording})

    def _images(self, course_slug: str) -> None:
        """The image library in `images/`: every file checked, each good one to copy."""
        folder = self.root / IMAGE_FOLDER
        if not folder.exists() and not folder.is_symlink():
            return
        if folder.is_symlink() or not folder.is_dir():
            _File(IMAGE_FOLDER, self.errors).error(
                "", f"not a folder: {IMAGE_FOLDER}/ must be a folder of image files")
            return
        max_bytes = current_app.config["IMAGE_MAX_BYTES"]
        for path in sorted(folder.iterdir()):
            self.images.add(path.name)
            problem = _image_problem(path, max_bytes)
            if problem:
                _File(f"{IMAGE_FOLDER}/{path.name}", self.errors).error("", problem)
                continue
            self.media.append(MediaFile(source=path,
                                        target=f"{course_slug}/{IMAGE_FOLDER}/{path.name}"))

    def _page_images(self, data: _Mapping, page: Path, body: str) -> None:
        """Every image the page shows is one of this course's, in `images/`."""
        if self.course_slug is None:
            return  # course.yml has problems of its own, reported already
        for course, name in course_images(body):
            if course != self.course_slug:
                data.error("page", f"image of another course: {page.name} shows "
                                   f"/courses/{course}/images/{name}, but this course is "
                                   f"{self.course_slug!r}; a page shows its own course's images")
            elif name not in self.images:
                data.error("page", f"missing image: {page.name} shows {name}, which is not "
                                   f"in {IMAGE_FOLDER}/")

    def _modules(self, course_slug: str) -> list[tuple[ModuleSpec, list[InstrumentSpec]]]:
        modules = []
        slugs: dict[str, str] = {}
        positions: dict[int, str] = {}
        folders = sorted(p for p in self.root.iterdir() if p.is_dir() and p.name != IMAGE_FOLDER
                         and not p.name.startswith((".", "_")))
        for folder in folders:
            result = self._module(folder, course_slug)
            if result is None:
                continue
            module, instruments = result
            file = _File(f"{folder.name}/{MODULE_FILE}", self.errors)
            if module.slug and module.slug in slugs:
                file.error("slug", f"duplicate slug: {module.slug!r} is also the slug of "
                                   f"{slugs[module.slug]}")
            elif module.position in positions:
                file.error("position", f"duplicate position: {module.position} is also the "
                                       f"position of {positions[module.position]}")
            slugs.setdefault(module.slug, file.name)
            positions.setdefault(module.position, file.name)
            modules.append((module, instruments))
        modules.sort(key=lambda pair: pair[0].position)
        return modules

    def _module(self, folder: Path, course_slug: str):
        file = _File(f"{folder.name}/{MODULE_FILE}", self.errors)
        match = FOLDER_PATTERN.match(folder.name)
        if not match:
            _File(folder.name, self.errors).error(
                "", "not a module folder: its name must be NN-<module slug>, "
                    "such as 01-changing-mindsets")
            return None
        path = folder / MODULE_FILE
        if not path.is_file():
            file.error("", "missing file: every module folder needs a module.yml")
            return None
        data = file.load_mapping(path, (
            "slug", "position", "title", "live_session", "speakers", "published", "archived",
            "summary", "outcomes", "items",
        ))
        if data is None:
            self.incomplete = True
            return None
        slug = data.slug(max_length=_column_length(Module, "slug"))
        position = data.integer("position", minimum=1, maximum=99)
        if slug is not None and position is not None:
            if int(match.group(1)) != position:
                data.error("position", f"{position} does not match the folder name "
                                       f"{folder.name!r} (expected {position:02d}-{slug})")
            elif match.group(2) != slug:
                data.error("slug", f"{slug!r} does not match the folder name "
                                   f"{folder.name!r} (expected {position:02d}-{slug})")
        fields = {
            "title": data.text("title", max_length=_column_length(Module, "title")),
            "live_session_on": data.date("live_session"),
            "speakers": data.text_list("speakers", max_length=200),
            "summary": data.text("summary", required=False),
            "outcomes": data.text_list("outcomes", max_length=500),
            "is_published": data.boolean("published", default=True),
            "is_archived": data.boolean("archived", default=False),
        }
        module = ModuleSpec(slug=slug or "", position=position or 0, folder=folder.name,
                            fields=fields)
        context = _ModuleContext(folder, file, f"{course_slug}/{module.slug}")
        instruments = []
        items = data.sequence("items")
        item_slugs: dict[str, int] = {}
        for index, raw in enumerate(items or []):
            item = self._item(context, raw, _join("items", index))
            if item is None:
                continue
            if item.slug and item.slug in item_slugs:
                file.error(_join(_join("items", index), "slug"),
                           f"duplicate slug: {item.slug!r} is also items[{item_slugs[item.slug]}]")
            item_slugs.setdefault(item.slug, index)
            item.position = index + 1
            module.items.append(item)
            if context.instrument is not None:
                instruments.append(context.instrument)
                context.instrument = None
        self.media.extend(context.media.values())
        return module, instruments

    def _item(self, context: "_ModuleContext", raw, path: str) -> ItemSpec | None:
        file = context.file
        data = file.mapping(raw, path, ("slug", "kind", "title", "required", "published",
                                        "archived", "minutes", "recording", "reading",
                                        "instrument"))
        if data is None:
            self.incomplete = True
            return None
        slug = data.slug(max_length=_column_length(Item, "slug"))
        kind = data.choice("kind", ITEM_KINDS)
        fields = {
            "kind": kind,
            "title": data.text("title", max_length=_column_length(Item, "title")),
            "is_required": data.boolean("required", default=True),
            "is_published": data.boolean("published", default=True),
            "is_archived": data.boolean("archived", default=False),
            "minutes": data.integer("minutes", required=False, default=0, minimum=0,
                                    maximum=10_000),
            "video_path": None, "embed_url": None, "captions_path": None, "transcript": None,
            "duration_seconds": None, "completion_threshold": None,
            "transcript_completes": False,
            # A page imported as HTML has no Markdown source: the studio's is dropped.
            "body_html": None, "body_markdown": None, "url": None, "file_path": None,
            "citation": None,
        }
        own_key = {"recording": "recording", "reading": "reading",
                   "self_assessment": "instrument"}
        for other_kind, key in own_key.items():
            if kind is not None and kind != other_kind and key in data.data:
                data.error(key, f"only for {other_kind.replace('_', '-')} items, "
                                f"and this item is a {kind.replace('_', '-')}")
        spec = ItemSpec(slug=slug or "", position=0, fields=fields)
        if kind == "recording":
            self._recording(context, data, fields)
        elif kind == "reading":
            self._reading(context, data, fields)
        elif kind == "self_assessment":
            spec.instrument_slug = self._instrument_reference(context, data)
        return spec

    def _recording(self, context: "_ModuleContext", item: _Mapping, fields: dict) -> None:
        if not item.has("recording"):
            item.error("recording", "missing: a recording item needs a recording section")
            return
        data = context.file.mapping(item.data["recording"], item.field_path("recording"), (
            "video", "embed", "captions", "transcript", "duration_seconds", "threshold",
            "transcript_completes",
        ))
        if data is None:
            return
        if data.has("video") and data.has("embed"):
            data.error("embed", "give either video (a file) or embed (a link), not both")
        elif not data.has("video") and not data.has("embed"):
            context.file.error(item.field_path("recording"),
                               "missing: a recording needs video (a file) or embed (an https URL)")
        if data.has("video"):
            video = context.file_reference(data, "video")
            if video is not None and video.suffix.lower() not in VIDEO_SUFFIXES:
                data.error("video", f"not a video file: {video.name} (expected one of "
                                    f"{', '.join(VIDEO_SUFFIXES)})")
            elif video is not None:
                fields["video_path"] = context.media_target(data, "video", video)
        fields["embed_url"] = data.url("embed", _column_length(Item, "embed_url"))
        if data.has("captions"):
            captions = context.file_reference(data, "captions")
            if captions is not None:
                text = context.file.read_text(captions, data.field_path("captions"))
                if text is not None and not text.startswith("WEBVTT"):
                    data.error("captions", f"not WebVTT captions: {captions.name} must start "
                                           "with WEBVTT")
                elif text is not None:
                    fields["captions_path"] = context.media_target(data, "captions", captions)
        if data.has("transcript"):
            transcript = context.file_reference(data, "transcript")
            if transcript is not None:
                text = context.file.read_text(transcript, data.field_path("transcript"))
                if text is not None and not _normalise(text):
                    data.error("transcript", f"missing: {transcript.name} is empty")
                elif text is not None:
                    fields["transcript"] = _normalise(text)
        fields["duration_seconds"] = data.integer("duration_seconds", minimum=1,
                                                  maximum=MAX_SECONDS)
        fields["completion_threshold"] = data.integer(
            "threshold", required=False, default=DEFAULT_THRESHOLD, minimum=1, maximum=100
        )
        fields["transcript_completes"] = data.boolean("transcript_completes", default=False)
        if fields["transcript_completes"] and not data.has("transcript"):
            data.error("transcript_completes", "needs a transcript to read instead")

    def _reading(self, context: "_ModuleContext", item: _Mapping, fields: dict) -> None:
        if not item.has("reading"):
            item.error("reading", "missing: a reading item needs a reading section")
            return
        data = context.file.mapping(item.data["reading"], item.field_path("reading"),
                                    ("page", "file", "url", "citation"))
        if data is None:
            return
        if not any(data.has(key) for key in ("page", "file", "url")):
            context.file.error(item.field_path("reading"),
                               "missing: a reading needs a page, a file or a url")
        if data.has("page"):
            page = context.file_reference(data, "page")
            if page is not None:
                html = context.file.read_text(page, data.field_path("page"))
                body = sanitise_html(html) if html is not None else None
                if html is not None and not body:
                    data.error("page", f"missing: {page.name} has no content left once "
                                       "sanitised")
                elif body:
                    self._page_images(data, page, body)
                fields["body_html"] = body or None
        if data.has("file"):
            pdf = context.file_reference(data, "file")
            if pdf is not None:
                with pdf.open("rb") as stream:
                    is_pdf = stream.read(5) == b"%PDF-"
                if not is_pdf:
                    data.error("file", f"not a PDF: {pdf.name} does not start with %PDF-")
                else:
                    fields["file_path"] = context.media_target(data, "file", pdf)
        fields["url"] = data.url("url", _column_length(Item, "url"))
        fields["citation"] = data.text("citation", required=False, default=None,
                                       max_length=_column_length(Item, "citation"))

    def _instrument_reference(self, context: "_ModuleContext", item: _Mapping) -> str | None:
        if not item.has("instrument"):
            item.error("instrument", "missing: a self-assessment item names its instrument file")
            return None
        path = context.file_reference(item, "instrument")
        if path is None:
            return None
        name = f"{context.folder.name}/{path.relative_to(context.folder).as_posix()}"
        instrument = self._instrument(_File(name, self.errors), path)
        if instrument is None:
            return None
        if instrument.slug in self.instrument_files:
            _File(name, self.errors).error(
                "slug", f"duplicate slug: instrument {instrument.slug!r} is also defined by "
                        f"{self.instrument_files[instrument.slug]} (each self-assessment item "
                        "has an instrument of its own)")
            return None
        self.instrument_files[instrument.slug] = name
        context.instrument = instrument
        return instrument.slug

    def _instrument(self, file: _File, path: Path) -> InstrumentSpec | None:
        errors_before = len(self.errors)
        data = file.load_mapping(path, INSTRUMENT_KEYS)
        if data is None:
            return None
        instrument = self.instrument_from(file, data)
        return instrument if len(self.errors) == errors_before else None

    def instrument_from(self, file: _File, data: _Mapping) -> InstrumentSpec:
        """The instrument an instrument file's mapping describes, its problems recorded."""
        slug = data.slug(max_length=_column_length(Instrument, "slug"))
        scale = data.text_list("scale", max_length=80)
        if scale is not None and len(scale) != SCALE_POINTS:
            data.error("scale", f"wrong length: needs exactly {SCALE_POINTS} labels, from "
                                f"strongly disagree to strongly agree; found {len(scale)}")
        instrument = InstrumentSpec(slug=slug or "", file=file.name, fields={
            "title": data.text("title", max_length=_column_length(Instrument, "title")),
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
            dimension = self._dimension(file, raw, _join("dimensions", index), band_slugs)
            if dimension is None:
                continue
            if dimension.slug in dimension_slugs:
                file.error(_join(_join("dimensions", index), "slug"),
                           f"duplicate slug: {dimension.slug!r} is also "
                           f"dimensions[{dimension_slugs[dimension.slug]}]")
            dimension_slugs.setdefault(dimension.slug, index)
            dimension.position = index + 1
            instrument.dimensions.append(dimension)
        return instrument

    def _bands(self, file: _File, data: _Mapping) -> tuple[list[BandSpec], bool]:
        """The bands as listed, and whether they are valid enough to check feedback against."""
        raw_bands = data.sequence("bands", required=True)
        if raw_bands == []:
            data.error("bands", "missing: an instrument needs bands covering scores 0 to 100")
        bands: list[BandSpec] = []
        complete = True
        for index, raw in enumerate(raw_bands or []):
            path = _join("bands", index)
            band = file.mapping(raw, path, ("slug", "label", "min", "max"))
            if band is None:
                complete = False
                continue
            slug = band.slug(max_length=_column_length(Band, "slug"))
            label = band.text("label", max_length=_column_length(Band, "label"))
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
                file.error(_join(_join("bands", problem.index), problem.field), problem.message)
        return bands, complete and bool(bands)

    def _dimension(self, file: _File, raw, path: str, band_slugs: list[str] | None):
        data = file.mapping(raw, path, ("slug", "title", "description", "statements",
                                        "feedback", "helpful_items"))
        if data is None:
            return None
        dimension = DimensionSpec(
            slug=data.slug(max_length=_column_length(Dimension, "slug")) or "",
            position=0,
            fields={
                "title": data.text("title", max_length=_column_length(Dimension, "title")),
                "description": data.text("description", required=False),
                "helpful_items": data.text_list("helpful_items"),
            },
        )
        for index, ref in enumerate(dimension.fields["helpful_items"] or []):
            self.helpful_refs.append((file, _join(_join(path, "helpful_items"), index), ref))
        raw_statements = data.sequence("statements", required=True)
        if raw_statements == []:
            data.error("statements", "missing: a dimension needs at least one statement")
        for index, raw_statement in enumerate(raw_statements or []):
            statement = file.mapping(raw_statement, _join(_join(path, "statements"), index),
                                     ("text", "reverse"))
            if statement is not None:
                dimension.statements.append({
                    "text": statement.text("text",
                                           max_length=_column_length(Statement, "text")),
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

    def _check_helpful_items(self, course: CourseSpec) -> None:
        self.check_helpful_refs({f"{module.slug}/{item.slug}" for module in course.modules
                                 for item in module.items})

    def check_helpful_refs(self, known: set[str]) -> None:
        """Every helpful item read so far is one of the course's `module/item` references."""
        for file, path, ref in self.helpful_refs:
            if ref not in known:
                file.error(path, f"unknown item: {ref!r} is not a module-slug/item-slug of "
                                 "this course")


def _image_problem(path: Path, max_bytes: int) -> str | None:
    """Why a file of `images/` cannot join the course's image library, or None if it can."""
    if path.is_symlink():
        return "not a file: a link (put the image itself in the folder)"
    if path.is_dir():
        return f"not a file: {IMAGE_FOLDER}/ has no subfolders"
    if not path.is_file():
        return "not a file"
    if path.name.startswith("."):
        return f"hidden file: {IMAGE_FOLDER}/ holds the course's images and nothing else"
    if not IMAGE_NAME.match(path.name):
        return (f"bad file name: {path.name!r} (an image keeps the name the studio gave it: 32 "
                "digits and letters a to f, then .png, .jpg, .webp or .gif)")
    try:
        with path.open("rb") as stream:
            kind = check_image(stream, max_bytes)
    except UploadError as refused:
        return str(refused)
    except OSError as exc:
        return f"cannot be read: {exc.strerror}"
    if path.suffix != f".{kind}":
        return f"wrong type: {path.name} is a {kind.upper()} image, so its name ends in .{kind}"
    return None


class _ModuleContext:
    """What checking one module's items needs: its folder, its file, where media go."""

    def __init__(self, folder: Path, file: _File, media_prefix: str):
        self.folder = folder
        self.file = file
        self.media_prefix = media_prefix
        self.media: dict[str, MediaFile] = {}
        self.instrument: InstrumentSpec | None = None

    def file_reference(self, data: _Mapping, key: str) -> Path | None:
        """The file a field names, which must exist inside the module folder."""
        value = data.text(key)
        if value is None:
            return None
        relative = PurePosixPath(value)
        if (relative.is_absolute() or ".." in relative.parts or "\\" in value
                or value.startswith("~") or ":" in value):
            data.error(key, f"path traversal: {value!r} must be a relative path inside the "
                            "module folder")
            return None
        path = self.folder / relative
        if not path.resolve().is_relative_to(self.folder.resolve()):
            data.error(key, f"path traversal: {value!r} leads outside the module folder")
            return None
        if not path.exists():
            data.error(key, f"missing file: {value} does not exist in {self.folder.name}/")
            return None
        if not path.is_file():
            data.error(key, f"not a file: {value}")
            return None
        return path

    def media_target(self, data: _Mapping, key: str, path: Path) -> str | None:
        """Where the file goes under MEDIA_ROOT, as stored on the item."""
        if not FILE_NAME_PATTERN.match(path.name):
            data.error(key, f"bad file name: {path.name!r} (use letters, digits, '.', '-' "
                            "and '_' only)")
            return None
        target = f"{self.media_prefix}/{path.name}"
        if len(target) > _column_length(Item, "video_path"):
            data.error(key, f"too long: the stored path {target!r} has more than "
                            f"{_column_length(Item, 'video_path')} characters")
            return None
        known = self.media.get(path.name)
        if known is not None and known.source.resolve() != path.resolve():
            data.error(key, f"duplicate file name: another file of this module is also named "
                            f"{path.name!r}; rename one")
            return None
        self.media[path.name] = MediaFile(source=path, target=target)
        return target
