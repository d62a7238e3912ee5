"""Reordering with buttons; archiving what people touched, deleting only what nobody did."""

from datetime import UTC, datetime

from sqlalchemy import select

from learning.catalog.models import Item, Module
from learning.progress import completion
from learning.progress.models import Progress
from tests.conftest import page
from tests.factories import make_module
from tests.studio.helpers import catalog_module_titles, item_titles, module_titles, studio_course

BASE = "/studio/courses/mindsets/modules"


def _complete(db, user, item):
    db.session.add(Progress(user_id=user.id, item_id=item.id, status="complete",
                            completed_at=datetime.now(UTC)))
    db.session.commit()


def _buttons(li):
    return [b.get_text(strip=True) for b in li.find_all("button")]


def test_modules_move_up_and_down_for_everyone(client, world, sign_in_as, auth):
    sign_in_as("facilitator")
    one, two, three = world.modules
    # The outline is kept per process: a move must give it a new version.
    assert catalog_module_titles(client) == ["Module one", "Module two", "Module three"]
    assert client.post(f"{BASE}/{one.id}/move/down").status_code == 302
    assert module_titles(client) == ["Module two", "Module one", "Module three"]
    assert client.post(f"{BASE}/{three.id}/move/up").status_code == 302
    assert module_titles(client) == ["Module two", "Module three", "Module one"]
    auth.logout()
    sign_in_as("enrolled")
    assert catalog_module_titles(client) == ["Module three", "Module one"]


def test_the_ends_offer_no_move_past_them(client, world, sign_in_as):
    sign_in_as("facilitator")
    modules = studio_course(client).select(".item-list > li")
    first, last = modules[0].find(class_="inline-actions"), modules[-1].find(
        class_="inline-actions")
    assert "Move up" not in _buttons(first) and "Move down" in _buttons(first)
    assert "Move down" not in _buttons(last) and "Move up" in _buttons(last)
    one = world.modules[0]
    # Asked anyway, nothing moves.
    assert client.post(f"{BASE}/{one.id}/move/up").status_code == 302
    assert module_titles(client) == ["Module one", "Module two", "Module three"]


def test_items_move_within_their_module(client, db, world, sign_in_as):
    sign_in_as("facilitator")
    one = world.modules[0]
    recording, reading, assessment = one.items
    assert client.post(f"{BASE}/{one.id}/items/{assessment.id}/move/up").status_code == 302
    assert item_titles(client, "one") == ["Recording", "Self-assessment", "A reading"]
    db.session.expire_all()
    assert [i.position for i in (recording, assessment, reading)] == [1, 2, 3]


def test_an_item_people_touched_is_archived_not_deleted(client, db, world, sign_in_as, auth):
    one = world.modules[0]
    reading = one.items[1]
    enrolled = world.users["enrolled"]
    _complete(db, enrolled, reading)
    required_before = set(db.session.scalars(completion.required_items(world.course.id)))

    sign_in_as("facilitator")
    row = studio_course(client).find(id=f"item-{reading.id}")
    assert "1 participant with progress" in row.get_text()
    assert "Delete" not in _buttons(row) and "Archive" in _buttons(row)
    response = client.post(f"{BASE}/{one.id}/items/{reading.id}/delete", follow_redirects=True)
    assert "People have progress on this item: archive it instead." in page(
        response).select_one(".messages").get_text()
    assert db.session.get(Item, reading.id) is not None

    response = client.post(f"{BASE}/{one.id}/items/{reading.id}/archive", follow_redirects=True)
    assert "archived" in page(response).select_one(".messages").get_text()
    row = page(response).find(id=f"item-{reading.id}")
    assert "Archived" in row.get_text() and "Restore" in _buttons(row)
    assert row.find("a", string="Preview") is None
    # Not even a preview shows it: archived content is out of the course.
    assert "A reading" not in item_titles(client, "one")
    assert client.get("/courses/mindsets/modules/one/items/reading").status_code == 404
    auth.logout()

    sign_in_as("enrolled")
    assert item_titles(client, "one") == ["Recording", "Self-assessment"]
    assert client.get("/courses/mindsets/modules/one/items/reading").status_code == 404
    db.session.expire_all()
    progress = db.session.scalar(select(Progress).where(Progress.item_id == reading.id))
    assert progress.status == "complete"  # kept
    required = set(db.session.scalars(completion.required_items(world.course.id)))
    assert required == required_before - {reading.id}


def test_a_restored_item_comes_back_with_its_progress(client, db, world, sign_in_as, auth):
    one = world.modules[0]
    reading = one.items[1]
    _complete(db, world.users["enrolled"], reading)
    sign_in_as("facilitator")
    client.post(f"{BASE}/{one.id}/items/{reading.id}/archive")
    client.post(f"{BASE}/{one.id}/items/{reading.id}/restore")
    auth.logout()
    sign_in_as("enrolled")
    soup = page(client.get("/courses/mindsets/modules/one/items/reading"))
    assert "You marked this reading as read on" in soup.get_text()


def test_an_untouched_item_can_be_deleted(client, db, world, sign_in_as):
    one = world.modules[0]
    reading_id = one.items[1].id
    sign_in_as("facilitator")
    assert item_titles(client, "one") == ["Recording", "A reading", "Self-assessment"]
    response = client.post(f"{BASE}/{one.id}/items/{reading_id}/delete", follow_redirects=True)
    assert "“A reading” deleted." in page(response).select_one(".messages").get_text()
    assert db.session.get(Item, reading_id) is None
    assert item_titles(client, "one") == ["Recording", "Self-assessment"]


def test_a_module_people_touched_is_archived_not_deleted(client, db, world, sign_in_as, auth):
    one = world.modules[0]
    _complete(db, world.users["enrolled"], one.items[0])
    sign_in_as("facilitator")
    module_row = studio_course(client).find(id=f"module-{one.id}")
    actions = _buttons(module_row.find(class_="inline-actions"))
    assert "Delete module" not in actions and "Archive module" in actions
    response = client.post(f"{BASE}/{one.id}/delete", follow_redirects=True)
    assert "archive it instead" in page(response).select_one(".messages").get_text()

    client.post(f"{BASE}/{one.id}/archive")
    assert module_titles(client) == ["Module one", "Module two", "Module three"]  # listed
    assert "Module one" not in catalog_module_titles(client)
    auth.logout()
    sign_in_as("enrolled")
    assert catalog_module_titles(client) == ["Module three"]
    assert client.get("/courses/mindsets/modules/one").status_code == 404
    db.session.expire_all()
    assert db.session.scalar(select(Progress).where(Progress.item_id == one.items[0].id))
    required = set(db.session.scalars(completion.required_items(world.course.id)))
    assert not required & {item.id for item in one.items}


def test_an_untouched_module_can_be_deleted_with_its_items(client, db, world, sign_in_as):
    three = world.modules[2]
    item_ids = [item.id for item in three.items]
    sign_in_as("facilitator")
    assert "Module three" in catalog_module_titles(client)
    response = client.post(f"{BASE}/{three.id}/delete", follow_redirects=True)
    assert "Module “Module three” deleted." in page(response).select_one(".messages").get_text()
    assert db.session.get(Module, three.id) is None
    assert not [i for i in item_ids if db.session.get(Item, i) is not None]
    assert module_titles(client) == ["Module one", "Module two"]
    assert catalog_module_titles(client) == ["Module one", "Module two"]


def test_buttons_need_a_csrf_token(app, client, world, sign_in_as):
    sign_in_as("facilitator")
    app.config["WTF_CSRF_ENABLED"] = True
    form = studio_course(client).find("button", string="Move down").find_parent("form")
    assert form.find("input", attrs={"name": "csrf_token"})
    one = world.modules[0]
    for action in ("move/down", "archive", "delete"):
        assert client.post(f"{BASE}/{one.id}/{action}").status_code == 400
    assert module_titles(client) == ["Module one", "Module two", "Module three"]


def test_the_course_page_asks_the_same_few_queries_however_large_the_course(
        client, db, world, sign_in_as, count_queries):
    sign_in_as("facilitator")
    studio_course(client)
    with count_queries() as small:
        studio_course(client)
    for position, slug in enumerate(("four", "five", "six"), start=4):
        make_module(world.course, slug, position=position)
    db.session.commit()
    studio_course(client)
    with count_queries() as large:
        studio_course(client)
    assert large.count == small.count



def test_after_an_action_the_page_returns_to_the_row_acted_on(client, world, sign_in_as):
    sign_in_as("facilitator")
    one = world.modules[0]
    reading = one.items[1]
    moved = client.post(f"{BASE}/{one.id}/items/{reading.id}/move/up")
    assert moved.headers["Location"].endswith(f"/studio/courses/mindsets#item-{reading.id}")
    archived = client.post(f"{BASE}/{one.id}/archive")
    assert archived.headers["Location"].endswith(f"/studio/courses/mindsets#module-{one.id}")
    # The anchors name rows the course page has.
    soup = page(client.get("/studio/courses/mindsets"))
    assert soup.find(id=f"item-{reading.id}") and soup.find(id=f"module-{one.id}")
