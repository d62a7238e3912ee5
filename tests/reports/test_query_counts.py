"""Report pages make the same number of SQL statements for 50 participants as for 500."""

from datetime import timedelta

import pytest
from sqlalchemy import insert, select

from learning.accounts.models import User
from tests.conftest import page
from tests.reports.conftest import (
    START,
    add_participants,
    certify,
    every_item,
    record,
    required,
)

PAGES = [
    "/reports/cohorts/{id}",
    "/reports/cohorts/{id}/participants",
    "/reports/cohorts/{id}/participants?status=in_progress&sort=progress&dir=desc",
    "/reports/cohorts/{id}/participants?country=BB&q=participant&sort=last_activity",
    "/reports/cohorts/{id}/participants?page=3",
    "/reports/cohorts/{id}/breakdowns",
    "/reports/cohorts/{id}/stalls",
]


def grow(world, start, count):
    """`count` participants with a spread of progress: a fifth complete and certified."""
    one, two, _ = world.modules
    ids = add_participants(world.cohort, count, start=start,
                           country=lambda n: "BB" if n % 2 else "JM")
    fifth = len(ids) // 5
    record(ids[:fifth], required(one) + required(two))
    record(ids[fifth:2 * fifth], every_item(one))
    record(ids[2 * fifth:3 * fifth], [two.items[0]], status="in_progress")
    certify(ids[:fifth], world.course, world.cohort.created_at)
    return ids


@pytest.mark.parametrize("path", PAGES)
def test_report_pages_make_as_many_queries_at_50_as_at_500(client, db, world, sign_in_as,
                                                           count_queries, path):
    sign_in_as("manager")
    path = path.format(id=world.cohort.id)
    counts = []
    for start, count in ((0, 50), (50, 450)):
        grow(world, start, count)
        db.session.commit()
        client.get(path)  # warm: the first request loads what later ones find cached
        with count_queries() as counter:
            response = client.get(path)
        assert response.status_code == 200
        counts.append(counter.count)
    assert counts[0] == counts[1], counts
    assert counts[0] > 3  # the page did ask the database


def submit_in_bulk(world, user_ids, phase):
    """Submitted responses to module one's instrument, inserted in bulk, a second apart."""
    from learning.assessments import answering, asked
    from learning.assessments.models import Answer, Response
    from learning.database import db

    instrument = world.modules[0].items[2].instrument
    snapshot = asked.snapshot(instrument)
    keys = answering.statement_keys(snapshot)
    # The groups an answer counts in are recorded with it, from the profile at submission.
    profiles = {row.id: row for row in db.session.execute(
        select(User.id, User.country, User.organisation).where(User.id.in_(user_ids)))}
    rows = [{"user_id": user_id, "instrument_id": instrument.id, "phase": phase,
             "status": "submitted", "version": instrument.version, "snapshot": snapshot,
             "country": profiles[user_id].country,
             "organisation": profiles[user_id].organisation,
             "started_at": START, "updated_at": START,
             "submitted_at": START + timedelta(seconds=n), "is_baseline": phase == "before"}
            for n, user_id in enumerate(user_ids)]
    db.session.execute(insert(Response), rows)
    responses = db.session.scalars(select(Response.id).where(
        Response.instrument_id == instrument.id, Response.phase == phase,
        Response.user_id.in_(user_ids))).all()
    db.session.execute(insert(Answer), [
        {"response_id": response_id, "statement_key": key, "value": 1 + (response_id + n) % 5}
        for response_id in responses for n, key in enumerate(keys)])


def test_the_mindset_page_makes_as_many_queries_at_50_answers_as_at_600(
        client, db, world, sign_in_as, count_queries):
    world.modules[0].items[2].instrument.is_before_after = True
    # Budget enough for a release at every milestone: the counted view reads the ledger.
    client.application.config.update(ASSESSMENT_EPSILON=1e7, ASSESSMENT_RELEASE_EPSILON=1e6)
    sign_in_as("manager")
    path = f"/reports/cohorts/{world.cohort.id}/mindset"
    counts = []
    for start, count in ((0, 50), (50, 550)):  # past 500: a batched IN load would split
        ids = add_participants(world.cohort, count, start=start,
                               country=lambda n: "BB" if n % 2 else "JM")
        submit_in_bulk(world, ids, "before")
        submit_in_bulk(world, ids, "after")
        db.session.commit()
        for query in ("", "?country=BB"):
            client.get(path + query)
            with count_queries() as counter:
                response = client.get(path + query)
            assert response.status_code == 200
            assert page(response).select("table.mindset tbody tr")  # figures were shown
            counts.append(counter.count)
    assert counts[:2] == counts[2:], counts
