"""The completion rules, as plain functions: watched intervals, coverage, item and module status.

These are the one implementation that pages, certificates and reports all use.
"""

import math
from collections.abc import Iterable, Sequence

NOT_STARTED = "not_started"
IN_PROGRESS = "in_progress"
COMPLETE = "complete"

MAX_INTERVALS_PER_REPORT = 100
# A player may report a moment past the end the file claims (rounding, container padding).
END_TOLERANCE_SECONDS = 2.0

Interval = tuple[float, float]


class IntervalError(ValueError):
    """A report of watched intervals that cannot be right."""


def parse_intervals(raw, duration: float) -> list[Interval]:
    """Check a reported list of [start, end] pairs against the recording's duration.

    Raises IntervalError with a short reason for anything that is not a list of at most
    MAX_INTERVALS_PER_REPORT pairs of finite numbers with 0 <= start <= end <= duration.
    """
    if not isinstance(raw, list):
        raise IntervalError("intervals must be a list")
    if len(raw) > MAX_INTERVALS_PER_REPORT:
        raise IntervalError(f"at most {MAX_INTERVALS_PER_REPORT} intervals per report")
    intervals = []
    for pair in raw:
        if not isinstance(pair, list | tuple) or len(pair) != 2:
            raise IntervalError("each interval must be a [start, end] pair")
        start, end = pair
        for value in (start, end):
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise IntervalError("interval bounds must be numbers")
            if not math.isfinite(value):
                raise IntervalError("interval bounds must be finite")
        if start < 0 or end < start:
            raise IntervalError("an interval must have 0 <= start <= end")
        if end > duration + END_TOLERANCE_SECONDS:
            raise IntervalError("an interval ends after the recording")
        intervals.append((float(start), min(float(end), float(duration))))
    return intervals


def merge_intervals(*groups: Iterable[Sequence[float]]) -> list[list[float]]:
    """Union of intervals as sorted, non-overlapping [start, end] pairs.

    Order-independent, and merging a group again changes nothing, so a retried or late
    report can never lower what was recorded.
    """
    pairs = sorted((float(a), float(b)) for group in groups for a, b in group if b > a)
    merged: list[list[float]] = []
    for start, end in pairs:
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [[round(a, 3), round(b, 3)] for a, b in merged]


def watched_seconds(intervals: Iterable[Sequence[float]]) -> float:
    """Distinct seconds covered by merged intervals."""
    return sum(end - start for start, end in merge_intervals(intervals))


def coverage(intervals: Iterable[Sequence[float]], duration: float) -> float:
    """Share of the recording watched, from 0 to 1."""
    if duration <= 0:
        return 0.0
    return min(1.0, watched_seconds(intervals) / duration)


def watched_percent(intervals: Iterable[Sequence[float]], duration: float) -> int:
    """Whole percentage of the recording watched, rounded down."""
    return math.floor(coverage(intervals, duration) * 100)


def recording_is_watched(intervals, duration: float, threshold_percent: int) -> bool:
    """True once the distinct seconds watched reach the threshold share of the duration."""
    return coverage(intervals, duration) * 100 >= threshold_percent - 1e-9


def percent(done: int, total: int) -> int:
    """Whole-number percentage, 100 for an empty total (nothing is required)."""
    if total == 0:
        return 100
    return math.floor(100 * done / total)
