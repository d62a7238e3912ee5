"""A course's image library: its images and their names, renaming them, deleting them.

The library is the course's folder of image files (`uploads.stored_images`), each under the
random name that readings' addresses hold; a facilitator may give an image a name
(`CourseImage`), which the studio shows and offers as its description. An image is deleted
only while no reading shows it: a reading of any module, draft or archived included (an
archived reading can be restored, and would come back with a hole). "Shows" is the stored
page (`Item.body_html`), which is what the reading's Markdown became, or the HTML an import
gave: an address merely written in the text (in a code span, say) is not a use.
"""

from dataclasses import dataclass

from flask import abort
from flask_babel import gettext as _
from sqlalchemy import delete, select

from learning.catalog.models import Course, CourseImage, Item, Module
from learning.catalog.services import IMAGE_FOLDER, image_names, image_path
from learning.content.sanitise import course_images
from learning.database import db
from learning.media import uploads
from learning.studio.courses import StudioError


@dataclass(frozen=True)
class LibraryImage:
    """One image of a course's library: its stored file's name and the name it was given."""

    file_name: str
    label: str  # "" when it has none


def library(course: Course, media_root) -> list[LibraryImage]:
    """The course's images, newest first, with the names given them."""
    labels = image_names(course.id)
    return [LibraryImage(name, labels.get(name, ""))
            for name in uploads.stored_images(media_root, course.slug)]


def image_or_404(course: Course, media_root, file_name: str) -> LibraryImage:
    """The course's image stored under this name; 404 for any other name."""
    found = next((image for image in library(course, media_root)
                  if image.file_name == file_name), None)
    if found is None:
        abort(404)
    return found


def readings_showing(course: Course, file_name: str) -> list[Item]:
    """Every reading whose page shows the course's image, drafts and archived ones included.

    Any course's reading: the sanitiser lets a page show any course's image.
    """
    candidates = db.session.scalars(
        select(Item).join(Module).where(Item.kind == "reading",
                                        Item.body_html.contains(file_name))
        .order_by(Module.course_id, Module.position, Item.position))
    return [item for item in candidates
            if (course.slug, file_name) in course_images(item.body_html)]


def _reading_words(item: Item, course: Course) -> str:
    """A reading named for the facilitator: its title, its module, and what hides it."""
    module = item.module
    if module.course_id != course.id:
        words = _("“%(title)s” in “%(module)s” of the course “%(course)s”", title=item.title,
                  module=module.title, course=module.course.title)
    else:
        words = _("“%(title)s” in “%(module)s”", title=item.title, module=module.title)
    if item.is_archived or module.is_archived:
        words = _("%(reading)s (archived)", reading=words)
    return words


def delete_image(course: Course, file_name: str) -> str:
    """Forget the image's name; the file to let go of (relative to MEDIA_ROOT).

    Refused, naming the readings, while any reading shows it. The caller removes the file
    once the change commits (`media.files.FileChanges`, with `images_in_use`).
    """
    readings = readings_showing(course, file_name)
    if readings:
        raise StudioError(_(
            "This image is shown by %(readings)s. Take it out of their text first; then it "
            "can be deleted.", readings="; ".join(_reading_words(item, course)
                                                  for item in readings)))
    db.session.execute(delete(CourseImage).where(CourseImage.course_id == course.id,
                                                 CourseImage.file_name == file_name))
    db.session.flush()
    return image_path(course, file_name)


def images_in_use(paths: set[str]) -> set[str]:
    """Those of these image files (`<course>/images/<name>`) that some reading shows.

    Asked by the unit of work after the commit, before the files it let go of are removed.
    """
    used = set()
    for path in paths:
        slug, folder, name = path.split("/")
        course = db.session.scalar(select(Course).where(Course.slug == slug))
        if folder == IMAGE_FOLDER and course is not None and readings_showing(course, name):
            used.add(path)
    return used
