"""Importing a checked roster in a job: accounts made and invitations written, once.

The request checks the whole file (`roster.read_roster`), stores its good rows in a
`RosterImport` and queues `import_roster_rows` as it commits. The job does everything in
one transaction, which it opens by taking the import with a conditional UPDATE (queued to
done): a second worker, or the same job run again after a crash, finds it taken or still
queued and, re-running from the start, makes nothing twice, since each row's account is
looked up by email before it is made (and the address is unique). An import still queued
a while after it was stored (its job lost with a worker, or never queued) is queued again by
`requeue_stalled_imports`, every minute.
"""

import json
from dataclasses import asdict
from datetime import timedelta

from flask import current_app

from learning import jobs
from learning.accounts.models import utcnow
from learning.cohorts.models import Cohort, RosterImport
from learning.database import db
from learning.jobs.subjects import still_queued, take_queued
from learning.studio import roster

# How long an import may stay queued before it counts as lost and is queued again.
STALLED_AFTER = timedelta(minutes=10)


def queue_import(cohort: Cohort, people: list[roster.Person], by) -> RosterImport:
    """Store a checked roster's rows and queue their import once the caller commits."""
    record = RosterImport(cohort_id=cohort.id, created_by_id=by.id, status="queued",
                          total=len(people), invited=0, already=0,
                          rows=json.dumps([asdict(person) for person in people]))
    db.session.add(record)
    db.session.flush()
    jobs.after_commit(import_roster_rows, record.id)
    return record


@jobs.job()
def import_roster_rows(import_id: int) -> None:
    """Make the accounts and write the invitations of a stored roster, once."""
    if not take_queued(RosterImport, import_id, finished_at=utcnow()):
        current_app.logger.info("Roster import %s is gone or done already: nothing to do.",
                                import_id)
        return
    record = db.session.get(RosterImport, import_id)
    people = [roster.Person(**row) for row in json.loads(record.rows)]
    report = roster.import_roster(record.cohort, people)
    roster.send_invitations(record.cohort, report.created, report.existing)
    record.invited, record.already = report.invited, report.already
    db.session.commit()


@jobs.periodic()
def requeue_stalled_imports() -> None:
    """Queue again each import still queued STALLED_AFTER after it was stored."""
    for import_id in still_queued(RosterImport, RosterImport.created_at, STALLED_AFTER):
        current_app.logger.warning("Roster import %s is still queued: queued again.",
                                   import_id)
        import_roster_rows.enqueue(import_id)
