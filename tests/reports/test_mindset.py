"""Mindset shift: group means before and after, the change and the bands, never one person.

Most tests here check what the page shows and run with a privacy budget so large that the
noise is far below the figures' rounding (`exact`); tests/assessments/test_release.py
checks the release itself at the default budget.
"""

import pytest

from learning.assessments import answering
from tests.conftest import page
from tests.reports.conftest import add_participants


def answer(world, user_ids, phase, values):
    """Each of these participants submits the same answers to module one's instrument."""
    item = world.modules[0].items[2]
    instrument = item.instrument
    keys = [str(s.id) for d in instrument.dimensions for s in d.statements]
    for user_id in user_ids:
        answering.save_response(user_id, instrument, item, phase,
                                  dict(zip(keys, values, strict=True)), True)


@pytest.fixture(autouse=True)
def exact(app):
    """Noise far below the rounding: the page's figures read as the exact ones."""
    app.config.update(ASSESSMENT_EPSILON=1e7, ASSESSMENT_RELEASE_EPSILON=1e6)


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
    assert rows == [["Learning mindset", "50.0 ± 0", "100.0 ± 0", "+50.0 ± 0", "0 → 0",
                     "7 → 5"]]
    counts = [li.get_text(" ", strip=True) for li in section.select(".phase-counts li")]
    assert counts == ["Start of the course: figures released at 7 answers",
                      "End of the course: figures released at 5 answers"]
    assert "differential privacy" in soup.select_one(".protection").get_text()
    margins = [li.get_text(" ", strip=True) for li in section.select(".band-margins li")]
    assert margins == [
        "Start of the course: people per band within ± 0 of the exact count, 9 times in 10.",
        "End of the course: people per band within ± 0 of the exact count, 9 times in 10."]
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
    assert ("4 answers so far: too few answers yet for a useful figure"
            in section.get_text(" ", strip=True))
    assert section.select_one("svg") is None


@pytest.mark.parametrize(("who", "status"), [
    ("manager", 200), ("facilitator", 200), ("admin", 200), ("other_manager", 404),
    ("other_facilitator", 404), ("participant", 403),
])
def test_the_page_by_role(client, world, sign_in_as, who, status):
    sign_in_as(who)
    assert client.get(f"/reports/cohorts/{world.cohort.id}/mindset").status_code == status


def by_country(world, countries, start=100):
    """Participants of the given countries, in that order; returns their ids."""
    ids = []
    for n, country in enumerate(countries):
        ids += add_participants(world.cohort, 1, start=start + n, country=country)
    return ids


def figures(client, world, **filters):
    soup = page(client.get(f"/reports/cohorts/{world.cohort.id}/mindset", query_string=filters))
    section, _head, rows = table(soup, world.modules[0].items[2].instrument)
    counts = [li.get_text(" ", strip=True) for li in section.select(".phase-counts li")]
    return soup, rows, counts


def test_a_country_s_figures_cover_its_participants_only(client, db, world, sign_in_as):
    ids = by_country(world, ["BB"] * 5 + ["JM"] * 5)
    db.session.flush()
    answer(world, ids[:5], "single", (3, 3))  # Barbados: 50
    answer(world, ids[5:], "single", (5, 1))  # Jamaica: 100
    db.session.commit()
    sign_in_as("manager")
    _soup, rows, _counts = figures(client, world)
    assert rows[0][:2] == ["Learning mindset", "75.0 ± 0"]
    soup, rows, counts = figures(client, world, country="JM")
    assert rows[0][:2] == ["Learning mindset", "100.0 ± 0"]
    assert counts == ["Self-assessment: figures released at 5 answers"]
    assert soup.select_one("#country option[selected]").get_text() == "Jamaica"
    assert "participants from Jamaica" in soup.select_one(".group-shown").get_text(" ")


def test_a_filter_narrowing_the_group_below_the_minimum_shows_nothing(client, db, world,
                                                                      sign_in_as):
    ids = by_country(world, ["BB"] * 6 + ["JM"] * 4 + ["GD"] * 5)
    db.session.flush()
    answer(world, ids, "single", (4, 2))
    db.session.commit()
    sign_in_as("facilitator")
    soup, rows, counts = figures(client, world, country="JM")
    assert rows == [] and counts == [
        "Self-assessment: 4 answers so far: too few answers yet for a useful figure"]
    assert soup.select_one("figure.score-chart") is None


@pytest.mark.parametrize("query", [
    {"country": "x" * 500},  # no country at all
    {"country": "TT"},  # a country no answer came from
    {"organisation": "Nowhere"},
    {"country": "BB", "organisation": "Treasury"},  # not a released partition
])
def test_filters_that_name_no_released_group_are_refused(client, db, world, sign_in_as, query):
    ids = []
    for n in range(6):
        ids += add_participants(world.cohort, 1, start=200 + n, country="BB",
                                organisation="Treasury")
    db.session.flush()
    answer(world, ids, "single", (4, 2))
    db.session.commit()
    sign_in_as("facilitator")
    response = client.get(f"/reports/cohorts/{world.cohort.id}/mindset", query_string=query)
    assert response.status_code == 400


def test_filters_by_organisation(client, db, world, sign_in_as):
    ids = []
    for n in range(10):
        ids += add_participants(world.cohort, 1, start=200 + n, country="BB",
                                organisation="Treasury" if n < 5 else "Health")
    db.session.flush()
    answer(world, ids[:5], "single", (1, 5))  # Treasury: 0
    answer(world, ids[5:], "single", (3, 3))  # Health: 50
    db.session.commit()
    sign_in_as("admin")
    _soup, rows, _counts = figures(client, world, organisation="Treasury")
    assert rows[0][1] == "0.0 ± 0"
    soup, rows, _counts = figures(client, world, organisation="Health")
    assert rows[0][1] == "50.0 ± 0"
    assert "participants at Health" in soup.select_one(".group-shown").get_text()
