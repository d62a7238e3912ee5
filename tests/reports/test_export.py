"""The CSV export: exactly what the filters show, streamed, safe to open in a spreadsheet."""

import csv
import io
from datetime import UTC, datetime
from types import SimpleNamespace

import pytest

from learning.reports import exporting
from learning.time_zones import local_date
from tests.conftest import page
from tests.reports.conftest import add_participants, record, required


def rows_of(response):
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


@pytest.fixture
def hostile(db, world):
    """Participants whose details a spreadsheet would run as formulas."""
    names = ["=HYPERLINK(\"http://evil\")", "+1+1", "-2+3", "@SUM(A1)", "\tTabbed",
             "\rReturned", "Plain Name"]
    ids = add_participants(world.cohort, len(names), name=lambda n: names[n],
                           organisation=lambda n: "=cmd|' /C calc'!A0" if n == 0 else "Office",
                           country="BB")
    record(ids[:1], required(world.modules[0]))
    db.session.commit()
    return ids


@pytest.mark.parametrize(("name", "zone", "moment", "expected"), [
    ("Demo cohort", "America/Barbados", datetime(2026, 12, 7, 2, 30, tzinfo=UTC),
     "demo-cohort-participants-2026-12-06.csv"),  # still the 6th in Barbados
    ("Cohorte Économie 2026", "UTC", datetime(2026, 12, 7, 2, 30, tzinfo=UTC),
     "cohorte-economie-2026-participants-2026-12-07.csv"),
    ("¿?", "UTC", datetime(2026, 1, 2, tzinfo=UTC), "cohort-participants-2026-01-02.csv"),
])
def test_an_export_is_named_after_its_cohort_and_day(name, zone, moment, expected):
    cohort = SimpleNamespace(name=name, time_zone=zone)
    assert exporting.file_name(cohort, "participants", moment) == expected

def test_the_export_streams_every_row_the_filters_show(client, world, hostile, sign_in_as):
    sign_in_as("manager")
    response = client.get(f"/reports/cohorts/{world.cohort.id}/participants.csv"
                          "?country=BB&sort=name&dir=desc")
    assert response.status_code == 200
    assert response.is_streamed
    assert response.mimetype == "text/csv"
    today = local_date(datetime.now(UTC), world.cohort.time_zone).isoformat()
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="cohort-a-participants-{today}.csv"')
    rows = rows_of(response)
    assert rows[0] == ["Name", "Email", "Organisation", "Country", "Country code", "Enrolled on",
                       "Module one", "Module two", "Status", "Progress (%)", "Last activity",
                       "Certificate"]
    assert {tuple(row[3:5]) for row in rows[1:]} == {("Barbados", "BB")}
    page_emails = [span.get_text(strip=True) for span in page(client.get(
        f"/reports/cohorts/{world.cohort.id}/participants?country=BB&sort=name&dir=desc"
    )).select("table.participants tbody th .meta")]
    assert len(page_emails) == 8  # the world's participant is from Barbados too
    assert [row[1] for row in rows[1:]] == page_emails


def test_cells_a_spreadsheet_would_run_are_neutralised(client, world, hostile, sign_in_as):
    sign_in_as("manager")
    rows = rows_of(client.get(f"/reports/cohorts/{world.cohort.id}/participants.csv"
                              "?country=BB"))
    by_email = {row[1]: row for row in rows[1:]}
    first = by_email["p00000@example.org"]
    assert first[0] == "'=HYPERLINK(\"http://evil\")"
    assert first[2] == "'=cmd|' /C calc'!A0"
    assert first[6:10] == ["Complete", "Not started", "In progress", "60"]
    assert by_email["p00001@example.org"][0] == "'+1+1"
    assert by_email["p00002@example.org"][0] == "'-2+3"
    assert by_email["p00003@example.org"][0] == "'@SUM(A1)"
    assert by_email["p00004@example.org"][0] == "'\tTabbed"
    assert by_email["p00005@example.org"][0] == "'\rReturned"
    assert by_email["p00006@example.org"][0] == "Plain Name"


def test_the_export_of_a_status_filter(client, world, hostile, sign_in_as):
    sign_in_as("facilitator")
    rows = rows_of(client.get(f"/reports/cohorts/{world.cohort.id}/participants.csv"
                              "?status=not_started"))
    assert len(rows) == 1 + 7  # six of the hostile ones and the world's participant


def test_the_export_works_through_chunks(client, db, world, sign_in_as, monkeypatch):
    monkeypatch.setattr(exporting, "EXPORT_CHUNK", 7)
    add_participants(world.cohort, 30)
    db.session.commit()
    sign_in_as("admin")
    rows = rows_of(client.get(f"/reports/cohorts/{world.cohort.id}/participants.csv"))
    emails = [row[1] for row in rows[1:]]
    assert len(emails) == len(set(emails)) == 31


@pytest.mark.parametrize(("value", "expected"), [
    ("=1", "'=1"), ("+1", "'+1"), ("-1", "'-1"), ("@a", "'@a"), ("\tx", "'\tx"),
    ("\rx", "'\rx"), ("a=b", "a=b"), ("", ""), (None, ""), (42, "42"),
])
def test_neutralise(value, expected):
    assert exporting.neutralise(value) == expected
