"""The whole cohort's first figures of each phase keep their budget from breakdowns.

Opening a breakdown by country before the course ends must not spend what the whole
cohort's "after" figures need: they are what shows whether mindsets shift.
"""

import pytest
from sqlalchemy import select

from learning.accounts.models import User, utcnow
from learning.assessments import answering, asked, release
from learning.assessments import figures as group_figures
from learning.assessments.models import Release
from learning.database import db
from tests.conftest import page
from tests.factories import enrol, make_user


def answer(world, count, phase, start=0, country="BB"):
    """`count` participants of the cohort answer the before/after instrument in `phase`."""
    instrument, item = world.before_after, world.modules[0].items[2]
    keys = [str(s.id) for d in instrument.dimensions for s in d.statements]
    for n in range(start, start + count):
        user = db.session.scalar(select(User).where(
            User.email == f"k{n}@example.org")) if phase == "after" else None
        if user is None:
            user = make_user(f"k{n}@example.org", name=f"K {n}", country=country,
                             organisation="Treasury")
            enrol(user, world.cohort)
        answering.save_response(user.id, instrument, item, phase,
                               dict(zip(keys, [4] * len(keys), strict=True)), True)
    db.session.commit()


def figures(world, phase, partition="whole", group=""):
    result = group_figures.released_aggregate(world.before_after, world.cohort, phase,
                                              partition, group)
    db.session.commit()
    return result


def released():
    return [(row.phase, row.partition)
            for row in db.session.scalars(select(Release).order_by(Release.id))]


def test_what_each_release_must_leave(app, world):
    instrument, cohort_id = world.before_after, world.cohort.id

    def kept(phase, partition):
        return release.kept_for_whole(instrument, cohort_id, phase, partition, 1.0)

    assert kept("before", "whole") == kept("after", "whole") == 0  # peers: nothing kept
    assert kept("before", "country") == kept("after", "organisation") == 2
    db.session.add(Release(cohort_id=cohort_id, instrument_id=instrument.id, phase="before",
                           partition="whole", sequence=1, epsilon=1.0, figures={},
                           released_at=utcnow()))
    db.session.flush()
    assert kept("before", "whole") == 1  # a later milestone leaves "after" its release
    assert kept("before", "country") == 1
    assert kept("after", "whole") == 0
    assert asked.phases_of(world.single) == ("single",)
    assert release.kept_for_whole(world.single, cohort_id, "single", "country", 1.0) == 1


def test_a_breakdown_opened_first_leaves_the_after_figures_their_budget(app, client, world,
                                                                      sign_in_as):
    app.config.update(ASSESSMENT_EPSILON=2.0, ASSESSMENT_RELEASE_EPSILON=1.0)
    answer(world, 80, "before")
    assert figures(world, "before").is_enough
    by_country = figures(world, "before", "country", "BB")
    assert by_country.is_enough is False
    assert by_country.is_kept_for_whole and not by_country.is_budget_spent
    sign_in_as("manager")
    soup = page(client.get(f"/reports/cohorts/{world.cohort.id}/mindset",
                           query_string={"country": "BB"}))
    section = soup.find("section",
                        attrs={"aria-labelledby": f"instrument-{world.before_after.id}"})
    assert section.select(".budget-kept"), section.get_text(" ", strip=True)
    assert released() == [("before", "whole")]

    answer(world, 80, "after")
    after = figures(world, "after")
    assert after.is_enough and after.respondents == 80
    assert released() == [("before", "whole"), ("after", "whole")]
    # Now the budget is spent, and the page says so rather than that it is kept.
    by_country = figures(world, "after", "country", "BB")
    assert by_country.is_budget_spent and not by_country.is_kept_for_whole
    spent = db.session.scalar(select(db.func.sum(Release.epsilon)))
    assert spent == pytest.approx(2.0)


def test_with_budget_to_spare_breakdowns_are_released_at_once(app, world):
    answer(world, 80, "before")  # defaults: 4 releases of 1
    assert figures(world, "before", "country", "BB").is_enough
    assert released() == [("before", "country")]
