"""Breakdowns by country and by organisation: enrolled, started, completion rate, certificates."""

from tests.conftest import page
from tests.reports.conftest import START, add_participants, certify, record, required


def rows(soup, key):
    return [[cell.get_text(" ", strip=True) for cell in tr.select("th, td")]
            for tr in soup.select(f"table.breakdown-{key} tbody tr")]


def test_figures_per_country_and_organisation(client, db, world, sign_in_as):
    one, two, _ = world.modules
    countries = ["JM", "JM", "JM", "BZ", "BZ", ""]
    ids = add_participants(world.cohort, 6, country=lambda n: countries[n],
                           organisation=lambda n: "Treasury" if n < 2 else "Audit Office")
    record(ids[:1] + ids[3:4], required(one) + required(two))
    record(ids[1:2], required(one))
    certify(ids[:1], world.course, START)
    db.session.commit()
    sign_in_as("manager")
    soup = page(client.get(f"/reports/cohorts/{world.cohort.id}/breakdowns"))
    assert rows(soup, "country") == [
        ["Jamaica", "3", "2", "1", "33 %", "1"],
        ["Belize", "2", "1", "1", "50 %", "0"],
        ["Barbados", "1", "0", "0", "0 %", "0"],  # the world's participant
        ["Not given", "1", "0", "0", "0 %", "0"],
    ]
    assert rows(soup, "organisation") == [
        ["Audit Office", "4", "1", "1", "25 %", "0"],
        ["Treasury", "2", "2", "1", "50 %", "1"],
        ["Ministry of Finance", "1", "0", "0", "0 %", "0"],
    ]
    link = soup.select_one("table.breakdown-country tbody th a")
    assert link["href"] == f"/reports/cohorts/{world.cohort.id}/participants?country=JM"


def test_an_empty_cohort_has_no_groups(client, world, sign_in_as):
    sign_in_as("admin")
    soup = page(client.get(f"/reports/cohorts/{world.second.id}/breakdowns"))
    assert rows(soup, "country") == [["Not given", "1", "0", "0", "0 %", "0"]]
