"""A cohort's overview: its figures, decided by the completion rule, and the funnel."""

from datetime import timedelta

import pytest

from learning.cohorts import members
from tests.conftest import page
from tests.reports.conftest import START, add_participants, certify, record, required


def figures(soup):
    return {dt.get_text(strip=True): dd.get_text(strip=True)
            for dt, dd in zip(soup.select(".report-figures dt"), soup.select(".report-figures dd"),
                              strict=True)}


def funnel_rows(soup):
    return [[cell.get_text(strip=True) for cell in row.select("th, td")]
            for row in soup.select("table.funnel-table tbody tr")]


@pytest.fixture
def progressed(db, world):
    """Ten participants: 2 finished both modules (certified after 4 and 10 days), 1 finished
    module one and the optional item of two, 1 finished module two only, 2 began, 4 idle."""
    one, two, draft = world.modules
    ids = add_participants(world.cohort, 10)
    both, first_only, second_only, begun = ids[:2], ids[2:3], ids[3:4], ids[4:6]
    record(both, required(one) + required(two))
    record(first_only, required(one) + [two.items[2]])
    record(second_only, required(two) + draft.items)
    record(begun, [one.items[0]], status="in_progress")
    certify(both[:1], world.course, START + timedelta(days=4))
    certify(both[1:], world.course, START + timedelta(days=10))
    db.session.commit()
    return ids


def test_the_overview_counts_by_the_completion_rule(client, world, progressed, sign_in_as):
    sign_in_as("manager")
    soup = page(client.get(f"/reports/cohorts/{world.cohort.id}"))
    assert soup.h1.get_text(strip=True) == "Cohort A: overview"
    assert figures(soup) == {
        "Enrolled": "11",  # the world's participant too
        "Started": "6",
        "Completed the course": "2",
        "Certificates issued": "2",
        "Median time to complete": "7.0 days",
    }
    assert funnel_rows(soup) == [
        ["Enrolled", "11", "100 %"],
        ["Started", "6", "55 %"],
        ["Completed: Module one", "3", "27 %"],
        ["Completed: Module two", "3", "27 %"],
        ["Completed the course", "2", "18 %"],
    ]


def test_the_funnel_chart_draws_the_tables_figures_without_inline_styles(
        client, world, progressed, sign_in_as):
    sign_in_as("facilitator")
    response = client.get(f"/reports/cohorts/{world.cohort.id}")
    soup = page(response)
    svg = soup.select_one("figure.funnel-chart svg")
    assert svg["role"] == "img" and svg.title.get_text(strip=True)
    labels = [text.get_text(strip=True) for text in svg.select("text.chart-value")]
    assert labels == ["11 (100%)", "6 (55%)", "3 (27%)", "3 (27%)", "2 (18%)"]
    widths = [float(rect["width"]) for rect in svg.select("rect.report-bar")]
    assert widths == sorted(widths, reverse=True) and widths[0] == 300
    assert not soup.select("[style]")
    assert "style-src 'self'" in response.headers["Content-Security-Policy"]


def test_a_revoked_certificate_is_neither_counted_nor_timed(db, client, world, progressed,
                                                           sign_in_as):
    from learning.certificates.models import Certificate  # noqa: PLC0415 - test only

    certificate = db.session.query(Certificate).filter_by(user_id=progressed[1]).one()
    certificate.revoked_at = START + timedelta(days=20)
    certificate.revocation_reason = "Issued in error."
    db.session.commit()
    sign_in_as("manager")
    soup = page(client.get(f"/reports/cohorts/{world.cohort.id}"))
    assert figures(soup)["Certificates issued"] == "1"
    assert figures(soup)["Median time to complete"] == "4.0 days"


def test_an_empty_cohort_says_so(client, world, sign_in_as):
    sign_in_as("other_manager")
    soup = page(client.get(f"/reports/cohorts/{world.second.id}"))
    assert figures(soup)["Completed the course"] == "0"
    assert figures(soup)["Median time to complete"] == "No one yet"
    assert soup.select_one("figure.funnel-chart svg") is not None


def test_module_completion_agrees_with_the_rule_for_each_participant(db, world, progressed):
    from learning.progress import completion  # noqa: PLC0415 - test only

    participants = members.member_ids(world.cohort.id)
    per_module = completion.modules_completed(world.course.id, participants)
    one, two, _ = world.modules
    assert per_module == {one.id: 3, two.id: 3}
    assert len(completion.completers(world.course.id, participants)) == 2


def test_completions_per_week_with_the_weeks_between(client, db, world, sign_in_as):
    one, two, _ = world.modules
    ids = add_participants(world.cohort, 4)
    everything = required(one) + required(two)
    record(ids[:2], everything, at=START + timedelta(days=1))  # Fri 2 Feb: week of 29 Jan
    record(ids[2:3], everything, at=START + timedelta(days=15))  # Fri 16 Feb: week of 12 Feb
    record(ids[3:], required(one), at=START + timedelta(days=15))  # not complete
    db.session.commit()
    sign_in_as("manager")
    soup = page(client.get(f"/reports/cohorts/{world.cohort.id}"))
    rows = [[cell.get_text(strip=True) for cell in row.select("th, td")]
            for row in soup.select("table.weekly-table tbody tr")]
    assert rows == [
        ["Week of 29 Jan 2024", "2", "2"],
        ["Week of 5 Feb 2024", "0", "2"],
        ["Week of 12 Feb 2024", "1", "3"],
    ]
    svg = soup.select_one("figure.weekly-chart svg")
    assert [t.get_text(strip=True) for t in svg.select("text.chart-value")] == ["2", "0", "1"]
    assert [float(r["width"]) for r in svg.select("rect.report-bar")] == [300, 0, 150]
    assert svg["aria-labelledby"] == "weekly-title"
    assert soup.find(id="weekly-title") and soup.find(id="funnel-title")


def test_no_completions_yet_says_so(client, world, sign_in_as):
    sign_in_as("manager")
    soup = page(client.get(f"/reports/cohorts/{world.cohort.id}"))
    assert "No one has completed the course yet." in soup.main.get_text()
    assert soup.select_one("figure.weekly-chart") is None
