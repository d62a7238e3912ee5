"""Group results are released in whole batches, so that differencing reveals no one."""

import pytest

from learning.assessments import aggregates
from tests.assessments.test_aggregates import respond
from tests.conftest import page


def mean(world):
    result = aggregates.aggregate(world.single, world.cohort, "single")
    return result, (result.dimensions[0].mean if result.is_enough else None)


def test_a_sixth_answer_cannot_be_recovered_from_the_totals(app, world):
    # The attack: 6 x mean of six - 5 x mean of five is the sixth respondent's score.
    respond(world, 5, values=(3, 3))  # 50 each
    five, mean_of_five = mean(world)
    respond(world, 1, values=(5, 1), start=5)  # the victim: 100
    six, mean_of_six = mean(world)
    recovered = 6 * mean_of_six - 5 * mean_of_five
    assert recovered != pytest.approx(100.0)
    assert mean_of_six == mean_of_five and six.respondents == five.respondents == 5
    assert six.dimensions[0].band_counts == five.dimensions[0].band_counts
    assert six.pending == 1 and five.pending == 0


def test_figures_move_only_by_a_whole_batch_in_submission_order(app, world):
    respond(world, 5, values=(3, 3))  # 50 each: the first batch
    respond(world, 4, values=(5, 1), start=5)  # 100 each: waiting
    result, value = mean(world)
    assert value == pytest.approx(50.0) and result.respondents == 5 and result.pending == 4
    respond(world, 1, values=(5, 1), start=9)  # completes the second batch
    result, value = mean(world)
    assert value == pytest.approx(75.0) and result.respondents == 10 and result.pending == 0


def test_the_page_shows_released_figures_until_the_next_milestone(app, client, world,
                                                                  sign_in_as):
    # The page shows released figures (tests/assessments/test_release.py); with a budget so
    # large that the noise is below the rounding, it shows that a release stands until the
    # group's answers double.
    app.config.update(ASSESSMENT_EPSILON=1e7, ASSESSMENT_RELEASE_EPSILON=1e6)
    respond(world, 5, values=(4, 2))
    sign_in_as("manager")
    url = f"/cohorts/{world.cohort.id}/assessments"
    assert "(5 responses)" in page(client.get(url)).select_one("table caption").get_text()
    section = f"section[aria-labelledby='instrument-{world.single.id}'] "
    respond(world, 4, values=(5, 1), start=5)
    soup = page(client.get(url)).select_one(section)
    status = soup.select_one(".release-status").get_text(" ", strip=True)
    assert status == "figures released at 5 answers; 4 more since, not in the figures yet"
    assert "75.0" in soup.select_one("table tbody td").get_text()
    respond(world, 1, values=(5, 1), start=9)  # ten: twice five, a milestone
    soup = page(client.get(url)).select_one(section)
    assert "(10 responses)" in soup.select_one("table caption").get_text()
    assert "87.5" in soup.select_one("table tbody td").get_text()


def test_an_insider_with_all_but_one_account_of_a_batch_is_not_stopped(app, world):
    # The second attack, reproduced to keep the README's word honest: four accounts of the
    # facilitator's own, with answers they chose, beside one real respondent make a whole
    # batch, and subtracting their answers from it gives the fifth. Batches cannot stop
    # this; only who may join a cohort can (see "Self-assessment results" in the README).
    respond(world, 1, values=(5, 1))  # the real respondent: 100
    respond(world, 4, values=(3, 3), start=1)  # the insider's accounts: 50 each, known
    result, mean_of_five = mean(world)
    assert result.respondents == 5
    assert 5 * mean_of_five - 4 * 50 == pytest.approx(100.0)
