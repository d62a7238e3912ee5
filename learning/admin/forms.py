"""Administration forms: choosing a course to facilitate or a cohort to manage."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField
from wtforms.validators import InputRequired


class CourseChoiceForm(FlaskForm):
    """A course to attach a facilitator to."""

    course = SelectField(_l("Course"), coerce=int,
                         validators=[InputRequired(_l("Choose a course."))])


class CohortChoiceForm(FlaskForm):
    """A cohort to attach a manager to."""

    cohort = SelectField(_l("Cohort"), coerce=int,
                         validators=[InputRequired(_l("Choose a cohort."))])
