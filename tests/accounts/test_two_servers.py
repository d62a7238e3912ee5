"""Ending a session or taking a role away counts at once on every server, not just the one
that did it: two gunicorn processes over one database, CSRF on, as in production."""

import os

import pytest
import redis
from sqlalchemy import select

from learning import create_app
from learning.accounts.models import User, UserRole
from learning.config import TestingConfig
from learning.database import db
from tests import factories
from tests.servers import Visitor, servers

# Each test starts gunicorn processes and waits for them to serve.
pytestmark = pytest.mark.slow


@pytest.fixture
def shared_database(tmp_path):
    """The suite's database (or an SQLite file), with three accounts, for server processes."""
    url = os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{tmp_path / 'shared.db'}"
    app = create_app({**{k: getattr(TestingConfig, k) for k in dir(TestingConfig)
                         if k.isupper()}, "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        db.drop_all()
        db.create_all()
        factories.make_user("pat@example.org")
        factories.make_user("boss@example.org", "admin", name="Bo Boss")
        factories.make_user("other@example.org", "admin", name="Olu Other")
        db.session.commit()
        db.session.remove()
    yield app, url
    with app.app_context():
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


@pytest.fixture
def two_servers(shared_database, tmp_path):
    app, url = shared_database
    with servers(url, count=2, instance=tmp_path) as urls:
        yield app, urls


def signed_in(base: str, email: str) -> Visitor:
    visitor = Visitor()
    status, _ = visitor.submit(f"{base}/sign-in", f"{base}/sign-in",
                               {"email": email, "password": factories.DEFAULT_PASSWORD})
    assert status == 302
    assert visitor.get(f"{base}/profile")[0] == 200
    return visitor


def user_id(app, email: str) -> int:
    with app.app_context():
        return db.session.scalar(select(User.id).where(User.email == email))


def test_a_copied_cookie_stops_working_everywhere_the_moment_its_session_ends(two_servers):
    _, (first, second) = two_servers
    pat = signed_in(first, "pat@example.org")
    stolen = pat.copy()
    assert stolen.get(f"{second}/profile")[0] == 200  # the second server knows the session

    status, _ = pat.submit(f"{first}/profile", f"{first}/sign-out", {})
    assert status == 302

    status, _ = stolen.get(f"{second}/profile")
    assert status == 302  # to the sign-in page: not a moment later, the very next request
    assert stolen.get(f"{first}/profile")[0] == 302


def test_a_role_taken_away_on_one_server_is_gone_on_the_other_at_once(two_servers):
    app, (first, second) = two_servers
    boss = signed_in(first, "boss@example.org")
    other = signed_in(second, "other@example.org")
    boss_id, pat_id = user_id(app, "boss@example.org"), user_id(app, "pat@example.org")
    assert boss.get(f"{first}/admin/users/{pat_id}")[0] == 200

    status, _ = other.submit(f"{second}/admin/users/{boss_id}",
                             f"{second}/admin/users/{boss_id}/roles/admin/revoke", {})
    assert status == 302

    # At once, on the server that did not make the change: no admin page, no admin action.
    assert boss.get(f"{first}/admin/users/{pat_id}")[0] == 403
    status, _ = boss.submit(f"{first}/profile",
                            f"{first}/admin/users/{pat_id}/roles/admin/grant", {})
    assert status == 403
    with app.app_context():
        roles = set(db.session.scalars(select(UserRole.role).where(UserRole.user_id == pat_id)))
    assert roles == {"participant"}


def test_a_password_change_signs_out_the_other_sessions_on_every_server(two_servers):
    _, (first, second) = two_servers
    laptop = signed_in(first, "pat@example.org")
    phone = signed_in(second, "pat@example.org")

    new_password = "a much longer passphrase for pat"
    status, _ = laptop.submit(f"{first}/profile/password", f"{first}/profile/password", {
        "current_password": factories.DEFAULT_PASSWORD, "password": new_password,
        "confirm": new_password})
    assert status == 302

    assert phone.get(f"{second}/profile")[0] == 302
    assert laptop.get(f"{first}/profile")[0] == 200


REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


@pytest.fixture
def redis_shared(shared_database, tmp_path):
    """Two servers sharing the database and, for their rate limits, Redis."""
    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.ConnectionError:
        if os.environ.get("CI"):
            raise
        pytest.skip("Redis is not running at " + REDIS_URL)
    client.flushdb()
    app, url = shared_database
    environment = {"REDIS_URL": REDIS_URL, "SIGN_IN_ACCOUNT_RATE_LIMIT": "3 per minute"}
    with servers(url, count=2, instance=tmp_path, environment=environment) as urls:
        yield app, urls
    client.flushdb()


def test_a_session_made_on_one_server_works_on_the_other(two_servers):
    _, (first, second) = two_servers
    visitor = signed_in(first, "pat@example.org")
    assert visitor.get(f"{second}/profile")[0] == 200


def test_guesses_at_one_account_count_across_both_servers(redis_shared):
    _, (first, second) = redis_shared
    guess = {"email": "pat@example.org", "password": "not the password"}
    statuses = [Visitor().submit(f"{base}/sign-in", f"{base}/sign-in", guess)[0]
                for base in (first, second, first, second)]
    assert statuses == [200, 200, 200, 429]
