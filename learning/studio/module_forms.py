"""The studio's form for a module: one webinar turned into a unit of learning."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, TextAreaField
from wtforms.validators import Length, Optional

from learning.studio.forms import (
    BODY_MAX,
    SlugForm,
    check_lines,
    lines,
    slug_field,
    strip,
    title_field,
)
from learning.studio.modules import ModuleFields

# As the content files allow (learning/content/folder.py), so that an export imports again.
SPEAKER_MAX = 200
OUTCOME_MAX = 500


class ModuleForm(SlugForm):
    """A module: one webinar turned into a unit of learning."""

    slug_fallback = "module"

    title = title_field()
    slug = slug_field()
    summary = TextAreaField(_l("Summary"), filters=[strip],
                            validators=[Length(max=BODY_MAX)])
    outcomes = TextAreaField(_l("Learning outcomes"), filters=[strip])
    live_session_on = DateField(_l("Live session date"), validators=[Optional()])
    speakers = TextAreaField(_l("Speakers"), filters=[strip])
    is_published = BooleanField(_l("Published: participants can see this module"))

    def validate_outcomes(self, field):
        """Each outcome fits on a line."""
        check_lines(field, OUTCOME_MAX)

    def validate_speakers(self, field):
        """Each speaker fits on a line."""
        check_lines(field, SPEAKER_MAX)

    @classmethod
    def data_of(cls, module) -> dict:
        """The form's starting values for an existing module."""
        return {
            "title": module.title, "slug": module.slug, "summary": module.summary,
            "outcomes": "\n".join(module.outcomes or ()),
            "live_session_on": module.live_session_on,
            "speakers": "\n".join(module.speakers or ()),
            "is_published": module.is_published,
        }

    def fields(self) -> ModuleFields:
        """What the form set, for the service."""
        return ModuleFields(
            title=self.title.data, slug=self.slug.data, summary=self.summary.data or "",
            outcomes=lines(self.outcomes.data), live_session_on=self.live_session_on.data,
            speakers=lines(self.speakers.data), is_published=bool(self.is_published.data),
        )
