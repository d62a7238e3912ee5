"""A worker killed in the middle of a job: a new worker finishes the work, exactly once.

Real processes: `flask jobs work` on an SQLite queue file, over the suite's database (or an
SQLite file), sending to a real SMTP server on loopback that holds the message in DATA
until the test lets it go. The first worker is killed with SIGKILL while the server holds
the message (Huey loses the job it was running); the second, started with a claim timeout
of zero, finds the message it left "sending", sends it, and sending it again does nothing.
"""

import os
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

from learning import create_app
from learning.config import ROOT, TestingConfig
from learning.database import db
from learning.mail import sending
from learning.mail import services as mail
from learning.mail.models import OutboxMessage
from tests.mailbox import SMTPServer

pytestmark = pytest.mark.slow

WAIT_SECONDS = 60


@contextmanager
def queueing_app(tmp_path, **settings):
    """The suite's database (or an SQLite file) and an application queueing for real: (app, url).

    The tables are made for the test and dropped after it, so that worker processes over
    the same database see its commits.
    """
    url = os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{tmp_path / 'shared.db'}"
    app = create_app({**{k: getattr(TestingConfig, k) for k in dir(TestingConfig)
                         if k.isupper()},
                      "SQLALCHEMY_DATABASE_URI": url, "JOBS_IMMEDIATE": False,
                      "INSTANCE_DIR": str(tmp_path), **settings})
    with app.app_context():
        db.drop_all()
        db.create_all()
        db.session.remove()
    try:
        yield app, url
    finally:
        with app.app_context():
            db.session.remove()
            db.drop_all()
            db.engine.dispose()


@pytest.fixture
def shared_database(tmp_path):
    with queueing_app(tmp_path) as found:
        yield found


@pytest.fixture
def smtp_server():
    server = SMTPServer()
    server.start()
    yield server
    server.hold.clear()
    server.stop()


def start_worker(url, folder: Path, server: SMTPServer, log: Path, **settings):
    env = {**os.environ}
    env.pop("REDIS_URL", None)  # the queue file, unless the test names a Redis of its own
    env.update({"DATABASE_URL": url, "INSTANCE_PATH": str(folder),
                "LEARNING_ENV": "development", "MAIL_SERVER": "127.0.0.1",
                "MAIL_PORT": str(server.port), "MAIL_USE_TLS": "false",
                "MAIL_SENDER": "no-reply@learning.example.org", **settings})
    with log.open("a") as output:  # the worker writes to its own copy of the file
        return subprocess.Popen(  # noqa: S603 - our own worker, fixed arguments
            [str(Path(sys.executable).parent / "flask"), "--app", "wsgi", "jobs", "work",
             "--workers", "1"], cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT)


def wait_for(condition, what: str, log: Path):
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"{what} did not happen; the workers said:\n{log.read_text()}")


def huey_pending(app) -> str:
    """The names of the jobs waiting in the queue file."""
    return " ".join(type(task).__name__ for task in app.extensions["jobs"].huey.pending())


def status(app, message_id):
    with app.app_context():
        message = db.session.get(OutboxMessage, message_id)
        return message.status, message.attempts


def test_a_worker_killed_mid_send_leaves_the_message_to_the_next_exactly_once(
        shared_database, smtp_server, tmp_path):
    app, url = shared_database
    log = tmp_path / "workers.log"
    smtp_server.hold.set()
    first = start_worker(url, tmp_path, smtp_server, log)
    try:
        with app.app_context():
            message = mail.queue_mail("pat@example.org", "Hello", "Once only.", "reminder")
            db.session.commit()  # queued into queue.db after the commit
            message_id, message_header = message.id, message.message_id
        wait_for(smtp_server.entered.is_set, "the first worker reaching DATA", log)
        first.send_signal(signal.SIGKILL)
    finally:
        first.kill()
        first.wait(timeout=30)
    assert status(app, message_id) == ("sending", 1)
    smtp_server.drop_held = True  # what the killed worker sent never counts as accepted
    smtp_server.hold.clear()
    time.sleep(0.2)
    smtp_server.drop_held = False

    second = start_worker(url, tmp_path, smtp_server, log, MAIL_CLAIM_TIMEOUT_SECONDS="0",
                          MAIL_SWEEP_AFTER_SECONDS="0")
    try:
        wait_for(lambda: status(app, message_id)[0] == "sent", "sending the message", log)
        assert status(app, message_id) == ("sent", 2)
        nothing_to_do = f"Message {message_id} is not pending"
        wait_for(lambda: "sweep_outbox" not in huey_pending(app), "the sweeps", log)
        before = log.read_text().count(nothing_to_do)
        with app.app_context():
            sending.send_message.enqueue(message_id)  # once more: nothing to do
        wait_for(lambda: log.read_text().count(nothing_to_do) > before, "the last run", log)
    finally:
        second.send_signal(signal.SIGINT)
        second.wait(timeout=30)
    assert [m["Message-ID"] for m in smtp_server.messages] == [message_header]
