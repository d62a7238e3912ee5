"""The reports' forms: the reminder a facilitator confirms."""

from flask_babel import lazy_gettext as _l
from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length

from learning.core.forms import Form
from learning.reports.reminding import TEXT_MAX


def _newlines(value):
    """Line breaks as one: a browser sends CR LF."""
    return value.replace("\r\n", "\n").replace("\r", "\n") if isinstance(value, str) else value


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class ReminderForm(Form):
    """The text of the reminder, between the greeting and the course link."""

    text = TextAreaField(
        # No maxlength: a browser would cut pasted text short without a word; the limit is
        # said in the hint, and a longer text comes back with the error, whole.
        _l("Message"), filters=[_newlines, _strip], render_kw={"rows": 8, "maxlength": False},
        validators=[DataRequired(message=_l("Write the message, or go back without sending.")),
                    Length(max=TEXT_MAX, message=_l("Use at most %(max)d characters."))],
    )
