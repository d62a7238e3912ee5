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
keeps the whole course out of participants' sight; image_names, optional: the names given
to images of `images/`, below) and, for each module, a
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
course.yml's `image_names` maps file names of `images/` to the names the studio shows
(one line each, at most 200 characters): on import a listed image takes its name, and
the others keep theirs. An export lists every image that has a name.

The entry points: `load_content` (the spec and the problems) and `validate_content` (the
problems only) read a folder; `instrument_files.check_instrument` checks one instrument
with no folder (the studio's instrument builder). The reading is shared out by area:
`fields` (YAML and typed fields), `image_files` (`images/`), `item_files` (a module's items
and the files they name), `instrument_files` (instruments) and `specs` (what is read).
"""

import re
from pathlib import Path

from learning.catalog.models import CERTIFICATE_WORDING_MAX, ISSUER_MAX, Course, Module
from learning.catalog.services import IMAGE_FOLDER
from learning.content.fields import File, child_path, column_length
from learning.content.image_files import ImageLibrary
from learning.content.instrument_files import InstrumentReader
from learning.content.item_files import ItemReader, ModuleContext
from learning.content.specs import ContentError, CourseSpec, InstrumentSpec, MediaFile, ModuleSpec
from learning.core.text import has_control_characters

COURSE_FILE = "course.yml"
MODULE_FILE = "module.yml"
FOLDER_PATTERN = re.compile(r"^(\d+)-(.+)$")


def validate_content(directory: str | Path) -> list[ContentError]:
    """Every problem in the content folder, or an empty list if it can be imported."""
    return load_content(directory)[1]


def load_content(directory: str | Path) -> tuple[CourseSpec | None, list[ContentError]]:
    """Read and check a content folder: its spec when valid, and the list of problems."""
    root = Path(directory)
    if not root.is_dir():
        return None, [ContentError(str(directory), "", "not a folder")]
    return _Reader(root).read()


class _Reader:
    """Reads a whole content folder into a CourseSpec, collecting every problem."""

    def __init__(self, root: Path):
        self.root = root
        self.errors: list[ContentError] = []
        self.media: list[MediaFile] = []
        self.instruments = InstrumentReader(self.errors)
        # Set when a module could not be read at all: references to it cannot be checked.
        self.incomplete = False

    def read(self) -> tuple[CourseSpec | None, list[ContentError]]:
        course = self._course()
        course_slug = course.slug if course else None
        images = ImageLibrary(self.errors, course_slug)
        self.media.extend(images.read(self.root))
        if course:
            course.image_names = images.names_given(self.course_data) or {}
        self.items = ItemReader(self.errors, images, self.instruments)
        modules = self._modules(course_slug or "course")
        if course:
            course.modules = [module for module, _ in modules]
            for _, instruments in modules:
                course.instruments.extend(instruments)
            course.media = self.media
            if not (self.incomplete or self.items.incomplete):
                self.instruments.check_helpful_refs({
                    f"{module.slug}/{item.slug}"
                    for module in course.modules for item in module.items})
        if self.errors:
            return None, sorted(self.errors, key=lambda error: error.file)
        return course, []

    def _course(self) -> CourseSpec | None:
        file = File(COURSE_FILE, self.errors)
        path = self.root / COURSE_FILE
        if not path.is_file():
            file.error("", "missing file: the content folder needs a course.yml")
            return None
        data = file.load_mapping(path, ("slug", "title", "published", "summary", "description",
                                        "issuers", "certificate_wording", "image_names"))
        if data is None:
            return None
        self.course_data = data  # its image names are read once images/ has been
        slug = data.slug(max_length=column_length(Course, "slug"))
        fields = {
            "title": data.text("title", max_length=column_length(Course, "title")),
            "is_published": data.boolean("published", default=True),
            "summary": data.text("summary", required=False,
                                 max_length=column_length(Course, "summary")),
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
            file = File(f"{folder.name}/{MODULE_FILE}", self.errors)
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
        file = File(f"{folder.name}/{MODULE_FILE}", self.errors)
        match = FOLDER_PATTERN.match(folder.name)
        if not match:
            File(folder.name, self.errors).error(
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
        slug = data.slug(max_length=column_length(Module, "slug"))
        position = data.integer("position", minimum=1, maximum=99)
        if slug is not None and position is not None:
            if int(match.group(1)) != position:
                data.error("position", f"{position} does not match the folder name "
                                       f"{folder.name!r} (expected {position:02d}-{slug})")
            elif match.group(2) != slug:
                data.error("slug", f"{slug!r} does not match the folder name "
                                   f"{folder.name!r} (expected {position:02d}-{slug})")
        fields = {
            "title": data.text("title", max_length=column_length(Module, "title")),
            "live_session_on": data.date("live_session"),
            "speakers": data.text_list("speakers", max_length=200),
            "summary": data.text("summary", required=False),
            "outcomes": data.text_list("outcomes", max_length=500),
            "is_published": data.boolean("published", default=True),
            "is_archived": data.boolean("archived", default=False),
        }
        module = ModuleSpec(slug=slug or "", position=position or 0, folder=folder.name,
                            fields=fields)
        context = ModuleContext(folder, file, f"{course_slug}/{module.slug}")
        instruments = []
        items = data.sequence("items")
        item_slugs: dict[str, int] = {}
        for index, raw in enumerate(items or []):
            item = self.items.read(context, raw, child_path("items", index))
            if item is None:
                continue
            if item.slug and item.slug in item_slugs:
                file.error(child_path(child_path("items", index), "slug"),
                           f"duplicate slug: {item.slug!r} is also items[{item_slugs[item.slug]}]")
            item_slugs.setdefault(item.slug, index)
            item.position = index + 1
            module.items.append(item)
            if context.instrument is not None:
                instruments.append(context.instrument)
                context.instrument = None
        self.media.extend(context.media.values())
        return module, instruments
