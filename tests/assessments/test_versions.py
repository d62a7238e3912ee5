"""Instrument versions: an edit after responses makes a new version; old scores stay put."""

import shutil

import pytest
from sqlalchemy import delete, select

from learning.assessments import answering, asked, personal, phases
from learning.catalog.models import Item
from learning.config import ROOT
from learning.content.importer import import_content
from learning.content.specs import ContentInvalid
from learning.database import db
from learning.instruments.models import Instrument
from learning.progress.models import Progress
from tests.factories import make_user

INSTRUMENT_FILE = "01-changing-mindsets/instrument.yml"
OLD = "I involve colleagues from other units before a decision in my area is final."
NEW = "I involve colleagues from other units early, before a decision is final."


@pytest.fixture
def content(app, tmp_path):
    folder = tmp_path / "modules"
    shutil.copytree(ROOT / "modules", folder)
    import_content(folder)
    db.session.commit()
    return folder


def instrument():
    return db.session.scalars(select(Instrument).where(
        Instrument.slug == "individual-mindsets").execution_options(populate_existing=True)).one()


def answer_all(user, value=4):
    current = instrument()
    item = db.session.scalars(select(Item).where(Item.instrument_id == current.id)).first()
    keys = answering.statement_keys(asked.snapshot(current))
    answering.save_response(user.id, current, item, "before", dict.fromkeys(keys, value), True)
    db.session.commit()


def edit(folder, old, new):
    path = folder / INSTRUMENT_FILE
    path.write_text(path.read_text().replace(old, new))


def test_without_responses_an_edit_stays_in_place(content):
    edit(content, OLD, NEW)
    import_content(content)
    db.session.commit()
    current = instrument()
    assert current.version == 1
    assert current.dimensions[0].statements[0].text == NEW


def test_an_edit_after_responses_makes_a_new_version_and_old_scores_stay(content):
    user = make_user("someone@example.org")
    answer_all(user, value=5)  # 75.0 per dimension: "established" from 70, "developing" to 80
    before = personal.results(user.id, instrument())
    import_content(content)  # the same files: nothing changes
    db.session.commit()
    assert instrument().version == 1
    edit(content, OLD, NEW)
    edit(content, "{slug: developing, label: Developing, min: 40, max: 70}",
         "{slug: developing, label: Developing, min: 40, max: 80}")
    edit(content, "{slug: established, label: Established, min: 70, max: 100}",
         "{slug: established, label: Established, min: 80, max: 100}")
    import_content(content)
    db.session.commit()
    assert instrument().version == 2
    after = personal.results(user.id, instrument())
    [phase] = after.phases
    assert phase.response.version == 1
    assert phase.response.snapshot["dimensions"][0]["statements"][0]["text"] == OLD
    # Scored against the bands it was answered with, not the new ones.
    assert {(d.score, d.band["slug"]) for d in phase.dimensions} == {(75.0, "established")}
    assert [(d.score, d.band["slug"]) for d in phase.dimensions] == [
        (d.score, d.band["slug"]) for d in before.phases[0].dimensions]
    assert phase.response.snapshot["bands"][1]["max"] == 70


def test_a_draft_keeps_only_answers_to_unchanged_statements(content):
    user = make_user("someone@example.org")
    current = instrument()
    item = db.session.scalars(select(Item).where(Item.instrument_id == current.id)).first()
    keys = answering.statement_keys(asked.snapshot(current))
    answering.save_response(user.id, current, item, "before", {keys[0]: 2, keys[1]: 3}, False)
    db.session.commit()
    edit(content, OLD, NEW)
    import_content(content)
    db.session.commit()
    draft = phases.responses_of(user.id, instrument())["before"]
    assert answering.draft_values(draft, instrument()) == {keys[1]: 3}


def test_an_answered_instrument_cannot_be_removed(content):
    user = make_user("someone@example.org")
    answer_all(user)
    db.session.execute(delete(Progress))
    db.session.commit()
    module_file = content / "01-changing-mindsets" / "module.yml"
    text = module_file.read_text()
    start = text.index("  - slug: self-assessment")
    module_file.write_text(text[:start])
    with pytest.raises(ContentInvalid) as raised:
        import_content(content)
    assert any("'individual-mindsets'" in str(e) and "1 response answer" in str(e)
               for e in raised.value.errors)
