"""The rules behind the instrument builder: bands covering 0–100 named by their labels, and
rows of a posted form added, removed and moved."""

import pytest
from werkzeug.datastructures import MultiDict

from learning.content.specs import ContentError
from learning.studio import rows
from learning.studio.instrument_problems import band_coverage, in_labels
from learning.studio.instrument_rows import changed, field_id


def _band(label, low, high):
    return {"slug": label.lower(), "label": label, "min": low, "max": high}


def _said(bands):
    return [(problem.field, problem.message) for problem in band_coverage(bands, "x")]


@pytest.mark.parametrize(("bands", "said"), [
    ([_band("Low", 0, 50), _band("High", 50, 100)], []),
    ([_band("Low", 0, 40), _band("High", 50, 100)],
     [("bands[1].min", "No band covers 40–49.")]),
    ([_band("Developing", 0, 60), _band("Established", 50, 100)],
     [("bands[1].min", "Bands “Developing” and “Established” overlap at 50–59.")]),
    ([_band("Low", 0, 50), _band("High", 50, 99)], [("bands[1].max", "No band covers 99–100.")]),
    ([_band("Low", 1, 50), _band("High", 50, 100)], [("bands[0].min", "No band covers 0.")]),
    # Listed in any order: the scores decide.
    ([_band("High", 50, 100), _band("Low", 0, 50)], []),
    ([_band("Low", 0, 50), _band("High", 50, 50)],
     [("bands[1].max", "Make “up to” more than “from” (50).")]),
])
def test_bands_that_do_not_cover_0_to_100_name_the_scores_and_the_labels(app, bands, said):
    with app.test_request_context():
        assert _said(bands) == said


def test_the_rules_problems_are_said_with_labels_not_slugs(app):
    data = {"bands": [_band("Emerging", 0, 40), _band("Established", 50, 100)]}
    errors = [ContentError("f", "bands[1].min", "gap: scores 40 to 50 are in no band"),
              ContentError("f", "dimensions[0].feedback.emerging",
                           "missing: no feedback for band 'emerging'", incomplete=True),
              ContentError("f", "dimensions[0].title", "missing")]
    with app.test_request_context():
        said = [(error.field, error.message, error.incomplete) for error in in_labels(errors, data)]
    assert said == [
        ("dimensions[0].feedback.emerging", "No feedback yet for band “Emerging”.", True),
        ("dimensions[0].title", "Enter the dimension's title.", False),
        ("bands[1].min", "No band covers 40–49.", False),
    ]


def test_a_row_button_names_its_change():
    assert rows.asked(MultiDict({"row": "add:dimensions-2-statements"})) == rows.RowChange(
        "add", "dimensions-2-statements")
    assert rows.asked(MultiDict({"row": "remove:bands-3"})) == rows.RowChange(
        "remove", "bands", 3)
    for value in ("", "save", "add:", "remove:bands", "drop:bands-1", "up:bands-x"):
        assert rows.asked(MultiDict({"row": value})) is None, value


def test_rows_are_read_where_wtforms_reads_them():
    data = MultiDict([("bands-0-label", "A"), ("bands-4-label", "B"),
                      ("dimensions-2-title", "T"), ("dimensions-2-statements-7-text", "S"),
                      ("dimensions-5-title", "U")])
    assert rows.indices(data, "bands") == [0, 4]
    assert field_id(data, "bands-4") == "bands-1"
    assert field_id(data, "dimensions-2-statements-7") == "dimensions-0-statements-0"
    assert field_id(data, "dimensions-5-statements-add") == "dimensions-1-statements-add"
    assert field_id(data, "bands-9") is None


def test_a_band_removed_takes_its_feedback_from_every_dimension():
    data = MultiDict([("bands-0-label", "A"), ("bands-1-label", "B"),
                      ("dimensions-0-title", "T"), ("dimensions-0-feedback-0-text", "a"),
                      ("dimensions-0-feedback-1-text", "b")])
    after, focus = changed(data, rows.RowChange("remove", "bands", 0))
    assert sorted(after.keys()) == ["bands-1-label", "dimensions-0-feedback-1-text",
                                    "dimensions-0-title"]
    assert focus == "bands-add"
    after, focus = changed(data, rows.RowChange("add", "bands"))
    assert after["bands-2-label"] == "" and after["dimensions-0-feedback-2-text"] == ""
    assert focus == "bands-2"
