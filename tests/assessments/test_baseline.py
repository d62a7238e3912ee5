"""Starting points: a "before" is open from joining until the participant begins the module
that holds it, and a shift is shown only against a baseline taken inside that window."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from learning.assessments import aggregates, answering, asked, baseline
from learning.assessments.baseline import OutlineItem, open_before_ids
from learning.assessments.models import Answer, Response
from learning.catalog.models import Course
from learning.config import ROOT
from learning.content.importer import import_content
from learning.database import db
from learning.instruments.models import LEVELS
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


COURSE_OUTLINE = outline((1, 10, False), (2, 10, True), (3, 20, False), (4, 20, True),
                         (5, 30, True))


@pytest.mark.parametrize(("begun", "still_open"), [
    ((), {2, 4, 5}),
    # Beginning a before-and-after self-assessment begins no module.
    ((2, 4), {2, 4, 5}),
    ((1,), {4, 5}),
    # Someone past modules 1 and 2 can still set module 3's starting point.
    ((1, 2, 3), {5}),
    # Beginning module 2 without module 1 closes module 2's only.
    ((3,), {2, 5}),
])
def test_a_before_is_open_until_its_own_module_is_begun(begun, still_open):
    assert open_before_ids(COURSE_OUTLINE, begun) == still_open


def test_a_module_of_self_assessments_alone_keeps_its_starting_points_open():
    assert open_before_ids(outline((1, 10, True), (2, 10, True)), [1, 2]) == {1, 2}
    assert open_before_ids([], [1]) == set()


def test_is_before_open_reads_the_participants_own_progress(world):
    user, peer = world.users["participant"], world.users["peer"]
    one, two = world.modules
    item = one.items[2]
    assert baseline.is_before_open(user.id, item)
    # Module two's work leaves module one's starting point open.
    complete(user, *two.items)
    assert baseline.is_before_open(user.id, item)
    progress.mark_started(user.id, one.items[0])
    db.session.commit()
    assert not baseline.is_before_open(user.id, item)
    assert baseline.is_before_open(peer.id, item)


# Through the pages.

def test_before_is_open_at_enrolment_and_records_a_baseline(client, world, sign_in_as):
    sign_in_as("participant")
    assert page(client.get(BEFORE)).select("form.take")
    response = client.post(BEFORE, data=form_data(client, BEFORE, [2, 4]))
    assert response.headers["Location"] == RESULTS
    [row] = responses()
    assert (row.phase, row.status, row.is_baseline) == ("before", "submitted", True)


def test_before_is_refused_once_its_module_is_begun(client, world, sign_in_as):
    sign_in_as("participant")
    user, (one, two) = world.users["participant"], world.modules
    # Another module's work keeps it open.
    complete(user, *two.items)
    assert client.get(BEFORE).status_code == 200
    data = form_data(client, BEFORE, [2, 4])
    complete(user, one.items[0])

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
    complete(world.users["participant"], world.modules[0].items[0])
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
                       status="submitted", version=1, snapshot=asked.snapshot(instrument),
                       submitted_at=now)
        row.answers = [Answer(statement_key=key, value=3)
                       for key in answering.statement_keys(row.snapshot)]
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
    instruments = asked.instruments_of(course)
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
        answering.save_response(user.id, instrument, item, "before", dict.fromkeys(keys, 3), True)
    db.session.commit()
    assert aggregates.aggregate(instrument, world.cohort, "before").respondents == 5

    db.session.scalars(select(Response)).first().is_baseline = False
    db.session.commit()
    assert aggregates.aggregate(instrument, world.cohort, "before").is_enough is False


# Starting points for every module, and where participants are invited to set them.

TWO_BEFORE = COURSE + "/assessments/two-instrument/before"


def test_an_instrument_added_to_a_later_module_opens_to_those_who_have_not_reached_it(
        client, db, world, sign_in_as):
    user, peer = world.users["participant"], world.users["peer"]
    one, two = world.modules
    complete(user, *one.items)  # past module one: the old window would be closed
    complete(peer, two.items[0])  # has begun module two
    world.single.is_before_after = True
    db.session.commit()

    sign_in_as("participant")
    assert page(client.get(TWO_BEFORE)).select("form.take")
    response = client.post(TWO_BEFORE, data=form_data(client, TWO_BEFORE, [3, 3]))
    assert response.status_code == 302
    [row] = responses()
    assert (row.phase, row.is_baseline) == ("before", True)

    sign_in_as("peer")
    assert CLOSED in text(page(client.get(TWO_BEFORE, follow_redirects=True)))


def test_the_course_page_invites_people_to_set_their_starting_points(client, world,
                                                                     sign_in_as):
    sign_in_as("participant")
    soup = page(client.get(COURSE))
    invitation = soup.select_one("section.starting-points")
    assert [a.get_text(strip=True) for a in invitation.select("a")] == [
        world.before_after.title]
    assert invitation.select_one("a")["href"] == BEFORE
    # The "after" is the course's last step, listed where participants finish.
    finish = soup.select_one("section.finish")
    assert [a.get_text(strip=True) for a in finish.select("a")] == [
        world.modules[0].items[2].title]

    client.post(BEFORE, data=form_data(client, BEFORE, [2, 4]))
    assert page(client.get(COURSE)).select_one("section.starting-points") is None
