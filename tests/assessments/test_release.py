"""Differentially private release of group figures: stored, repeated, budgeted, refused."""

import pytest
from sqlalchemy import func, select

from learning import create_app
from learning.assessments import answering, release
from learning.assessments import figures as group_figures
from learning.assessments.models import Release
from learning.cohorts.models import Cohort
from learning.database import db
from learning.instruments.models import Instrument
from tests.concurrency import race
from tests.conftest import page
from tests.factories import enrol, make_user


def answer(world, count, values=(4, 2), country="BB", organisation="Treasury", start=0):
    """`count` new participants of the cohort from this country submit the same answers."""
    instrument, item = world.single, world.modules[1].items[2]
    keys = [str(s.id) for d in instrument.dimensions for s in d.statements]
    for n in range(start, start + count):
        user = make_user(f"r{n}@example.org", name=f"R {n}", country=country,
                         organisation=organisation)
        enrol(user, world.cohort)
        answering.save_response(user.id, instrument, item, "single",
                               dict(zip(keys, values, strict=True)), True)
    db.session.commit()


def figures(world, partition="whole", group=""):
    result = group_figures.released_aggregate(world.single, world.cohort, "single", partition,
                                              group)
    db.session.commit()
    return result


def ledger():
    return db.session.scalars(select(Release).order_by(Release.id)).all()


def test_no_release_before_a_useful_figure_is_possible(app, world):
    # At the default budget a one-dimension mean needs about 35 answers to be within ± 10.
    scale = release.sum_scale(release.dimension_epsilon(1.0, 1))
    assert release.useful_size(scale) == 35
    answer(world, 20)
    result = figures(world)
    assert result.is_enough is False and result.pending == 20
    assert ledger() == []


def test_a_release_is_stored_and_shown_again_without_new_noise(app, world):
    answer(world, 40, values=(4, 2))  # 75 each
    first = figures(world)
    assert first.is_enough and first.respondents == 40
    [dimension] = first.dimensions
    assert dimension.mean is not None and dimension.half_width <= release.USEFUL_HALF_WIDTH
    assert abs(dimension.mean - 75) < 60  # noisy, but a figure about these answers
    again = figures(world)
    assert again == first
    [row] = ledger()
    assert row.epsilon == pytest.approx(1.0) and row.partition == "whole"
    assert row.figures[""]["dimensions"][0]["mean"] == dimension.mean
    # One more answer is no milestone: nothing new is drawn, the page says one more waits.
    answer(world, 1, start=40)
    assert figures(world).dimensions == first.dimensions and len(ledger()) == 1
    assert figures(world).pending == 1


def test_band_counts_too_uncertain_are_not_shown(app, world):
    # ± 14 people at 40 answers is more than 10 points of the group: counts stay hidden.
    answer(world, 40)
    [dimension] = figures(world).dimensions
    assert dimension.band_counts is None and dimension.band_half_width > 4


def test_groups_of_a_partition_share_one_release(app, world):
    answer(world, 40, country="BB")
    answer(world, 40, country="JM", start=40)
    barbados = figures(world, "country", "BB")
    jamaica = figures(world, "country", "JM")
    assert barbados.respondents == jamaica.respondents == 40
    [row] = ledger()
    assert (row.partition, row.epsilon) == ("country", pytest.approx(1.0))
    assert set(row.figures) == {"BB", "JM"}


def test_once_the_budget_is_spent_figures_stay_and_the_page_says_why(app, client, world,
                                                                     sign_in_as):
    app.config.update(ASSESSMENT_EPSILON=1.0, ASSESSMENT_RELEASE_EPSILON=1.0)
    answer(world, 40)
    whole = figures(world)
    answer(world, 40, start=40)  # doubled: a milestone, but nothing left to spend
    later = figures(world)
    assert later.is_budget_spent and later.dimensions == whole.dimensions
    assert later.pending == 40
    by_country = figures(world, "country", "BB")
    assert by_country.is_enough is False and by_country.is_budget_spent
    assert db.session.scalar(select(func.sum(Release.epsilon))) == pytest.approx(1.0)
    sign_in_as("manager")
    soup = page(client.get(f"/reports/cohorts/{world.cohort.id}/mindset"))
    section = soup.find("section", attrs={"aria-labelledby": f"instrument-{world.single.id}"})
    assert "The privacy budget for this self-assessment is spent" in section.get_text(" ")


@pytest.mark.parametrize(("budget", "step"), [(0, 1), (-1, 1), (1, 0), (1, 2)])
def test_a_budget_at_or_below_zero_refuses_to_start(budget, step):
    with pytest.raises(RuntimeError, match="ASSESSMENT_"):
        create_app({"ENV_NAME": "production", "SECRET_KEY": "s" * 40,
                    "BASE_URL": "https://learning.example.org",
                    "SQLALCHEMY_DATABASE_URI": "sqlite://", "ASSESSMENT_EPSILON": budget,
                    "ASSESSMENT_RELEASE_EPSILON": step})


def test_a_group_too_small_for_a_useful_mean_says_so(app, client, world, sign_in_as):
    # Barbados's 40 answers make the country partition due; Jamaica's 10 are released with
    # it (no extra cost), but ± 35 points says nothing: the page says why instead.
    answer(world, 40, country="BB")
    answer(world, 10, country="JM", organisation="Health", start=40)
    sign_in_as("manager")
    soup = page(client.get(f"/reports/cohorts/{world.cohort.id}/mindset",
                           query_string={"country": "JM"}))
    section = soup.find("section", attrs={"aria-labelledby": f"instrument-{world.single.id}"})
    [cell] = section.select("table.mindset tbody td")[:1]
    assert cell.get_text(" ", strip=True) == "too few answers yet for a useful figure"
    status = section.select_one(".phase-counts li").get_text(" ", strip=True)
    assert status == "Self-assessment: figures released at 10 answers"
    assert "9 times in 10" in section.select_one("table.mindset caption").get_text()


def test_views_releasing_at_once_write_one_entry_of_the_ledger(app, world):
    if app.config["SQLALCHEMY_DATABASE_URI"] == "sqlite://":
        pytest.skip("in-memory SQLite has one shared connection: PostgreSQL races instead")
    answer(world, 40)
    cohort_id, instrument_id = world.cohort.id, world.single.id

    def view(_n):
        cohort = db.session.get(Cohort, cohort_id)
        instrument = db.session.get(Instrument, instrument_id)
        group_figures.released_aggregate(instrument, cohort, "single")

    errors = race(app, 4, view)
    assert errors == [None] * 4
    db.session.rollback()
    [row] = ledger()
    assert row.sequence == 1
