"""The outbox: written with what causes it, sent by a job after commit, once, to a real server."""

import logging
from datetime import timedelta

import pytest
from sqlalchemy import update

from learning import jobs
from learning.accounts import emails
from learning.database import db as _db
from learning.mail import sending
from learning.mail import services as mail
from learning.mail.models import OutboxMessage
from tests import factories
from tests.mailbox import outbox


def queue_one(to="pat@example.org") -> int:
    message = mail.queue_mail(to, "Hello", "A body with a link.", "reminder")
    _db.session.commit()
    return message.id


def row(message_id) -> OutboxMessage:
    _db.session.expire_all()
    return _db.session.get(OutboxMessage, message_id)


def test_a_reset_request_writes_one_row_and_the_job_delivers_one_message(client, db, mail_on):
    factories.make_user("pat@example.org")
    db.session.commit()
    response = client.post("/password-reset", data={"email": "Pat@Example.org"})
    assert response.status_code == 302
    [written] = outbox.rows()
    assert (written.recipient, written.kind, written.status, written.attempts) == (
        "pat@example.org", "password_reset", "sent", 1)
    [delivered] = mail_on.messages
    assert delivered["To"] == "pat@example.org"
    assert delivered["Subject"] == "Reset your password"
    assert delivered["Message-ID"] == written.message_id
    assert "/password-reset/" in delivered.get_payload()


def test_a_refused_address_fails_at_once_with_the_server_answer(db, mail_on):
    mail_on.refused.add("nobody@example.org")
    message_id = queue_one("nobody@example.org")
    failed = row(message_id)
    assert (failed.status, failed.attempts) == ("failed", 1)
    assert "550" in failed.last_error and "User unknown" in failed.last_error
    assert mail_on.messages == []


def test_an_outage_leaves_the_row_pending_and_a_later_run_sends_it_once(db, mail_on):
    mail_on.stop()
    message_id = queue_one()
    waiting = row(message_id)
    assert (waiting.status, waiting.attempts) == ("pending", 1)
    assert "ConnectionRefusedError" in waiting.last_error
    assert waiting.due_at > waiting.created_at  # tried again later, not at once

    mail_on.start()
    sending.sweep_outbox.run()  # not due yet: nothing goes
    assert mail_on.messages == []
    db.session.execute(update(OutboxMessage).values(due_at=waiting.due_at - timedelta(hours=1)))
    db.session.commit()
    sending.sweep_outbox.run()
    sending.sweep_outbox.run()
    sending.send_message.run(message_id)
    assert len(mail_on.messages) == 1
    sent = row(message_id)
    assert (sent.status, sent.attempts, sent.last_error) == ("sent", 2, "")


def test_after_the_last_attempt_the_row_is_failed(app, db, mail_on):
    app.config["MAIL_MAX_ATTEMPTS"] = 1
    mail_on.stop()
    failed = row(queue_one())
    assert (failed.status, failed.attempts) == ("failed", 1)
    assert "ConnectionRefusedError" in failed.last_error
    mail_on.start()


def test_a_rolled_back_transaction_sends_nothing(db, mail_on):
    mail.queue_mail("pat@example.org", "Hello", "Body", "reminder")
    db.session.rollback()
    factories.make_user("olu@example.org")
    db.session.commit()  # a later commit does not send what was rolled back
    assert outbox.rows() == []
    assert mail_on.messages == []


def test_two_workers_never_both_take_a_message(db):
    message = mail.queue_mail("pat@example.org", "Hello", "Body", "reminder")
    db.session.flush()
    db.session.commit()  # mail is off: the job marks it failed
    db.session.execute(update(OutboxMessage).values(status="pending"))
    db.session.commit()
    assert sending.claim(message.id) is not None
    assert sending.claim(message.id) is None
    sending.send_message.run(message.id)  # taken: nothing to do
    assert row(message.id).status == "sending"


def test_a_deleted_message_ends_the_job_cleanly(db, caplog):
    caplog.set_level(logging.INFO, "learning.mail.sending")
    sending.send_message.run(12345)
    assert "Message 12345 is not pending" in caplog.text


def test_with_mail_off_the_row_is_kept_and_marked_not_sent(app, db, caplog):
    app.config["ENV_NAME"] = "development"
    message_id = queue_one()
    kept = row(message_id)
    assert (kept.status, kept.last_error) == ("failed", sending.MAIL_OFF)
    assert "A body with a link." in caplog.text  # development: the log has the message


def test_a_failed_message_sent_again_goes_once_mail_is_on(app, db, smtp_server):
    message_id = queue_one()
    assert row(message_id).status == "failed"
    app.config.update(smtp_server.settings())
    assert mail.retry(row(message_id))
    db.session.commit()
    assert row(message_id).status == "sent"
    assert not mail.retry(row(message_id))  # no longer failed
    assert len(smtp_server.messages) == 1


def test_a_reset_request_does_the_same_work_whether_or_not_the_account_exists(
        client, db, count_queries, monkeypatch):
    factories.make_user("pat@example.org")
    factories.make_user("gone@example.org", is_active=False)
    db.session.commit()
    queued = []
    monkeypatch.setattr(jobs.Job, "enqueue",
                        lambda job, *args, delay=None: queued.append((job.name, args)))
    works = []
    for email in ("pat@example.org", "nobody@example.org", "gone@example.org"):
        with count_queries() as counter:
            response = client.post("/password-reset", data={"email": email})
        assert response.status_code == 302
        works.append(counter.statements)
    assert works[0] == works[1] == works[2]
    assert queued == [(emails.password_reset_requested.name, (email,))
                      for email in ("pat@example.org", "nobody@example.org",
                                    "gone@example.org")]


@pytest.mark.parametrize("email", ["nobody@example.org", "gone@example.org"])
def test_the_reset_job_writes_nothing_for_an_address_without_an_active_account(db, email):
    factories.make_user("gone@example.org", is_active=False)
    db.session.commit()
    emails.password_reset_requested.run(email)
    assert outbox.rows() == []
