"""How a self-assessment is scored, as plain functions over an instrument's snapshot.

A statement's value is 1-5 on the agreement scale; a reverse-scored statement counts
agreement down (6 - value). A dimension's score is the mean of its statements' values mapped
to 0-100, and it falls in the band whose range [min, max) holds it (the top band includes 100).
These functions read only the snapshot stored with a response, so a later edit of the
instrument never moves an old score.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from learning.instruments.models import SCALE_POINTS

TOP_SCORE = 100


def scored_value(value: int, is_reverse: bool) -> int:
    """The value a statement contributes: as given, or flipped when reverse-scored."""
    if not 1 <= value <= SCALE_POINTS:
        raise ValueError(f"value {value!r} is not on the 1-{SCALE_POINTS} scale")
    return SCALE_POINTS + 1 - value if is_reverse else value


def dimension_score(values: Iterable[tuple[int, bool]]) -> float:
    """A dimension's exact score, 0-100, from (value, is_reverse) pairs of its statements."""
    scored = [scored_value(value, is_reverse) for value, is_reverse in values]
    return score_from_total(sum(scored), len(scored))


def score_from_total(total: int, count: int) -> float:
    """The score, 0-100, of `count` scored values adding up to `total`.

    Whole numbers until the one division, so the result is the exact score correctly rounded
    and a score on a band's edge is on it: five values adding up to 7 score 10.0, where
    mapping their mean (1.4) first would give 9.999999999999998, in the band below.
    """
    if count < 1:
        raise ValueError("a dimension needs at least one answered statement to be scored")
    return TOP_SCORE * (total - count) / ((SCALE_POINTS - 1) * count)


def display_score(score: float) -> float:
    """A score rounded to one decimal place, for pages and tables (never for band lookup)."""
    return float(Decimal(repr(score)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def band_for(score: float, bands: Sequence[Mapping]):
    """The band (with "min" and "max") holding the exact score: [min, max), 100 in the top one."""
    for index, band in enumerate(bands):
        is_top = index == len(bands) - 1
        if band["min"] <= score < band["max"] or (is_top and score == band["max"]):
            return band
    raise ValueError(f"score {score} is in no band")


@dataclass(frozen=True)
class BandProblem:
    """What is wrong with a list of bands: the band's index, the field, and why."""

    index: int
    field: str
    message: str


def band_problems(bands: Sequence[tuple[str, int, int]]) -> list[BandProblem]:
    """Check that bands, as (slug, min, max) in order, cover 0-100 without gaps or overlaps.

    The one check the content importer and any editor use. Each band must have min < max;
    the first starts at 0, each next one starts where the previous ends, the last ends at 100.
    """
    if not bands:
        return [BandProblem(0, "", "missing: an instrument needs bands covering scores 0 to 100")]
    problems = [
        BandProblem(index, "max", f"must be more than min ({high} is not more than {low})")
        for index, (_slug, low, high) in enumerate(bands) if low >= high
    ]
    if problems:
        return problems
    first_low = bands[0][1]
    if first_low != 0:
        problems.append(BandProblem(0, "min", f"gap: scores 0 to {first_low} are in no band "
                                              "(the first band starts at 0)"))
    for index in range(1, len(bands)):
        (before, _, end), (slug, start, _) = bands[index - 1], bands[index]
        if start > end:
            problems.append(BandProblem(
                index, "min", f"gap: scores {end} to {start} are in no band (band {before!r} "
                              f"ends at {end}, {slug!r} starts at {start})"))
        elif start < end:
            problems.append(BandProblem(
                index, "min", f"overlap: band {slug!r} starts at {start}, before band "
                              f"{before!r} ends at {end}"))
    last_high = bands[-1][2]
    if last_high != TOP_SCORE:
        problems.append(BandProblem(
            len(bands) - 1, "max",
            f"gap: scores {last_high} to 100 are in no band (the last band ends at 100)"))
    return problems


@dataclass(frozen=True)
class DimensionResult:
    """One dimension's outcome in a response."""

    slug: str
    title: str
    score: float
    band: Mapping
    feedback: str
    helpful_items: list[str]

    @property
    def shown_score(self) -> float:
        """The score rounded for display."""
        return display_score(self.score)


def score_snapshot(snapshot: Mapping, values: Mapping[str, int]) -> list[DimensionResult]:
    """Score every dimension of a snapshot from the answers (statement key -> value).

    Raises ValueError if a statement of the snapshot has no answer or a value is off scale.
    """
    results = []
    for dimension in snapshot["dimensions"]:
        pairs = []
        for statement in dimension["statements"]:
            if statement["key"] not in values:
                raise ValueError(f"statement {statement['key']} has no answer")
            pairs.append((values[statement["key"]], statement["reverse"]))
        score = dimension_score(pairs)
        band = band_for(score, snapshot["bands"])
        results.append(DimensionResult(
            slug=dimension["slug"],
            title=dimension["title"],
            score=score,
            band=band,
            feedback=dimension["feedback"].get(band["slug"], ""),
            helpful_items=list(dimension.get("helpful_items", [])),
        ))
    return results
