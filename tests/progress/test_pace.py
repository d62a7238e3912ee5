"""Credit for watching keeps to the pace of real watching: at most twice the time that passed.

The `clock` fixture is the time reports are received at; a test simulating watching moves it.
"""

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from learning.database import single_statement_write
from learning.progress import rules, services
from learning.progress.models import Progress
from tests import factories

T0 = datetime(2024, 2, 21, 14, 0, tzinfo=UTC)


@pytest.fixture
def recording(app, db):
    """A 65-second recording (as the first module's), and its participant signed in."""
    course = factories.make_course(slug="mindsets")
    module = factories.make_module(course, slug="one")
    item = module.items[0]
    item.duration_seconds = 65
    participant = factories.make_user("participant@example.org")
    factories.enrol(participant, factories.make_cohort(course))
    db.session.commit()
    return participant, item


def watch(client, item, intervals):
    return client.post(f"/progress/items/{item.id}/watch",
                       data={"intervals": json.dumps(intervals)})


def intervals(db):
    db.session.expire_all()
    return db.session.scalar(select(Progress)).detail["intervals"]


# The rules


def test_the_first_report_has_a_fixed_allowance():
    assert rules.report_allowance(None, T0, 24) == 24


def test_a_report_is_allowed_twice_the_time_since_the_previous():
    assert rules.report_allowance(T0, T0 + timedelta(seconds=12), 24) == 24
    assert rules.report_allowance(T0, T0 + timedelta(seconds=5), 24) == 10
    assert rules.report_allowance(T0, T0 - timedelta(seconds=5), 24) == 0  # clock went back


def test_credit_clips_new_seconds_from_the_earliest_on():
    assert rules.credit([], [[0, 67]], 24) == [[0, 24]]
    assert rules.credit([], [[0, 10], [20, 40]], 24) == [[0, 10], [20, 34]]
    assert rules.credit([], [[0, 10]], 0) == []


def test_seconds_already_watched_cost_nothing():
    assert rules.credit([[0, 24]], [[0, 60]], 10) == [[24, 34]]
    assert rules.credit([[10, 20]], [[0, 30]], 15) == [[0, 10], [20, 25]]
    assert rules.credit([[0, 30]], [[5, 25]], 0) == []


# Through the heartbeat


def test_one_report_of_the_whole_recording_does_not_complete_it(client, auth, db, recording,
                                                               clock):
    auth.login()
    response = watch(client, recording[1], [[0, 67]])
    assert response.status_code == 200
    assert response.json["status"] == "in_progress"
    assert response.json["watched_percent"] == 36  # 24 of 65 seconds
    assert intervals(db) == [[0, 24]]


def test_playing_at_16x_is_credited_at_2x(client, auth, db, recording, clock):
    auth.login()
    item = recording[1]
    watch(client, item, [[0, 16]])  # one second at 16x: within the first allowance
    for second in range(1, 5):
        clock.advance(1)
        response = watch(client, item, [[0, min(16 + 16 * second, 65)]])
    assert intervals(db) == [[0, 24]]  # 16, then two more seconds for each second that passed
    assert response.json["status"] == "in_progress"
    # The player sends the same ranges again: they are credited as time passes, not before.
    clock.advance(12)
    assert watch(client, item, [[0, 65]]).json["status"] == "in_progress"
    assert intervals(db) == [[0, 48]]


def test_watching_in_real_time_completes_the_recording(client, auth, db, recording, clock):
    auth.login()
    item = recording[1]
    for end in (12, 24, 36, 48):
        clock.advance(12)
        assert watch(client, item, [[0, end]]).json["status"] == "in_progress"
    clock.advance(12)
    response = watch(client, item, [[0, 60]])  # 90 % of 65 s is 58.5 s
    assert response.json == {"status": "complete", "watched_percent": 92, "position": 0}


def test_watching_at_2x_completes_in_half_the_length_and_not_before(client, auth, db,
                                                                    recording, clock):
    auth.login()
    item = recording[1]
    watch(client, item, [[0, 24]])
    clock.advance(12)
    watch(client, item, [[0, 48]])
    clock.advance(4)
    assert watch(client, item, [[0, 65]]).json["status"] == "in_progress"  # 56 of 65 s
    clock.advance(4.5)
    assert watch(client, item, [[0, 65]]).json["status"] == "complete"


def test_reading_the_transcript_still_completes_at_once(client, auth, db, recording, clock):
    auth.login()
    item = recording[1]
    watch(client, item, [[0, 67]])
    response = client.post(f"/progress/items/{item.id}/complete", data={"how": "transcript"})
    assert response.status_code == 302
    db.session.expire_all()
    row = db.session.scalar(select(Progress))
    assert (row.status, row.detail["completed_by"]) == ("complete", "transcript")


def test_a_write_that_overtook_a_report_is_the_one_its_credit_is_measured_from(app, db,
                                                                              recording,
                                                                              clock):
    """Two reports at once: the second is measured from the first's time, not credited twice."""
    participant, item = recording
    seen = services.record_watch(participant.id, item, [(0, 10)], None)
    db.session.commit()
    clock.advance(10)
    with single_statement_write():
        written = services.record_watch_if_unchanged(seen, item, [(0, 30)], None)
    assert written.detail["intervals"] == [[0, 30]]
    # A report that read the row before that write lost the race: the UPDATE matches nothing
    # and it is recorded under the lock, from the time the winner wrote.
    with single_statement_write():
        assert services.record_watch_if_unchanged(seen, item, [(0, 40)], None) is None
    state = services.record_watch(participant.id, item, [(0, 40)], None)
    db.session.commit()
    assert state.detail["intervals"] == [[0, 30]]
    assert state.detail["reported_at"] == (T0 + timedelta(seconds=10)).isoformat()
