"""Administration forms: choosing a course to facilitate or a cohort to manage."""

from flask_babel import lazy_gettext as _l
from wtforms import SelectField
from wtforms.validators import InputRequired

from learning.core.forms import Form


class CourseChoiceForm(Form):
    """A course to attach a facilitator to."""

    course = SelectField(_l("Course"), coerce=int,
                         validators=[InputRequired(_l("Choose a course."))])


class CohortChoiceForm(Form):
    """A cohort to attach a manager to."""

    cohort = SelectField(_l("Cohort"), coerce=int,
                         validators=[InputRequired(_l("Choose a cohort."))])
