"""The course outline kept per process: reused while the course is unchanged, never stale."""

from sqlalchemy import select

from learning.catalog.models import Course, Item
from learning.catalog.outline import outline
from learning.progress.models import Progress
from tests.conftest import page
from tests.factories import make_module, make_user

MODULE = "/courses/mindsets/modules/one"


def selects(counter):
    return [s for s in counter.statements if s.lstrip().startswith("SELECT")]


def item_titles(page):
    return [a.get_text(strip=True) for a in page.select("ol.items li > a")]


def version(db, slug="mindsets"):
    return db.session.scalar(select(Course.outline_version).where(Course.slug == slug))


def test_a_second_visit_reuses_the_outline_and_asks_two_questions(client, world, sign_in_as,
                                                                   count_queries):
    sign_in_as("enrolled")
    client.get(MODULE)

    with count_queries() as counter:
        response = client.get(MODULE)

    assert response.status_code == 200
    statements = selects(counter)
    # The session check, then the course's version with the membership and the item
    # statuses: the modules and items come from the outline kept in the process.
    assert len(statements) == 2
    assert "user_session" in statements[0]
    assert "FROM course" in statements[1]
    assert not any("FROM module" in s for s in statements)


def test_a_changed_module_shows_at_once(client, db, world, sign_in_as):
    sign_in_as("enrolled")
    before = page(client.get(MODULE))
    assert "Recording" in item_titles(before)

    module = world.course.modules[0]
    module.items[0].title = "A retitled recording"
    module.items.append(Item(slug="late-addition", position=9, kind="reading",
                             title="A late addition", body_html="<p>Late.</p>"))
    db.session.commit()

    titles = item_titles(page(client.get(MODULE)))
    assert "A retitled recording" in titles
    assert "A late addition" in titles


def test_unpublishing_a_module_hides_it_at_once(client, db, world, sign_in_as):
    sign_in_as("enrolled")
    assert client.get(MODULE).status_code == 200

    world.course.modules[0].is_published = False
    db.session.commit()

    assert client.get(MODULE).status_code == 404


def test_unpublishing_the_course_refuses_it_at_once(client, db, world, sign_in_as):
    sign_in_as("enrolled")
    assert client.get(MODULE).status_code == 200

    world.course.is_published = False
    db.session.commit()

    assert client.get(MODULE).status_code == 404


def test_removing_a_facilitator_ends_their_preview_at_once(client, db, world, sign_in_as):
    sign_in_as("facilitator")
    assert client.get("/courses/mindsets/modules/two").status_code == 200

    world.course.facilitators.clear()
    db.session.commit()

    # Not theirs any more: the published course refuses them, as it does anyone outside it.
    assert client.get("/courses/mindsets/modules/two").status_code == 403


def test_every_change_to_the_structure_gives_a_new_version(db, world):
    seen = {version(db)}

    def changed():
        db.session.commit()
        current = version(db)
        assert current not in seen
        seen.add(current)

    world.course.title = "Retitled"
    changed()
    world.course.modules[0].summary = "New summary."
    changed()
    world.course.modules[0].items[0].minutes = 42
    changed()
    make_module(world.course, "four", position=4)
    changed()
    db.session.delete(world.course.modules[0].items[1])
    changed()
    world.course.facilitators.append(make_user("new-facilitator@example.org", "facilitator"))
    changed()


def test_a_draft_item_is_in_the_preview_only(db, world):
    one = world.course.modules[0]
    recording, reading, assessment = one.items
    reading.is_published = False
    db.session.commit()

    found = outline(world.course.id, version(db))
    participants = {m.slug: [i.slug for i in m.items] for m in found.visible_modules(False)}
    preview = {m.slug: [(i.slug, i.is_published) for i in m.items]
               for m in found.visible_modules(True)}
    assert participants["one"] == ["recording", "self-assessment"]
    assert preview["one"] == [("recording", True), ("reading", False),
                              ("self-assessment", True)]
    assert "two" not in participants and "two" in preview  # the draft module, as before
    assert found.module("one", preview=False).minutes == recording.minutes + assessment.minutes
    assert found.item(reading.id, preview=False) is None
    assert found.item(reading.id, preview=True)[1].slug == "reading"
    assert [i.slug for i in one.shown_items(preview=False)] == ["recording", "self-assessment"]
    assert len(one.shown_items(preview=True)) == 3


def test_progress_and_other_writes_leave_the_version_alone(db, world):
    before = version(db)
    user = world.users["enrolled"]
    item = world.course.modules[0].items[0]
    db.session.add(Progress(user_id=user.id, item_id=item.id, status="in_progress", detail={}))
    user.name = "Pat Renamed"
    db.session.commit()

    assert version(db) == before
    assert version(db, "other") != before  # each course has its own


def test_a_rolled_back_change_leaves_no_outline_a_later_change_could_match(app, db, world):
    course = world.course
    course.title = "Never committed"
    db.session.flush()
    rolled_back = outline(course.id, course.outline_version)
    assert rolled_back.title == "Never committed"
    db.session.rollback()

    course = db.session.scalar(select(Course).where(Course.slug == "mindsets"))
    course.title = "Committed"
    db.session.commit()

    assert course.outline_version != rolled_back.version
    assert outline(course.id, course.outline_version).title == "Committed"


def test_an_outsider_is_refused_as_before(client, world, sign_in_as):
    sign_in_as("outsider")
    assert client.get(MODULE).status_code == 403
    assert client.get("/courses/draft/modules/draft-module").status_code == 404
    assert client.get("/courses/nowhere/modules/one").status_code == 404
