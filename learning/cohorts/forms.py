"""Cohort forms: joining with a code, and creating a cohort."""

from flask_babel import lazy_gettext as _l
from wtforms import DateField, SelectField, StringField
from wtforms.validators import InputRequired, Length, ValidationError

from learning.core.forms import Form
from learning.time_zones import default_time_zone, time_zone_names

CODE_MAX = 40  # generous: people paste codes with spaces and hyphens
NAME_MAX = 120


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _time_zone_choices() -> list[tuple[str, str]]:
    """Every Region/City time zone, and the installation's default even if it is an alias."""
    names = list(time_zone_names())
    if default_time_zone() not in names:
        names.insert(0, default_time_zone())
    return [(name, name.replace("_", " ")) for name in names]


class JoinForm(Form):
    """The join code a programme gave its participants."""

    code = StringField(
        _l("Join code"),
        filters=[_strip],
        validators=[
            InputRequired(_l("Enter the join code you were given.")),
            Length(max=CODE_MAX, message=_l("Use at most %(max)d characters.")),
        ],
    )


class CohortForm(Form):
    """A new cohort: its name, course, dates and time zone. The join code is generated."""

    name = StringField(
        _l("Name"),
        filters=[_strip],
        validators=[
            InputRequired(_l("Enter a name for the cohort.")),
            Length(max=NAME_MAX, message=_l("Use at most %(max)d characters.")),
        ],
    )
    course = SelectField(
        _l("Course"), coerce=int, validate_choice=True,
        validators=[InputRequired(_l("Choose the course."))],
    )
    starts_on = DateField(_l("Start date"), validators=[InputRequired(_l("Enter the start date."))])
    ends_on = DateField(_l("End date"), validators=[InputRequired(_l("Enter the end date."))])
    # Left out of a submission, it is the installation's default; anything else must be one
    # of the names offered.
    time_zone = SelectField(
        _l("Time zone"), choices=_time_zone_choices, default=default_time_zone,
        validate_choice=True,
        invalid_choice_message=_l("Choose a time zone from the list, such as %(example)s.",
                                  example="America/Port_of_Spain"),
    )

    def validate_ends_on(self, field):
        """A cohort cannot end before it starts."""
        if self.starts_on.data and field.data and field.data < self.starts_on.data:
            raise ValidationError(_l("The end date must be on or after the start date."))
