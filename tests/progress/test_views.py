import json

import pytest
from sqlalchemy import select

from learning.progress import services
from learning.progress.models import Progress
from tests import factories
from tests.conftest import page

# Reports here are about merging and writing; tests/progress/test_pace.py times them.
pytestmark = pytest.mark.usefixtures("unhurried")


@pytest.fixture
def course_world(app, db):
    course = factories.make_course(slug="mindsets", title="Mindsets")
    module = factories.make_module(course, slug="one")
    second = factories.make_module(course, slug="two", position=2)
    cohort = factories.make_cohort(course)
    participant = factories.make_user("participant@example.org")
    factories.enrol(participant, cohort)
    outsider = factories.make_user("outsider@example.org")
    other_course = factories.make_course(slug="other", title="Other")
    other_module = factories.make_module(other_course, slug="elsewhere")
    factories.enrol(outsider, factories.make_cohort(other_course, name="B", join_code="OTHER2024"))
    db.session.commit()
    return {
        "course": course, "module": module, "second": second, "participant": participant,
        "recording": module.items[0], "reading": module.items[1],
        "assessment": module.items[2], "other_recording": other_module.items[0],
    }


def watch(client, item, intervals, position=None, **extra):
    data = {"intervals": json.dumps(intervals) if not isinstance(intervals, str) else intervals}
    if position is not None:
        data["position"] = str(position)
    data.update(extra)
    return client.post(f"/progress/items/{item.id}/watch", data=data)


def button_link(soup, words):
    return next(a for a in soup.select("a.button") if words in a.get_text())


def rows(db):
    db.session.expire_all()
    return db.session.scalars(select(Progress)).all()


def test_heartbeats_merge_and_complete_the_recording(client, auth, db, course_world):
    auth.login()
    item = course_world["recording"]
    first = watch(client, item, [[0, 30]], 30)
    assert first.status_code == 200
    assert first.json == {"status": "in_progress", "watched_percent": 50, "position": 30}
    second = watch(client, item, [[25, 55]], 55)
    assert second.json["status"] == "complete"
    assert second.json["watched_percent"] == 91
    assert rows(db)[0].detail["intervals"] == [[0, 55]]


def test_skipping_to_the_end_does_not_complete(client, auth, db, course_world):
    auth.login()
    response = watch(client, course_world["recording"], [[0, 2], [58, 60]], 60)
    assert response.json["status"] == "in_progress"
    assert response.json["watched_percent"] == 6


def test_a_late_heartbeat_never_lowers_progress(client, auth, db, course_world):
    auth.login()
    item = course_world["recording"]
    watch(client, item, [[0, 60]], 60)
    response = watch(client, item, [[0, 5]], 5)
    assert response.json["status"] == "complete"
    assert rows(db)[0].detail["intervals"] == [[0, 60]]


def test_the_player_resumes_at_the_last_position(client, auth, course_world):
    auth.login()
    watch(client, course_world["recording"], [[0, 20]], 20.5)
    soup = page(client.get("/courses/mindsets/modules/one/items/recording"))
    video = soup.find("video")
    assert video["data-resume"] == "20.5"
    assert video["data-progress-url"] == f"/progress/items/{course_world['recording'].id}/watch"
    assert "33%" in soup.find(id="watch-status").get_text()


@pytest.mark.parametrize("intervals, position", [
    ([[-1, 10]], None),
    ("[[NaN, 10]]", None),
    ("[[0, Infinity]]", None),
    ([[0, 999]], None),
    ([[30, 10]], None),
    ([[0, 1]] * 101, None),
    ([["0", "10"]], None),
    ([[0, 10, 20]], None),
    ({"start": 0}, None),
    ("not json", None),
    ("", None),
    ([[0, 10]], -5),
    ([[0, 10]], "soon"),
    ([[0, 10]], 10_000),
])
def test_bad_heartbeats_get_a_json_400_and_change_nothing(client, auth, db, course_world,
                                                          intervals, position):
    auth.login()
    response = watch(client, course_world["recording"], intervals, position)
    assert response.status_code == 400
    assert set(response.json) == {"error"}
    assert rows(db) == []


def test_an_oversized_heartbeat_gets_413_json(client, auth, db, course_world):
    auth.login()
    response = watch(client, course_world["recording"], "[" + "[0, 1]," * 5000 + "[0, 1]]")
    assert response.status_code == 413
    assert "error" in response.json
    assert rows(db) == []


def test_heartbeat_without_csrf_token_is_refused(app, client, auth, db, course_world):
    auth.login()
    app.config["WTF_CSRF_ENABLED"] = True
    response = watch(client, course_world["recording"], [[0, 10]])
    assert response.status_code == 400
    assert "error" in response.json
    assert rows(db) == []


def test_heartbeat_with_a_fresh_token_from_the_refresh_endpoint(app, client, auth, db,
                                                                course_world):
    auth.login()
    app.config["WTF_CSRF_ENABLED"] = True
    token = client.get("/progress/csrf-token").json["csrf_token"]
    response = watch(client, course_world["recording"], [[0, 10]], csrf_token=token)
    assert response.status_code == 200


def test_heartbeat_for_a_course_not_taken_is_refused(client, auth, db, course_world):
    auth.login()
    response = watch(client, course_world["other_recording"], [[0, 10]])
    assert response.status_code in (403, 404)
    assert "error" in response.json
    assert rows(db) == []


def test_heartbeat_when_signed_out_is_401_json(client, db, course_world):
    response = watch(client, course_world["recording"], [[0, 10]])
    assert response.status_code == 401
    assert "error" in response.json


def test_heartbeat_for_a_reading_is_refused(client, auth, db, course_world):
    auth.login()
    response = watch(client, course_world["reading"], [[0, 10]])
    assert response.status_code == 400
    assert rows(db) == []


def test_a_facilitator_previewing_keeps_no_progress(client, auth, db, course_world):
    facilitator = factories.make_user("fac@example.org", "facilitator")
    course_world["course"].facilitators.append(facilitator)
    db.session.commit()
    auth.login("fac@example.org")
    assert watch(client, course_world["recording"], [[0, 10]]).status_code == 403
    soup = page(client.get("/courses/mindsets/modules/one/items/recording"))
    assert not soup.find("video").has_attr("data-progress-url")


def test_marking_a_reading_read_works_without_javascript(client, auth, db, course_world):
    auth.login()
    item_page = page(client.get("/courses/mindsets/modules/one/items/reading"))
    form = item_page.find("button", string="Mark as read").find_parent("form")
    data = {i["name"]: i.get("value", "") for i in form.find_all("input")}
    response = client.post(form["action"], data=data)
    assert response.status_code == 302
    soup = page(client.get(response.headers["Location"]))
    assert soup.find("button", string="Mark as read") is None
    assert "You marked this reading as read" in soup.find("article").get_text()
    assert rows(db)[0].status == "complete"


def test_reading_the_transcript_completes_the_recording_when_allowed(client, auth, db,
                                                                      course_world):
    auth.login()
    item = course_world["recording"]
    response = client.post(f"/progress/items/{item.id}/complete", data={"how": "transcript"})
    assert response.status_code == 302
    assert rows(db)[0].detail["completed_by"] == "transcript"


def test_transcript_completion_is_refused_where_not_allowed(client, auth, db, course_world):
    item = course_world["recording"]
    item.transcript_completes = False
    db.session.commit()
    auth.login()
    soup = page(client.get("/courses/mindsets/modules/one/items/recording"))
    assert soup.find("button", string="I have read the transcript") is None
    response = client.post(f"/progress/items/{item.id}/complete", data={"how": "transcript"})
    assert response.status_code == 400
    assert rows(db) == []


@pytest.mark.parametrize("item_key, how", [
    ("reading", "transcript"), ("recording", "read"), ("assessment", "read"),
    ("reading", "magic"), ("reading", ""),
])
def test_completing_the_wrong_way_is_refused(client, auth, db, course_world, item_key, how):
    auth.login()
    response = client.post(f"/progress/items/{course_world[item_key].id}/complete",
                           data={"how": how})
    assert response.status_code == 400
    assert rows(db) == []


def test_module_page_shows_each_items_status(client, auth, course_world):
    auth.login()
    watch(client, course_world["recording"], [[0, 20]])
    client.post(f"/progress/items/{course_world['reading'].id}/complete", data={"how": "read"})
    soup = page(client.get("/courses/mindsets/modules/one"))
    statuses = [li.select_one(".status").get_text(strip=True)
                for li in soup.select("ol.items > li")]
    assert statuses == ["In progress", "✓Complete", "Not started"]
    assert "1 of 3 required items complete (33%)" in soup.select_one(".progress").get_text()


def test_pages_show_only_the_participants_own_statuses(app, client, auth, db, course_world):
    # Another participant of the same cohort has finished what this one has not begun.
    other = factories.make_user("colleague@example.org")
    factories.enrol(other, factories.make_cohort(course_world["course"], name="Cohort B",
                                                 join_code="SECOND2024"))
    db.session.commit()
    for item in ("recording", "reading"):
        services.mark_complete(other.id, course_world[item], "read")
    db.session.commit()
    auth.login()
    watch(client, course_world["recording"], [[0, 20]])
    soup = page(client.get("/courses/mindsets/modules/one"))
    statuses = [li.select_one(".status").get_text(strip=True)
                for li in soup.select("ol.items > li")]
    assert statuses == ["In progress", "Not started", "Not started"]
    course_page = page(client.get("/courses/mindsets"))
    assert [p.get_text(" ", strip=True) for p in course_page.select(".progress-text")][0] \
        == "0 of 6 required items complete (0%)"


def test_course_page_and_my_learning_show_progress_and_where_to_continue(client, auth,
                                                                        course_world):
    auth.login()
    client.post(f"/progress/items/{course_world['recording'].id}/complete",
                data={"how": "transcript"})
    course_page = page(client.get("/courses/mindsets"))
    bars = [p.get_text(" ", strip=True) for p in course_page.select(".progress-text")]
    assert bars == ["1 of 6 required items complete (16%)",
                    "1 of 3 required items complete (33%)",
                    "0 of 3 required items complete (0%)"]
    mine = page(client.get("/learning"))
    link = button_link(mine, "Continue where you left off")
    assert link["href"] == "/courses/mindsets/modules/one/items/reading"
    assert [m.get_text(" ", strip=True) for m in mine.select(".module-progress .progress-text")] \
        == ["1 of 3 required items complete (33%)", "0 of 3 required items complete (0%)"]


def test_a_new_participant_is_invited_to_start(client, auth, course_world):
    auth.login()
    link = button_link(page(client.get("/learning")), "Start the course")
    assert link["href"] == "/courses/mindsets/modules/one/items/recording"


def test_heartbeat_for_an_item_gone_from_its_outline_is_404(client, auth, db, course_world,
                                                            monkeypatch):
    # The item was deleted between the query that found its course and the outline's build.
    from dataclasses import replace

    from learning.progress import lookups

    found_outline = lookups.outline

    def without_the_item(course_id, version):
        found = found_outline(course_id, version)
        item_id = course_world["recording"].id
        def leave_out(modules):
            return tuple(replace(m, items=tuple(i for i in m.items if i.id != item_id))
                         for m in modules)

        return replace(found, modules=leave_out(found.modules), shown=leave_out(found.shown))

    monkeypatch.setattr(lookups, "outline", without_the_item)
    auth.login()
    response = watch(client, course_world["recording"], [[0, 10]])
    assert response.status_code == 404
    assert "error" in response.json
    assert rows(db) == []
