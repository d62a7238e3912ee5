"""Mindset shift: group means before and after, the change and the bands, never one person."""

import pytest

from learning.assessments import services as assessments
from tests.conftest import page
from tests.reports.conftest import add_participants


def answer(world, user_ids, phase, values):
    """Each of these participants submits the same answers to module one's instrument."""
    item = world.modules[0].items[2]
    instrument = item.instrument
    keys = [str(s.id) for d in instrument.dimensions for s in d.statements]
    for user_id in user_ids:
        assessments.save_response(user_id, instrument, item, phase,
                                  dict(zip(keys, values, strict=True)), True)


@pytest.fixture
def shifted(db, world):
    """Module one's instrument taken before and after: 7 before (50), 5 after (100)."""
    world.modules[0].items[2].instrument.is_before_after = True
    ids = add_participants(world.cohort, 7)
    db.session.flush()
    answer(world, ids, "before", (3, 3))
    answer(world, ids[:5], "after", (5, 1))
    db.session.commit()
    return ids


def table(soup, instrument):
    section = soup.find("section", attrs={"aria-labelledby": f"instrument-{instrument.id}"})
    head = [th.get_text(" ", strip=True) for th in section.select("table.mindset thead th")]
    rows = [[cell.get_text(" ", strip=True) for cell in tr.select("th, td")]
            for tr in section.select("table.mindset tbody tr")]
    return section, head, rows


def test_means_change_and_bands_before_and_after(client, world, shifted, sign_in_as):
    sign_in_as("manager")
    response = client.get(f"/reports/cohorts/{world.cohort.id}/mindset")
    assert response.status_code == 200
    soup = page(response)
    instrument = world.modules[0].items[2].instrument
    section, head, rows = table(soup, instrument)
    assert head == ["Area", "Start of the course", "End of the course", "Change", "Emerging",
                    "Established"]
    assert rows == [["Learning mindset", "50.0", "100.0", "+50.0", "0 → 0", "5 → 5"]]
    counts = [li.get_text(" ", strip=True) for li in section.select(".phase-counts li")]
    assert counts == ["Start of the course: 5 answers counted; 2 more not counted yet",
                      "End of the course: 5 answers counted"]
    svg = section.select_one("figure.score-chart svg")
    labels = [t.get_text(strip=True) for t in svg.select("text.chart-value")]
    assert labels == ["Before: 50.0", "After: 100.0"]
    assert svg.select_one("pattern")["id"] == f"instrument-{instrument.id}-chart-hatch"
    assert not soup.select("[style]")


def test_too_few_answers_show_nothing(client, db, world, sign_in_as):
    world.modules[0].items[2].instrument.is_before_after = True
    ids = add_participants(world.cohort, 4)
    db.session.flush()
    answer(world, ids, "before", (3, 3))
    db.session.commit()
    sign_in_as("facilitator")
    soup = page(client.get(f"/reports/cohorts/{world.cohort.id}/mindset"))
    instrument = world.modules[0].items[2].instrument
    section, _head, rows = table(soup, instrument)
    assert rows == []
    assert "fewer than 5 answers: nothing is shown yet" in section.get_text(" ", strip=True)
    assert section.select_one("svg") is None


@pytest.mark.parametrize(("who", "status"), [
    ("manager", 200), ("facilitator", 200), ("admin", 200), ("other_manager", 404),
    ("other_facilitator", 404), ("participant", 403),
])
def test_the_page_by_role(client, world, sign_in_as, who, status):
    sign_in_as(who)
    assert client.get(f"/reports/cohorts/{world.cohort.id}/mindset").status_code == status
