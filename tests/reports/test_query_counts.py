"""Report pages make the same number of SQL statements for 50 participants as for 500."""

import pytest

from tests.reports.conftest import add_participants, certify, every_item, record, required

PAGES = [
    "/reports/cohorts/{id}",
    "/reports/cohorts/{id}/participants",
    "/reports/cohorts/{id}/participants?status=in_progress&sort=progress&dir=desc",
    "/reports/cohorts/{id}/participants?country=Barbados&q=participant&sort=last_activity",
    "/reports/cohorts/{id}/participants?page=3",
    "/reports/cohorts/{id}/breakdowns",
    "/reports/cohorts/{id}/stalls",
]


def grow(world, start, count):
    """`count` participants with a spread of progress: a fifth complete and certified."""
    one, two, _ = world.modules
    ids = add_participants(world.cohort, count, start=start,
                           country=lambda n: "Barbados" if n % 2 else "Jamaica")
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
