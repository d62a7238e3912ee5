"""Schedules per cohort, as participants meet them: a module not open yet is listed with
its date and cannot be opened; due dates shown; the rule (`visibility.module_openings`)."""

import json
from datetime import UTC, date, datetime, timedelta

from flask_babel import format_date

from learning.cohorts import schedules, visibility
from learning.cohorts.models import ModuleSchedule
from learning.progress.models import Progress
from tests.conftest import page
from tests.factories import enrol, make_cohort

COURSE = "/courses/mindsets"
THREE = f"{COURSE}/modules/three"


def _today(world):
    return schedules.today_in(world.cohort.time_zone)


def _schedule(db, cohort, module, opens_on=None, due_on=None):
    db.session.add(ModuleSchedule(cohort_id=cohort.id, module_id=module.id,
                                  opens_on=opens_on, due_on=due_on))
    db.session.commit()


def _long(day):
    return format_date(day, "long")


def _lock_three(db, world, days=5):
    opens = _today(world) + timedelta(days=days)
    _schedule(db, world.cohort, world.modules[2], opens_on=opens)
    return opens


def test_a_module_not_open_yet_is_listed_with_its_date_and_no_link(app, client, db, world,
                                                                   sign_in_as):
    opens = _lock_three(db, world)
    sign_in_as("enrolled")
    with app.test_request_context():
        shown = _long(opens)

    html = page(client.get(COURSE))
    cards = html.select("ol.modules > li")
    assert len(cards) == 2
    locked = cards[1]
    assert locked.select_one(".module-opens").get_text(strip=True) == f"Opens on {shown}"
    assert locked.find("a", href=THREE) is None
    assert cards[0].find("a", href=f"{COURSE}/modules/one") is not None
    # When the next module opens, named with its number as participants see it.
    assert html.select_one(".next-opening").get_text(" ", strip=True) == (
        f"When the next module opens Module 2, “Module three”, opens on {shown}.")


def test_its_module_and_item_pages_say_when_it_opens(app, client, db, world, sign_in_as):
    opens = _lock_three(db, world)
    sign_in_as("enrolled")
    with app.test_request_context():
        shown = _long(opens)

    for url in (THREE, f"{THREE}/items/reading", f"{THREE}/items/recording"):
        response = client.get(url)
        assert response.status_code == 403, url
        html = page(response)
        assert html.h1.get_text(strip=True) == "Module three"
        assert html.select_one(".module-opens").get_text(strip=True) == (
            f"This module opens on {shown}.")
        assert "Read this" not in response.get_data(as_text=True)


def test_its_items_take_no_progress_and_serve_no_media(client, db, world, sign_in_as):
    _lock_three(db, world)
    sign_in_as("enrolled")
    recording, reading, _ = world.modules[2].items

    watch = client.post(f"/progress/items/{recording.id}/watch",
                        data={"intervals": json.dumps([[0, 12]]), "position": "12"})
    assert watch.status_code == 403
    complete = client.post(f"/progress/items/{reading.id}/complete", data={"how": "read"})
    assert complete.status_code == 403
    assert client.get(f"/items/{recording.id}/video").status_code == 403
    assert db.session.query(Progress).count() == 0


def test_it_opens_on_its_date(client, db, world, sign_in_as):
    _schedule(db, world.cohort, world.modules[2], opens_on=_today(world))
    sign_in_as("enrolled")

    assert client.get(THREE).status_code == 200
    html = page(client.get(COURSE))
    assert html.find("a", href=THREE) is not None
    assert html.select_one(".next-opening") is None
    reading = world.modules[2].items[1]
    assert client.post(f"/progress/items/{reading.id}/complete",
                       data={"how": "read"}).status_code == 302


def test_previewers_are_never_locked_out(client, db, world, sign_in_as):
    _lock_three(db, world)
    for who in ("facilitator", "admin"):
        sign_in_as(who)
        assert client.get(THREE).status_code == 200, who
        assert client.get(f"{THREE}/items/reading").status_code == 200, who
        html = page(client.get(COURSE))
        assert html.find("a", href=THREE) is not None, who


def test_a_module_open_in_either_of_two_cohorts_is_open(client, db, world, sign_in_as):
    _lock_three(db, world)
    second = make_cohort(world.course, "Cohort B", "SECONDCODE")
    enrol(world.users["enrolled"], second)
    db.session.commit()
    sign_in_as("enrolled")

    assert client.get(THREE).status_code == 200


def test_locked_in_both_cohorts_it_opens_on_the_earlier_date(app, client, db, world,
                                                             sign_in_as):
    later = _lock_three(db, world, days=9)
    second = make_cohort(world.course, "Cohort B", "SECONDCODE")
    enrol(world.users["enrolled"], second)
    db.session.commit()
    sooner = _today(world) + timedelta(days=3)
    _schedule(db, second, world.modules[2], opens_on=sooner)
    sign_in_as("enrolled")

    response = client.get(THREE)
    assert response.status_code == 403
    with app.test_request_context():
        assert _long(sooner) in response.get_data(as_text=True)
        assert _long(later) not in response.get_data(as_text=True)


def test_the_due_date_is_shown_on_the_module_and_the_course(app, client, db, world,
                                                            sign_in_as):
    due = _today(world) + timedelta(days=10)
    _schedule(db, world.cohort, world.modules[0], due_on=due)
    sign_in_as("enrolled")
    with app.test_request_context():
        shown = f"Due {_long(due)}"

    module = page(client.get(f"{COURSE}/modules/one"))
    assert module.select_one(".module-due").get_text(strip=True) == shown
    course = page(client.get(COURSE))
    assert course.select("ol.modules > li")[0].select_one(".module-due").get_text(
        strip=True) == shown


def test_my_learning_says_when_the_next_module_opens(app, client, db, world, sign_in_as):
    opens = _lock_three(db, world)
    sign_in_as("enrolled")
    with app.test_request_context():
        shown = _long(opens)

    html = page(client.get("/learning"))
    card = next(card for card in html.select("li.card")
                if card.h2.get_text(strip=True) == "Changing mindsets")
    assert card.find("a", href=THREE) is None
    assert card.select_one(".module-opens").get_text(strip=True) == f"Opens on {shown}"
    assert f"opens on {shown}" in card.select_one(".next-opening").get_text(" ", strip=True)


def test_a_locked_module_is_not_completed_and_the_rule_is_unchanged(client, db, world,
                                                                    sign_in_as):
    _lock_three(db, world)
    sign_in_as("enrolled")
    html = page(client.get(COURSE))
    bars = html.select("ol.modules > li .progress-text")
    assert bars[1].get_text(strip=True).startswith("0 of ")


def test_the_rule_counts_days_in_each_cohorts_time_zone(app, db, world):
    # 11:00 UTC on 1 March is still 1 March in Port of Spain, already 2 March in Kiritimati.
    now = datetime(2024, 3, 1, 11, 0, tzinfo=UTC)
    user = world.users["enrolled"]
    module = world.modules[2]
    _schedule(db, world.cohort, module, opens_on=date(2024, 3, 2))
    with app.test_request_context():
        assert visibility.module_openings(user, world.course.id, False, now=now).opens_on(
            module.id) == date(2024, 3, 2)
        world.cohort.time_zone = "Pacific/Kiritimati"
        db.session.commit()
        assert visibility.module_openings(user, world.course.id, False, now=now).is_open(
            module.id)


def test_the_rule_leaves_previewers_and_people_in_no_cohort_alone(app, db, world):
    _lock_three(db, world)
    module = world.modules[2]
    with app.test_request_context():
        enrolled = world.users["enrolled"]
        assert not visibility.module_openings(enrolled, world.course.id, False).is_open(
            module.id)
        assert visibility.module_openings(enrolled, world.course.id, True).is_open(module.id)
        assert visibility.module_openings(enrolled, world.course.id, False,
                                          scheduled=False).is_open(module.id)
        manager = world.users["manager"]
        assert visibility.module_openings(manager, world.course.id, False).is_open(module.id)


def test_next_opening_is_the_soonest():
    openings = visibility.Openings(locked={1: date(2024, 3, 9), 2: date(2024, 3, 2)}, due={})

    class M:
        def __init__(self, id):
            self.id = id

    modules = [M(1), M(2), M(3)]
    module, day = openings.next_opening(modules)
    assert (module.id, day) == (2, date(2024, 3, 2))
    assert visibility.ALL_OPEN.next_opening(modules) is None
