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
