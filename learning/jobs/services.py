"""The admins' view of the job queue: the jobs that failed for good, and queueing them again."""

import json

from flask_babel import gettext as _
from sqlalchemy import Select, delete, select

from learning import jobs
from learning.database import db
from learning.jobs.models import FailedJob


class UnknownJobError(LookupError):
    """The failed job names a job this version of the application no longer has."""


def failed_jobs() -> Select:
    """The failed jobs, the latest first (for a paginated page)."""
    return select(FailedJob).order_by(FailedJob.failed_at.desc(), FailedJob.id.desc())


def retry(failed: FailedJob) -> None:
    """Queue a failed job again, with the same arguments, once the caller commits.

    The record goes: if the job fails for good again, a new one is written.
    """
    declared = jobs.find(failed.name)
    if declared is None:
        raise UnknownJobError(_("There is no job %(name)s any more: it cannot be run again.",
                                name=failed.name))
    jobs.after_commit(declared, *json.loads(failed.arguments))
    db.session.execute(delete(FailedJob).where(FailedJob.id == failed.id))
