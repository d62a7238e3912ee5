"""The check at the end of scripts/faults.py: it finds an acknowledged write the database lost.

The ledger is written as the load test writes it, for writes made through the services the
requests use; then one write at a time is taken out of the database, and the check must
name it, and only it.
"""

import importlib.util
import json
import sys
from pathlib import Path

import pytest
from sqlalchemy import delete, select, update

from learning.assessments import answering, asked
from learning.assessments.models import Answer, Response
from learning.progress import rules
from learning.progress import services as progress
from learning.progress.models import Progress
from tests import factories

pytestmark = pytest.mark.usefixtures("unhurried")

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "faults.py"


@pytest.fixture(scope="module")
def faults():
    """scripts/faults.py, imported as a module (it is no package)."""
    spec = importlib.util.spec_from_file_location("faults", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    # Its dataclasses look their module up while they are made.
    with pytest.MonkeyPatch.context() as patch:
        patch.setitem(sys.modules, "faults", module)
        spec.loader.exec_module(module)
    return module


@pytest.fixture
def written(app, db, tmp_path, faults):
    """A participant's writes of each kind, made through the services, and their ledger."""
    course = factories.make_course(slug="mindsets")
    module = factories.make_module(course, slug="one")
    cohort = factories.make_cohort(course)
    user = factories.make_user("p@example.org")
    factories.enrol(user, cohort)
    db.session.commit()
    recording, reading, assessment = module.items
    progress.record_watch(user.id, recording, [(0.0, 4.0)], None)
    progress.record_watch(user.id, recording, [(4.0, 6.5)], None)
    progress.record_watch(user.id, recording, [(20.0, 24.0)], None)
    progress.mark_complete(user.id, reading, "read")
    instrument = assessment.instrument
    keys = answering.statement_keys(asked.snapshot(instrument))
    answers = {key: position + 2 for position, key in enumerate(keys)}
    answering.save_response(user.id, instrument, assessment, "single", answers, submit=True)
    db.session.commit()
    ledger = faults.Ledger(tmp_path / "ledger.jsonl")
    for stretch in ([0.0, 4.0], [4.0, 6.5], [20.0, 24.0]):
        ledger.record("interval", user.email, item=recording.id, interval=stretch)
    ledger.record("completion", user.email, item=reading.id)
    ledger.record("submission", user.email, instrument=instrument.id, phase="single",
                  answers=answers)
    ledger.close()
    return user, recording, reading, instrument, faults.read_ledger(ledger.path)


def _lost(faults, db, entries):
    db.session.expire_all()
    return faults.lost_writes(db.session, entries)


def test_the_ledger_holds_a_line_per_write_with_its_time(written, tmp_path):
    lines = (tmp_path / "ledger.jsonl").read_text().splitlines()
    assert [json.loads(line)["kind"] for line in lines] == [
        "interval", "interval", "interval", "completion", "submission"]
    assert all(json.loads(line)["acknowledged_at"].endswith("+00:00") for line in lines)


def test_nothing_is_lost_when_the_database_holds_every_write(faults, db, written):
    assert _lost(faults, db, written[-1]) == []


def test_an_interval_missing_from_the_merged_intervals_is_lost(faults, db, written):
    user, recording, _, _, entries = written
    # The database keeps the first stretches (merged into one) and loses the last.
    db.session.execute(update(Progress).where(Progress.user_id == user.id,
                                              Progress.item_id == recording.id)
                       .values(detail={"intervals": [[0.0, 6.5]]}))
    db.session.commit()
    assert _lost(faults, db, entries) == [entries[2]]
    # Half of a stretch is not the stretch.
    db.session.execute(update(Progress).where(Progress.user_id == user.id,
                                              Progress.item_id == recording.id)
                       .values(detail={"intervals": [[0.0, 6.5], [20.0, 22.0]]}))
    db.session.commit()
    assert _lost(faults, db, entries) == [entries[2]]


def test_an_item_no_longer_complete_is_a_lost_completion(faults, db, written):
    user, _, reading, _, entries = written
    db.session.execute(update(Progress).where(Progress.user_id == user.id,
                                              Progress.item_id == reading.id)
                       .values(status=rules.IN_PROGRESS, completed_at=None))
    db.session.commit()
    assert [entry["kind"] for entry in _lost(faults, db, entries)] == ["completion"]
    db.session.execute(delete(Progress).where(Progress.user_id == user.id,
                                              Progress.item_id == reading.id))
    db.session.commit()
    assert [entry["kind"] for entry in _lost(faults, db, entries)] == ["completion"]


def test_a_missing_or_different_submission_is_lost(faults, db, written):
    user, _, _, instrument, entries = written
    response_id = db.session.scalar(select(Response.id).where(Response.user_id == user.id))
    answer_id = db.session.scalars(select(Answer.id).where(Answer.response_id == response_id)
                                   .order_by(Answer.id)).first()
    db.session.execute(update(Answer).where(Answer.id == answer_id).values(value=1))
    db.session.commit()
    assert _lost(faults, db, entries) == [entries[4]]
    db.session.execute(delete(Answer).where(Answer.response_id == response_id))
    db.session.execute(delete(Response).where(Response.id == response_id))
    db.session.commit()
    assert _lost(faults, db, entries) == [entries[4]]


def test_a_write_sent_again_is_seen_in_the_ledger(faults, written):
    entries = written[-1]
    assert faults.repeated_writes(entries) == []
    again = [*entries, {**entries[1], "interval": [5.0, 8.0]}, entries[3]]
    assert faults.repeated_writes(again) == again[-2:]
    # Stretches that only touch are not repeats.
    touching = [*entries, {**entries[0], "interval": [6.5, 10.0]}]
    assert faults.repeated_writes(touching) == []
