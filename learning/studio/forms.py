"""Studio forms: a module, a reading, a cohort's settings.

Button-only actions (move, archive, delete, a new join code) use accounts' EmptyForm.

Lengths match the columns. Each form hands the service what it set as one value object
(`fields()`), so nothing is assigned from the request that the form did not name.
"""

from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, DateField, EmailField, IntegerField, StringField, TextAreaField
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

from learning.cohorts.forms import CohortForm
from learning.content.schema import SLUG_PATTERN
from learning.core.forms import Form
from learning.studio.services import ModuleFields, ReadingFields, RecordingFields

TITLE_MAX = 200
SLUG_MAX = 80
CITATION_MAX = 500
URL_MAX = 500
# As the content files allow (learning/content/schema.py), so that an export imports again.
SPEAKER_MAX = 200
OUTCOME_MAX = 500
MINUTES_MAX = 10_000
BODY_MAX = 100_000


def _strip(value):
    return value.strip() if isinstance(value, str) else value


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


def _check_lines(field, maximum: int):
    if any(len(line) > maximum for line in _lines(field.data)):
        raise ValidationError(_l("Keep each line to %(max)d characters.", max=maximum))


class _SlugForm(Form):
    """A form whose slug must differ from the slugs its siblings use."""

    def __init__(self, *args, taken_slugs=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.taken_slugs = set(taken_slugs)

    def validate_slug(self, field):
        """The slug is unique among the siblings (the course's modules, the module's items)."""
        if field.data in self.taken_slugs:
            raise ValidationError(_l("Another one here already uses this slug: choose another."))


class ModuleForm(_SlugForm):
    """A module: one webinar turned into a unit of learning."""

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

    title = _title_field()
    slug = _slug_field()
    minutes = IntegerField(
        _l("Minutes to read"), default=0,
        validators=[InputRequired(_l("Enter the minutes it takes, 0 or more.")),
                    NumberRange(min=0, max=MINUTES_MAX,
                                message=_l("Enter a whole number from %(min)d to %(max)d."))],
    )
    is_required = BooleanField(_l("Required to complete the course"), default=True)
    body = TextAreaField(_l("Text (Markdown)"),
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
            "is_required": item.is_required,
            "body": item.body_markdown if item.body_markdown is not None
            else (item.body_html or ""),
            "url": item.url or "",
            "citation": item.citation or "",
        }

    def fields(self) -> ReadingFields:
        """What the form set, for the service."""
        return ReadingFields(
            title=self.title.data, slug=self.slug.data, minutes=self.minutes.data,
            is_required=bool(self.is_required.data), body_markdown=self.body.data or "",
            url=self.url.data or "", citation=self.citation.data or "",
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

    title = _title_field()
    slug = _slug_field()
    minutes = IntegerField(
        _l("Minutes to watch"), default=0,
        validators=[InputRequired(_l("Enter the minutes it takes, 0 or more.")),
                    NumberRange(min=0, max=MINUTES_MAX,
                                message=_l("Enter a whole number from %(min)d to %(max)d."))],
    )
    is_required = BooleanField(_l("Required to complete the course"), default=True)
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
            "is_required": item.is_required, "transcript": item.transcript or "",
            "completion_threshold": item.completion_threshold or 90,
            "transcript_completes": item.transcript_completes,
        }

    def fields(self) -> RecordingFields:
        """What the form set, for the service (files are added once stored)."""
        return RecordingFields(
            title=self.title.data, slug=self.slug.data, minutes=self.minutes.data,
            is_required=bool(self.is_required.data), transcript=self.transcript.data or "",
            completion_threshold=self.completion_threshold.data,
            transcript_completes=bool(self.transcript_completes.data),
        )
