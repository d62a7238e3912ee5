"""The privacy rule for self-assessment group figures: which groups, how small is too small.

One place for what every group figure obeys, whoever shows it (the assessments' cohort
page, the reports' mindset page, the exact aggregates the tests attack):

- **Groups are fixed at submission**: a group is the respondents' country and organisation
  as recorded with each answer (`group_condition`), so editing a profile later moves no
  answer between groups.
- **No group smaller than ASSESSMENT_MIN_GROUP** (`min_group`) carries a figure, and exact
  figures come in whole batches of that size (`batch`): one new answer never moves a
  figure, and a part of the cohort carries none while the rest of the cohort is too few.

How released figures are made noisy (differential privacy) is `release`'s, on top of this.
"""

from dataclasses import dataclass

from flask import current_app
from sqlalchemy import ColumnElement, and_

from learning.assessments.models import Response


def min_group() -> int:
    """The smallest group whose aggregate results may be shown."""
    return max(int(current_app.config.get("ASSESSMENT_MIN_GROUP", 5)), 1)


def group_condition(country: str = "", organisation: str = "") -> ColumnElement[bool] | None:
    """Part of a cohort, as the respondents' country and organisation when they submitted.

    Empty strings leave that side open; None (both empty) is the whole cohort. The groups are
    fixed at submission (`answering.save_response`), so editing a profile later moves no
    answer.
    """
    conditions = []
    if country:
        conditions.append(Response.country == country)
    if organisation:
        conditions.append(Response.organisation == organisation)
    return and_(*conditions) if conditions else None


@dataclass(frozen=True)
class Batch:
    """How many of a group's answers an exact figure may count: none, or whole batches."""

    counted: int
    is_rest_too_few: bool = False  # the group is big enough, the rest of the cohort is not

    @property
    def is_enough(self) -> bool:
        """True when the group carries a figure at all."""
        return self.counted > 0


def batch(whole: int, in_group: int, threshold: int) -> Batch:
    """The answers a group's exact figure counts: the first k x threshold, for the largest k.

    `in_group` answered in the group, `whole` in the whole cohort. Below the threshold the
    group carries no figure. A part of the cohort carries none either while the rest of the
    cohort's respondents are fewer than the threshold (but some): the whole's figures
    against the part's would describe them. Whole batches, so the difference between two
    figures is a batch, never one person (6 x mean of six - 5 x mean of five would
    otherwise be the sixth person's score).
    """
    if in_group < threshold:
        return Batch(0)
    if 0 < whole - in_group < threshold:
        return Batch(0, is_rest_too_few=True)
    return Batch(in_group // threshold * threshold)


def is_big_enough(people: int, threshold: int) -> bool:
    """True if a figure over this many people may be shown (a dimension, say)."""
    return people >= threshold
