"""The account rules, called without a request."""

import logging
import smtplib

import pytest

from learning.accounts import links, roles, sessions, signing_in, users
from learning.accounts.errors import (
    EmailTakenError,
    InvalidResetLinkError,
    LastAdminError,
    RoleError,
)
from learning.accounts.models import UserSession, hash_token
from learning.database import db
from learning.mail import services as mail
from tests.conftest import DEFAULT_PASSWORD
from tests.factories import make_user
from tests.mailbox import outbox


@pytest.mark.parametrize("target", [
    "/", "/profile", "/cohorts/join?code=ABC", "/courses/x#top", "/a//b",
])
def test_safe_next_accepts_paths_on_this_site(target):
    assert signing_in.safe_next(target) == target


@pytest.mark.parametrize("target", [
    None, "", "//evil.example", "///evil.example", "https://evil.example", "http:/evil",
    "/\\evil.example", "\\\\evil.example", "evil.example", "javascript:alert(1)",
    "/ok\nLocation: x", "/ok\x00", "/" + "a" * 2000,
])
def test_safe_next_refuses_anything_else(target):
    assert signing_in.safe_next(target) is None


def test_authenticate(db):
    user = make_user("pat@example.org")
    assert signing_in.authenticate("Pat@Example.org", DEFAULT_PASSWORD) is user
    assert signing_in.authenticate("pat@example.org", "wrong wrong wrong") is None
    assert signing_in.authenticate("nobody@example.org", DEFAULT_PASSWORD) is None


def test_sessions_start_and_end(db):
    user = make_user()
    first = sessions.start_session(user)
    second = sessions.start_session(user)
    assert user.session_token == second
    sessions.end_sessions(user, keep_token=second)
    db.session.flush()
    db.session.expire_all()
    by_hash = {s.token_hash: s for s in db.session.scalars(db.select(UserSession))}
    assert by_hash[hash_token(first)].ended_at is not None
    assert by_hash[hash_token(second)].ended_at is None
    sessions.end_session(second)
    db.session.expire_all()
    assert by_hash[hash_token(second)].ended_at is not None


def test_grant_role_is_idempotent(db):
    user = make_user()
    assert roles.grant_role(user, "facilitator") is True
    assert roles.grant_role(user, "facilitator") is False
    assert sorted(r.role for r in user.roles) == ["facilitator", "participant"]


def test_unknown_roles_are_refused(db):
    user = make_user()
    with pytest.raises(RoleError):
        roles.grant_role(user, "owner")
    with pytest.raises(RoleError):
        roles.revoke_role(user, "owner")


def test_revoke_role(db):
    user = make_user("pat@example.org", "participant", "manager")
    assert roles.revoke_role(user, "manager") is True
    assert roles.revoke_role(user, "manager") is False
    assert user.role_names == {"participant"}


def test_the_last_active_admin_cannot_lose_the_role(db):
    admin = make_user("admin@example.org", "admin")
    with pytest.raises(LastAdminError):
        roles.revoke_role(admin, "admin")
    # An inactive admin does not count as someone who can still administer.
    make_user("gone@example.org", "admin", is_active=False)
    with pytest.raises(LastAdminError):
        roles.revoke_role(admin, "admin")
    make_user("other@example.org", "admin")
    assert roles.revoke_role(admin, "admin") is True
    assert admin.role_names == set()


def test_create_user_refuses_a_taken_email(db):
    make_user("pat@example.org")
    with pytest.raises(EmailTakenError):
        users.create_user(email="PAT@example.org", name="Pat", password=DEFAULT_PASSWORD)


def test_reset_token_round_trip_and_single_use(app, db):
    user = make_user()
    token = links.password_reset_token(user)
    assert links.user_for_reset_token(token) is user
    links.reset_password(user, "a brand new passphrase here")
    with pytest.raises(InvalidResetLinkError) as raised:
        links.user_for_reset_token(token)
    assert raised.value.expired is False


def send_mail(to: str, subject: str, body: str) -> None:
    """Write a message to the outbox and commit: its job sends it (immediate in the tests)."""
    mail.queue_mail(to, subject, body, "reminder")
    db.session.commit()


def test_in_development_mail_goes_to_the_log_without_a_mail_server(app, caplog):
    app.config.update(TESTING=False, ENV_NAME="development", MAIL_SERVER=None)
    with caplog.at_level(logging.INFO, logger=app.logger.name):
        send_mail("pat@example.org", "Subject line", "Body with a link")
    assert caplog.records[-1].levelno >= logging.WARNING
    assert "pat@example.org" in caplog.text
    assert "Body with a link" in caplog.text


def test_elsewhere_a_missing_mail_server_is_an_error_that_keeps_the_body_out(app, caplog):
    app.config.update(TESTING=False, ENV_NAME="production", MAIL_SERVER=None)
    with caplog.at_level(logging.INFO, logger=app.logger.name):
        send_mail("pat@example.org", "Subject line", "Body with a secret link")
    assert caplog.records[-1].levelno == logging.ERROR
    assert "not sent" in caplog.text
    assert "secret link" not in caplog.text


class FakeSMTP:
    sent = []

    def __init__(self, host, port, timeout=None, **kwargs):
        self.calls = [("connect", host, port)]

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        FakeSMTP.sent.append(self.calls)

    def starttls(self, context=None):
        self.calls.append(("starttls",))

    def login(self, username, password):
        self.calls.append(("login", username, password))

    def send_message(self, message):
        self.calls.append(("send", message["From"], message["To"], message["Subject"],
                           message.get_content().strip()))


def test_mail_goes_through_smtp_when_configured(app, monkeypatch):
    FakeSMTP.sent = []
    monkeypatch.setattr(smtplib, "SMTP", FakeSMTP)
    app.config.update(
        TESTING=False, MAIL_SERVER="smtp.example.org", MAIL_PORT=587, MAIL_USE_TLS=True,
        MAIL_USERNAME="mailer", MAIL_PASSWORD="secret", MAIL_SENDER="learning@example.org",
    )
    send_mail("pat@example.org", "Subject line", "Body")
    assert FakeSMTP.sent == [[
        ("connect", "smtp.example.org", 587),
        ("starttls",),
        ("login", "mailer", "secret"),
        ("send", "learning@example.org", "pat@example.org", "Subject line", "Body"),
    ]]


def test_a_mail_server_outage_is_kept_in_the_outbox_not_shown(client, db, mail_on):
    make_user("pat@example.org")
    db.session.commit()
    mail_on.stop()
    response = client.post("/password-reset", data={"email": "pat@example.org"})
    assert response.status_code == 302
    [row] = outbox.rows()
    assert row.status == "pending"
    assert "ConnectionRefusedError" in row.last_error
    mail_on.start()
