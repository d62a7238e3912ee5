"""Work that outlives a request: a job queue (Huey), the rules jobs follow, their failures.

A job is a plain function declared with `@job()` (or `@periodic()`, run every minute and
whenever a worker starts). `create_app` builds one Huey instance per application from its
settings (`init_app`): Redis when `REDIS_URL` is set, else an SQLite file in the instance
folder (`queue.db`, or under `INSTANCE_DIR`). Under `JOBS_IMMEDIATE` (the test suite) jobs
run at once, in the process that queues them, and nothing is stored. Workers are started
with `flask --app wsgi jobs work` (`learning/jobs/cli.py`); `make run` starts one beside the
web server.

The rules every job keeps:

- **Queued after commit.** A request that causes work queues it with `after_commit(job,
  *args)`: the job is enqueued once the request's transaction commits, and never if it rolls
  back. Its arguments are ids and plain values, never objects: the job reads its subject
  again from the database.
- **Idempotent.** Huey delivers a job at most once: a worker killed in the middle of one
  loses it. What must happen therefore lives in the database (an outbox row, a status), a
  periodic job finds what is left undone and queues it again, and running a job twice
  changes nothing the second time: it re-reads its subject, does nothing if the work is
  done, takes its subject with a conditional UPDATE (so that two workers never both do it;
  `learning/jobs/subjects.py` for a subject row that is queued, then done),
  and ends cleanly, with a log line, if the subject was deleted.
- **Retried with backoff.** A job that raises is run again after 30 s, 1, 2, 4... minutes
  (`backoff_seconds`, at most an hour), `retries` times. One that fails for good is
  recorded in `FailedJob` (its name, arguments, error and when), which admins see under
  Administration → Failed jobs and can queue again. (A periodic job that fails is logged:
  it runs again the next minute.)
- **One application context per run**, and its transactions are write transactions
  (`learning.database.write_transaction`): on SQLite they take the write lock at BEGIN.
"""

import fcntl
import functools
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from flask import Flask, current_app
from huey import MemoryHuey, RedisHuey, SqliteHuey, crontab, signals
from huey.api import Huey
from sqlalchemy import event

from learning.database import Session, db, write_transaction
from learning.jobs.models import FailedJob

logger = logging.getLogger(__name__)

DEFAULT_RETRIES = 5
BACKOFF_FIRST_SECONDS = 30
BACKOFF_MAX_SECONDS = 3600
QUEUE_NAME = "learning"
_PENDING_KEY = "jobs_after_commit"


@dataclass(frozen=True)
class Job:
    """A function run by a worker: queue it with `enqueue` or `after_commit`."""

    func: Callable
    retries: int
    periodic: bool = False

    @property
    def name(self) -> str:
        return f"{self.func.__module__}.{self.func.__name__}"

    def enqueue(self, *args, delay: float | None = None) -> None:
        """Queue the job now (`delay` seconds from now); run it at once in immediate mode."""
        task = current_app.extensions["jobs"].tasks[self.name]
        if delay:
            task.schedule(args, delay=delay)
        else:
            task(*args)

    def run(self, *args):
        """Run the job here and now, in the current application context (tests, commands)."""
        return self.func(*args)


_jobs: dict[str, Job] = {}


def job(retries: int = DEFAULT_RETRIES) -> Callable[[Callable], Job]:
    """Declare a job: a function of plain arguments, following the rules above."""

    def declare(func: Callable) -> Job:
        declared = Job(func, retries)
        _jobs[declared.name] = declared
        return declared

    return declare


def periodic(retries: int = 0) -> Callable[[Callable], Job]:
    """Declare a job without arguments run every minute, and whenever a worker starts."""

    def declare(func: Callable) -> Job:
        declared = Job(func, retries, periodic=True)
        _jobs[declared.name] = declared
        return declared

    return declare


def find(name: str) -> Job | None:
    """The job declared under this name (module and function), if any."""
    return _jobs.get(name)


def backoff_seconds(attempt: int) -> int:
    """How long to wait after the attempt-th failure: 30 s, doubling, at most an hour."""
    return min(BACKOFF_FIRST_SECONDS * 2 ** max(attempt - 1, 0), BACKOFF_MAX_SECONDS)


def after_commit(declared: Job, *args) -> None:
    """Queue the job once the current transaction commits; forget it if it rolls back."""
    db.session().info.setdefault(_PENDING_KEY, []).append((declared, args))


@event.listens_for(Session, "after_commit")
def _enqueue_committed(session) -> None:
    if session.in_nested_transaction():
        return  # a SAVEPOINT released: the transaction goes on
    for declared, args in session.info.pop(_PENDING_KEY, []):
        try:
            declared.enqueue(*args)
        except Exception:  # the queue is down: the periodic jobs find the work later
            logger.exception("Could not queue %s%r after commit.", declared.name, args)


@event.listens_for(Session, "after_transaction_end")
def _forget_rolled_back(session, transaction) -> None:
    if transaction.parent is None:
        session.info.pop(_PENDING_KEY, None)


def record_failure(name: str, args: tuple, error: BaseException, attempts: int) -> None:
    """Remember a job that failed for good, for the admins' Failed jobs page."""
    with write_transaction():
        db.session.add(FailedJob(name=name, arguments=json.dumps(list(args)),
                                 error=f"{type(error).__name__}: {error}"[:4000],
                                 attempts=attempts, failed_at=datetime.now(UTC)))
        db.session.commit()


def _runner(app: Flask, declared: Job) -> Callable:
    """The task Huey runs: the job in an application context, with backoff and failures."""

    @functools.wraps(declared.func)
    def run(*args, task=None):
        with app.app_context(), write_transaction():
            try:
                return declared.func(*args)
            except Exception as error:
                db.session.rollback()
                left = task.retries if task is not None else 0
                attempt = declared.retries - left + 1
                if left:
                    task.retry_delay = backoff_seconds(attempt)
                    app.logger.warning("Job %s%r failed (attempt %d); retried in %d s: %s",
                                       declared.name, args, attempt, task.retry_delay, error)
                elif declared.periodic:
                    # It runs again at the next minute: logged, not recorded every minute.
                    app.logger.error("Periodic job %s failed: %s", declared.name, error)
                else:
                    app.logger.error("Job %s%r failed for good after %d attempts: %s",
                                     declared.name, args, attempt, error)
                    record_failure(declared.name, args, error, attempt)
                raise

    return run


def _make_huey(app: Flask) -> Huey:
    config = app.config
    if config.get("JOBS_IMMEDIATE"):
        return MemoryHuey(QUEUE_NAME, immediate=True, results=False)
    if config.get("REDIS_URL"):
        return RedisHuey(QUEUE_NAME, url=config["REDIS_URL"], results=False)
    folder = Path(config.get("INSTANCE_DIR") or app.instance_path)
    folder.mkdir(parents=True, exist_ok=True)
    # Opening the queue's file makes it (WAL mode, its tables) the first time, which SQLite
    # refuses to two processes at once ("database is locked"): gunicorn's workers booting
    # together on a new installation would fail to. One process at a time, then.
    with (folder / "queue.db.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        return SqliteHuey(QUEUE_NAME, filename=str(folder / "queue.db"), results=False,
                          fsync=True)


@dataclass
class Queue:
    """An application's Huey instance and its tasks by job name."""

    huey: Huey
    tasks: dict


def init_app(app: Flask) -> None:
    """Build the application's queue and register every declared job on it.

    Called once the domains are imported, so that their jobs are declared.
    """
    huey = _make_huey(app)
    tasks = {}
    for declared in _jobs.values():
        runner = _runner(app, declared)
        if declared.periodic:
            tasks[declared.name] = huey.periodic_task(
                crontab(), retries=declared.retries, context=True)(runner)
        else:
            tasks[declared.name] = huey.task(retries=declared.retries, context=True)(runner)

    @huey.signal(signals.SIGNAL_INTERRUPTED)
    def _requeue_interrupted(signal, task, *args, **kwargs):
        # A worker stopped in the middle of a job (SIGTERM): queued again, not lost.
        huey.enqueue(task)

    app.extensions["jobs"] = Queue(huey, tasks)


def periodic_jobs() -> list[Job]:
    """The periodic jobs, which a starting worker runs once at once."""
    return [declared for declared in _jobs.values() if declared.periodic]
