"""Administration forms: a new account, a person's details, a course or a cohort to attach."""

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, SelectField, StringField
from wtforms.validators import DataRequired, Email, InputRequired, Length, ValidationError

from learning.accounts.forms import EMAIL_MAX, NAME_MAX, ORGANISATION_MAX, CountryField
from learning.accounts.users import email_clash, email_taken
from learning.core.forms import Form


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _at_most(maximum: int):
    return Length(max=maximum, message=_l("Use at most %(max)d characters."))


class NewUserForm(Form):
    """An account an administrator makes for someone; they choose their password by email."""

    email = EmailField(
        _l("Email address"), filters=[_strip],
        validators=[DataRequired(_l("Enter their email address.")), _at_most(EMAIL_MAX),
                    Email(_l("Enter an email address like name@example.org."),
                          check_deliverability=False)],
    )
    name = StringField(_l("Full name"), filters=[_strip],
                       validators=[DataRequired(_l("Enter their name.")), _at_most(NAME_MAX)])
    organisation = StringField(_l("Organisation"), filters=[_strip],
                               validators=[_at_most(ORGANISATION_MAX)])
    country = CountryField(_l("Country"), blank=_l("Not given"))
    role = SelectField(_l("Role"), validators=[InputRequired(_l("Choose a role."))])

    def validate_email(self, field):
        """One account per address."""
        if email_taken(field.data):
            raise ValidationError(_l("An account with this email address already exists."))


class PersonDetailsForm(Form):
    """A person's name, email address, organisation and country, as an administrator corrects them.

    The address stays unique, compared in any letter case.
    """

    name = StringField(_l("Full name"), filters=[_strip],
                       validators=[DataRequired(_l("Enter their name.")), _at_most(NAME_MAX)])
    email = EmailField(
        _l("Email address"), filters=[_strip],
        validators=[DataRequired(_l("Enter their email address.")), _at_most(EMAIL_MAX),
                    Email(_l("Enter an email address like name@example.org."),
                          check_deliverability=False)],
    )
    organisation = StringField(_l("Organisation"), filters=[_strip],
                               validators=[_at_most(ORGANISATION_MAX)])
    country = CountryField(_l("Country"), blank=_l("Not given"))

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def validate_email(self, field):
        """One account per address: another account's address is refused, naming it."""
        clash = email_clash(self.user, field.data)
        if clash:
            raise ValidationError(clash)


class CountryForm(Form):
    """The country a person's text from before the list meant, as an admin chooses it."""

    country = CountryField(_l("Country"),
                           validators=[DataRequired(_l("Choose the country from the list."))])


class CourseChoiceForm(Form):
    """A course to attach a facilitator to."""

    course = SelectField(_l("Course"), coerce=int,
                         validators=[InputRequired(_l("Choose a course."))])


class CohortChoiceForm(Form):
    """A cohort to attach a manager to."""

    cohort = SelectField(_l("Cohort"), coerce=int,
                         validators=[InputRequired(_l("Choose a cohort."))])
