"""The course's image library as a content folder holds it: `images/` beside the modules.

It holds the images reading pages show as `<img src="/courses/<course slug>/images/<name>">`
(Markdown's `![alt](/courses/<course slug>/images/<name>)` in the studio). Each file keeps the
name the studio gave it (32 hexadecimal digits and `.png`, `.jpg`, `.webp` or `.gif`, the
suffix its type's) and is checked as an upload to the library is (`media.uploads.check_image`:
its first bytes, at most IMAGE_MAX_BYTES); the folder holds nothing else, no hidden files,
links or subfolders. A page may show only this course's images, and only those in the folder.

course.yml's `image_names` gives images their names (what the studio shows and offers as
an image's description): a mapping of file names in `images/` to one line of text each, at
most IMAGE_LABEL_MAX characters. On import a listed image takes its name; other images keep
theirs.
"""

from collections.abc import Collection
from pathlib import Path

from flask import current_app

from learning.catalog.models import IMAGE_LABEL_MAX
from learning.catalog.services import IMAGE_FOLDER, IMAGE_NAME
from learning.content.fields import File, Mapping, normalise
from learning.content.sanitise import course_images
from learning.content.specs import ContentError, MediaFile
from learning.core.text import has_control_characters
from learning.media.uploads import UploadError, check_image


class ImageLibrary:
    """The names in a content folder's `images/`, and the check of the pages that show them."""

    def __init__(self, errors: list[ContentError], course_slug: str | None):
        # The course's slug when course.yml could be read: None leaves pages unchecked.
        self.errors = errors
        self.course_slug = course_slug
        self.names: set[str] = set()

    def read(self, root: Path) -> list[MediaFile]:
        """The image library in `images/`: every file checked, each good one to copy."""
        folder = root / IMAGE_FOLDER
        if not folder.exists() and not folder.is_symlink():
            return []
        if folder.is_symlink() or not folder.is_dir():
            File(IMAGE_FOLDER, self.errors).error(
                "", f"not a folder: {IMAGE_FOLDER}/ must be a folder of image files")
            return []
        max_bytes = current_app.config["IMAGE_MAX_BYTES"]
        course_slug = self.course_slug or "course"
        media = []
        for path in sorted(folder.iterdir()):
            self.names.add(path.name)
            problem = image_problem(path, max_bytes)
            if problem:
                File(f"{IMAGE_FOLDER}/{path.name}", self.errors).error("", problem)
                continue
            media.append(MediaFile(source=path,
                                   target=f"{course_slug}/{IMAGE_FOLDER}/{path.name}"))
        return media

    def names_given(self, data: Mapping, key: str = "image_names") -> dict[str, str] | None:
        """course.yml's names for images of `images/`, by file name; None if any is wrong.

        Read once `images/` has been (`read`): a name must be for an image in the folder.
        """
        raw = data.data.get(key)
        if raw is None:
            return {}
        if not isinstance(raw, dict):
            data.error(key, "wrong type: expected a mapping of image file names to names")
            return None
        names, wrong = {}, False
        for file_name, text in raw.items():
            path = data.field_path(key)
            place = f"{path}.{file_name}"
            if not isinstance(file_name, str) or file_name not in self.names:
                data.file.error(place, f"not an image of {IMAGE_FOLDER}/: a name is given to "
                                       f"a file in the folder, by its file name")
                wrong = True
                continue
            if not isinstance(text, str) or not normalise(text):
                data.file.error(place, "wrong type: expected the image's name as text")
                wrong = True
                continue
            text = normalise(text)
            if has_control_characters(text):
                data.file.error(place, "not one line: an image's name is one line of text")
                wrong = True
            elif len(text) > IMAGE_LABEL_MAX:
                data.file.error(place, f"too long: {len(text)} characters, at most "
                                       f"{IMAGE_LABEL_MAX}")
                wrong = True
            else:
                names[file_name] = text
        return None if wrong else names

    def check_page(self, data: Mapping, page: Path, body: str) -> None:
        """Every image the page shows is one of this course's, in `images/`."""
        if self.course_slug is None:
            return  # course.yml has problems of its own, reported already
        for course, name in images_out_of_place(body, self.course_slug, self.names):
            if course != self.course_slug:
                data.error("page", f"image of another course: {page.name} shows "
                                   f"/courses/{course}/images/{name}, but this course is "
                                   f"{self.course_slug!r}; a page shows its own course's images")
            else:
                data.error("page", f"missing image: {page.name} shows {name}, which is not "
                                   f"in {IMAGE_FOLDER}/")


def images_out_of_place(html: str, course_slug: str,
                        library: Collection[str]) -> list[tuple[str, str]]:
    """The (course slug, name) of each image a page shows that is not in its course's library.

    A page shows only its own course's images, and only those its library holds: the
    rule of the content files (`ImageLibrary.check_page`) and of the studio's readings.
    """
    return [(course, name) for course, name in course_images(html)
            if course != course_slug or name not in library]


def image_problem(path: Path, max_bytes: int) -> str | None:
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
