"""The completion rules, as plain functions: watched intervals, coverage, item and module status.

These are the one implementation that pages, certificates, self-assessments and reports all
use. Whether a set of items (a module, a course) is complete is `is_complete`: every required
item complete, and at least one required. A course that requires nothing is never complete:
there is nothing to certify. The data the rule needs comes from the outline a page already
holds (`services.summarise`) or from one query (`learning.progress.completion`).
"""

import math
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime

NOT_STARTED = "not_started"
IN_PROGRESS = "in_progress"
COMPLETE = "complete"

MAX_INTERVALS_PER_REPORT = 100
# A player may report a moment past the end the file claims (rounding, container padding).
END_TOLERANCE_SECONDS = 2.0

# The player (static/js/player.js) reports every HEARTBEAT_SECONDS while playing and offers
# no speed above MAX_PLAYBACK_RATE. A report is credited with at most the wall-clock time
# since the previous one at that speed, so no recording is complete in less than half its
# length; the first report of a recording, with no previous one to measure from, is
# credited with what a heartbeat's worth of playing at that speed can cover.
HEARTBEAT_SECONDS = 12
MAX_PLAYBACK_RATE = 2.0
FIRST_REPORT_ALLOWANCE_SECONDS = HEARTBEAT_SECONDS * MAX_PLAYBACK_RATE

Interval = tuple[float, float]


def now() -> datetime:
    """The time a report is received; the one clock the pace of watching is measured by."""
    return datetime.now(UTC)


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


def report_allowance(previous_reported_at: datetime | None, at: datetime,
                     first_report_allowance: float) -> float:
    """Seconds of new watching a report received `at` may add to a recording.

    The wall-clock time since the previous accepted report, at the fastest speed the player
    offers; `first_report_allowance` when there is no previous report. A clock that went
    back allows nothing.
    """
    if previous_reported_at is None:
        return first_report_allowance
    return max(0.0, (at - previous_reported_at).total_seconds()) * MAX_PLAYBACK_RATE


def credit(watched: Iterable[Sequence[float]], reported: Iterable[Sequence[float]],
           allowance: float) -> list[list[float]]:
    """The parts of a report to add to what was `watched`: at most `allowance` new seconds.

    Seconds already watched cost nothing; new ones are taken from the earliest on, so a
    report clipped now is credited the rest when the player sends the same ranges again.
    """
    known = merge_intervals(watched)
    credited: list[list[float]] = []
    left = max(0.0, allowance)
    for start, end in merge_intervals(reported):
        for new_start, new_end in _outside(start, end, known):
            if left <= 0:
                return credited
            taken = min(new_end - new_start, left)
            credited.append([new_start, new_start + taken])
            left -= taken
    return credited


def _outside(start: float, end: float, known: list[list[float]]) -> list[Interval]:
    """The parts of [start, end] that no interval in `known` (merged, sorted) covers."""
    parts = []
    for known_start, known_end in known:
        if known_end <= start or known_start >= end:
            continue
        if known_start > start:
            parts.append((start, known_start))
        start = max(start, known_end)
    if end > start:
        parts.append((start, end))
    return parts


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


def nothing_left(done: int, total: int) -> bool:
    """True when all `total` required items are complete (also when there are none)."""
    return done >= total


def is_complete(done: int, total: int) -> bool:
    """The completion rule: all `total` required items complete, and there is at least one."""
    return total > 0 and nothing_left(done, total)


def counts_as_complete(done: int, total: int, earned_at) -> bool:
    """Whether a course counts as complete: once earned, whatever it requires now.

    Earned is a recorded completion that stands (`earned_at` set); until then, `is_complete`.
    """
    return earned_at is not None or is_complete(done, total)


def status(done: int, total: int, started: bool, earned: bool = False) -> str:
    """A module's or course's status: complete if earned or by `is_complete`.

    Else in progress if anything began, not started if nothing did.
    """
    if earned or is_complete(done, total):
        return COMPLETE
    return IN_PROGRESS if started else NOT_STARTED


def module_work(items) -> list:
    """The items a module's progress counts: its required ones, less those that end the course.

    A self-assessment taken before and after (`ends_course`) is set at the start and
    answered again at the end of the course, where its "after" counts; while its module is
    under way it would stay "in progress" whatever the participant did there. A module that
    asks nothing else counts it all the same: it has no other work to count.
    """
    required = [item for item in items if item.is_required]
    return [item for item in required if not item.ends_course] or required


def percent(done: int, total: int) -> int:
    """Whole-number percentage of the required items complete; 0 when nothing is required."""
    if total == 0:
        return 0
    return math.floor(100 * done / total)
