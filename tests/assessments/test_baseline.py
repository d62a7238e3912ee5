"""The baseline window: "before" is open from enrolment until an item beyond the opening items
is complete, and a shift is shown only against a baseline taken inside it."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from learning.assessments import services
from learning.assessments.models import LEVELS, Answer, Response
from learning.assessments.services import OutlineItem, baseline_window_open, opening_item_ids
from learning.catalog.models import Course
from learning.config import ROOT
from learning.content.importer import import_content
from learning.database import db
from learning.progress import completion
from learning.progress import services as progress
from tests.assessments.conftest import AFTER, BEFORE, COURSE, RESULTS, form_data, responses
from tests.conftest import page
from tests.factories import enrol, make_cohort, make_user

ITEM = COURSE + "/modules/one/items/self-assessment"
CLOSED = "start-of-course self-assessment is closed"


def text(tag):
    return tag.get_text(" ", strip=True)


def complete(user, *items):
    for item in items:
        progress.mark_complete(user.id, item, "test")
    db.session.commit()


# The rule, without a request.

def outline(*rows):
    return [OutlineItem(item_id, module_id, is_before_after)
            for item_id, module_id, is_before_after in rows]


def test_opening_items_run_to_the_first_modules_last_before_and_after_self_assessment():
    course = outline((1, 10, False), (2, 10, True), (3, 10, False), (4, 10, True),
                     (5, 10, False), (6, 20, True))
    assert opening_item_ids(course) == {1, 2, 3, 4}


def test_without_a_before_and_after_in_the_first_module_nothing_is_an_opening_item():
    assert opening_item_ids(outline((1, 10, False), (2, 20, True))) == set()
    assert opening_item_ids([]) == set()


@pytest.mark.parametrize(("completed", "is_open"), [
    ((), True),
    ((1, 2), True),
    ((1, 3), False),
    ((3,), False),
])
def test_the_window_closes_once_anything_beyond_the_opening_items_is_complete(completed,
                                                                              is_open):
    assert baseline_window_open(completed, {1, 2}) is is_open


def test_is_baseline_open_reads_the_participants_own_progress(world):
    user, peer = world.users["participant"], world.users["peer"]
    one, two = world.modules
    assert services.is_baseline_open(user.id, world.course)
    complete(user, *one.items)
    assert services.is_baseline_open(user.id, world.course)
    complete(user, two.items[0])
    assert not services.is_baseline_open(user.id, world.course)
    assert services.is_baseline_open(peer.id, world.course)


# Through the pages.

def test_before_is_open_at_enrolment_and_records_a_baseline(client, world, sign_in_as):
    sign_in_as("participant")
    assert page(client.get(BEFORE)).select("form.take")
    response = client.post(BEFORE, data=form_data(client, BEFORE, [2, 4]))
    assert response.headers["Location"] == RESULTS
    [row] = responses()
    assert (row.phase, row.status, row.is_baseline) == ("before", "submitted", True)


def test_before_is_refused_once_a_later_item_is_complete(client, world, sign_in_as):
    sign_in_as("participant")
    user, (one, two) = world.users["participant"], world.modules
    # The opening items (module one up to its before-and-after self-assessment) keep it open.
    complete(user, one.items[0], one.items[1])
    assert client.get(BEFORE).status_code == 200
    data = form_data(client, BEFORE, [2, 4])
    complete(user, two.items[0])

    response = client.get(BEFORE, follow_redirects=True)
    assert CLOSED in text(page(response))
    response = client.post(BEFORE, data=data, follow_redirects=True)
    assert CLOSED in text(page(response))
    assert responses() == []
    # The item page explains why, and "after" is still to come.
    item = text(page(client.get(ITEM)))
    assert "start-of-course window has closed" in item
    assert "Opens once you have completed every other required item" in item


def test_a_draft_saved_in_the_window_cannot_be_submitted_after_it_closes(client, world,
                                                                         sign_in_as):
    sign_in_as("participant")
    client.post(BEFORE, data=form_data(client, BEFORE, [2], action="save"))
    data = form_data(client, BEFORE, [2, 4])
    complete(world.users["participant"], world.modules[1].items[0])
    response = client.post(BEFORE, data=data, follow_redirects=True)
    assert CLOSED in text(page(response))
    [row] = responses()
    assert (row.status, row.is_baseline) == ("draft", False)


def finish_the_course(client, world, who, before=None):
    user, item = world.users[who], world.modules[0].items[2]
    if before:
        client.post(BEFORE, data=form_data(client, BEFORE, before))
    complete(user, *[i for m in world.modules for i in m.items if i is not item])
    response = client.post(AFTER, data=form_data(client, AFTER, [5, 1]))
    assert response.headers["Location"] == RESULTS
    return page(client.get(RESULTS))


def headers(soup):
    return [th.get_text(strip=True) for th in soup.select("th")]


def test_results_show_a_shift_only_against_a_real_baseline(client, world, sign_in_as):
    sign_in_as("participant")
    soup = finish_the_course(client, world, "participant", before=[2, 4])
    assert "No baseline was recorded" not in text(soup)
    assert "Change" in headers(soup)
    assert "up 75.0" in text(soup)

    # Someone who let the window pass still takes "after", and sees no made-up shift.
    sign_in_as("peer")
    soup = finish_the_course(client, world, "peer")
    assert "No baseline was recorded" in text(soup)
    assert "Change" not in headers(soup)


def test_a_before_submitted_outside_the_window_is_no_baseline(client, world, sign_in_as):
    # Such as one answered before the window existed, just before "after".
    user, instrument = world.users["participant"], world.before_after
    now = datetime.now(UTC)
    for phase in ("before", "after"):
        row = Response(user_id=user.id, instrument_id=instrument.id, phase=phase,
                       status="submitted", version=1, snapshot=services.snapshot(instrument),
                       submitted_at=now)
        row.answers = [Answer(statement_key=key, value=3)
                       for key in services.statement_keys(row.snapshot)]
        db.session.add(row)
    db.session.commit()
    sign_in_as("participant")

    soup = page(client.get(RESULTS))
    assert "No baseline was recorded" in text(soup)
    assert "Change" not in headers(soup)


# The course as shipped.

COURSE_SLUG = "innovation-digital-government-mindsets"


@pytest.fixture
def shipped(app, db):
    import_content(ROOT / "modules")
    course = db.session.scalar(select(Course).where(Course.slug == COURSE_SLUG))
    user = make_user("participant@example.org")
    enrol(user, make_cohort(course))
    db.session.commit()
    return course, user


def test_each_level_has_a_shift_in_the_course_as_shipped(client, auth, shipped):
    course, user = shipped
    auth.login("participant@example.org")
    instruments = services.instruments_of(course)
    urls = {i.slug: f"/courses/{COURSE_SLUG}/assessments/{i.slug}" for i in instruments}
    first, *others = instruments

    # The first module's self-assessment sets a baseline and points to the other three.
    client.post(urls[first.slug] + "/before",
                data=form_data(client, urls[first.slug] + "/before", [2] * 20))
    links = page(client.get(urls[first.slug] + "/results")).select(".other-baselines a")
    assert [a["href"] for a in links] == [urls[i.slug] + "/before" for i in others]
    for instrument in others:
        url = urls[instrument.slug] + "/before"
        assert client.post(url, data=form_data(client, url, [2] * 20)).status_code == 302

    assessments = {i.id for i in instruments}
    complete(user, *[item for module in course.modules for item in module.items
                     if item.instrument_id not in assessments])
    for instrument in instruments:
        url = urls[instrument.slug] + "/after"
        assert client.post(url, data=form_data(client, url, [4] * 20)).status_code == 302

    levels = set()
    for instrument in instruments:
        soup = page(client.get(urls[instrument.slug] + "/results"))
        assert "Change" in headers(soup)
        assert "No baseline was recorded" not in text(soup)
        levels.add(instrument.level)
    assert levels == set(LEVELS)
    assert completion.is_course_complete(user.id, course.id)


def test_a_groups_before_counts_real_baselines_only(app, world):
    instrument, item = world.before_after, world.modules[0].items[2]
    keys = [str(s.id) for d in instrument.dimensions for s in d.statements]
    for index in range(5):
        user = make_user(f"respondent-{index}@example.org", name=f"Respondent {index}")
        enrol(user, world.cohort)
        services.save_response(user.id, instrument, item, "before", dict.fromkeys(keys, 3), True)
    db.session.commit()
    assert services.aggregate(instrument, world.cohort, "before").respondents == 5

    db.session.scalars(select(Response)).first().is_baseline = False
    db.session.commit()
    assert services.aggregate(instrument, world.cohort, "before").is_enough is False
