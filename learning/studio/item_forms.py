"""The studio's forms for an item: a reading, a recording, a self-assessment; moving one.

Each checks its slug among the module's items (`forms.SlugForm`) and hands the service
what it set (`fields()`, the value objects of `item_rules`).
"""

from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import BooleanField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional, Regexp, ValidationError

from learning.content.writing import SLUG_MAX, SLUG_PATTERN
from learning.core.forms import Form
from learning.studio.forms import BODY_MAX, SlugForm, slug_field, strip, title_field
from learning.studio.item_rules import ReadingFields, RecordingFields, SelfAssessmentFields

CITATION_MAX = 500
URL_MAX = 500
MINUTES_MAX = 10_000


def _item_published_field():
    # Unticked for a new item: it starts as a draft, which moves no one's figures.
    return BooleanField(_l("Published: participants can see this item"), default=False)


def _minutes_field(label, default: int):
    """How long an item takes, a whole number of minutes that must be given."""
    return IntegerField(
        label, default=default,
        validators=[InputRequired(_l("Enter the minutes it takes, 0 or more.")),
                    NumberRange(min=0, max=MINUTES_MAX,
                                message=_l("Enter a whole number from %(min)d to %(max)d."))],
    )


class ReadingForm(SlugForm):
    """A reading written as a page in Markdown."""

    slug_fallback = "reading"

    title = title_field()
    slug = slug_field()
    minutes = _minutes_field(_l("Minutes to read"), default=0)
    is_required = BooleanField(_l("Required to complete the course"), default=True)
    is_published = _item_published_field()
    body = TextAreaField(_l("Text (Markdown)"), render_kw={"rows": 24},
                         validators=[Length(max=BODY_MAX,
                                            message=_l("Use at most %(max)d characters."))])
    url = StringField(
        _l("Link to the original document"), filters=[strip],
        validators=[Length(max=URL_MAX, message=_l("Use at most %(max)d characters."))],
    )
    pdf = FileField(_l("PDF file"))
    citation = StringField(
        _l("Citation"), filters=[strip],
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


class RecordingForm(SlugForm):
    """A recording: an uploaded video with its captions and transcript."""

    slug_fallback = "recording"

    title = title_field()
    slug = slug_field()
    # Left empty, the minutes the video takes (`item_rules.RecordingFields`).
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


class SelfAssessmentForm(SlugForm):
    """A self-assessment item: the instrument a module asks its participants to take."""

    slug_fallback = "self-assessment"

    title = title_field()
    slug = slug_field()
    minutes = _minutes_field(_l("Minutes to complete"), default=10)
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


class MoveItemForm(Form):
    """Where an item moves: another module of its course, and its slug there if it must change.

    The modules offered are set by the page (`moves.move_targets`): an id sent that is not
    one of them is refused.
    """

    target = SelectField(_l("Module to move it to"), coerce=int, validate_choice=True,
                         validators=[InputRequired(_l("Choose the module to move it to."))])
    slug = StringField(
        _l("Slug in that module"),
        filters=[strip],
        validators=[
            Optional(),
            Length(max=SLUG_MAX, message=_l("Use at most %(max)d characters.")),
            Regexp(SLUG_PATTERN, message=_l(
                "Use lower-case letters, digits and single hyphens, such as "
                "“digital-government”.")),
        ],
    )
