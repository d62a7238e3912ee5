"""`flask jobs work`: a worker that runs queued jobs until stopped.

SIGINT stops it once the jobs at hand are done; SIGTERM at once, the jobs at hand queued
again.
"""

import logging

import click
from flask import current_app
from flask.cli import AppGroup

from learning import jobs

jobs_cli = AppGroup("jobs", help="Run the job queue's workers.")

# The longest a worker waits between two looks at an empty queue.
POLL_MAX_SECONDS = 1.0


@jobs_cli.command("work")
@click.option("--workers", default=2, show_default=True,
              help="Jobs run at once by this process (threads).")
def work(workers: int) -> None:
    """Run queued jobs until stopped; the periodic ones each minute and once at start."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
    queue = current_app.extensions["jobs"]
    if queue.huey.immediate:
        raise click.UsageError("JOBS_IMMEDIATE is set: jobs run where they are queued.")
    # Work left undone by a worker that died (Huey loses the job it was running) is found
    # by the periodic jobs: run them now rather than at the next minute.
    for declared in jobs.periodic_jobs():
        declared.enqueue()
    consumer = queue.huey.create_consumer(workers=workers, max_delay=POLL_MAX_SECONDS)
    consumer.run()
