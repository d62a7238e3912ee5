"""The instrument builder: facilitators author self-assessment instruments in the studio.

What the studio stores passes the content files' own checks, a change after people answered
makes a new version (their answers keep theirs), and an export imports again as the same
instrument.
"""

import io
import zipfile

import pytest
from sqlalchemy import select

from learning.accounts.models import utcnow
from learning.assessments import services as assessments
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
BANDS = {
    "bands-0-label": "Emerging", "bands-0-slug": "emerging",
    "bands-0-min_score": "0", "bands-0-max_score": "50",
    "bands-1-label": "Established", "bands-1-slug": "established",
    "bands-1-min_score": "50", "bands-1-max_score": "100",
    "bands-2-label": "", "bands-2-slug": "", "bands-2-min_score": "", "bands-2-max_score": "",
}
DIMENSION = {
    "title": "Openness to change",
    "slug": "openness",
    "description": "How readily the team tries new ways.",
    "statements-0-text": "We try new tools early.", "statements-0-order": "1",
    "statements-1-text": "We prefer the old ways.", "statements-1-is_reverse_scored": "y",
    "statements-1-order": "2",
    "statements-2-text": "", "statements-2-order": "",
    "feedback-0-key": "emerging", "feedback-0-text": "Start with one small experiment.",
    "feedback-1-key": "established", "feedback-1-text": "Share what you learned.",
    "helpful_items": ["one/reading"],
}


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


def _create(client, db):
    response = client.post(f"{COURSE}/instruments/new", data={**SETTINGS, **BANDS})
    assert response.status_code == 302, _summary(page(response))
    instrument = _instrument(db, "digital-mindset")
    response = client.post(f"{COURSE}/instruments/{instrument.id}/dimensions/new",
                           data=DIMENSION)
    assert response.status_code == 302, _summary(page(response))
    return _instrument(db, "digital-mindset")


@pytest.fixture
def facilitator(client, world, sign_in_as):
    sign_in_as("facilitator")
    return client


def test_a_facilitator_builds_an_instrument_and_a_module_asks_it(facilitator, db, world,
                                                                   auth, sign_in_as):
    client = facilitator
    soup = page(client.get(COURSE))
    assert soup.find("a", string="Create an instrument")["href"] == f"{COURSE}/instruments/new"
    form = page(client.get(f"{COURSE}/instruments/new")).select_one("main form")
    # The usual scale and three bands to start from.
    assert form.find("input", attrs={"name": "scale_1"})["value"] == "Strongly disagree"
    assert form.find("input", attrs={"name": "bands-1-label"})["value"] == "Developing"

    response = client.post(f"{COURSE}/instruments/new", data={**SETTINGS, **BANDS},
                           follow_redirects=True)
    soup = page(response)
    assert soup.h1.get_text(strip=True) == "Digital mindset"
    status = soup.find("h2", string="Status").find_parent("section").get_text(" ", strip=True)
    assert "Draft" in status
    assert "an instrument needs at least one dimension" in status
    instrument = _instrument(db, "digital-mindset")
    assert (instrument.level, instrument.is_before_after, instrument.version) == (
        "organisational", True, 1)
    assert [(b.slug, b.min_score, b.max_score) for b in instrument.bands] == [
        ("emerging", 0, 50), ("established", 50, 100)]

    # A draft is not offered to a self-assessment item.
    three = world.modules[2]
    new_item = f"{COURSE}/modules/{three.id}/self-assessments/new"
    options = page(client.get(new_item)).select("select[name=instrument_id] option")
    assert "Digital mindset" not in [option.get_text(strip=True) for option in options]

    dimension_form = page(client.get(f"{COURSE}/instruments/{instrument.id}/dimensions/new"))
    labels = [p.get_text(strip=True) for p in dimension_form.select("main form .hint")
              if p.get_text(strip=True).startswith("For band")]
    assert labels == ["For band “Emerging”.", "For band “Established”."]
    response = client.post(f"{COURSE}/instruments/{instrument.id}/dimensions/new",
                           data=DIMENSION, follow_redirects=True)
    soup = page(response)
    assert "“Digital mindset” saved." in _messages(soup)
    status = soup.find("h2", string="Status").find_parent("section").get_text(" ", strip=True)
    assert "Complete" in status
    instrument = _instrument(db, "digital-mindset")
    (dimension,) = instrument.dimensions
    assert [(s.position, s.text, s.is_reverse_scored) for s in dimension.statements] == [
        (1, "We try new tools early.", False), (2, "We prefer the old ways.", True)]
    assert {f.band.slug: f.text for f in dimension.feedback} == {
        "emerging": "Start with one small experiment.", "established": "Share what you learned."}
    assert dimension.helpful_items == ["one/reading"]

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
    assert soup.h1 is not None
    texts = soup.get_text(" ", strip=True)
    assert "We try new tools early." in texts
    assert "We prefer the old ways." in texts
    assert "Not sure" in texts


def _world_instrument(db, world):
    """Module one's instrument: bands low (0-50) and high (50-100), dimension "learning"."""
    return _instrument(db, "one-instrument")


def _bands_form(instrument, rows):
    """The bands page's fields for rows of (label, slug, min, max, feedback for "learning")."""
    data = {}
    for index, (label, slug, low, high, feedback) in enumerate(rows):
        data.update({f"bands-{index}-label": label, f"bands-{index}-slug": slug,
                     f"bands-{index}-min_score": low, f"bands-{index}-max_score": high,
                     f"bands-{index}-feedback-0-key": "learning",
                     f"bands-{index}-feedback-0-text": feedback})
    return data


def _stored_bands(db):
    return [(b.slug, b.label, b.min_score, b.max_score)
            for b in _instrument(db, "one-instrument").bands]


@pytest.mark.parametrize(("rows", "field", "message"), [
    ([("Emerging", "low", "0", "40", "Start small."), ("Established", "high", "50", "100", "Go")],
     "bands-1-min_score", "Gap: scores 40 to 50 are in no band"),
    ([("Emerging", "low", "0", "60", "Start small."), ("Established", "high", "50", "100", "Go")],
     "bands-1-min_score", "Overlap: band 'high' starts at 50, before band 'low' ends at 60"),
    ([("Emerging", "low", "0", "50", "Start small."), ("Established", "low", "50", "100", "Go")],
     "bands-1-slug", "Duplicate slug: 'low' names another band"),
    ([("Emerging", "low", "0", "50", "Start small."), ("Established", "high", "50", "90", "Go"),
      ("Leading", "top", "90", "100", "")],
     "bands-2-feedback-0-text", "Missing: no feedback for band 'top'"),
    ([("Emerging", "low", "0", "50", "Start small."), ("Established", "high", "50", "120", "Go")],
     "bands-1-max_score", "Out of range: 120 (must be from 0 to 100)"),
])
def test_bands_are_checked_as_the_content_files_are(facilitator, db, world, rows, field,
                                                    message):
    instrument = _world_instrument(db, world)
    before = _stored_bands(db)
    response = facilitator.post(f"{COURSE}/instruments/{instrument.id}/bands",
                                data=_bands_form(instrument, rows))
    assert response.status_code == 200
    soup = page(response)
    assert message in _error_beside(soup, field)
    assert message in _summary(soup)
    assert "nothing was saved" in _summary(soup)
    # What was typed is still there to correct; nothing stored changed.
    for index, (label, _slug, low, high, feedback) in enumerate(rows):
        assert _value(soup, f"bands-{index}-label") == label
        assert _value(soup, f"bands-{index}-min_score") == low
        assert _value(soup, f"bands-{index}-max_score") == high
        assert _value(soup, f"bands-{index}-feedback-0-text").strip() == feedback
    assert _stored_bands(db) == before


def test_bands_and_their_feedback_are_saved(facilitator, db, world):
    instrument = _world_instrument(db, world)
    soup = page(facilitator.get(f"{COURSE}/instruments/{instrument.id}/bands"))
    assert _value(soup, "bands-1-label") == "Established"
    assert _value(soup, "bands-1-feedback-0-text").strip() == "Share what works."
    response = facilitator.post(f"{COURSE}/instruments/{instrument.id}/bands", data=_bands_form(
        instrument, [("Emerging", "low", "0", "40", "Start small."),
                     ("Developing", "middle", "40", "75", "Keep going."),
                     ("Established", "high", "75", "100", "Share what works.")]))
    assert response.status_code == 302
    assert _stored_bands(db) == [("low", "Emerging", 0, 40), ("middle", "Developing", 40, 75),
                                 ("high", "Established", 75, 100)]
    (dimension,) = _instrument(db, "one-instrument").dimensions
    assert {f.band.slug: f.text for f in dimension.feedback} == {
        "low": "Start small.", "middle": "Keep going.", "high": "Share what works."}


def _dimension_form(**changes):
    data = {"title": "Learning mindset", "slug": "learning", "description": "",
            "statements-0-text": "I seek feedback.", "statements-0-order": "1",
            "statements-1-text": "I avoid new tools.", "statements-1-order": "2",
            "statements-1-is_reverse_scored": "y",
            "statements-2-text": "", "statements-2-order": "",
            "feedback-0-key": "low", "feedback-0-text": "Start small.",
            "feedback-1-key": "high", "feedback-1-text": "Share what works."}
    data.update(changes)
    return data


def _statements(db):
    (dimension,) = _instrument(db, "one-instrument").dimensions
    return [(s.text, s.is_reverse_scored) for s in dimension.statements]


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"statements-0-text": "", "statements-1-text": ""}, "statements-0-text",
     "Missing: a dimension needs at least one statement"),
    ({"title": "x" * 201}, "title", "Too long: 201 characters, at most 200"),
    ({"statements-1-text": "y" * 401}, "statements-1-text",
     "Too long: 401 characters, at most 400"),
    ({"helpful_items": ["one/reading", "nowhere/nothing"]}, "helpful_items",
     "Unknown item: 'nowhere/nothing' is not a module-slug/item-slug of this course"),
    ({"slug": "Not a slug"}, "slug", "Not a valid slug: 'Not a slug'"),
    ({"feedback-1-text": ""}, "feedback-1-text", "Missing: no feedback for band 'high'"),
])
def test_a_dimension_is_checked_as_the_content_files_are(facilitator, db, world, changes,
                                                         field, message):
    instrument = _world_instrument(db, world)
    (dimension,) = instrument.dimensions
    url = f"{COURSE}/instruments/{instrument.id}/dimensions/{dimension.id}"
    before = _statements(db)
    data = _dimension_form(**changes)
    response = facilitator.post(url, data=data)
    assert response.status_code == 200
    soup = page(response)
    if field == "helpful_items":
        assert message in soup.select_one(".field-error .error").get_text(" ", strip=True)
    else:
        assert message in _error_beside(soup, field)
    assert message in _summary(soup)
    for name in ("title", "slug", "statements-0-text", "statements-1-text"):
        assert _value(soup, name) == data[name]
    assert _statements(db) == before


def test_a_dimension_posted_without_statement_rows_is_refused_with_its_reasons(
        facilitator, db, world):
    # No browser sends the form without its rows; a hand-made request did, and got a 500.
    instrument = _world_instrument(db, world)
    (dimension,) = instrument.dimensions
    before = _statements(db)
    for url in (f"{COURSE}/instruments/{instrument.id}/dimensions/new",
                f"{COURSE}/instruments/{instrument.id}/dimensions/{dimension.id}"):
        response = facilitator.post(url, data={"title": "Openness", "slug": "openness"})
        assert response.status_code == 200
        assert "a dimension needs at least one statement" in _summary(page(response))
    assert _statements(db) == before


def test_a_dimension_slug_is_unique_in_its_instrument(facilitator, db, world):
    instrument = _world_instrument(db, world)
    response = facilitator.post(f"{COURSE}/instruments/{instrument.id}/dimensions/new",
                                data=_dimension_form(title="Another"))
    soup = page(response)
    assert "Duplicate slug: 'learning' is also dimensions[0]" in _error_beside(soup, "slug")
    assert len(_instrument(db, "one-instrument").dimensions) == 1


def test_an_instrument_slug_is_unique_in_its_course(facilitator, db, world):
    instrument = _world_instrument(db, world)
    response = facilitator.post(f"{COURSE}/instruments/{instrument.id}",
                                data={**SETTINGS, "slug": "three-instrument"})
    soup = page(response)
    assert "another instrument of this course uses it" in _error_beside(soup, "slug")
    assert _value(soup, "title") == "Digital mindset"  # what was typed, not what is stored
    assert _instrument(db, "one-instrument").title == "How I work"


def test_statements_are_reordered_added_and_taken_out(facilitator, db, world):
    instrument = _world_instrument(db, world)
    (dimension,) = instrument.dimensions
    url = f"{COURSE}/instruments/{instrument.id}/dimensions/{dimension.id}"
    response = facilitator.post(url, data=_dimension_form(**{
        "statements-0-text": "", "statements-1-order": "2",
        "statements-2-text": "I ask colleagues.", "statements-2-order": "1"}))
    assert response.status_code == 302
    assert _statements(db) == [("I ask colleagues.", False), ("I avoid new tools.", True)]


def _answered(db, world):
    """The enrolled participant submitted module one's self-assessment (version 1)."""
    instrument = _instrument(db, "one-instrument")
    response = Response(user_id=world.users["enrolled"].id, instrument_id=instrument.id,
                        phase="single", status="submitted", version=instrument.version,
                        snapshot=assessments.snapshot(instrument),
                        submitted_at=utcnow())
    db.session.add(response)
    db.session.commit()
    return response


def test_no_new_version_while_nobody_has_answered(facilitator, db, world):
    instrument = _world_instrument(db, world)
    (dimension,) = instrument.dimensions
    soup = page(facilitator.get(f"{COURSE}/instruments/{instrument.id}"))
    assert soup.select_one("#version-note") is None
    facilitator.post(f"{COURSE}/instruments/{instrument.id}/dimensions/{dimension.id}",
                     data=_dimension_form(**{"statements-0-text": "I ask for feedback."}))
    instrument = _instrument(db, "one-instrument")
    assert instrument.version == 1
    assert _statements(db)[0] == ("I ask for feedback.", False)


def test_a_changed_definition_once_answered_makes_a_new_version(facilitator, db, world):
    answered = _answered(db, world)
    snapshot = dict(answered.snapshot)
    instrument = _world_instrument(db, world)
    (dimension,) = instrument.dimensions
    url = f"{COURSE}/instruments/{instrument.id}/dimensions/{dimension.id}"
    note = page(facilitator.get(url)).select_one("#version-note").get_text(" ", strip=True)
    assert "1 person has answered version 1 of this instrument" in note
    assert "makes version 2" in note

    # The introduction is not part of what people answered: no new version.
    settings = {**SETTINGS, "title": "How I work", "slug": "one-instrument",
                "level": "individual", "phases": "single", "scale_3": "Neutral",
                "introduction": "A new introduction."}
    response = facilitator.post(f"{COURSE}/instruments/{instrument.id}", data=settings,
                                follow_redirects=True)
    assert "“How I work” saved." in _messages(page(response))
    assert _instrument(db, "one-instrument").version == 1

    response = facilitator.post(url, data=_dimension_form(
        **{"statements-0-text": "I ask for feedback."}), follow_redirects=True)
    assert "saved as version 2" in _messages(page(response))
    assert _instrument(db, "one-instrument").version == 2
    db.session.expire_all()
    assert db.session.get(Response, answered.id).snapshot == snapshot
    assert db.session.get(Response, answered.id).version == 1


def test_dimensions_move_and_the_last_one_of_an_asked_instrument_stays(facilitator, db, world):
    instrument = _world_instrument(db, world)
    base = f"{COURSE}/instruments/{instrument.id}"
    assert facilitator.post(f"{base}/dimensions/new", data=_dimension_form(
        title="Collaboration", slug="collaboration")).status_code == 302
    second = _instrument(db, "one-instrument").dimensions[1]
    assert facilitator.post(f"{base}/dimensions/{second.id}/move/up").status_code == 302
    assert [d.slug for d in _instrument(db, "one-instrument").dimensions] == [
        "collaboration", "learning"]
    assert facilitator.post(f"{base}/dimensions/{second.id}/delete").status_code == 302
    (last,) = _instrument(db, "one-instrument").dimensions
    response = facilitator.post(f"{base}/dimensions/{last.id}/delete", follow_redirects=True)
    assert "keeps at least one dimension" in _messages(page(response))
    assert len(_instrument(db, "one-instrument").dimensions) == 1


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
    assert client.post(f"{base}/instruments/new", data={**SETTINGS, **BANDS}).status_code == 302
    instrument = _instrument(db, "digital-mindset")
    second = {**DIMENSION, "title": "Working together", "slug": "together",
              "description": "Line one.\n\nLine two.", "helpful_items": ["first/notes"]}
    for dimension in (DIMENSION | {"helpful_items": ["first/notes"]}, second):
        response = client.post(f"{base}/instruments/{instrument.id}/dimensions/new",
                               data=dimension)
        assert response.status_code == 302, _summary(page(response))
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
    assert [d.slug for d in after.dimensions] == ["openness", "together"]
    assert after.dimensions[0].statements[1].is_reverse_scored
