"""A module's items as its `module.yml` lists them, and the files they name in its folder.

Each item has slug, kind, title, required, published, archived and minutes, and the section
of its kind: `recording` (video, a file, or embed, an https link; captions in WebVTT; a
transcript; duration_seconds; threshold; transcript_completes), `reading` (page, an HTML
fragment; file, a PDF; url; citation) or `instrument` (a self-assessment's instrument file,
`content.instrument_files`). Files are named by paths inside the module folder, and media
are copied under MEDIA_ROOT as `<course slug>/<module slug>/<file name>`.
"""

import re
from pathlib import Path, PurePosixPath

from learning.catalog.models import ITEM_KINDS, Item
from learning.content.fields import File, Mapping, column_length, normalise
from learning.content.image_files import ImageLibrary
from learning.content.instrument_files import InstrumentReader
from learning.content.sanitise import sanitise_html
from learning.content.specs import ContentError, InstrumentSpec, ItemSpec, MediaFile
from learning.media.videolength import MAX_SECONDS

DEFAULT_THRESHOLD = 90
# Media file names become part of URLs and of paths under MEDIA_ROOT.
FILE_NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
VIDEO_SUFFIXES = (".webm", ".mp4", ".m4v", ".ogv", ".ogg")


class ModuleContext:
    """What checking one module's items needs: its folder, its file, where media go."""

    def __init__(self, folder: Path, file: File, media_prefix: str):
        self.folder = folder
        self.file = file
        self.media_prefix = media_prefix
        self.media: dict[str, MediaFile] = {}
        self.instrument: InstrumentSpec | None = None

    def file_reference(self, data: Mapping, key: str) -> Path | None:
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

    def media_target(self, data: Mapping, key: str, path: Path) -> str | None:
        """Where the file goes under MEDIA_ROOT, as stored on the item."""
        if not FILE_NAME_PATTERN.match(path.name):
            data.error(key, f"bad file name: {path.name!r} (use letters, digits, '.', '-' "
                            "and '_' only)")
            return None
        target = f"{self.media_prefix}/{path.name}"
        if len(target) > column_length(Item, "video_path"):
            data.error(key, f"too long: the stored path {target!r} has more than "
                            f"{column_length(Item, 'video_path')} characters")
            return None
        known = self.media.get(path.name)
        if known is not None and known.source.resolve() != path.resolve():
            data.error(key, f"duplicate file name: another file of this module is also named "
                            f"{path.name!r}; rename one")
            return None
        self.media[path.name] = MediaFile(source=path, target=target)
        return target


class ItemReader:
    """Reads the items of a course's modules, collecting every problem."""

    def __init__(self, errors: list[ContentError], images: ImageLibrary,
                 instruments: InstrumentReader):
        self.errors = errors
        self.images = images
        self.instruments = instruments
        # Each instrument's slug and the file that defines it: one file per item.
        self.instrument_files: dict[str, str] = {}
        # Set when an item could not be read at all: references to it cannot be checked.
        self.incomplete = False

    def read(self, context: ModuleContext, raw, path: str) -> ItemSpec | None:
        """The item `raw` describes (at `path` in the module file), or None if unreadable."""
        file = context.file
        data = file.mapping(raw, path, ("slug", "kind", "title", "required", "published",
                                        "archived", "minutes", "recording", "reading",
                                        "instrument"))
        if data is None:
            self.incomplete = True
            return None
        slug = data.slug(max_length=column_length(Item, "slug"))
        kind = data.choice("kind", ITEM_KINDS)
        fields = {
            "kind": kind,
            "title": data.text("title", max_length=column_length(Item, "title")),
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

    def _recording(self, context: ModuleContext, item: Mapping, fields: dict) -> None:
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
        fields["embed_url"] = data.url("embed", column_length(Item, "embed_url"))
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
                if text is not None and not normalise(text):
                    data.error("transcript", f"missing: {transcript.name} is empty")
                elif text is not None:
                    fields["transcript"] = normalise(text)
        fields["duration_seconds"] = data.integer("duration_seconds", minimum=1,
                                                  maximum=MAX_SECONDS)
        fields["completion_threshold"] = data.integer(
            "threshold", required=False, default=DEFAULT_THRESHOLD, minimum=1, maximum=100
        )
        fields["transcript_completes"] = data.boolean("transcript_completes", default=False)
        if fields["transcript_completes"] and not data.has("transcript"):
            data.error("transcript_completes", "needs a transcript to read instead")

    def _reading(self, context: ModuleContext, item: Mapping, fields: dict) -> None:
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
                    self.images.check_page(data, page, body)
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
        fields["url"] = data.url("url", column_length(Item, "url"))
        fields["citation"] = data.text("citation", required=False, default=None,
                                       max_length=column_length(Item, "citation"))

    def _instrument_reference(self, context: ModuleContext, item: Mapping) -> str | None:
        if not item.has("instrument"):
            item.error("instrument", "missing: a self-assessment item names its instrument file")
            return None
        path = context.file_reference(item, "instrument")
        if path is None:
            return None
        name = f"{context.folder.name}/{path.relative_to(context.folder).as_posix()}"
        instrument = self.instruments.read_file(File(name, self.errors), path)
        if instrument is None:
            return None
        if instrument.slug in self.instrument_files:
            File(name, self.errors).error(
                "slug", f"duplicate slug: instrument {instrument.slug!r} is also defined by "
                        f"{self.instrument_files[instrument.slug]} (each self-assessment item "
                        "has an instrument of its own)")
            return None
        self.instrument_files[instrument.slug] = name
        context.instrument = instrument
        return instrument.slug
