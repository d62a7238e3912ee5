"""Studio forms: what every studio form shares, a course's settings, its people and images.

A module's form is `module_forms`, an item's `item_forms`, an instrument's one form
`instrument_forms`, a cohort's `cohort_forms`. They make their fields with the helpers
here (`title_field`, `slug_field`), and a form for a module or an item checks its slug
among its siblings as `SlugForm` does.

Button-only actions (move, archive, delete, a new join code) use accounts' EmptyForm.

Lengths match the columns. Each form hands the service what it set as one value object
(`fields()`), so nothing is assigned from the request that the form did not name.
"""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, EmailField, RadioField, StringField, TextAreaField
from wtforms.validators import (
    DataRequired,
    Email,
    InputRequired,
    Length,
    Optional,
    Regexp,
    ValidationError,
)

from learning.catalog.models import CERTIFICATE_WORDING_MAX, IMAGE_LABEL_MAX, ISSUER_MAX
from learning.content.writing import SLUG_MAX, SLUG_PATTERN, free_slug
from learning.core.forms import CONTROL_CHARACTERS_MESSAGE, Form
from learning.core.text import has_control_characters
from learning.studio.courses import CourseFields, lacks_issuers

TITLE_MAX = 200
BODY_MAX = 100_000
IMAGE_ALT_MAX = 300
COURSE_SUMMARY_MAX = 400


def strip(value):
    """A field's text without the spaces around it (a filter)."""
    return value.strip() if isinstance(value, str) else value


def _newlines(value):
    """Line breaks as the content files store them: a browser sends CR LF."""
    return value.replace("\r\n", "\n").replace("\r", "\n") if isinstance(value, str) else value


def lines(text: str | None) -> list[str]:
    """The non-blank lines of a text area, stripped: one outcome or speaker a line."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def title_field():
    """A title: required, at most `TITLE_MAX` characters."""
    return StringField(
        _l("Title"),
        filters=[strip],
        validators=[DataRequired(_l("Enter a title.")),
                    Length(max=TITLE_MAX, message=_l("Use at most %(max)d characters."))],
    )


def slug_field():
    """A slug as `content.writing` says: required, `SLUG_PATTERN`, at most `SLUG_MAX`."""
    return StringField(
        _l("Slug"),
        filters=[strip],
        validators=[
            DataRequired(_l("Enter a slug.")),
            Length(max=SLUG_MAX, message=_l("Use at most %(max)d characters.")),
            Regexp(SLUG_PATTERN, message=_l(
                "Use lower-case letters, digits and single hyphens, such as "
                "“digital-government”.")),
        ],
    )


def check_lines(field, maximum: int):
    """Refuse a text area with a line longer than `maximum`."""
    if any(len(line) > maximum for line in lines(field.data)):
        raise ValidationError(_l("Keep each line to %(max)d characters.", max=maximum))


class SlugForm(Form):
    """A form whose slug must differ from the slugs its siblings use.

    A form for something new (`fills_slug`) may be sent with its slug empty: the slug is
    then made from the title (`content.writing.free_slug`), free among the siblings, and
    the form goes on as if it had been typed. Browsers with JavaScript fill it as the title is typed
    (static/js/slug.js); this is the same rule without it. A title with nothing a slug can
    carry gives the form's `slug_fallback` ("reading", "reading-2"…).
    """

    slug_fallback = "item"

    def __init__(self, *args, taken_slugs=(), fills_slug=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.taken_slugs = set(taken_slugs)
        self.fills_slug = fills_slug
        if fills_slug:
            # Left empty, the slug comes from the title; with no title either, the title's
            # own error is the one to show.
            self.slug.validators = [Optional() if isinstance(v, DataRequired) else v
                                    for v in self.slug.validators]

    def validate(self, extra_validators=None):
        """Fill an empty slug from the title (`fills_slug`), then check every field."""
        if self.fills_slug and not self.slug.data and self.title.data:
            self.slug.data = self.slug_from_title(self.title.data)
        return super().validate(extra_validators)

    def slug_from_title(self, title: str) -> str:
        """The slug the title gives, free among the siblings."""
        return free_slug(title, self.taken_slugs, self.slug_fallback)

    def validate_slug(self, field):
        """The slug is unique among the siblings (the course's modules, the module's items)."""
        if field.data in self.taken_slugs:
            raise ValidationError(_l("Another one here already uses this slug: choose another."))


class CourseSettingsForm(Form):
    """A course's settings: what participants read about it, and what its certificate says."""

    title = title_field()
    summary = TextAreaField(
        _l("Summary"), filters=[_newlines, strip],
        validators=[Length(max=COURSE_SUMMARY_MAX,
                           message=_l("Use at most %(max)d characters."))],
    )
    description = TextAreaField(
        _l("Description"), filters=[_newlines, strip],
        validators=[Length(max=BODY_MAX, message=_l("Use at most %(max)d characters."))],
    )
    is_published = BooleanField(_l("Published: participants in its cohorts can see this "
                                   "course"))
    issuers = TextAreaField(_l("Issuers"), filters=[_newlines, strip])
    certificate_wording = StringField(
        _l("Wording under the participant's name"), filters=[strip],
        validators=[Length(max=CERTIFICATE_WORDING_MAX,
                           message=_l("Use at most %(max)d characters."))],
    )

    def validate_issuers(self, field):
        """One organisation a line, each once, on one line; at least one when published."""
        issuers = lines(field.data)
        # A text area lets tabs through; an issuer is one line of a certificate.
        if any(has_control_characters(issuer) for issuer in issuers):
            raise ValidationError(CONTROL_CHARACTERS_MESSAGE)
        check_lines(field, ISSUER_MAX)
        if len(set(issuers)) < len(issuers):
            raise ValidationError(_l("Name each organisation once."))
        if lacks_issuers(bool(self.is_published.data), issuers):
            raise ValidationError(_l("Name at least one organisation: a published course's "
                                     "certificates say who issues them."))

    @classmethod
    def data_of(cls, course) -> dict:
        """The form's starting values for the course."""
        return {
            "title": course.title, "summary": course.summary or "",
            "description": course.description or "", "is_published": course.is_published,
            "issuers": "\n".join(course.issuers or ()),
            "certificate_wording": course.certificate_wording or "",
        }

    def fields(self) -> CourseFields:
        """What the form set, for the service."""
        return CourseFields(
            title=self.title.data, summary=self.summary.data or "",
            description=self.description.data or "",
            is_published=bool(self.is_published.data), issuers=lines(self.issuers.data),
            certificate_wording=self.certificate_wording.data or None,
        )


class PersonForm(Form):
    """Someone with an account, named by their email address (a manager, a co-facilitator)."""

    email = EmailField(
        _l("Email address"), filters=[strip],
        validators=[DataRequired(_l("Enter their email address.")),
                    Length(max=254, message=_l("Use at most %(max)d characters.")),
                    Email(_l("Enter an email address like name@example.org."),
                          check_deliverability=False)],
    )


class ImageForm(Form):
    """An image for a course's readings."""

    image = FileField(_l("Image (PNG, JPEG, WebP or GIF)"),
                      validators=[FileRequired(_l("Choose an image file."))])


class ImageLabelForm(Form):
    """A name for an image of the course's library: what it is, in the studio."""

    label = StringField(
        _l("Name"), filters=[strip],
        validators=[Length(max=IMAGE_LABEL_MAX, message=_l("Use at most %(max)d characters."))],
    )


class ImagePickerForm(Form):
    """An image of the course's library to put into a reading, and its description.

    Part of the reading's form (its fields prefixed `picker-`, no token of its own), checked
    only when its button is pressed: with JavaScript the image's Markdown goes into the
    text where the cursor is; without, the page shows the Markdown to copy.
    """

    class Meta:
        csrf = False

    image = RadioField(_l("Image"), choices=[],
                       validators=[InputRequired(_l("Choose one of the images."))])
    alt = StringField(
        _l("Description of the image (alt text)"), filters=[strip],
        validators=[DataRequired(_l("Describe the image: people who cannot see it hear or "
                                    "read this instead.")),
                    Length(max=IMAGE_ALT_MAX, message=_l("Use at most %(max)d characters."))],
    )
