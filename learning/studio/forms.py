"""Studio forms: a course's settings, a module, a reading, a recording, a cohort.

An instrument's one form is `instrument_forms`.

Button-only actions (move, archive, delete, a new join code) use accounts' EmptyForm.

Lengths match the columns. Each form hands the service what it set as one value object
(`fields()`), so nothing is assigned from the request that the form did not name.
"""

from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    Email,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
    ValidationError,
)

from learning.catalog.models import CERTIFICATE_WORDING_MAX, IMAGE_LABEL_MAX, ISSUER_MAX
from learning.cohorts.forms import CohortForm
from learning.content.writing import SLUG_MAX, SLUG_PATTERN, free_slug
from learning.core.forms import CONTROL_CHARACTERS_MESSAGE, Form
from learning.core.text import has_control_characters
from learning.studio.services import (
    CourseFields,
    ModuleFields,
    ReadingFields,
    RecordingFields,
    SelfAssessmentFields,
    lacks_issuers,
)

TITLE_MAX = 200
CITATION_MAX = 500
URL_MAX = 500
# As the content files allow (learning/content/folder.py), so that an export imports again.
SPEAKER_MAX = 200
OUTCOME_MAX = 500
MINUTES_MAX = 10_000
BODY_MAX = 100_000
IMAGE_ALT_MAX = 300
COURSE_SUMMARY_MAX = 400


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _newlines(value):
    """Line breaks as the content files store them: a browser sends CR LF."""
    return value.replace("\r\n", "\n").replace("\r", "\n") if isinstance(value, str) else value


def _lines(text: str | None) -> list[str]:
    """The non-blank lines of a text area, stripped: one outcome or speaker a line."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _title_field():
    return StringField(
        _l("Title"),
        filters=[_strip],
        validators=[DataRequired(_l("Enter a title.")),
                    Length(max=TITLE_MAX, message=_l("Use at most %(max)d characters."))],
    )


def _slug_field():
    return StringField(
        _l("Slug"),
        filters=[_strip],
        validators=[
            DataRequired(_l("Enter a slug.")),
            Length(max=SLUG_MAX, message=_l("Use at most %(max)d characters.")),
            Regexp(SLUG_PATTERN, message=_l(
                "Use lower-case letters, digits and single hyphens, such as "
                "“digital-government”.")),
        ],
    )


def _item_published_field():
    # Unticked for a new item: it starts as a draft, which moves no one's figures.
    return BooleanField(_l("Published: participants can see this item"), default=False)


def _check_lines(field, maximum: int):
    if any(len(line) > maximum for line in _lines(field.data)):
        raise ValidationError(_l("Keep each line to %(max)d characters.", max=maximum))


class _SlugForm(Form):
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

    title = _title_field()
    summary = TextAreaField(
        _l("Summary"), filters=[_newlines, _strip],
        validators=[Length(max=COURSE_SUMMARY_MAX,
                           message=_l("Use at most %(max)d characters."))],
    )
    description = TextAreaField(
        _l("Description"), filters=[_newlines, _strip],
        validators=[Length(max=BODY_MAX, message=_l("Use at most %(max)d characters."))],
    )
    is_published = BooleanField(_l("Published: participants in its cohorts can see this "
                                   "course"))
    issuers = TextAreaField(_l("Issuers"), filters=[_newlines, _strip])
    certificate_wording = StringField(
        _l("Wording under the participant's name"), filters=[_strip],
        validators=[Length(max=CERTIFICATE_WORDING_MAX,
                           message=_l("Use at most %(max)d characters."))],
    )

    def validate_issuers(self, field):
        """One organisation a line, each once, on one line; at least one when published."""
        issuers = _lines(field.data)
        # A text area lets tabs through; an issuer is one line of a certificate.
        if any(has_control_characters(issuer) for issuer in issuers):
            raise ValidationError(CONTROL_CHARACTERS_MESSAGE)
        _check_lines(field, ISSUER_MAX)
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
            is_published=bool(self.is_published.data), issuers=_lines(self.issuers.data),
            certificate_wording=self.certificate_wording.data or None,
        )


class ModuleForm(_SlugForm):
    """A module: one webinar turned into a unit of learning."""

    slug_fallback = "module"

    title = _title_field()
    slug = _slug_field()
    summary = TextAreaField(_l("Summary"), filters=[_strip],
                            validators=[Length(max=BODY_MAX)])
    outcomes = TextAreaField(_l("Learning outcomes"), filters=[_strip])
    live_session_on = DateField(_l("Live session date"), validators=[Optional()])
    speakers = TextAreaField(_l("Speakers"), filters=[_strip])
    is_published = BooleanField(_l("Published: participants can see this module"))

    def validate_outcomes(self, field):
        """Each outcome fits on a line."""
        _check_lines(field, OUTCOME_MAX)

    def validate_speakers(self, field):
        """Each speaker fits on a line."""
        _check_lines(field, SPEAKER_MAX)

    @classmethod
    def data_of(cls, module) -> dict:
        """The form's starting values for an existing module."""
        return {
            "title": module.title, "slug": module.slug, "summary": module.summary,
            "outcomes": "\n".join(module.outcomes or ()),
            "live_session_on": module.live_session_on,
            "speakers": "\n".join(module.speakers or ()),
            "is_published": module.is_published,
        }

    def fields(self) -> ModuleFields:
        """What the form set, for the service."""
        return ModuleFields(
            title=self.title.data, slug=self.slug.data, summary=self.summary.data or "",
            outcomes=_lines(self.outcomes.data), live_session_on=self.live_session_on.data,
            speakers=_lines(self.speakers.data), is_published=bool(self.is_published.data),
        )


class ReadingForm(_SlugForm):
    """A reading written as a page in Markdown."""

    slug_fallback = "reading"

    title = _title_field()
    slug = _slug_field()
    minutes = IntegerField(
        _l("Minutes to read"), default=0,
        validators=[InputRequired(_l("Enter the minutes it takes, 0 or more.")),
                    NumberRange(min=0, max=MINUTES_MAX,
                                message=_l("Enter a whole number from %(min)d to %(max)d."))],
    )
    is_required = BooleanField(_l("Required to complete the course"), default=True)
    is_published = _item_published_field()
    body = TextAreaField(_l("Text (Markdown)"), render_kw={"rows": 24},
                         validators=[Length(max=BODY_MAX,
                                            message=_l("Use at most %(max)d characters."))])
    url = StringField(
        _l("Link to the original document"), filters=[_strip],
        validators=[Length(max=URL_MAX, message=_l("Use at most %(max)d characters."))],
    )
    pdf = FileField(_l("PDF file"))
    citation = StringField(
        _l("Citation"), filters=[_strip],
        validators=[Length(max=CITATION_MAX, message=_l("Use at most %(max)d characters."))],
    )

    def __init__(self, *args, has_file=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.has_file = has_file

    def validate_url(self, field):
        """Links are web addresses: http or https, with a host."""
        if not field.data:
            return
        parts = urlsplit(field.data)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValidationError(_l("Enter a web address that starts with https:// or "
                                     "http://."))

    def validate_body(self, field):
        """A reading needs something to read: a text, a link or a PDF."""
        if (field.data or "").strip() or self.url.data or self.has_file or self.pdf.data:
            return
        raise ValidationError(_l("Write the reading's text, give a link or attach a PDF."))

    @classmethod
    def data_of(cls, item) -> dict:
        """The form's starting values for an existing reading.

        A page imported as HTML has no Markdown: its HTML is the starting text, which
        Markdown passes through (and the sanitiser checks again).
        """
        return {
            "title": item.title, "slug": item.slug, "minutes": item.minutes,
            "is_required": item.is_required, "is_published": item.is_published,
            "body": item.body_markdown if item.body_markdown is not None
            else (item.body_html or ""),
            "url": item.url or "",
            "citation": item.citation or "",
        }

    def fields(self) -> ReadingFields:
        """What the form set, for the service."""
        return ReadingFields(
            title=self.title.data, slug=self.slug.data, minutes=self.minutes.data,
            is_required=bool(self.is_required.data),
            is_published=bool(self.is_published.data), body_markdown=self.body.data or "",
            url=self.url.data or "", citation=self.citation.data or "",
        )


class MoveItemForm(Form):
    """Where an item moves: another module of its course, and its slug there if it must change.

    The modules offered are set by the page (`moves.move_targets`): an id sent that is not
    one of them is refused.
    """

    target = SelectField(_l("Module to move it to"), coerce=int, validate_choice=True,
                         validators=[InputRequired(_l("Choose the module to move it to."))])
    slug = StringField(
        _l("Slug in that module"),
        filters=[_strip],
        validators=[
            Optional(),
            Length(max=SLUG_MAX, message=_l("Use at most %(max)d characters.")),
            Regexp(SLUG_PATTERN, message=_l(
                "Use lower-case letters, digits and single hyphens, such as "
                "“digital-government”.")),
        ],
    )


class CohortSettingsForm(CohortForm):
    """A cohort's name, dates, time zone and whether it takes new participants (not its course)."""

    course = None
    is_open = BooleanField(_l("Open: people with the join code can join"))

    @classmethod
    def data_of(cls, cohort) -> dict:
        """The form's starting values for the cohort."""
        return {"name": cohort.name, "starts_on": cohort.starts_on, "ends_on": cohort.ends_on,
                "is_open": cohort.is_open, "time_zone": cohort.time_zone}


class RosterForm(Form):
    """A CSV file of participants to add to a cohort."""

    csv = FileField(_l("CSV file"), validators=[FileRequired(_l("Choose a CSV file."))])


class ImageForm(Form):
    """An image for a course's readings."""

    image = FileField(_l("Image (PNG, JPEG, WebP or GIF)"),
                      validators=[FileRequired(_l("Choose an image file."))])


class ImageLabelForm(Form):
    """A name for an image of the course's library: what it is, in the studio."""

    label = StringField(
        _l("Name"), filters=[_strip],
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
        _l("Description of the image (alt text)"), filters=[_strip],
        validators=[DataRequired(_l("Describe the image: people who cannot see it hear or "
                                    "read this instead.")),
                    Length(max=IMAGE_ALT_MAX, message=_l("Use at most %(max)d characters."))],
    )


class PersonForm(Form):
    """Someone with an account, named by their email address (a manager, a co-facilitator)."""

    email = EmailField(
        _l("Email address"), filters=[_strip],
        validators=[DataRequired(_l("Enter their email address.")),
                    Length(max=254, message=_l("Use at most %(max)d characters.")),
                    Email(_l("Enter an email address like name@example.org."),
                          check_deliverability=False)],
    )


class RecordingForm(_SlugForm):
    """A recording: an uploaded video with its captions and transcript."""

    slug_fallback = "recording"

    title = _title_field()
    slug = _slug_field()
    # Left empty, the minutes the video takes (`services.RecordingFields`).
    minutes = IntegerField(
        _l("Minutes to watch"), default=None,
        validators=[Optional(),
                    NumberRange(min=0, max=MINUTES_MAX,
                                message=_l("Enter a whole number from %(min)d to %(max)d."))],
    )
    is_required = BooleanField(_l("Required to complete the course"), default=True)
    is_published = _item_published_field()
    video = FileField(_l("Video (MP4 or WebM)"))
    captions = FileField(_l("Captions (WebVTT)"))
    transcript = TextAreaField(_l("Transcript"), validators=[
        Length(max=BODY_MAX, message=_l("Use at most %(max)d characters."))])
    completion_threshold = IntegerField(
        _l("Share to watch for completion (%)"), default=90,
        validators=[InputRequired(_l("Enter a percentage from 1 to 100.")),
                    NumberRange(min=1, max=100,
                                message=_l("Enter a whole number from %(min)d to %(max)d."))],
    )
    transcript_completes = BooleanField(
        _l("Reading the transcript also completes it (for people who cannot stream)"))

    def __init__(self, *args, has_video=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.has_video = has_video

    def validate_video(self, field):
        """A new recording needs its video."""
        if not field.data and not self.has_video:
            raise ValidationError(_l("Choose the recording's video file."))

    def validate_transcript_completes(self, field):
        """Completing by the transcript needs a transcript (typed, or made from captions)."""
        if field.data and not (self.transcript.data or "").strip() and not self.captions.data:
            raise ValidationError(_l("Add the transcript, or untick this."))

    @classmethod
    def data_of(cls, item) -> dict:
        """The form's starting values for an existing recording."""
        return {
            "title": item.title, "slug": item.slug, "minutes": item.minutes,
            "is_required": item.is_required, "is_published": item.is_published,
            "transcript": item.transcript or "",
            "completion_threshold": item.completion_threshold or 90,
            "transcript_completes": item.transcript_completes,
        }

    def fields(self) -> RecordingFields:
        """What the form set, for the service (files are added once stored)."""
        return RecordingFields(
            title=self.title.data, slug=self.slug.data, minutes=self.minutes.data,
            is_required=bool(self.is_required.data),
            is_published=bool(self.is_published.data), transcript=self.transcript.data or "",
            completion_threshold=self.completion_threshold.data,
            transcript_completes=bool(self.transcript_completes.data),
        )


def _optional_int(value) -> int | None:
    """A choice's id, or None for the placeholder ("")."""
    return None if value in ("", None) else int(value)


class SelfAssessmentForm(_SlugForm):
    """A self-assessment item: the instrument a module asks its participants to take."""

    slug_fallback = "self-assessment"

    title = _title_field()
    slug = _slug_field()
    minutes = IntegerField(
        _l("Minutes to complete"), default=10,
        validators=[InputRequired(_l("Enter the minutes it takes, 0 or more.")),
                    NumberRange(min=0, max=MINUTES_MAX,
                                message=_l("Enter a whole number from %(min)d to %(max)d."))],
    )
    is_required = BooleanField(_l("Required to complete the course"), default=True)
    is_published = _item_published_field()
    instrument_id = SelectField(_l("Instrument"), coerce=_optional_int, validate_choice=True,
                                validators=[InputRequired(_l("Choose an instrument."))])

    @classmethod
    def data_of(cls, item) -> dict:
        """The form's starting values for an existing self-assessment item."""
        return {"title": item.title, "slug": item.slug, "minutes": item.minutes,
                "is_required": item.is_required, "is_published": item.is_published,
                "instrument_id": item.instrument_id}

    def fields(self) -> SelfAssessmentFields:
        """What the form set, for the service."""
        return SelfAssessmentFields(
            title=self.title.data, slug=self.slug.data, minutes=self.minutes.data,
            is_required=bool(self.is_required.data),
            is_published=bool(self.is_published.data), instrument_id=self.instrument_id.data,
        )
