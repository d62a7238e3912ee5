import pytest
from sqlalchemy import update

from learning.accounts import services
from learning.accounts.loader import load_user, session_checks
from learning.accounts.models import User, UserSession, utcnow
from tests.conftest import page
from tests.factories import make_user


def fresh_token(db, user) -> str:
    token = services.start_session(user)
    db.session.commit()
    db.session.expunge_all()  # load as a new request would, not from the identity map
    return token


def test_a_session_loads_its_user_with_every_role_in_one_query(db, count_queries):
    user = make_user("multi@example.org", "participant", "facilitator", "manager")
    user_id = user.id
    token = fresh_token(db, user)

    with count_queries() as counter:
        loaded = load_user(token)
        roles = loaded.role_names

    assert loaded.id == user_id
    assert loaded.session_token == token
    assert roles == {"participant", "facilitator", "manager"}
    # SQLite's BEGIN goes through the cursor too: count the SELECTs.
    assert len([s for s in counter.statements if s.startswith("SELECT")]) == 1


def test_an_ended_session_or_a_deactivated_user_loads_nobody(db):
    user = make_user("gone@example.org")
    user_id = user.id
    ended = fresh_token(db, user)
    services.end_session(ended)
    db.session.commit()
    assert load_user(ended) is None

    active = fresh_token(db, db.session.get(User, user_id))
    assert load_user(active) is not None
    db.session.get(User, user_id).is_active = False
    db.session.commit()
    db.session.expunge_all()
    assert load_user(active) is None


def test_an_unknown_token_loads_nobody(db):
    assert load_user("no-such-token") is None


def test_a_user_without_roles_loads_with_none(db):
    user = make_user("plain@example.org")
    user.roles.clear()
    db.session.flush()
    loaded = load_user(fresh_token(db, user))
    assert loaded.role_names == set()
    assert not loaded.has_role("participant")


def test_roles_changed_in_the_request_are_the_ones_that_count(db):
    user = make_user("admin-self@example.org", "participant", "admin")
    loaded = load_user(fresh_token(db, user))
    assert loaded.has_role("facilitator")  # admins hold every role
    # An admin revoking their own admin role in this request: the loaded names give way to
    # the roles relationship once it is loaded and changed.
    loaded.roles[:] = [role for role in loaded.roles if role.role != "admin"]
    assert loaded.role_names == {"participant"}
    assert not loaded.has_role("facilitator")


def test_a_role_granted_or_revoked_shows_on_the_next_request(db, client, auth):
    make_user("rising@example.org")
    db.session.commit()
    auth.login("rising@example.org")

    def navigation():
        return [a.get_text(strip=True) for a in page(client.get("/learning")).select("nav a")]

    def change(action):
        action(services.find_user_by_email("rising@example.org"), "facilitator")
        db.session.commit()
        db.session.expunge_all()  # as another process would: nothing kept in memory

    assert "Cohorts" not in navigation()
    change(services.grant_role)
    assert "Cohorts" in navigation()
    change(services.revoke_role)
    assert "Cohorts" not in navigation()


# --- Session checks remembered for a few seconds --------------------------------------------


class Clock:
    """A monotonic clock the test moves by hand."""

    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


@pytest.fixture
def clock(app):
    """The app's remembered session checks, on a clock the test moves."""
    moved = Clock()
    checks = session_checks()
    checks.clock = moved
    return moved


def _selects(counter) -> int:
    return len([s for s in counter.statements if s.startswith("SELECT")])


def test_a_session_check_is_remembered_for_a_few_seconds(app, db, count_queries, clock):
    user = make_user("often@example.org", "participant", "facilitator")
    user_id = user.id
    token = fresh_token(db, user)
    assert load_user(token).id == user_id
    db.session.expunge_all()  # the next request
    with count_queries() as counter:
        again = load_user(token)
        assert again.role_names == {"participant", "facilitator"}
        assert again.name == "Pat Participant"
    assert _selects(counter) == 0
    assert again.session_token == token
    assert again in db.session and not db.session.dirty  # nothing to write back

    clock.now += app.config["SESSION_CHECK_SECONDS"]
    db.session.expunge_all()
    with count_queries() as counter:
        assert load_user(token).id == user_id
    assert _selects(counter) == 1


def test_a_remembered_user_can_be_changed_like_a_loaded_one(db, clock):
    user = make_user("edits@example.org")
    user_id = user.id
    token = fresh_token(db, user)
    load_user(token)
    db.session.expunge_all()
    remembered = load_user(token)
    services.update_profile(remembered, name="New Name", organisation="Ministry",
                            country="Barbados", job_title="Director")
    db.session.commit()
    db.session.expunge_all()
    assert db.session.get(User, user_id).name == "New Name"
    # The change was committed here: the next check asks the database again.
    assert load_user(token).name == "New Name"


def test_a_session_ended_here_stops_working_at_once(db, clock):
    token = fresh_token(db, make_user("leaving@example.org"))
    assert load_user(token) is not None
    services.end_session(token)
    db.session.commit()
    assert load_user(token) is None


def test_a_session_ended_by_another_process_stops_working_within_seconds(app, db, clock):
    token = fresh_token(db, make_user("elsewhere@example.org"))
    assert load_user(token) is not None
    db.session.rollback()
    # Another server process ends it: nothing in this one hears of it.
    with db.engine.begin() as connection:
        connection.execute(update(UserSession).values(ended_at=utcnow()))
    assert load_user(token) is not None
    clock.now += app.config["SESSION_CHECK_SECONDS"]
    assert load_user(token) is None


def test_a_role_taken_here_counts_at_once(db, clock):
    user = make_user("demoted@example.org", "participant", "facilitator")
    token = fresh_token(db, user)
    assert load_user(token).has_role("facilitator")
    db.session.expunge_all()
    services.revoke_role(services.find_user_by_email("demoted@example.org"), "facilitator")
    db.session.commit()
    db.session.expunge_all()
    assert not load_user(token).has_role("facilitator")


def test_nothing_is_remembered_when_the_setting_is_zero(app, db, count_queries):
    app.config["SESSION_CHECK_SECONDS"] = 0
    app.extensions.pop("accounts.session_checks", None)
    token = fresh_token(db, make_user("strict@example.org"))
    load_user(token)
    db.session.expunge_all()
    with count_queries() as counter:
        load_user(token)
    assert _selects(counter) == 1
