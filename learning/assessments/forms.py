"""Forms of the self-assessment pages.

The statements' radio groups are built from the instrument's snapshot in the template and
read by `answering.parse_answers`; these forms carry the CSRF token and the fixed fields.
"""

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, TextAreaField
from wtforms.validators import Length

from learning.assessments.models import REFLECTION_MAX_LENGTH
from learning.core.forms import Form


class TakeForm(Form):
    """The take page: a signed token naming participant, instrument, phase and version."""

    token = HiddenField()


class ReflectionForm(Form):
    """"One thing I will change", kept with a submitted phase and editable later."""

    reflection = TextAreaField(
        _l("One thing I will change"),
        validators=[Length(max=REFLECTION_MAX_LENGTH,
                           message=_l("Keep it to %(max)d characters or fewer."))],
    )
