"""The cohort pages' forms: its settings, a roster's CSV file, one person added by email.

Adding one person is a roster's row, typed in (`InvitePersonForm`), checked by the rules a
roster's row is checked by (`studio.roster`): the same lengths, an address email_validator
accepts, nothing a spreadsheet would run as a formula, a country from the list. Whether the
address has an account is never checked here: the answer is the same either way
(`roster.invite_person`).
"""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, EmailField, StringField
from wtforms.validators import DataRequired, Email, Length, Optional, ValidationError

from learning.accounts.forms import CountryField
from learning.cohorts.forms import CohortForm
from learning.core.forms import Form
from learning.studio import roster


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _no_formula(form, field) -> None:
    """Refuse what a spreadsheet would run as a formula, as a roster's cell is refused."""
    if field.data and field.data.startswith(roster.FORMULA_STARTS):
        raise ValidationError(_l("Do not start with “%(char)s”, which spreadsheets run as a "
                                 "formula.", char=field.data[0]))


def _roster_address(form, field) -> None:
    """The address a roster's row would take (`roster.is_email_address`), said once."""
    if field.data and not field.errors and not roster.is_email_address(field.data):
        raise ValidationError(_l("Enter an email address like name@example.org."))


class InvitePersonForm(Form):
    """One person to invite: their address, name, and optionally organisation and country.

    The name, organisation and country are those of an account made for an address that has
    none; an account there before keeps its own.
    """

    email = EmailField(
        _l("Email address"), filters=[_strip],
        validators=[DataRequired(_l("Enter their email address.")),
                    Length(max=roster.LIMITS["email"],
                           message=_l("Use at most %(max)d characters.")),
                    Email(_l("Enter an email address like name@example.org."),
                          check_deliverability=False),
                    _roster_address],
    )
    name = StringField(
        _l("Name"), filters=[_strip],
        validators=[DataRequired(_l("Enter their name.")),
                    Length(max=roster.LIMITS["name"],
                           message=_l("Use at most %(max)d characters.")),
                    _no_formula],
    )
    organisation = StringField(
        _l("Organisation (optional)"), filters=[_strip],
        validators=[Optional(),
                    Length(max=roster.LIMITS["organisation"],
                           message=_l("Use at most %(max)d characters.")),
                    _no_formula],
    )
    country = CountryField(_l("Country (optional)"), blank=_l("Not given"))

    def person(self) -> roster.Person:
        """The row this form makes, as a roster's file would give it."""
        return roster.Person(email=self.email.data, name=self.name.data,
                             organisation=self.organisation.data or "",
                             country=self.country.data or "")


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
