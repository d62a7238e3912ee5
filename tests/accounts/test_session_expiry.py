"""Sessions end when idle and when too old, checked on the server on every request."""

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from learning.accounts import sessions
from learning.accounts.models import UserSession
from learning.database import db as _db
from tests import factories
from tests.conftest import Clock

START = datetime(2024, 2, 21, 9, 0, tzinfo=UTC)


@pytest.fixture
def session_clock(monkeypatch):
    """The time sessions are measured by; it moves only when a test advances it."""
    clock = Clock(START)
    monkeypatch.setattr(sessions, "now", clock)
    return clock


@pytest.fixture
def participant(app, db):
    user = factories.make_user()
    db.session.commit()
    return user


def signed_in(client) -> bool:
    return client.get("/profile").status_code == 200


def minutes(clock, count):
    clock.advance(count * 60)


def last_seen(db):
    db.session.expire_all()
    return db.session.scalar(select(UserSession.last_seen_at))


def test_the_defaults_are_two_hours_idle_and_two_weeks_in_all(app):
    assert app.config["SESSION_IDLE_MINUTES"] == 120
    assert app.config["SESSION_MAX_HOURS"] == 336


def test_a_session_left_idle_too_long_ends(client, auth, participant, session_clock):
    auth.login()
    minutes(session_clock, 119)
    assert signed_in(client)
    minutes(session_clock, 119)  # measured from the last request, not from signing in
    assert signed_in(client)
    minutes(session_clock, 121)
    assert not signed_in(client)
    response = client.get("/profile")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in")


def test_a_session_in_use_ends_at_its_maximum_age(app, client, auth, participant,
                                                  session_clock):
    app.config["SESSION_MAX_HOURS"] = 3
    auth.login()
    for _ in range(2):
        minutes(session_clock, 89)
        assert signed_in(client)
    minutes(session_clock, 3)  # 181 minutes after signing in, 3 after the last request
    assert not signed_in(client)


def test_with_the_defaults_a_busy_session_still_ends_after_336_hours(client, auth, participant,
                                                                      session_clock):
    auth.login()
    elapsed = timedelta(0)
    while elapsed < timedelta(hours=336) - timedelta(minutes=115):
        minutes(session_clock, 115)
        elapsed += timedelta(minutes=115)
        assert signed_in(client), elapsed
    minutes(session_clock, 115)
    assert not signed_in(client)


def test_the_limits_come_from_the_configuration(app, client, auth, participant, session_clock):
    app.config["SESSION_IDLE_MINUTES"] = 5
    auth.login()
    minutes(session_clock, 4)
    assert signed_in(client)
    minutes(session_clock, 6)
    assert not signed_in(client)


def test_a_new_sign_in_starts_a_new_session(client, auth, participant, session_clock):
    auth.login()
    minutes(session_clock, 200)
    assert not signed_in(client)
    auth.login()
    assert signed_in(client)


def test_activity_is_written_at_most_once_a_minute(client, auth, db, participant,
                                                   session_clock, count_queries):
    auth.login()
    assert last_seen(db) == START
    updates = []
    for seconds in (10, 20, 31, 20, 5, 59):
        session_clock.advance(seconds)
        with count_queries() as counter:
            assert signed_in(client)
        updates.append(sum("UPDATE user_session" in s for s in counter.statements))
    # At 10, 30 and 61 seconds; 81, 86 and 145: one write at 61 s, one at 145 s.
    assert updates == [0, 0, 1, 0, 0, 1]
    assert last_seen(db) == START + timedelta(seconds=145)


def test_writing_activity_loads_nothing_again(client, auth, db, participant, session_clock,
                                              count_queries):
    auth.login()
    session_clock.advance(10)
    with count_queries() as quiet:
        assert signed_in(client)
    session_clock.advance(60)
    with count_queries() as writing:
        assert signed_in(client)

    def selects(counter):
        return [s for s in counter.statements if s.lstrip().startswith("SELECT")]

    assert selects(writing) == selects(quiet)
    assert sum("UPDATE user_session" in s for s in writing.statements) == 1


def test_a_form_post_records_activity_with_its_own_commit(client, auth, db, participant,
                                                          session_clock):
    auth.login()
    minutes(session_clock, 100)
    response = client.post("/profile", data={"name": "Pat P", "organisation": "Ministry",
                                             "country": "Barbados"})
    assert response.status_code == 302
    assert last_seen(db) == START + timedelta(minutes=100)
    minutes(session_clock, 100)
    assert signed_in(client)


def test_a_heartbeat_records_activity_and_is_recorded(client, auth, db, participant,
                                                      session_clock, unhurried):
    course = factories.make_course()
    module = factories.make_module(course)
    factories.enrol(_db.session.get(type(participant), participant.id),
                    factories.make_cohort(course))
    db.session.commit()
    recording_id = module.items[0].id
    auth.login()
    minutes(session_clock, 100)
    response = client.post(f"/progress/items/{recording_id}/watch",
                           data={"intervals": json.dumps([[0, 10]]), "position": "10"})
    assert response.status_code == 200
    assert last_seen(db) == START + timedelta(minutes=100)


def test_an_expired_session_is_refused_by_the_heartbeat(client, auth, db, participant,
                                                        session_clock):
    auth.login()
    minutes(session_clock, 121)
    response = client.post("/progress/items/1/watch", data={"intervals": "[[0, 1]]"})
    assert response.status_code == 401
