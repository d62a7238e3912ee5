"""The message form: subject, Markdown body, who it is for, and its token.

One form for writing, previewing and sending: the preview page carries the same fields, so
"Change it" comes back with everything as typed. The module and country choices are the
cohort's (`audiences.numbered_modules`, `audiences.countries`), set by the page.
"""

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Regexp, ValidationError

from learning.announcements.audiences import Selection
from learning.announcements.models import AUDIENCES, BODY_MAX, SUBJECT_MAX, TOKEN_MAX
from learning.core.forms import Form


def _newlines(value):
    """Line breaks as one: a browser sends CR LF."""
    return value.replace("\r\n", "\n").replace("\r", "\n") if isinstance(value, str) else value


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def audience_labels() -> dict[str, str]:
    """Each selection in words, for the form's choices and the messages' list."""
    return {
        "all": _l("Everyone in the cohort"),
        "not_started": _l("Those who have not started"),
        "stalled": _l("Those who have stalled"),
        "not_finished": _l("Those who have not finished a module"),
        "country": _l("Those from one country"),
    }


def _to_int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class AnnouncementForm(Form):
    """A message to a cohort or part of it. `token` makes sending it twice send once."""

    token = HiddenField(validators=[
        DataRequired(_l("This form has expired. Check the message and send it again.")),
        Length(max=TOKEN_MAX), Regexp(r"^[A-Za-z0-9_-]+$",
                                      message=_l("This form has expired. Check the message "
                                                 "and send it again."))])
    subject = StringField(
        _l("Subject"), filters=[_strip],
        validators=[DataRequired(_l("Write a subject.")),
                    Length(max=SUBJECT_MAX, message=_l("Use at most %(max)d characters."))],
    )
    # No maxlength: a browser would cut pasted text short without a word; the limit is said
    # in the hint, and a longer text comes back with the error, whole.
    body = TextAreaField(
        _l("Message"), filters=[_newlines, _strip], render_kw={"rows": 10},
        validators=[DataRequired(_l("Write the message.")),
                    Length(max=BODY_MAX, message=_l("Use at most %(max)d characters; this "
                                                    "message has %(length)d."))],
    )
    audience = RadioField(
        _l("Who it is for"), default="all",
        choices=[SelectChoice(key, audience_labels()[key]) for key in AUDIENCES],
        validators=[DataRequired(_l("Choose who the message is for."))],
        validate_choice=True,
    )
    module = SelectField(_l("Module"), coerce=_to_int, validate_choice=False)
    country = SelectField(_l("Country"), validate_choice=False)

    def validate_module(self, field):
        """A module of the course participants see, when the message is for a module's."""
        if self.audience.data == "not_finished" and field.data not in {
                choice.value for choice in field.choices}:
            raise ValidationError(_l("Choose the module they have not finished."))

    def validate_country(self, field):
        """One of the cohort's participants' countries, when the message is for a country."""
        if self.audience.data == "country" and field.data not in {
                choice.value for choice in field.choices}:
            raise ValidationError(_l("Choose the country."))

    def selection(self) -> Selection:
        """Who the form's message is for."""
        audience = self.audience.data
        return Selection(audience,
                         module_id=self.module.data if audience == "not_finished" else None,
                         country=self.country.data if audience == "country" else "")

