"""The job queue's rules: queued after commit, retried with backoff, failures kept for admins."""

from datetime import timedelta

import pytest
from huey.storage import RedisStorage, SqliteStorage
from sqlalchemy import select

from learning import create_app, jobs
from learning.accounts.models import utcnow
from learning.config import TestingConfig
from learning.jobs.models import FailedJob
from tests import factories
from tests.conftest import csrf_token, page

ran = []
failures = {"left": 0}


@jobs.job()
def remember(value):
    ran.append(value)


@jobs.job(retries=2)
def fragile(value):
    ran.append(value)
    if failures["left"]:
        failures["left"] -= 1
        raise RuntimeError(f"not now ({value})")


@pytest.fixture
def queue(app):
    ran.clear()
    huey = app.extensions["jobs"].huey
    huey.flush()
    yield huey
    huey.flush()
    failures["left"] = 0


def test_backoff_doubles_from_thirty_seconds_to_an_hour():
    assert [jobs.backoff_seconds(n) for n in range(1, 9)] == [
        30, 60, 120, 240, 480, 960, 1920, 3600]


def test_a_job_is_queued_when_the_transaction_commits_and_never_if_it_rolls_back(db, queue):
    jobs.after_commit(remember, "kept")
    assert ran == []
    db.session.commit()
    assert ran == ["kept"]
    jobs.after_commit(remember, "dropped")
    factories.make_user()
    db.session.rollback()
    db.session.commit()
    assert ran == ["kept"]


def test_a_failing_job_is_retried_later_and_later_then_recorded(db, queue):
    failures["left"] = 3
    fragile.enqueue("a")
    assert ran == ["a"]
    waits = []
    for _ in range(2):
        [task] = queue.scheduled()  # immediate mode keeps retries in the schedule
        waits.append(task.retry_delay)
        queue.storage.flush_schedule()
        queue.execute(task, timestamp=task.eta + timedelta(seconds=1))
    assert waits == [30, 60]
    assert ran == ["a", "a", "a"]
    assert queue.scheduled() == []
    [failed] = db.session.scalars(select(FailedJob)).all()
    assert (failed.name, failed.arguments, failed.attempts) == (
        "tests.jobs.test_jobs.fragile", '["a"]', 3)
    assert "RuntimeError: not now (a)" in failed.error


def test_admins_see_failed_jobs_and_queue_them_again(csrf_app, client, auth, db, queue):
    factories.make_user("admin@example.org", "admin", name="Ada Admin")
    db.session.add(FailedJob(name=fragile.name, arguments='["b"]', error="RuntimeError: x",
                             attempts=3, failed_at=utcnow()))
    db.session.commit()
    auth.login("admin@example.org")
    users = page(client.get("/admin/users"))
    assert users.find("a", href="/admin/jobs")
    listing = page(client.get("/admin/jobs"))
    assert "tests.jobs.test_jobs.fragile" in listing.select_one("table.failed-jobs").get_text()
    failed_id = db.session.scalar(select(FailedJob.id))
    assert client.post(f"/admin/jobs/{failed_id}/retry").status_code == 400  # no CSRF token
    response = client.post(f"/admin/jobs/{failed_id}/retry",
                           data={"csrf_token": csrf_token(client, "/admin/jobs")})
    assert response.status_code == 302
    assert ran == ["b"]
    assert db.session.scalars(select(FailedJob)).all() == []


def test_only_admins_see_failed_jobs(client, auth, db):
    factories.make_user("fac@example.org", "facilitator")
    db.session.commit()
    auth.login("fac@example.org")
    assert client.get("/admin/jobs").status_code == 403
    assert client.get("/admin/mail").status_code == 403


@pytest.mark.parametrize("redis_url", [None, "redis://127.0.0.1:6379/15"])
def test_the_queue_is_an_sqlite_file_in_the_instance_folder_or_redis(tmp_path, redis_url):
    settings = {k: getattr(TestingConfig, k) for k in dir(TestingConfig) if k.isupper()}
    app = create_app({**settings, "JOBS_IMMEDIATE": False, "INSTANCE_DIR": str(tmp_path),
                      "REDIS_URL": redis_url})
    storage = app.extensions["jobs"].huey.storage
    if redis_url:
        assert isinstance(storage, RedisStorage)
        assert storage.pool.connection_kwargs["db"] == 15
    else:
        assert isinstance(storage, SqliteStorage)
        assert storage.filename == str(tmp_path / "queue.db")
    assert set(app.extensions["jobs"].tasks) >= {
        "learning.accounts.emails.password_reset_requested",
        "learning.mail.sending.send_message", "learning.mail.sending.sweep_outbox"}
