"""Account forms. Lengths match the columns; the password policy lives in passwords.py."""

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, HiddenField, PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    Email,
    EqualTo,
    Length,
    Optional,
    StopValidation,
    ValidationError,
)

from learning import countries
from learning.accounts.models import NAME_MAX
from learning.accounts.passwords import MAX_LENGTH, MIN_LENGTH, password_problem, verify_password
from learning.core.forms import CONTROL_CHARACTERS_MESSAGE, Form
from learning.core.text import has_control_characters

EMAIL_MAX = 254
ORGANISATION_MAX = 160
JOB_TITLE_MAX = 120


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def password_hint() -> str:
    """The password rule, shown beside every new-password field."""
    return _l(
        "Use %(min)d to %(max)d characters. No special characters are needed: a few unrelated "
        "words make a strong password that is easy to remember. Very common passwords are "
        "refused.",
        min=MIN_LENGTH, max=MAX_LENGTH,
    )


def _check_policy(field, *, email, name):
    problem = password_problem(field.data or "", email=email or "", name=name or "")
    if problem:
        raise ValidationError(problem)


def _email_field(label=None):
    return EmailField(
        label or _l("Email address"),
        filters=[_strip],
        validators=[
            DataRequired(_l("Enter your email address.")),
            Length(max=EMAIL_MAX, message=_l("Use at most %(max)d characters.")),
            Email(_l("Enter an email address like name@example.org."),
                  check_deliverability=False),
        ],
    )


def _new_password_fields():
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(_l("Choose a password."))],
    )
    confirm = PasswordField(
        _l("Confirm password"),
        validators=[
            DataRequired(_l("Type the password again.")),
            EqualTo("password", _l("The two passwords are not the same.")),
        ],
    )
    return password, confirm


def _name_field():
    return StringField(
        _l("Full name"),
        filters=[_strip],
        validators=[
            DataRequired(_l("Enter your name.")),
            Length(max=NAME_MAX, message=_l("Use at most %(max)d characters.")),
        ],
    )


def _organisation_field():
    return StringField(
        _l("Organisation"),
        filters=[_strip],
        validators=[
            DataRequired(_l("Enter your organisation, for example your ministry or agency.")),
            Length(max=ORGANISATION_MAX, message=_l("Use at most %(max)d characters.")),
        ],
    )


class CountryField(SelectField):
    """A country from the list, grouped with the Caribbean first; its data is the ISO code.

    The page's select sends a code. Text sent otherwise (a name or an alpha-3 code, in any
    letter case) is matched as `countries.match_country` matches it; what names no country
    on the list is an error beside the field. An empty choice is "not given": add
    DataRequired to require one.
    """

    def __init__(self, label=None, validators=None, *, blank=None, **kwargs):
        super().__init__(label, validators, choices=self._country_choices,
                         validate_choice=False, **kwargs)
        self.blank = blank if blank is not None else _l("Choose a country")

    def _country_choices(self) -> list[SelectChoice]:
        choices = [SelectChoice("", str(self.blank))]
        for group, codes in countries.grouped_countries():
            choices += [SelectChoice(code, countries.country_name(code), optgroup=group)
                        for code in codes]
        return choices

    def process_formdata(self, valuelist):
        """The code of the country sent, or the text as sent when it names none."""
        if valuelist:
            text = valuelist[0] if isinstance(valuelist[0], str) else ""
            self.data = countries.match_country(text) or text.strip()

    def pre_validate(self, form):
        """Refuse control characters as every text field does, then anything off the list."""
        text = self.data or ""
        if has_control_characters(text):
            raise StopValidation(str(CONTROL_CHARACTERS_MESSAGE))
        if text and not countries.is_country(text):
            raise StopValidation(str(_l(
                "“%(text)s” is not a country or territory on the list. Choose one from the "
                "list.", text=text[:80])))


def _country_field():
    return CountryField(
        _l("Country"),
        validators=[DataRequired(_l("Choose your country from the list."))],
    )


def _job_title_field():
    return StringField(
        _l("Job title (optional)"),
        filters=[_strip],
        validators=[
            Optional(),
            Length(max=JOB_TITLE_MAX, message=_l("Use at most %(max)d characters.")),
        ],
    )


# Fields are declared in page order in each form: the error summary lists them that way.
class RegisterForm(Form):
    """Create an account."""

    name = _name_field()
    email = _email_field()
    organisation = _organisation_field()
    country = _country_field()
    job_title = _job_title_field()
    password, confirm = _new_password_fields()
    next = HiddenField()

    # Whether the address has an account is never checked here: the form would tell anyone
    # who asks (`users.register` answers alike either way).

    def validate_password(self, field):
        """Apply the password policy, refusing the person's own email or name."""
        _check_policy(field, email=self.email.data, name=self.name.data)


class ProfileForm(Form):
    """Edit a profile; the email address is shown, not edited."""

    name = _name_field()
    organisation = _organisation_field()
    country = _country_field()
    job_title = _job_title_field()


class SignInForm(Form):
    """Email and password."""

    email = _email_field()
    password = PasswordField(_l("Password"), validators=[DataRequired(_l("Enter your password."))])
    next = HiddenField()


class ChangePasswordForm(Form):
    """The current password, then a new one twice."""

    current_password = PasswordField(
        _l("Current password"), validators=[DataRequired(_l("Enter your current password."))]
    )
    password, confirm = _new_password_fields()

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def validate_current_password(self, field):
        """The current password must be right before a new one is set."""
        if not verify_password(self.user.password_hash, field.data):
            raise ValidationError(_l("Your current password is not right."))

    def validate_password(self, field):
        """Apply the password policy to the new password."""
        _check_policy(field, email=self.user.email, name=self.user.name)


class PasswordResetRequestForm(Form):
    """The email address to send a reset link to."""

    email = _email_field()


class PasswordResetForm(Form):
    """A new password, twice."""

    password, confirm = _new_password_fields()

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def validate_password(self, field):
        """Apply the password policy to the new password."""
        _check_policy(field, email=self.user.email, name=self.user.name)


class EmptyForm(Form):
    """A button-only action: nothing but the CSRF token."""
