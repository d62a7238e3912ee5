"""Moving an item to another module of its course (issue #22, item 10): from its row or its
edit page, to the end of the module chosen, with everyone's progress; asked first when it
moves cohorts' figures; a slug the module already uses is refused with a free one offered."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from learning.catalog.models import Item, Module
from learning.certificates import services as certificates
from learning.instruments.models import Dimension
from learning.progress.models import Progress
from learning.studio import moves
from learning.studio.courses import StudioError
from tests.conftest import csrf_token, page
from tests.factories import required_items
from tests.reports.test_course_changes import confirm, form_values
from tests.studio.helpers import item_titles, studio_course

BASE = "/studio/courses/mindsets/modules"


@pytest.fixture
def notes(db, world):
    """A required, published reading at the end of module one, with a slug of its own."""
    one = world.modules[0]
    item = Item(slug="notes", position=4, kind="reading", title="Notes", minutes=5,
                body_html="<p>Notes.</p>")
    one.items.append(item)
    db.session.commit()
    return item


def _complete(db, user, *items):
    for item in items:
        db.session.add(Progress(user_id=user.id, item_id=item.id, status="complete",
                                completed_at=datetime.now(UTC)))
    db.session.commit()


def _stored(db, item_id):
    db.session.expire_all()
    return db.session.get(Item, item_id)


def _layout(db, module):
    """The module's items as (slug, position), in order."""
    db.session.expire_all()
    return [(item.slug, item.position) for item in db.session.get(Module, module.id).items]


def _move_form(soup, item):
    return soup.find(id=f"item-{item.id}").select_one("form.move-item")


def _move(client, item, target, **extra):
    """What the row's form sends for this target."""
    return client.post(f"{BASE}/{item.module_id}/items/{item.id}/move-to-module",
                       data={"target": str(target.id), **extra})


def _summary(soup):
    return [li.get_text(" ", strip=True) for li in soup.select(".error-summary li")]


# The rules -----------------------------------------------------------------------------


def test_an_item_may_go_to_its_courses_other_modules_not_archived(db, world, notes):
    one, two, three = world.modules
    assert moves.move_targets(notes) == [two, three]
    three.is_archived = True
    db.session.flush()
    assert moves.move_targets(notes) == [two]


def test_it_goes_to_the_end_and_both_modules_are_numbered_again(db, world, notes):
    one, _two, three = world.modules
    # A gap, as deleting an item leaves one.
    three.items[1].position = 7
    db.session.flush()
    reading = one.items[1]
    moves.move_item_to_module(reading, three, "reading-from-one")
    db.session.commit()
    assert _layout(db, one) == [("recording", 1), ("self-assessment", 2), ("notes", 3)]
    assert _layout(db, three) == [("recording", 1), ("reading", 2), ("self-assessment", 3),
                                  ("reading-from-one", 4)]
    assert _stored(db, reading.id).module_id == three.id


def test_a_move_is_refused_whole(db, world, notes):
    one, two, three = world.modules
    elsewhere = world.other.modules[0]
    for target, reason in ((one, "Choose another module"), (elsewhere, "Choose another module")):
        with pytest.raises(StudioError, match=reason):
            moves.move_item_to_module(notes, target)
    reading = one.items[1]
    assert moves.slug_taken(reading, three) and not moves.slug_taken(notes, three)
    with pytest.raises(StudioError, match="“Module three” already has an item with the slug "
                                          "“reading”"):
        moves.move_item_to_module(reading, three)
    three.is_archived = True
    db.session.flush()
    with pytest.raises(StudioError, match="Choose another module"):
        moves.move_item_to_module(notes, three)
    db.session.rollback()
    assert _layout(db, one)[-1] == ("notes", 4)


def test_helpful_references_follow_the_item(db, world, notes):
    one, _two, three = world.modules
    instrument = one.items[2].instrument
    dimension = instrument.dimensions[0]
    dimension.helpful_items = ["one/notes", "one/reading"]
    db.session.commit()
    version = instrument.version
    moves.move_item_to_module(notes, three, "more-notes")
    db.session.commit()
    db.session.expire_all()
    dimension = db.session.get(Dimension, dimension.id)
    assert dimension.helpful_items == ["three/more-notes", "one/reading"]
    assert dimension.instrument.version == version


# Through the pages -----------------------------------------------------------------------


def test_a_facilitator_moves_an_item_from_its_row(client, db, world, notes, sign_in_as, auth):
    one, two, three = world.modules
    sign_in_as("facilitator")
    form = _move_form(studio_course(client), notes)
    select_ = form.find("select", attrs={"name": "target"})
    assert [option.get_text(strip=True) for option in select_.find_all("option")] == [
        "Module two (draft)", "Module three"]
    label = form.find("label", attrs={"for": select_["id"]})
    assert label.get_text(strip=True) == "Module to move “Notes” to"
    response = client.post(form["action"], data={**form_values(form), "target": str(three.id)})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/studio/courses/mindsets#item-{notes.id}")
    soup = studio_course(client)
    assert soup.select_one(".messages").get_text(strip=True).endswith(
        "“Notes” moved from “Module one” to the end of “Module three”; everyone's progress on "
        "it is kept.")
    # The row acted on is in its new module now.
    assert soup.find(id=f"item-{notes.id}").find_parent("li", id=f"module-{three.id}")
    assert _layout(db, three)[-1] == ("notes", 4)
    assert [position for _slug, position in _layout(db, one)] == [1, 2, 3]
    auth.logout()

    sign_in_as("enrolled")
    assert item_titles(client, "three")[-1] == "Notes"
    assert "Notes" not in item_titles(client, "one")
    assert client.get("/courses/mindsets/modules/three/items/notes").status_code == 200
    assert client.get("/courses/mindsets/modules/one/items/notes").status_code == 404


def test_a_facilitator_moves_an_item_from_its_edit_page(client, db, world, notes, sign_in_as):
    one, two, three = world.modules
    sign_in_as("facilitator")
    soup = page(client.get(f"{BASE}/{one.id}/readings/{notes.id}/edit"))
    section = soup.select_one("section.move-elsewhere")
    assert section.h2.get_text(strip=True) == "Move to another module"
    form = section.select_one("form.move-item")
    select_ = form.find("select", attrs={"name": "target"})
    assert form.find("label", attrs={"for": select_["id"]}).get_text(
        strip=True) == "Module to move it to"
    response = client.post(form["action"], data={**form_values(form), "target": str(two.id)})
    assert response.headers["Location"].endswith(f"#item-{notes.id}")
    assert _stored(db, notes.id).module_id == two.id
    # Its edit page is now under its new module.
    assert client.get(f"{BASE}/{two.id}/readings/{notes.id}/edit").status_code == 200
    assert client.get(f"{BASE}/{one.id}/readings/{notes.id}/edit").status_code == 404


def test_progress_and_completions_move_with_the_item(client, db, world, notes, sign_in_as,
                                                     auth):
    one, _two, three = world.modules
    enrolled = world.users["enrolled"]
    _complete(db, enrolled, notes)
    progress_id = db.session.scalar(select(Progress.id).where(Progress.item_id == notes.id))
    sign_in_as("facilitator")
    # Module one was not complete for them, nor is module three: nobody's figures move.
    assert _move(client, notes, three).status_code == 302
    assert _stored(db, notes.id).module_id == three.id
    auth.logout()
    sign_in_as("enrolled")
    soup = page(client.get("/courses/mindsets/modules/three/items/notes"))
    assert "You marked this reading as read on" in soup.get_text()
    db.session.expire_all()
    progress = db.session.get(Progress, progress_id)
    assert (progress.item_id, progress.status) == (notes.id, "complete")


def test_a_slug_the_module_uses_is_refused_with_a_free_one_offered(client, db, world,
                                                                   sign_in_as):
    one, _two, three = world.modules
    reading = one.items[1]
    sign_in_as("facilitator")
    response = _move(client, reading, three)
    assert response.status_code == 200
    soup = page(response)
    assert soup.h1.get_text(strip=True) == "Move “A reading” to another module"
    assert _summary(soup) == [
        "Slug in that module: “Module three” already has an item with the slug “reading”. "
        "Move it under the slug offered here, or choose another."]
    form = soup.select_one("main form")
    assert form.find("input", attrs={"name": "slug"})["value"] == "reading-2"
    chosen = form.find("select", attrs={"name": "target"}).find("option", selected=True)
    assert chosen["value"] == str(three.id)
    assert _stored(db, reading.id).module_id == one.id  # nothing moved

    # A slug typed that is taken too gets the same answer.
    assert _summary(page(_move(client, reading, three, slug="recording")))[0].startswith(
        "Slug in that module: “Module three” already has an item with the slug “recording”.")
    # A slug that is no slug is refused as on the item's form.
    assert _summary(page(_move(client, reading, three, slug="Not a slug"))) == [
        "Slug in that module: Use lower-case letters, digits and single hyphens, such as "
        "“digital-government”."]

    # Accepting the one offered moves it.
    response = client.post(form["action"], data=form_values(form))
    assert response.status_code == 302
    item = _stored(db, reading.id)
    assert (item.module_id, item.slug, item.position) == (three.id, "reading-2", 4)


def test_an_archived_or_foreign_module_is_no_target(client, db, world, notes, sign_in_as):
    one, two, three = world.modules
    sign_in_as("facilitator")
    assert client.post(f"{BASE}/{three.id}/archive").status_code == 302
    options = _move_form(studio_course(client), notes).select("option")
    assert [option.get_text(strip=True) for option in options] == ["Module two (draft)"]
    for target in (three, world.other.modules[0], one):
        response = _move(client, notes, target)
        assert response.status_code == 200
        assert _summary(page(response)) == ["Module to move it to: Not a valid choice."]
    assert _stored(db, notes.id).module_id == one.id


def test_a_course_of_one_module_offers_no_move(client, db, world, sign_in_as):
    other = world.other
    item = other.modules[0].items[1]
    sign_in_as("admin")
    assert _move_form(studio_course(client, "other"), item) is None
    soup = page(client.get(f"/studio/courses/other/modules/{item.module_id}/items/{item.id}"
                           "/move-to-module"))
    assert soup.select_one("main form") is None
    assert "This course has no other module it can move to" in soup.get_text()


@pytest.mark.parametrize(("who", "status"), [("other_facilitator", 403), ("enrolled", 403),
                                             ("manager", 403)])
def test_only_the_courses_facilitators_and_admins_move_items(client, db, world, notes,
                                                             sign_in_as, who, status):
    sign_in_as(who)
    assert _move(client, notes, world.modules[2]).status_code == status
    assert _stored(db, notes.id).module_id == world.modules[0].id


def test_an_admin_moves_items(client, db, world, notes, sign_in_as):
    sign_in_as("admin")
    assert _move(client, notes, world.modules[2]).status_code == 302
    assert _stored(db, notes.id).module_id == world.modules[2].id


def test_a_move_needs_a_csrf_token(app, client, db, world, notes, sign_in_as):
    sign_in_as("facilitator")
    app.config["WTF_CSRF_ENABLED"] = True
    assert _move(client, notes, world.modules[2]).status_code == 400
    assert _move(client, notes, world.modules[2],
                 csrf_token="forged").status_code == 400
    token = csrf_token(client, "/studio/courses/mindsets")
    assert _move(client, notes, world.modules[2], csrf_token=token).status_code == 302
    assert _stored(db, notes.id).module_id == world.modules[2].id


def test_a_move_that_changes_a_modules_figures_asks_first(client, db, world, sign_in_as):
    one, _two, three = world.modules
    enrolled = world.users["enrolled"]
    # Module one complete; module three's reading is required and not done.
    _complete(db, enrolled, *[item for item in required_items(world.course)
                              if item.module_id == one.id])
    reading = three.items[1]
    sign_in_as("facilitator")
    asking = _move(client, reading, one, slug="further-reading")
    assert _stored(db, reading.id).module_id == three.id  # nothing before it is confirmed
    shown, soup = confirm(client, asking)
    assert soup.h1.get_text(strip=True) == "Move “A reading” to “Module one”?"
    assert soup.select_one("main form button").get_text(strip=True) == "Yes, move it"
    assert [h2.get_text(strip=True) for h2 in soup.select("section.change-effect h2")] == [
        "Cohort A"]
    assert shown == [["Completed the course", "0", "0"], ["Completed: Module one", "1", "0"]]
    item = _stored(db, reading.id)
    assert (item.module_id, item.slug) == (one.id, "further-reading")
    assert client.get("/studio/courses/mindsets").status_code == 200


def test_a_move_into_a_draft_module_that_completes_someone_certifies_them(client, db, world,
                                                                           sign_in_as):
    one, two, three = world.modules
    enrolled = world.users["enrolled"]
    reading = three.items[1]
    # Everything the course asks but module three's reading.
    _complete(db, enrolled, *[item for item in required_items(world.course)
                              if item.id != reading.id])
    assert certificates.certificate_for(enrolled.id, world.course.id) is None
    sign_in_as("facilitator")
    asking = _move(client, reading, two, slug="kept-for-later")
    soup = page(asking)
    assert soup.select_one(".effect-certified").get_text(strip=True) == (
        "1 participant becomes complete and will be certified.")
    shown, _soup = confirm(client, asking)
    assert shown[0] == ["Completed the course", "0", "1"]
    db.session.expire_all()
    assert certificates.certificate_for(enrolled.id, world.course.id) is not None
    assert _stored(db, reading.id).module_id == two.id


def test_cancelling_the_question_moves_nothing(client, db, world, sign_in_as):
    one, _two, three = world.modules
    _complete(db, world.users["enrolled"], *[item for item in required_items(world.course)
                                             if item.module_id == one.id])
    reading = three.items[1]
    sign_in_as("facilitator")
    soup = page(_move(client, reading, one, slug="further-reading"))
    cancel = soup.find("a", string="Cancel and go back to the course")
    assert cancel["href"] == "/studio/courses/mindsets"
    assert _layout(db, three) == [("recording", 1), ("reading", 2), ("self-assessment", 3)]
    assert [slug for slug, _position in _layout(db, one)] == [
        "recording", "reading", "self-assessment"]
