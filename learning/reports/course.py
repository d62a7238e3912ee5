"""What every report reads of a cohort's course: the modules participants see, and the words.

Modules come from the course's outline (`catalog.outline`, kept per process), so a report
page asks no query for them once the outline is warm.
"""

from flask_babel import gettext as _

from learning.catalog.outline import ModuleOutline, outline
from learning.progress import rules


def published_modules(course) -> list[ModuleOutline]:
    """The modules participants see, in order: the columns and steps of every report.

    Published and not archived, with their published items, as the completion rule counts
    them.
    """
    return outline(course.id, course.outline_version).visible_modules(preview=False)


def status_labels() -> dict[str, str]:
    """A module's or course's status in words: the pages and the export say the same."""
    return {
        rules.NOT_STARTED: _("Not started"),
        rules.IN_PROGRESS: _("In progress"),
        rules.COMPLETE: _("Complete"),
    }


def kind_labels() -> dict[str, str]:
    """An item's kind in words."""
    return {"recording": _("Recording"), "reading": _("Reading"),
            "self_assessment": _("Self-assessment")}
