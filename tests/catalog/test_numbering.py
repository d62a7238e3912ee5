"""Modules are numbered over what participants see: archiving or unpublishing one leaves no
gap, and the stored positions that order them stay as they were."""

from learning.catalog.models import Module, module_numbers
from tests.conftest import page

STUDIO = "/studio/courses/mindsets"


def _numbers_on_course_page(client):
    soup = page(client.get("/courses/mindsets"))
    return [(a.select_one(".module-position").get_text(strip=True)
             if a.select_one(".module-position") else None)
            for a in soup.select("ol.modules h3 a")]


def _webinar_line(client, slug):
    return page(client.get(f"/courses/mindsets/modules/{slug}")).select_one(
        "main .meta").get_text(" ", strip=True)


def test_the_rule_counts_published_modules_not_archived():
    modules = [Module(id=1, position=1, is_published=True, is_archived=True),
               Module(id=2, position=2, is_published=False, is_archived=False),
               Module(id=3, position=5, is_published=True, is_archived=False),
               Module(id=4, position=7, is_published=True, is_archived=False)]
    assert module_numbers(modules) == {3: 1, 4: 2}


def test_after_an_archive_participants_see_no_gap(client, db, world, sign_in_as, auth):
    one, two, three = world.modules
    two.is_published = True
    db.session.commit()
    sign_in_as("facilitator")
    assert client.post(f"{STUDIO}/modules/{two.id}/archive").status_code == 302
    studio = page(client.get(STUDIO))
    assert "participants see it as module 2" in studio.find(
        id=f"module-{three.id}").select_one(".meta").get_text()
    assert "participants see it as module" not in studio.find(
        id=f"module-{two.id}").select_one(".meta").get_text()
    auth.logout()

    sign_in_as("enrolled")
    assert _numbers_on_course_page(client) == ["Module 1:", "Module 2:"]
    assert _webinar_line(client, "three").startswith("Webinar 2")
    learning = page(client.get("/learning"))
    links = [a.get_text(" ", strip=True) for a in learning.select(".module-progress a")]
    assert links == ["Module 1: Module one", "Module 2: Module three"]
    labels = [bar["aria-label"] for bar in learning.select(".module-progress progress")]
    assert labels == ["Progress through module 1", "Progress through module 2"]
    db.session.expire_all()
    # The positions that order the modules are not renumbered.
    assert [db.session.get(Module, m.id).position for m in (one, two, three)] == [1, 2, 3]


def test_a_restored_module_takes_its_number_back(client, db, world, sign_in_as, auth):
    one, two, three = world.modules
    sign_in_as("facilitator")
    client.post(f"{STUDIO}/modules/{one.id}/archive")
    auth.logout()
    sign_in_as("enrolled")
    assert _webinar_line(client, "three").startswith("Webinar 1")
    auth.logout()
    sign_in_as("facilitator")
    client.post(f"{STUDIO}/modules/{one.id}/restore")
    auth.logout()
    sign_in_as("enrolled")
    assert _webinar_line(client, "one").startswith("Webinar 1")
    assert _webinar_line(client, "three").startswith("Webinar 2")


def test_a_previewed_unpublished_module_has_no_number(client, world, sign_in_as):
    sign_in_as("facilitator")
    assert "Webinar" not in _webinar_line(client, "two")
    assert _numbers_on_course_page(client) == ["Module 1:", None, "Module 2:"]
