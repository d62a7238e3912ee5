"""The form behind "I have read it" buttons."""

from wtforms import HiddenField
from wtforms.validators import AnyOf

from learning.core.forms import Form


class CompleteForm(Form):
    """Marks an item done: `read` for a reading, `transcript` for a recording's transcript."""

    how = HiddenField(validators=[AnyOf(["read", "transcript"])])
