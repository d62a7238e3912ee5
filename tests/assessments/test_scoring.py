"""Scoring as plain functions: reverse scoring, 0-100 scores, bands and their validation."""

import pytest

from learning.assessments import scoring

BANDS = [
    {"slug": "emerging", "label": "Emerging", "min": 0, "max": 40},
    {"slug": "developing", "label": "Developing", "min": 40, "max": 70},
    {"slug": "established", "label": "Established", "min": 70, "max": 100},
]


@pytest.mark.parametrize(("value", "reverse", "expected"), [
    (1, False, 1), (5, False, 5), (1, True, 5), (2, True, 4), (3, True, 3), (5, True, 1),
])
def test_reverse_scored_values_are_flipped(value, reverse, expected):
    assert scoring.scored_value(value, reverse) == expected


@pytest.mark.parametrize("value", [0, 6, -1])
def test_values_off_the_scale_are_refused(value):
    with pytest.raises(ValueError, match="not on the 1-5 scale"):
        scoring.scored_value(value, False)


@pytest.mark.parametrize(("pairs", "expected"), [
    ([(1, False), (1, False)], 0.0),
    ([(5, False), (5, False)], 100.0),
    ([(3, False)], 50.0),
    ([(5, False), (1, True)], 100.0),  # agreeing fully, and fully disagreeing with a reversed one
    ([(4, False), (2, False), (3, False), (4, True)], 43.75),
])
def test_dimension_score_maps_the_mean_to_0_100(pairs, expected):
    assert scoring.dimension_score(pairs) == pytest.approx(expected)


def test_a_score_on_a_band_s_edge_is_on_it():
    # Five statements adding up to 7 score exactly 10, and 14 exactly 45: they belong to the
    # band starting there, not the one below (mapping the mean first gave 9.999999999999998).
    bands = [{"slug": "low", "min": 0, "max": 10}, {"slug": "mid", "min": 10, "max": 45},
             {"slug": "high", "min": 45, "max": 100}]
    seven = [(1, False)] * 3 + [(2, False)] * 2
    fourteen = [(3, False)] * 4 + [(2, False)]
    assert scoring.dimension_score(seven) == 10.0
    assert scoring.dimension_score(fourteen) == 45.0
    assert scoring.band_for(scoring.dimension_score(seven), bands)["slug"] == "mid"
    assert scoring.band_for(scoring.dimension_score(fourteen), bands)["slug"] == "high"
    every = [(total, count) for count in range(1, 40) for total in range(count, 5 * count + 1)]
    for total, count in every:
        exact = 100 * (total - count) / (4 * count)
        if exact == int(exact):
            assert scoring.score_from_total(total, count) == exact


def test_a_dimension_without_answers_cannot_be_scored():
    with pytest.raises(ValueError):
        scoring.dimension_score([])


@pytest.mark.parametrize(("score", "shown"), [
    (43.75, 43.8), (56.25, 56.3), (100.0, 100.0), (0.0, 0.0), (66.66666, 66.7),
])
def test_scores_are_shown_to_one_decimal_rounding_half_up(score, shown):
    assert scoring.display_score(score) == shown


@pytest.mark.parametrize(("score", "band"), [
    (0, "emerging"), (39.99, "emerging"), (40, "developing"), (69.999, "developing"),
    (70, "established"), (100, "established"),
])
def test_bands_are_half_open_with_100_in_the_top_band(score, band):
    assert scoring.band_for(score, BANDS)["slug"] == band


def test_band_lookup_uses_the_exact_score_not_the_rounded_one():
    # 39.96 shows as 40.0 but is below the "developing" band's minimum.
    assert scoring.display_score(39.96) == 40.0
    assert scoring.band_for(39.96, BANDS)["slug"] == "emerging"


def test_a_score_outside_every_band_is_an_error():
    with pytest.raises(ValueError):
        scoring.band_for(101, BANDS)


def ranges(*triples):
    return [(f"b{i}", low, high) for i, (low, high) in enumerate(triples)]


def test_bands_covering_0_to_100_have_no_problems():
    assert scoring.band_problems(ranges((0, 40), (40, 70), (70, 100))) == []
    assert scoring.band_problems(ranges((0, 100))) == []


@pytest.mark.parametrize(("bands", "index", "field", "words"), [
    (ranges((10, 100)), 0, "min", "gap: scores 0 to 10"),
    (ranges((0, 40), (50, 100)), 1, "min", "gap: scores 40 to 50"),
    (ranges((0, 50), (40, 100)), 1, "min", "overlap: band 'b1' starts at 40"),
    (ranges((0, 40), (40, 90)), 1, "max", "gap: scores 90 to 100"),
    (ranges((0, 40), (40, 40), (40, 100)), 1, "max", "must be more than min"),
    ([], 0, "", "missing"),
])
def test_band_problems_name_the_band_the_field_and_the_fault(bands, index, field, words):
    problems = scoring.band_problems(bands)
    assert any(p.index == index and p.field == field and words in p.message for p in problems)


def test_score_snapshot_scores_each_dimension_with_band_and_feedback():
    snapshot = {
        "bands": BANDS,
        "dimensions": [{
            "slug": "learning", "title": "Learning", "helpful_items": ["m/i"],
            "statements": [{"key": "1", "reverse": False}, {"key": "2", "reverse": True}],
            "feedback": {"emerging": "Start.", "developing": "Grow.", "established": "Share."},
        }],
    }
    [result] = scoring.score_snapshot(snapshot, {"1": 4, "2": 2})
    assert result.score == 75.0
    assert result.band["slug"] == "established"
    assert result.feedback == "Share."
    assert result.helpful_items == ["m/i"]
    with pytest.raises(ValueError, match="no answer"):
        scoring.score_snapshot(snapshot, {"1": 4})
