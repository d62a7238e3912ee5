"""The form behind "I have read it" buttons."""

from flask_wtf import FlaskForm
from wtforms import HiddenField
from wtforms.validators import AnyOf


class CompleteForm(FlaskForm):
    """Marks an item done: `read` for a reading, `transcript` for a recording's transcript."""

    how = HiddenField(validators=[AnyOf(["read", "transcript"])])
