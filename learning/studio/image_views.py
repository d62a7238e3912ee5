"""The studio's page for a course's image library: upload an image, copy its Markdown.

Registered on the studio's blueprint (`pages.bp`); `views` imports this module so that its
page is there whenever the studio's are.
"""

from flask import current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from learning.accounts.permissions import role_required
from learning.core.limits import body_limit
from learning.media import uploads
from learning.studio.forms import ImageForm
from learning.studio.pages import FORM_ALLOWANCE_BYTES, bp, course_or_404, may_author


def _image_limit(config) -> int:
    """An image for the library at most, and the form's token."""
    return config["IMAGE_MAX_BYTES"] + FORM_ALLOWANCE_BYTES


@bp.route("/courses/<slug>/images", methods=["GET", "POST"])
@body_limit(_image_limit, granted=may_author)
@role_required("facilitator")
def images(slug):
    course = course_or_404(slug)
    form = ImageForm()
    media_root = current_app.config["MEDIA_ROOT"]
    if form.validate_on_submit():
        try:
            uploads.store_image(form.image.data.stream, media_root, course.slug,
                                current_app.config["IMAGE_MAX_BYTES"])
        except uploads.UploadError as error:
            form.image.errors.append(str(error))
        else:
            flash(_("Image uploaded: copy its Markdown into a reading's text."), "success")
            return redirect(url_for("studio.images", slug=course.slug))
    return render_template(
        "studio/images.html", course=course, form=form,
        images=uploads.stored_images(media_root, course.slug),
        image_max=uploads.human_size(current_app.config["IMAGE_MAX_BYTES"]),
    )
