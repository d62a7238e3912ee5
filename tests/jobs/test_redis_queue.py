"""The job queue on Redis (REDIS_URL set), with real processes: what the app queues, a worker runs.

The queue file's path is tested end to end in test_worker_killed.py; this is the same path
through Redis: an email written and committed in the app is queued in Redis, a separate
`flask jobs work` process over the same settings takes it and sends it to a real SMTP server
on loopback, and the queue is left empty. Skipped where no Redis answers (CI has one).
"""

import os

import pytest
import redis

from learning.database import db
from learning.mail import services as mail
from tests.jobs.test_worker_killed import queueing_app, start_worker, status, wait_for

pytestmark = pytest.mark.slow

# A database of Redis's own for this test (test_two_servers.py uses 15 for rate limits).
REDIS_URL = os.environ.get("TEST_REDIS_QUEUE_URL", "redis://127.0.0.1:6379/14")


@pytest.fixture
def redis_queue_app(tmp_path):
    """An application queueing into Redis, over the suite's database (or an SQLite file)."""
    try:
        redis.Redis.from_url(REDIS_URL).ping()
    except redis.ConnectionError:
        pytest.skip("Redis is not running at " + REDIS_URL)
    with queueing_app(tmp_path, REDIS_URL=REDIS_URL) as (app, url):
        huey = app.extensions["jobs"].huey
        huey.flush()  # what an earlier, interrupted run may have left
        yield app, url
        huey.flush()


def test_a_message_queued_in_redis_is_sent_by_a_worker(redis_queue_app, smtp_server, tmp_path):
    app, url = redis_queue_app
    huey = app.extensions["jobs"].huey
    assert type(huey.storage).__name__ == "RedisStorage"
    with app.app_context():
        message = mail.queue_mail("pat@example.org", "Hello", "Through Redis.", "reminder")
        assert huey.pending_count() == 0  # nothing is queued before the commit
        db.session.commit()
        message_id, header = message.id, message.message_id
    assert [type(task).__name__ for task in huey.pending()] == ["send_message"]
    assert status(app, message_id) == ("pending", 0)

    log = tmp_path / "worker.log"
    worker = start_worker(url, tmp_path, smtp_server, log, REDIS_URL=REDIS_URL)
    try:
        wait_for(lambda: status(app, message_id)[0] == "sent", "sending the message", log)
        wait_for(lambda: "send_message" not in
                 " ".join(type(task).__name__ for task in huey.pending()),
                 "the queue emptying", log)
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    assert status(app, message_id) == ("sent", 1)
    assert [m["Message-ID"] for m in smtp_server.messages] == [header]
    # The worker took it from Redis, not from a queue file of its own.
    assert not (tmp_path / "queue.db").exists()
