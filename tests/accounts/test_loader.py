from sqlalchemy import update

from learning.accounts import sessions, users
from learning.accounts.loader import load_user
from learning.accounts.models import User, UserSession, utcnow
from learning.accounts.roles import grant_role, revoke_role
from tests.conftest import page
from tests.factories import make_user


def fresh_token(db, user) -> str:
    token = sessions.start_session(user)
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
    sessions.end_session(ended)
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
        action(users.find_user_by_email("rising@example.org"), "facilitator")
        db.session.commit()
        db.session.expunge_all()  # as another process would: nothing kept in memory

    assert "Cohorts" not in navigation()
    change(grant_role)
    assert "Cohorts" in navigation()
    change(revoke_role)
    assert "Cohorts" not in navigation()


def test_a_session_ended_by_another_process_stops_working_at_once(db):
    token = fresh_token(db, make_user("elsewhere@example.org"))
    assert load_user(token) is not None
    db.session.rollback()
    # Another server process ends it, on its own connection: nothing here hears of it.
    with db.engine.begin() as connection:
        connection.execute(update(UserSession).values(ended_at=utcnow()))
    assert load_user(token) is None


def test_every_check_asks_the_database(db, count_queries):
    token = fresh_token(db, make_user("strict@example.org"))
    for _ in range(3):
        db.session.expunge_all()  # the next request
        with count_queries() as counter:
            assert load_user(token) is not None
        assert len([s for s in counter.statements if s.startswith("SELECT")]) == 1
