"""A self-assessment taken before and after, in the figures: its module's progress counts the
module's own work, its "after" is the course's last step, and the stalls name what someone
could do now (issue #22, items 4 and 5)."""

from datetime import timedelta

import pytest
from sqlalchemy import update

from learning.accounts.models import utcnow
from learning.cohorts.models import Enrolment
from learning.reports import stalling
from tests.conftest import page
from tests.reports.conftest import add_participants, record, required
from tests.reports.test_course_changes import STUDIO, confirm, sign_in
from tests.reports.test_overview import figures, funnel_rows


@pytest.fixture
def before_after(db, world):
    """Module one's self-assessment (its last item) is taken before and after."""
    one = world.modules[0]
    one.items[2].instrument.is_before_after = True
    db.session.commit()
    return one.items[2]


def test_finishing_a_modules_own_work_completes_it_in_the_funnel(client, db, world,
                                                                 before_after, sign_in_as):
    one, two, _ = world.modules
    ids = add_participants(world.cohort, 4)
    # Module one's recording and reading, and the "before" (the item is in progress).
    record(ids[:3], one.items[:2])
    record(ids[:3], [before_after], status="in_progress")
    record(ids[3:], one.items[:1])
    db.session.commit()
    sign_in_as("manager")
    soup = page(client.get(f"/reports/cohorts/{world.cohort.id}"))
    steps = {row[0]: row[1] for row in funnel_rows(soup)}
    assert steps[f"Completed: {one.title}"] == "3"
    assert steps[f"Completed: {two.title}"] == "0"
    assert figures(soup)["Completed the course"] == "0"


def test_a_participant_sees_the_module_complete_and_the_after_waiting(client, db, world,
                                                                      before_after, auth):
    one = world.modules[0]
    user = world.users["participant"]
    record([user.id], one.items[:2])
    record([user.id], [before_after], status="in_progress")
    db.session.commit()
    auth.login(user.email)
    soup = page(client.get("/courses/mindsets"))
    bar = soup.select("ol.modules li.card")[0].select_one(".progress-text")
    assert bar.get_text(strip=True) == "2 of 2 required items complete (100%)"
    finish = soup.select_one("section.finish")
    assert finish.select_one("a").get_text(strip=True) == before_after.title
    assert finish.select_one(".status").get_text(strip=True) == (
        "Opens once you have completed every module")
    # The next thing is module two's first item, not the self-assessment's "after".
    continue_link = soup.select_one("#progress-heading ~ p a.button")
    assert continue_link["href"] == "/courses/mindsets/modules/two/items/recording"


def test_stalls_name_the_first_thing_someone_could_do_now(db, world, before_after):
    one, two, _ = world.modules
    long_ago = utcnow() - timedelta(days=30)
    ids = add_participants(world.cohort, 3)
    db.session.execute(update(Enrolment).where(Enrolment.user_id.in_(ids))
                       .values(enrolled_at=long_ago))
    # 0 stopped at the start of module two, with module one's "after" still to come.
    record(ids[:1], one.items[:2], at=long_ago)
    record(ids[:1], [before_after], status="in_progress", at=long_ago)
    # 1 has everything but the "after": that is where they stopped.
    record(ids[1:2], one.items[:2] + required(two), at=long_ago)
    record(ids[1:2], [before_after], status="in_progress", at=long_ago)
    # 2 left a gap in module one.
    record(ids[2:3], one.items[:1] + required(two), at=long_ago)
    db.session.commit()
    points = {(p.module.slug, p.item.slug): p.stalled
              for p in stalling.stopping_points(world.cohort, stalling.stall_cutoff(14))}
    assert points == {("two", "recording"): 1, ("one", "self-assessment"): 1,
                      ("one", "reading"): 1}



def test_publishing_a_before_and_after_self_assessment_says_who_can_no_longer_start_it(
        client, db, world):
    """Those who began its module can give no "before": the studio says how many, first."""
    one, two, _ = world.modules
    assessment = two.items[2]
    assessment.instrument.is_before_after = True
    assessment.is_published = False
    ids = add_participants(world.cohort, 4)
    record(ids[:2], two.items[:1], status="in_progress")
    record(ids[2:3], one.items[:1])  # module one's work leaves module two's start open
    db.session.commit()
    sign_in(client, "facilitator@example.org")

    asking = client.post(f"{STUDIO}/{two.id}/items/{assessment.id}/publish")
    assert asking.status_code == 200
    soup = page(asking)
    assert soup.select_one(".effect-starting-points").get_text(" ", strip=True).startswith(
        "2 participants have already begun the module")
    # Optional, it moves no completion.
    assert soup.select_one(".effect-certified") is None
    confirm(client, asking)
    db.session.expire_all()
    assert db.session.get(type(assessment), assessment.id).is_published
