import itertools
import math

import pytest

from learning.progress.rules import (
    MAX_INTERVALS_PER_REPORT,
    IntervalError,
    coverage,
    merge_intervals,
    parse_intervals,
    percent,
    recording_is_watched,
    watched_seconds,
)


def test_overlapping_and_touching_intervals_merge():
    assert merge_intervals([[0, 10], [5, 15], [15, 20], [30, 40]]) == [[0, 20], [30, 40]]


def test_merging_is_order_independent_and_idempotent():
    reports = [[[0, 10]], [[20, 30]], [[8, 22]], [[0, 10]]]
    results = {
        tuple(map(tuple, merge_intervals(*order))) for order in itertools.permutations(reports)
    }
    assert results == {((0.0, 30.0),)}
    once = merge_intervals(*reports)
    assert merge_intervals(once, once) == once


def test_a_late_or_repeated_report_never_lowers_what_was_watched():
    recorded = merge_intervals([[0, 50]])
    assert watched_seconds(merge_intervals(recorded, [[10, 20]])) == 50


def test_empty_and_zero_length_intervals_count_nothing():
    assert merge_intervals([]) == []
    assert watched_seconds([[5, 5]]) == 0


def test_skipping_to_the_end_is_not_watching():
    intervals = [[0, 3], [57, 60]]
    assert coverage(intervals, 60) == pytest.approx(0.1)
    assert not recording_is_watched(intervals, 60, 90)


def test_watching_ninety_percent_completes():
    assert recording_is_watched([[0, 54]], 60, 90)
    assert not recording_is_watched([[0, 53.9]], 60, 90)


def test_rewatching_the_same_part_does_not_add_up():
    assert coverage([[0, 30], [0, 30], [10, 30]], 60) == pytest.approx(0.5)


@pytest.mark.parametrize("raw, reason", [
    ("0-10", "must be a list"),
    ([[0, 10, 20]], "pair"),
    ([["0", 10]], "numbers"),
    ([[True, 10]], "numbers"),
    ([[0, math.inf]], "finite"),
    ([[math.nan, 1]], "finite"),
    ([[-1, 5]], "0 <= start"),
    ([[10, 5]], "0 <= start"),
    ([[0, 500]], "after the recording"),
    ([[0, 1]] * (MAX_INTERVALS_PER_REPORT + 1), "at most"),
])
def test_bad_reports_are_refused_with_a_reason(raw, reason):
    with pytest.raises(IntervalError, match=reason):
        parse_intervals(raw, 60)


def test_a_report_slightly_past_the_end_is_clamped():
    assert parse_intervals([[50, 61]], 60) == [(50.0, 60.0)]


def test_percent_rounds_down_so_nearly_done_is_not_shown_as_done():
    assert percent(2, 3) == 66
    assert percent(199, 200) == 99
    assert percent(0, 0) == 0  # nothing required: nothing to show done
