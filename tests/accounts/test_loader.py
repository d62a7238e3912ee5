from learning.accounts import services
from learning.accounts.loader import load_user
from learning.accounts.models import User
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
