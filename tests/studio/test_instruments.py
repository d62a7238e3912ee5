"""The instrument builder: facilitators author a whole self-assessment instrument on one page.

What the studio stores passes the content files' own checks, a change after people answered
makes a new version (their answers keep theirs), and an export imports again as the same
instrument. Rows are added and removed by buttons that show the form again, nothing typed
lost; problems are shown beside their fields, naming bands by their labels.
"""

import io
import zipfile

import pytest
from sqlalchemy import select

from learning.accounts.models import utcnow
from learning.assessments import asked
from learning.assessments.models import Response
from learning.catalog.models import Item
from learning.content.exporter import instrument_document
from learning.content.importer import import_content
from learning.instruments.models import Instrument
from tests.conftest import page
from tests.factories import make_course

COURSE = "/studio/courses/mindsets"

SETTINGS = {
    "title": "Digital mindset",
    "slug": "digital-mindset",
    "level": "organisational",
    "phases": "before_after",
    "introduction": "Answer for your team as it works today.",
    "scale_1": "Strongly disagree", "scale_2": "Disagree", "scale_3": "Not sure",
    "scale_4": "Agree", "scale_5": "Strongly agree",
}
BANDS = [("Emerging", "0", "50"), ("Established", "50", "100")]
OPENNESS = {
    "title": "Openness to change",
    "description": "How readily the team tries new ways.",
    "statements": [("We try new tools early.", False), ("We prefer the old ways.", True),
                   ("", False)],
    "feedback": ["Start with one small experiment.", "Share what you learned."],
    "helpful_items": ["one/reading"],
}
TOGETHER = {
    "title": "Working together",
    "description": "",
    "statements": [("We share drafts early.", False)],
    "feedback": ["Pair on one task.", "Teach another team."],
}


def form_data(settings=SETTINGS, bands=BANDS, dimensions=(OPENNESS,), band_keys=(),
              dimension_keys=()):
    """The builder's fields: bands as (label, from, up to), dimensions as dicts."""
    data = dict(settings)
    for index, (label, low, high) in enumerate(bands):
        data.update({f"bands-{index}-label": label, f"bands-{index}-min_score": low,
                     f"bands-{index}-max_score": high,
                     f"bands-{index}-key": band_keys[index] if index < len(band_keys) else ""})
    for d, dimension in enumerate(dimensions):
        prefix = f"dimensions-{d}"
        data.update({f"{prefix}-title": dimension["title"],
                     f"{prefix}-description": dimension.get("description", ""),
                     f"{prefix}-key": dimension_keys[d] if d < len(dimension_keys) else ""})
        for s, (text, reverse) in enumerate(dimension["statements"]):
            data[f"{prefix}-statements-{s}-text"] = text
            if reverse:
                data[f"{prefix}-statements-{s}-is_reverse_scored"] = "y"
        for b, text in enumerate(dimension["feedback"]):
            data[f"{prefix}-feedback-{b}-text"] = text
        if dimension.get("helpful_items"):
            data[f"{prefix}-helpful_items"] = list(dimension["helpful_items"])
    return data


def world_form(**changes):
    """Module one's instrument as the builder shows it, with some fields changed."""
    data = form_data(
        settings={**SETTINGS, "title": "How I work", "slug": "one-instrument",
                  "level": "individual", "phases": "single", "introduction": "",
                  "scale_3": "Neutral"},
        bands=[("Emerging", "0", "50"), ("Established", "50", "100")], band_keys=("low", "high"),
        dimensions=({"title": "Learning mindset",
                     "statements": [("I seek feedback.", False), ("I avoid new tools.", True)],
                     "feedback": ["Start small.", "Share what works."]},),
        dimension_keys=("learning",))
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def _instrument(db, slug):
    db.session.expire_all()
    return db.session.scalar(select(Instrument).where(Instrument.slug == slug))


def _messages(soup):
    return soup.select_one(".messages").get_text(" ", strip=True)


def _summary(soup):
    summary = soup.select_one(".error-summary")
    return summary.get_text(" ", strip=True) if summary else ""


def _error_beside(soup, name):
    """The error message shown with the field of this name, tied to it by aria-describedby."""
    field = soup.find(attrs={"name": name})
    assert field.get("aria-invalid") == "true", name
    error = soup.find(id=f"{field['id']}-error")
    assert error["id"] in field["aria-describedby"].split()
    return error.get_text(" ", strip=True)


def _value(soup, name):
    field = soup.find(attrs={"name": name})
    return field.get_text() if field.name == "textarea" else field.get("value")


def _create(client, db, dimensions=(OPENNESS,)):
    response = client.post(f"{COURSE}/instruments/new", data=form_data(dimensions=dimensions))
    assert response.status_code == 302, _summary(page(response))
    return _instrument(db, "digital-mindset")


def _edit_url(instrument):
    return f"{COURSE}/instruments/{instrument.id}/edit"


@pytest.fixture
def facilitator(client, world, sign_in_as):
    sign_in_as("facilitator")
    return client


def _world_instrument(db, world):
    """Module one's instrument: bands low (0-50) and high (50-100), dimension "learning"."""
    return _instrument(db, "one-instrument")


def _stored_bands(db):
    return [(b.slug, b.label, b.min_score, b.max_score)
            for b in _instrument(db, "one-instrument").bands]


def _statements(db):
    (dimension,) = _instrument(db, "one-instrument").dimensions
    return [(s.text, s.is_reverse_scored) for s in dimension.statements]


def test_a_facilitator_builds_an_instrument_on_one_page_and_a_module_asks_it(
        facilitator, db, world, auth, sign_in_as):
    client = facilitator
    soup = page(client.get(COURSE))
    assert soup.find("a", string="Create an instrument")["href"] == f"{COURSE}/instruments/new"
    form = page(client.get(f"{COURSE}/instruments/new")).select_one("main form")
    # The usual scale, three bands and a first dimension with empty statements to fill in.
    assert form.find("input", attrs={"name": "scale_1"})["value"] == "Strongly disagree"
    assert form.find("input", attrs={"name": "bands-1-label"})["value"] == "Developing"
    assert form.find("input", attrs={"name": "dimensions-0-title"}) is not None
    assert len(form.select("input[name^=dimensions-0-statements-][name$=-text]")) == 3
    labels = [label.get_text(strip=True) for label in form.select(
        "label[for^=dimensions-0-feedback-]")]
    assert labels == ["Feedback for band “Emerging”", "Feedback for band “Developing”",
                      "Feedback for band “Established”"]
    # The bands' help is said once, not per band.
    assert len(form.find_all(string=lambda text: text and "up to, but not including" in text)) == 1

    response = client.post(f"{COURSE}/instruments/new",
                           data=form_data(dimensions=(OPENNESS, TOGETHER)),
                           follow_redirects=True)
    soup = page(response)
    assert "“Digital mindset” saved." in _messages(soup)
    assert soup.h1.get_text(strip=True) == "Digital mindset"
    status = soup.find("h2", string="Status").find_parent("section").get_text(" ", strip=True)
    assert "Complete" in status
    instrument = _instrument(db, "digital-mindset")
    assert (instrument.level, instrument.is_before_after, instrument.version) == (
        "organisational", True, 1)
    # New bands and dimensions get slugs made from their labels and titles.
    assert [(b.slug, b.label, b.min_score, b.max_score) for b in instrument.bands] == [
        ("emerging", "Emerging", 0, 50), ("established", "Established", 50, 100)]
    openness, together = instrument.dimensions
    assert (openness.slug, together.slug) == ("openness-to-change", "working-together")
    assert [(s.position, s.text, s.is_reverse_scored) for s in openness.statements] == [
        (1, "We try new tools early.", False), (2, "We prefer the old ways.", True)]
    assert {f.band.slug: f.text for f in openness.feedback} == {
        "emerging": "Start with one small experiment.",
        "established": "Share what you learned."}
    assert openness.helpful_items == ["one/reading"]
    assert [s.text for s in together.statements] == ["We share drafts early."]

    # The instrument's page shows its statements, reverse-scored ones marked, and its bands.
    dimensions = soup.find("h2", string="Dimensions and statements").find_parent("section")
    items = [li.get_text(" ", strip=True) for li in dimensions.select("ol.statements li")]
    assert items == ["We try new tools early.", "We prefer the old ways. Reverse-scored",
                     "We share drafts early."]
    bands = soup.find("h2", string="Bands").find_parent("section").get_text(" ", strip=True)
    assert "Emerging 0 to under 50" in bands and "Established 50 to 100" in bands
    assert soup.find("a", string="Preview as a participant")["href"] == (
        f"{COURSE}/instruments/{instrument.id}/preview")
    assert soup.find("a", string="Edit instrument")["href"] == _edit_url(instrument)

    three = world.modules[2]
    new_item = f"{COURSE}/modules/{three.id}/self-assessments/new"
    options = page(client.get(new_item)).select("select[name=instrument_id] option")
    assert [(o["value"], o.get_text(strip=True)) for o in options] == [
        ("", "Choose an instrument"), (str(instrument.id), "Digital mindset")]
    fields = {"title": "Where your team stands", "slug": "team-stands", "minutes": "10",
              "is_required": "y", "is_published": "y"}
    refused = page(client.post(new_item, data={**fields, "instrument_id": ""}))
    assert refused.select_one("#instrument_id-error").get_text(" ", strip=True) == (
        "Error: Choose an instrument.")
    assert refused.select_one("input[name=title]")["value"] == "Where your team stands"
    response = client.post(new_item, data={
        "title": "Where your team stands", "slug": "team-stands", "minutes": "10",
        "is_required": "y", "is_published": "y", "instrument_id": str(instrument.id)},
        follow_redirects=True)
    assert "Self-assessment “Where your team stands” created." in _messages(page(response))
    auth.logout()

    sign_in_as("enrolled")
    soup = page(client.get("/courses/mindsets/assessments/digital-mindset/before"))
    texts = soup.get_text(" ", strip=True)
    assert "We try new tools early." in texts
    assert "We share drafts early." in texts
    assert "Not sure" in texts


def test_a_draft_is_saved_and_not_offered_to_an_item(facilitator, db, world):
    empty = {"title": "", "statements": [("", False)], "feedback": ["", ""]}
    response = facilitator.post(f"{COURSE}/instruments/new",
                                data=form_data(dimensions=(empty,)), follow_redirects=True)
    soup = page(response)
    status = soup.find("h2", string="Status").find_parent("section").get_text(" ", strip=True)
    assert "Draft" in status
    assert "an instrument needs at least one dimension" in status
    assert soup.find("a", string="Preview as a participant") is None
    three = world.modules[2]
    options = page(facilitator.get(f"{COURSE}/modules/{three.id}/self-assessments/new")).select(
        "select[name=instrument_id] option")
    assert "Digital mindset" not in [option.get_text(strip=True) for option in options]


def test_a_new_instrument_left_without_a_slug_takes_one_from_its_title(facilitator, db, world):
    response = facilitator.post(f"{COURSE}/instruments/new",
                                data=form_data(settings={**SETTINGS, "slug": "",
                                                         "title": "How I work"}))
    assert response.status_code == 302, _summary(page(response))
    # "one-instrument" and the others are taken; the title gives a free one.
    assert _instrument(db, "how-i-work") is not None


def _post_row(client, url, data, button):
    response = client.post(url, data={**data, "row": button})
    assert response.status_code == 200
    return page(response)


def test_rows_are_added_removed_and_moved_without_losing_what_was_typed(facilitator, db,
                                                                        world):
    url = f"{COURSE}/instruments/new"
    data = form_data(dimensions=(OPENNESS, TOGETHER))

    soup = _post_row(facilitator, url, data, "add:dimensions-1-statements")
    assert _value(soup, "dimensions-1-statements-0-text") == "We share drafts early."
    assert _value(soup, "dimensions-1-statements-1-text") == ""
    assert _value(soup, "title") == "Digital mindset"
    assert _value(soup, "dimensions-0-feedback-1-text").strip() == "Share what you learned."
    assert soup.select_one("form[data-rows]")["data-focus"] == "dimensions-1-statements-1"

    # A band added gives every dimension a feedback box for it.
    soup = _post_row(facilitator, url, data, "add:bands")
    assert _value(soup, "bands-2-label") == ""
    assert soup.find(attrs={"name": "dimensions-0-feedback-2-text"}) is not None
    assert soup.find(attrs={"name": "dimensions-1-feedback-2-text"}) is not None

    # A band removed takes its feedback boxes with it; the others keep theirs.
    soup = _post_row(facilitator, url, data, "remove:bands-0")
    assert _value(soup, "bands-0-label") == "Established"
    assert soup.find(attrs={"name": "bands-1-label"}) is None
    assert _value(soup, "dimensions-0-feedback-0-text").strip() == "Share what you learned."
    assert soup.find(attrs={"name": "dimensions-0-feedback-1-text"}) is None

    soup = _post_row(facilitator, url, data, "remove:dimensions-0-statements-0")
    assert _value(soup, "dimensions-0-statements-0-text") == "We prefer the old ways."
    assert soup.find(attrs={"name": "dimensions-0-statements-0-is_reverse_scored"}).has_attr(
        "checked")

    soup = _post_row(facilitator, url, data, "up:dimensions-1")
    assert _value(soup, "dimensions-0-title") == "Working together"
    assert _value(soup, "dimensions-1-title") == "Openness to change"
    assert _value(soup, "dimensions-1-feedback-0-text").strip() == (
        "Start with one small experiment.")

    soup = _post_row(facilitator, url, data, "add:dimensions")
    assert _value(soup, "dimensions-2-title") == ""
    assert len(soup.select("input[name^=dimensions-2-statements-][name$=-text]")) == 3
    assert len(soup.select("textarea[name^=dimensions-2-feedback-]")) == 2

    # Nothing is saved by a row button, nor by a button the form does not offer.
    soup = _post_row(facilitator, url, data, "remove:title-0")
    assert _value(soup, "title") == "Digital mindset"
    assert _instrument(db, "digital-mindset") is None


def test_rows_change_in_an_existing_instrument_too(facilitator, db, world):
    instrument = _world_instrument(db, world)
    soup = _post_row(facilitator, _edit_url(instrument), world_form(), "down:dimensions-0-"
                     "statements-0")
    assert _value(soup, "dimensions-0-statements-0-text") == "I avoid new tools."
    assert _value(soup, "dimensions-0-statements-1-text") == "I seek feedback."
    assert _statements(db) == [("I seek feedback.", False), ("I avoid new tools.", True)]


@pytest.mark.parametrize(("bands", "field", "message"), [
    ([("Emerging", "0", "40"), ("Established", "50", "100")],
     "bands-1-min_score", "No band covers 40–49."),
    ([("Emerging", "0", "60"), ("Established", "50", "100")],
     "bands-1-min_score", "Bands “Emerging” and “Established” overlap at 50–59."),
    ([("Emerging", "0", "50"), ("Established", "50", "90")],
     "bands-1-max_score", "No band covers 90–100."),
    ([("Emerging", "10", "50"), ("Established", "50", "100")],
     "bands-0-min_score", "No band covers 0–9."),
    ([("Emerging", "0", "50"), ("Established", "50", "120")],
     "bands-1-max_score", "Out of range: 120 (must be from 0 to 100)."),
    ([("Emerging", "0", "50"), ("Established", "50", "lots")],
     "bands-1-max_score", "Enter a whole number from 0 to 100."),
    ([("Emerging", "0", "50"), ("Established", "50", "40")],
     "bands-1-max_score", "Make “up to” more than “from” (50)."),
    ([("Emerging", "0", "50"), ("emerging", "50", "100")],
     "bands-1-label", "Another band is called “emerging”"),
    ([("", "0", "50"), ("Established", "50", "100")],
     "bands-0-label", "Enter the band's label."),
])
def test_bands_are_checked_and_named_by_their_labels(facilitator, db, world, bands, field,
                                                     message):
    instrument = _world_instrument(db, world)
    before = _stored_bands(db)
    data = world_form()
    for index, (label, low, high) in enumerate(bands):
        data.update({f"bands-{index}-label": label, f"bands-{index}-min_score": low,
                     f"bands-{index}-max_score": high})
    response = facilitator.post(_edit_url(instrument), data=data)
    assert response.status_code == 200
    soup = page(response)
    assert message in _error_beside(soup, field)
    summary = _summary(soup)
    assert message in summary
    assert "nothing was saved" in summary
    assert "'low'" not in summary and "'high'" not in summary
    # What was typed is still there to correct; nothing stored changed.
    for index, (label, low, high) in enumerate(bands):
        assert _value(soup, f"bands-{index}-label") == label
        assert _value(soup, f"bands-{index}-min_score") == low
        assert _value(soup, f"bands-{index}-max_score") == high
    assert _stored_bands(db) == before


def test_bands_and_their_feedback_are_saved_in_the_order_of_their_scores(facilitator, db,
                                                                         world):
    instrument = _world_instrument(db, world)
    data = world_form(**{
        "bands-2-label": "Developing", "bands-2-min_score": "40", "bands-2-max_score": "75",
        "bands-1-min_score": "75", "bands-0-max_score": "40",
        "dimensions-0-feedback-2-text": "Keep going."})
    response = facilitator.post(_edit_url(instrument), data=data)
    assert response.status_code == 302, _summary(page(response))
    assert _stored_bands(db) == [("low", "Emerging", 0, 40),
                                 ("developing", "Developing", 40, 75),
                                 ("high", "Established", 75, 100)]
    (dimension,) = _instrument(db, "one-instrument").dimensions
    assert {f.band.slug: f.text for f in dimension.feedback} == {
        "low": "Start small.", "developing": "Keep going.", "high": "Share what works."}


def test_missing_feedback_of_an_asked_instrument_names_the_band(facilitator, db, world):
    instrument = _world_instrument(db, world)
    data = world_form(**{"bands-2-label": "Leading", "bands-2-min_score": "90",
                         "bands-2-max_score": "100", "bands-1-max_score": "90"})
    response = facilitator.post(_edit_url(instrument), data=data)
    soup = page(response)
    assert "No feedback yet for band “Leading”." in _error_beside(
        soup, "dimensions-0-feedback-2-text")
    assert "Dimension “Learning mindset”, Feedback for band “Leading”" in _summary(soup)


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"dimensions-0-statements-0-text": "", "dimensions-0-statements-1-text": ""},
     "dimensions-0-statements-0-text", "Missing: a dimension needs at least one statement"),
    ({"dimensions-0-title": "x" * 201}, "dimensions-0-title",
     "Too long: 201 characters, at most 200"),
    ({"dimensions-0-statements-1-text": "y" * 401}, "dimensions-0-statements-1-text",
     "Too long: 401 characters, at most 400"),
    ({"dimensions-0-helpful_items": ["one/reading", "nowhere/nothing"]},
     "dimensions-0-helpful_items",
     "Unknown item: 'nowhere/nothing' is not a module-slug/item-slug of this course"),
    ({"dimensions-0-title": ""}, "dimensions-0-title", "Enter the dimension's title."),
    ({"slug": "Not a slug"}, "slug", "Not a valid slug: 'Not a slug'"),
    ({"slug": "three-instrument"}, "slug", "another instrument of this course uses it"),
])
def test_a_dimension_is_checked_as_the_content_files_are(facilitator, db, world, changes,
                                                         field, message):
    instrument = _world_instrument(db, world)
    before = _statements(db)
    data = world_form(**changes)
    response = facilitator.post(_edit_url(instrument), data=data)
    assert response.status_code == 200
    soup = page(response)
    if field.endswith("helpful_items"):
        assert message in soup.select_one(".field-error .error").get_text(" ", strip=True)
    else:
        assert message in _error_beside(soup, field)
    assert message in _summary(soup)
    for name in ("title", "slug", "dimensions-0-title", "dimensions-0-statements-0-text"):
        assert _value(soup, name) == data[name]
    assert _statements(db) == before
    assert _instrument(db, "one-instrument").title == "How I work"


def test_two_dimensions_may_not_share_a_title(facilitator, db, world):
    instrument = _world_instrument(db, world)
    data = world_form(**{"dimensions-1-title": "learning MINDSET",
                         "dimensions-1-statements-0-text": "Another."})
    soup = page(facilitator.post(_edit_url(instrument), data=data))
    assert "Another dimension is called “learning MINDSET”" in _error_beside(
        soup, "dimensions-1-title")
    assert len(_instrument(db, "one-instrument").dimensions) == 1


def test_statements_are_reordered_added_and_taken_out(facilitator, db, world):
    instrument = _world_instrument(db, world)
    response = facilitator.post(_edit_url(instrument), data=world_form(**{
        "dimensions-0-statements-0-text": "",
        "dimensions-0-statements-2-text": "I ask colleagues."}))
    assert response.status_code == 302, _summary(page(response))
    assert _statements(db) == [("I avoid new tools.", True), ("I ask colleagues.", False)]


def _answered(db, world):
    """The enrolled participant submitted module one's self-assessment (version 1)."""
    instrument = _instrument(db, "one-instrument")
    response = Response(user_id=world.users["enrolled"].id, instrument_id=instrument.id,
                        phase="single", status="submitted", version=instrument.version,
                        snapshot=asked.snapshot(instrument),
                        submitted_at=utcnow())
    db.session.add(response)
    db.session.commit()
    return response


def test_no_new_version_while_nobody_has_answered(facilitator, db, world):
    instrument = _world_instrument(db, world)
    soup = page(facilitator.get(_edit_url(instrument)))
    assert soup.select_one("#version-note") is None
    response = facilitator.post(_edit_url(instrument), data=world_form(**{
        "dimensions-0-statements-0-text": "I ask for feedback."}))
    assert response.status_code == 302, _summary(page(response))
    assert _instrument(db, "one-instrument").version == 1
    assert _statements(db)[0] == ("I ask for feedback.", False)


def test_a_changed_definition_once_answered_makes_a_new_version(facilitator, db, world):
    answered = _answered(db, world)
    snapshot = dict(answered.snapshot)
    instrument = _world_instrument(db, world)
    for url in (_edit_url(instrument), f"{COURSE}/instruments/{instrument.id}"):
        note = page(facilitator.get(url)).select_one("#version-note").get_text(" ", strip=True)
        assert "1 person has answered version 1 of this instrument" in note
        assert "makes version 2" in note

    # The introduction is not part of what people answered: no new version.
    response = facilitator.post(_edit_url(instrument), data=world_form(
        introduction="A new introduction."), follow_redirects=True)
    assert "“How I work” saved." in _messages(page(response))
    assert _instrument(db, "one-instrument").version == 1

    response = facilitator.post(_edit_url(instrument), data=world_form(**{
        "dimensions-0-statements-0-text": "I ask for feedback."}), follow_redirects=True)
    assert "saved as version 2" in _messages(page(response))
    assert _instrument(db, "one-instrument").version == 2
    db.session.expire_all()
    assert db.session.get(Response, answered.id).snapshot == snapshot
    assert db.session.get(Response, answered.id).version == 1


def test_dimensions_move_and_the_last_one_of_an_asked_instrument_stays(facilitator, db, world):
    instrument = _world_instrument(db, world)
    data = world_form(**{"dimensions-1-title": "Collaboration",
                         "dimensions-1-statements-0-text": "I share drafts.",
                         "dimensions-1-feedback-0-text": "Pair up.",
                         "dimensions-1-feedback-1-text": "Lead a team."})
    assert facilitator.post(_edit_url(instrument), data=data).status_code == 302
    data = world_form(**{"dimensions-0-title": "Collaboration", "dimensions-0-key": "",
                         "dimensions-0-statements-0-text": "I share drafts.",
                         "dimensions-0-statements-1-text": None,
                         "dimensions-0-statements-1-is_reverse_scored": None,
                         "dimensions-0-feedback-0-text": "Pair up.",
                         "dimensions-0-feedback-1-text": "Lead a team.",
                         "dimensions-1-key": "learning",
                         "dimensions-1-title": "Learning mindset",
                         "dimensions-1-statements-0-text": "I seek feedback.",
                         "dimensions-1-feedback-0-text": "Start small.",
                         "dimensions-1-feedback-1-text": "Share what works."})
    data["dimensions-0-key"] = "collaboration"
    assert facilitator.post(_edit_url(instrument), data=data).status_code == 302
    assert [d.slug for d in _instrument(db, "one-instrument").dimensions] == [
        "collaboration", "learning"]

    # Every dimension taken out of an instrument an item asks: refused, with the reason.
    empty = {key: value for key, value in world_form().items()
             if not key.startswith("dimensions-")}
    response = facilitator.post(_edit_url(instrument), data=empty)
    assert response.status_code == 200
    assert "an instrument needs at least one dimension" in _summary(page(response))
    assert len(_instrument(db, "one-instrument").dimensions) == 2


def test_the_preview_shows_the_participants_form_and_keeps_nothing(facilitator, db, world):
    instrument = _world_instrument(db, world)
    soup = page(facilitator.get(f"{COURSE}/instruments/{instrument.id}/preview"))
    assert "Nothing you choose here is saved" in soup.select_one(".preview-banner").get_text()
    legends = [legend.get_text(strip=True) for legend in soup.select("fieldset.likert legend")]
    assert legends == ["I seek feedback.", "I avoid new tools."]
    assert len(soup.select("fieldset.likert input[type=radio]")) == 10
    form = soup.select_one("form.take")
    assert form.get("method") is None
    assert all(button.has_attr("disabled") for button in form.select("button"))
    assert db.session.scalars(select(Response)).all() == []


def test_an_instrument_nobody_uses_can_be_deleted(facilitator, db, world):
    instrument = _create(facilitator, db)
    asked = _world_instrument(db, world)
    assert page(facilitator.get(f"{COURSE}/instruments/{asked.id}")).find(
        "button", string="Delete instrument") is None
    response = facilitator.post(f"{COURSE}/instruments/{instrument.id}/delete",
                                follow_redirects=True)
    assert "Instrument “Digital mindset” deleted." in _messages(page(response))
    assert _instrument(db, "digital-mindset") is None
    response = facilitator.post(f"{COURSE}/instruments/{asked.id}/delete",
                                follow_redirects=True)
    assert "A self-assessment item uses this instrument" in _messages(page(response))


def test_each_item_asks_an_instrument_of_its_own(facilitator, db, world):
    _create(facilitator, db)
    one = world.modules[0]
    item = one.items[2]
    url = f"{COURSE}/modules/{one.id}/self-assessments/{item.id}/edit"
    options = page(facilitator.get(url)).select("select[name=instrument_id] option")
    # Its own and the new one; not module three's, which another item asks.
    assert [o.get_text(strip=True) for o in options] == [
        "Choose an instrument", "Digital mindset", "How I work"]
    taken = _instrument(db, "three-instrument")
    response = facilitator.post(url, data={"title": "Self-assessment", "slug": "self-assessment",
                                           "minutes": "5", "instrument_id": str(taken.id)})
    assert response.status_code == 200
    assert "Not a valid choice" in _summary(page(response))
    db.session.expire_all()
    assert db.session.get(Item, item.id).instrument.slug == "one-instrument"


def test_other_facilitators_and_other_courses_instruments_are_refused(client, db, world,
                                                                       sign_in_as):
    instrument = _world_instrument(db, world)
    sign_in_as("other_facilitator")
    assert client.get(f"{COURSE}/instruments/{instrument.id}").status_code == 403
    assert client.get(f"{COURSE}/instruments/new").status_code == 403
    # The other course's facilitator reaches no instrument of this course through theirs.
    assert client.get(f"/studio/courses/other/instruments/{instrument.id}").status_code == 404


def test_an_instrument_authored_in_the_studio_round_trips(client, db, world, sign_in_as,
                                                          tmp_path, empty_database):
    sign_in_as("facilitator")
    course = make_course("series", "The next series")
    course.facilitators.append(world.users["facilitator"])
    db.session.commit()
    base = "/studio/courses/series"
    assert client.post(f"{base}/modules/new", data={
        "title": "First", "slug": "first", "is_published": "y"}).status_code == 302
    module = course.modules[0]
    assert client.post(f"{base}/modules/{module.id}/readings/new", data={
        "title": "Notes", "slug": "notes", "minutes": "3", "is_required": "y",
        "body": "Some *notes*."}).status_code == 302
    second = {**TOGETHER, "description": "Line one.\n\nLine two.",
              "helpful_items": ["first/notes"]}
    response = client.post(f"{base}/instruments/new", data=form_data(dimensions=(
        OPENNESS | {"helpful_items": ["first/notes"]}, second)))
    assert response.status_code == 302, _summary(page(response))
    instrument = _instrument(db, "digital-mindset")
    assert client.post(f"{base}/modules/{module.id}/self-assessments/new", data={
        "title": "Where you stand", "slug": "stand", "minutes": "10", "is_required": "y",
        "instrument_id": str(instrument.id)}).status_code == 302
    before = instrument_document(_instrument(db, "digital-mindset"))

    response = client.get(f"{base}/export")
    assert response.status_code == 200, _messages(page(client.get(base)))
    with zipfile.ZipFile(io.BytesIO(response.data)) as archive:
        assert "series/01-first/instrument.yml" in archive.namelist()
        archive.extractall(tmp_path)
    empty_database()
    import_content(tmp_path / "series")
    db.session.commit()

    after = _instrument(db, "digital-mindset")
    assert instrument_document(after) == before
    assert [d.slug for d in after.dimensions] == ["openness-to-change", "working-together"]
    assert after.dimensions[0].statements[1].is_reverse_scored
