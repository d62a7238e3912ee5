"""Certificate forms: a typed verification code, and the reason for revoking or re-issuing."""

from flask_babel import lazy_gettext as _l
from wtforms import StringField, TextAreaField
from wtforms.validators import InputRequired, Length

from learning.core.forms import Form

CODE_MAX = 60  # generous: people paste codes with spaces and hyphens
REASON_MAX = 1000


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class VerifyForm(Form):
    """A verification code as typed from a certificate; sent by GET, so it can be shared."""

    class Meta:
        csrf = False  # a public look-up that changes nothing

    code = StringField(
        _l("Verification code"),
        filters=[_strip],
        validators=[
            InputRequired(_l("Enter the verification code printed on the certificate.")),
            Length(max=CODE_MAX, message=_l("Use at most %(max)d characters.")),
        ],
    )


class ReasonForm(Form):
    """Why a certificate is revoked or re-issued: recorded and shown with the action."""

    reason = TextAreaField(
        _l("Reason"),
        filters=[_strip],
        validators=[
            InputRequired(_l("Give the reason: it is recorded with the action.")),
            Length(max=REASON_MAX, message=_l("Use at most %(max)d characters.")),
        ],
    )
