"""What a change to a course would do to the cohorts in it, shown before it is made.

The change is made inside a savepoint, each cohort's figures are read with the one
completion rule (`learning.progress.completion`), and the savepoint is rolled back: the
preview and the change itself cannot disagree. A completion earned stands whatever the
change (README, "Earned stays earned"), so what moves is who becomes complete (and is
certified as the change commits), who completes each module, and who can no longer set a
starting point ("before") of a self-assessment taken before and after.
"""

from collections.abc import Callable
from dataclasses import dataclass

from learning.assessments import baseline
from learning.catalog.models import Course
from learning.cohorts.members import member_ids
from learning.cohorts.running import cohorts_of_course
from learning.database import db
from learning.progress import completion


@dataclass(frozen=True)
class ModuleShift:
    """How many of a cohort have completed one module, before and after the change."""

    title: str
    before: int
    after: int


@dataclass(frozen=True)
class CohortEffect:
    """One cohort's figures before and after the change."""

    name: str
    completed_before: int
    completed_after: int
    newly_complete: int
    modules: list[ModuleShift]
    # How many would no longer be able to give a "before" they could give until now.
    lose_starting_point: int = 0

    @property
    def changes_anything(self) -> bool:
        """True if anyone's course or module completion, or starting points, would change."""
        return (self.completed_before != self.completed_after or self.newly_complete > 0
                or self.lose_starting_point > 0
                or any(shift.before != shift.after for shift in self.modules))


def _figures(course: Course, members) -> tuple[set[int], dict[int, int], dict]:
    return (completion.completers(course.id, members),
            completion.modules_completed(course.id, members),
            baseline.missing_starting_points(course, members))


def effects(course: Course, change: Callable[[], None]) -> list[CohortEffect]:
    """Per cohort of the course: what `change` (a function making it) would do.

    Nothing of the change is kept: it is rolled back with its savepoint.
    """
    found = cohorts_of_course(course.id)
    titles = {module.id: module.title for module in course.modules}
    before = {cohort.id: _figures(course, member_ids(cohort.id)) for cohort in found}
    savepoint = db.session.begin_nested()
    try:
        change()
        db.session.flush()
        after = {cohort.id: _figures(course, member_ids(cohort.id))
                 for cohort in found}
    finally:
        savepoint.rollback()
    result = []
    for cohort in found:
        (done_before, modules_before, missing_before), (done_after, modules_after,
                                                         missing_after) = (before[cohort.id],
                                                                           after[cohort.id])
        losing = sum(1 for user_id, items in missing_after.items()
                     if items - missing_before.get(user_id, frozenset()))
        shifts = [ModuleShift(titles.get(module_id, ""), modules_before.get(module_id, 0),
                              modules_after.get(module_id, 0))
                  for module_id in sorted(set(modules_before) | set(modules_after),
                                          key=list(titles).index)]
        result.append(CohortEffect(cohort.name, len(done_before), len(done_after),
                                   len(done_after - done_before),
                                   [shift for shift in shifts if shift.before != shift.after],
                                   losing))
    return result


def affects_anyone(found: list[CohortEffect]) -> bool:
    """True if the change would move any cohort's figures."""
    return any(effect.changes_anything for effect in found)
