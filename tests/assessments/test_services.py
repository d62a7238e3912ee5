"""Service rules not seen through pages: progress marks, the completion signal, CSRF."""

import pytest

from learning.assessments import answering, asked
from learning.database import db
from learning.progress import services as progress
from tests.assessments.conftest import BEFORE, SINGLE, form_data, responses


def keys(instrument):
    return answering.statement_keys(asked.snapshot(instrument))


def test_mark_started_creates_progress_and_never_undoes_completion(app, world):
    user, item = world.users["participant"], world.modules[0].items[0]
    assert progress.mark_started(user.id, item).status == "in_progress"
    progress.mark_complete(user.id, item, "read")
    assert progress.mark_started(user.id, item).status == "complete"


def test_submitting_the_completing_phase_sends_item_completed_once(app, world):
    user, item = world.users["participant"], world.modules[1].items[2]
    sent = []

    def listener(sender, user_id, item):
        sent.append((user_id, item.slug))

    progress.item_completed.connect(listener)
    try:
        answering.save_response(user.id, world.single, item, "single",
                               dict.fromkeys(keys(world.single), 3), True)
    finally:
        progress.item_completed.disconnect(listener)
    assert sent == [(user.id, "self-assessment")]


def test_a_draft_may_be_partial_but_a_submission_may_not(app, world):
    user, item = world.users["participant"], world.modules[1].items[2]
    first = keys(world.single)[0]
    answering.save_response(user.id, world.single, item, "single", {first: 3}, False)
    with pytest.raises(ValueError, match="every statement"):
        answering.save_response(user.id, world.single, item, "single", {first: 3}, True)


def test_the_snapshot_orders_by_position_and_carries_what_scoring_needs(app, world):
    snap = asked.snapshot(world.before_after)
    assert [b["slug"] for b in snap["bands"]] == ["low", "high"]
    [dimension] = snap["dimensions"]
    assert [s["reverse"] for s in dimension["statements"]] == [False, True]
    assert dimension["feedback"] == {"low": "Start small.", "high": "Share what works."}
    assert dimension["helpful_items"] == ["one/reading", "nowhere/missing"]


def test_posting_without_a_csrf_token_is_refused(app, client, world, sign_in_as):
    sign_in_as("participant")
    data = form_data(client, SINGLE, [3, 3])
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        assert client.post(SINGLE, data=data).status_code == 400
        assert client.post(BEFORE, data=data).status_code == 400
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    db.session.rollback()
    assert responses() == []
