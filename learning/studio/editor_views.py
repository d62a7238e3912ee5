"""The reading editor: its preview, its image picker, and what the sanitiser removed, in words.

The reading's Markdown is shown beside its preview, rendered by the server through the one
sanitiser (`content.sanitise.render_markdown`), so the preview is what participants will see.
Without JavaScript, the form's Preview button sends the form back with the preview and
nothing saved; with it, the preview follows the typing (`static/js/editor.js`, which posts
the text to `preview_markdown`). The image picker offers the course's library: its button
shows the image's Markdown to copy, or, with JavaScript, puts it into the text at the cursor.

Registered on the studio's blueprint (`pages.bp`); `views` imports this module so that its
page is there whenever the studio's are.
"""

from dataclasses import dataclass

from flask import current_app, jsonify, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from learning.accounts.permissions import role_required
from learning.content import sanitise
from learning.content.sanitise import Removal, Rendered, render_markdown
from learning.core.api import json_errors
from learning.core.limits import body_limit
from learning.studio import images
from learning.studio.forms import BODY_MAX, ImagePickerForm
from learning.studio.pages import FORM_ALLOWANCE_BYTES, bp, course_or_404

# The form's button (`editor`) for what only shows something: nothing is saved.
PREVIEW, PICK_IMAGE = "preview", "pick-image"
# The text at its longest, four bytes a character, and the form's token.
PREVIEW_MAX_BYTES = BODY_MAX * 4 + FORM_ALLOWANCE_BYTES


def _names(names) -> str:
    return ", ".join(f"<{name}>" for name in names)


def removal_messages(removed: list[Removal]) -> list[str]:
    """What the sanitiser removed, each kind in a sentence that says why."""
    words = {
        sanitise.REMOVED_SCRIPT: lambda r: ngettext(
            "A script was removed with its code: readings cannot run programs.",
            "%(num)d scripts were removed with their code: readings cannot run programs.",
            r.count),
        sanitise.REMOVED_STYLE: lambda r: ngettext(
            "A style sheet was removed: readings take the site's own look.",
            "%(num)d style sheets were removed: readings take the site's own look.", r.count),
        sanitise.REMOVED_EMBEDDED: lambda r: ngettext(
            "An embedded element (%(names)s) was removed with everything in it: readings do "
            "not embed other pages, forms or drawings.",
            "%(num)d embedded elements (%(names)s) were removed with everything in them: "
            "readings do not embed other pages, forms or drawings.",
            r.count, names=_names(r.names)),
        sanitise.REMOVED_OUTSIDE_IMAGE: lambda r: ngettext(
            "An image from another site was removed: readings show images from this "
            "course's library only.",
            "%(num)d images from other sites were removed: readings show images from this "
            "course's library only.", r.count),
        sanitise.REMOVED_IMAGE: lambda r: ngettext(
            "An image that is not in the course's library was removed: upload it to the "
            "library, then insert it from there.",
            "%(num)d images that are not in the course's library were removed: upload them "
            "to the library, then insert them from there.", r.count),
        sanitise.REMOVED_LINK: lambda r: ngettext(
            "A link's address was removed and its text kept: links may use https, http or "
            "mailto only.",
            "%(num)d links' addresses were removed and their text kept: links may use "
            "https, http or mailto only.", r.count),
        sanitise.REMOVED_TAG: lambda r: _(
            "Markup that readings do not use (%(names)s) was removed and its text kept: "
            "readings have headings, paragraphs, lists, links, quotes, tables and images.",
            names=_names(r.names)),
        sanitise.REMOVED_ATTRIBUTE: lambda r: ngettext(
            "An attribute that readings do not use (%(names)s) was removed: readings take "
            "the site's own look and run no scripts.",
            "Attributes that readings do not use (%(names)s) were removed: readings take "
            "the site's own look and run no scripts.", r.count, names=", ".join(r.names)),
        sanitise.REMOVED_COMMENT: lambda r: ngettext(
            "An HTML comment was removed.", "%(num)d HTML comments were removed.", r.count),
    }
    return [words[removal.kind](removal) for removal in removed]


def removed_from(markdown: str) -> list[str]:
    """What saving this reading's Markdown removes, in words."""
    return removal_messages(render_markdown(markdown).removed)


def image_markdown(course, file_name: str, alt: str) -> str:
    """The Markdown line that shows the course's image with this description."""
    described = alt.replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]")
    return f"![{described}]({url_for('catalog.image', slug=course.slug, name=file_name)})"


@dataclass(frozen=True)
class Editor:
    """What the reading form shows beside its text: the preview and the image picker."""

    preview: Rendered
    removed: list[str]
    picker: ImagePickerForm
    images: list[images.LibraryImage]
    # The Markdown the picker made, to copy (without JavaScript); None until asked.
    markdown: str | None
    # A file the form carried, which a preview cannot keep: chosen again before saving.
    file_not_kept: bool


def asked() -> str | None:
    """Which of the editor's buttons sent the form, if one did: nothing is saved then."""
    value = request.form.get("editor") if request.method == "POST" else None
    return value if value in (PREVIEW, PICK_IMAGE) else None


def reading_editor(course, form, asking: str | None) -> Editor:
    """The preview of the form's text and the image picker, as the form was sent."""
    library = images.library(course, current_app.config["MEDIA_ROOT"])
    picker = ImagePickerForm(prefix="picker")
    picker.image.choices = [(image.file_name, image.label or image.file_name)
                            for image in library]
    markdown = None
    if asking == PICK_IMAGE and picker.validate():
        markdown = image_markdown(course, picker.image.data, picker.alt.data)
    rendered = render_markdown(form.body.data or "")
    return Editor(preview=rendered, removed=removal_messages(rendered.removed), picker=picker,
                  images=library, markdown=markdown,
                  file_not_kept=asking is not None and bool(form.pdf.data))


@bp.post("/courses/<slug>/preview")
@json_errors
@body_limit(PREVIEW_MAX_BYTES)
@role_required("facilitator")
def preview_markdown(slug):
    """The reading's Markdown as participants will see it, and what saving it removes."""
    course_or_404(slug)
    text = request.form.get("body", "")
    if len(text) > BODY_MAX:
        response = jsonify(error=_("The text is longer than %(max)d characters: shorten it "
                                   "to see its preview.", max=BODY_MAX))
        response.status_code = 413
        return response
    rendered = render_markdown(text)
    return jsonify(html=rendered.html, removed=removal_messages(rendered.removed))
