"""The studio's page for a course's image library: upload, name and delete its images.

An image is deleted only while no reading shows it (`studio.images`); its file goes once
the change is committed (the unit of work, `media.files.FileChanges`).

Registered on the studio's blueprint (`pages.bp`); `views` imports this module so that its
page is there whenever the studio's are.
"""

from flask import current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from learning.accounts.permissions import role_required
from learning.catalog import services as catalog
from learning.core.limits import body_limit
from learning.database import db
from learning.media import uploads
from learning.media.files import FileChanges
from learning.studio import courses
from learning.studio import images as library
from learning.studio.forms import ImageForm, ImageLabelForm
from learning.studio.pages import (
    FORM_ALLOWANCE_BYTES,
    bp,
    button_form_or_400,
    course_or_404,
    may_author,
)


def _image_limit(config) -> int:
    """An image for the library at most, and the form's token."""
    return config["IMAGE_MAX_BYTES"] + FORM_ALLOWANCE_BYTES


def _library_page(course, form, label_forms=None):
    """The library's page; `label_forms` holds a name form sent back with its error."""
    label_forms = label_forms or {}
    media_root = current_app.config["MEDIA_ROOT"]
    shown = library.library(course, media_root)
    forms = {image.file_name: label_forms.get(image.file_name)
             or ImageLabelForm(formdata=None, data={"label": image.label},
                               prefix=f"label-{image.file_name[:8]}")
             for image in shown}
    return render_template(
        "studio/images.html", course=course, form=form, images=shown, label_forms=forms,
        image_max=uploads.human_size(current_app.config["IMAGE_MAX_BYTES"]),
    )


@bp.route("/courses/<slug>/images", methods=["GET", "POST"])
@body_limit(_image_limit, granted=may_author)
@role_required("facilitator")
def images(slug):
    course = course_or_404(slug)
    form = ImageForm()
    if form.validate_on_submit():
        try:
            uploads.store_image(form.image.data.stream, current_app.config["MEDIA_ROOT"],
                                course.slug, current_app.config["IMAGE_MAX_BYTES"])
        except uploads.UploadError as error:
            form.image.errors.append(str(error))
        else:
            flash(_("Image uploaded: insert it into a reading from the reading's page, or "
                    "copy its Markdown below."), "success")
            return redirect(url_for("studio.images", slug=course.slug))
    return _library_page(course, form)


@bp.post("/courses/<slug>/images/<name>/rename")
@role_required("facilitator")
def rename_image(slug, name):
    """Give the image a name (or none): what it is, offered as its description."""
    course = course_or_404(slug)
    image = library.image_or_404(course, current_app.config["MEDIA_ROOT"], name)
    form = ImageLabelForm(prefix=f"label-{name[:8]}")
    if not form.validate_on_submit():
        return _library_page(course, ImageForm(formdata=None), {name: form})
    catalog.name_image(course.id, image.file_name, form.label.data or "")
    db.session.commit()
    flash(_("Image named “%(name)s”.", name=form.label.data) if form.label.data
          else _("The image's name is taken away."), "success")
    return redirect(url_for("studio.images", slug=course.slug, _anchor=f"image-{name[:8]}"))


@bp.post("/courses/<slug>/images/<name>/delete")
@role_required("facilitator")
def delete_image(slug, name):
    """Delete the image while no reading shows it; refused, naming them, otherwise."""
    course = course_or_404(slug)
    media_root = current_app.config["MEDIA_ROOT"]
    image = library.image_or_404(course, media_root, name)
    button_form_or_400()
    try:
        with FileChanges(media_root, in_use=library.images_in_use) as files:
            files.releasing([library.delete_image(course, image.file_name)])
    except courses.StudioError as error:
        flash(str(error), "error")
        return redirect(url_for("studio.images", slug=course.slug,
                                _anchor=f"image-{name[:8]}"))
    flash(_("Image “%(name)s” deleted.", name=image.label) if image.label
          else _("Image deleted."), "success")
    return redirect(url_for("studio.images", slug=course.slug))
