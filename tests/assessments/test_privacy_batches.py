"""Group results are released in whole batches, so that differencing reveals no one."""

import pytest

from learning.assessments import services
from tests.assessments.test_aggregates import respond
from tests.conftest import page


def mean(world):
    result = services.aggregate(world.single, world.cohort, "single")
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


def test_the_page_says_how_many_answers_wait(client, world, sign_in_as):
    respond(world, 7, values=(4, 2))
    sign_in_as("manager")
    soup = page(client.get(f"/cohorts/{world.cohort.id}/assessments"))
    waiting = soup.select_one(".pending").get_text(" ", strip=True)
    assert waiting.startswith("2 more answers are not counted yet.")
    assert "whole groups of 5 answers" in waiting
    caption = soup.select_one("table caption").get_text(" ", strip=True)
    assert "(5 responses)" in caption
