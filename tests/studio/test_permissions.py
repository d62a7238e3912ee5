"""Every studio page: anonymous → sign-in, participant → 403, another course's facilitator →
403; the course's facilitators and admins get in.
"""

import re
from urllib.parse import urlsplit

import pytest

from tests.conftest import page

ROUTES = [
    ("get", "/studio/"),
    ("get", "/studio/courses/mindsets"),
    ("get", "/studio/courses/mindsets/export"),
    ("get", "/studio/courses/mindsets/settings"),
    ("post", "/studio/courses/mindsets/settings"),
    ("get", "/studio/courses/mindsets/modules/new"),
    ("post", "/studio/courses/mindsets/modules/new"),
    ("get", "/studio/courses/mindsets/modules/{one}/edit"),
    ("post", "/studio/courses/mindsets/modules/{one}/edit"),
    ("post", "/studio/courses/mindsets/modules/{one}/move/down"),
    ("post", "/studio/courses/mindsets/modules/{one}/archive"),
    ("post", "/studio/courses/mindsets/modules/{one}/restore"),
    ("post", "/studio/courses/mindsets/modules/{one}/delete"),
    ("get", "/studio/courses/mindsets/modules/{one}/readings/new"),
    ("post", "/studio/courses/mindsets/modules/{one}/readings/new"),
    ("get", "/studio/courses/mindsets/modules/{one}/readings/{reading}/edit"),
    ("post", "/studio/courses/mindsets/modules/{one}/readings/{reading}/edit"),
    ("get", "/studio/courses/mindsets/modules/{one}/recordings/new"),
    ("post", "/studio/courses/mindsets/modules/{one}/recordings/new"),
    ("get", "/studio/courses/mindsets/modules/{one}/recordings/{recording}/edit"),
    ("post", "/studio/courses/mindsets/modules/{one}/recordings/{recording}/edit"),
    ("post", "/studio/courses/mindsets/modules/{one}/items/{reading}/move/up"),
    ("post", "/studio/courses/mindsets/modules/{one}/items/{reading}/archive"),
    ("post", "/studio/courses/mindsets/modules/{one}/items/{reading}/restore"),
    ("post", "/studio/courses/mindsets/modules/{one}/items/{reading}/unpublish"),
    ("post", "/studio/courses/mindsets/modules/{one}/items/{reading}/publish"),
    ("post", "/studio/courses/mindsets/modules/{one}/items/{reading}/delete"),
]
COURSE_ROUTES = [route for route in ROUTES if route[1] != "/studio/"]


def _url(world, path):
    one = world.modules[0]
    return path.format(one=one.id, reading=one.items[1].id, recording=one.items[0].id)


def _ask(client, method, url):
    return getattr(client, method)(url, data={})


@pytest.mark.parametrize(("method", "path"), ROUTES)
def test_anonymous_is_sent_to_sign_in(client, world, method, path):
    response = _ask(client, method, _url(world, path))
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in")


@pytest.mark.parametrize("who", ["enrolled", "outsider", "manager"])
@pytest.mark.parametrize(("method", "path"), ROUTES)
def test_people_who_do_not_facilitate_are_refused(client, world, sign_in_as, who, method,
                                                  path):
    sign_in_as(who)
    assert _ask(client, method, _url(world, path)).status_code == 403


@pytest.mark.parametrize(("method", "path"), COURSE_ROUTES)
def test_a_facilitator_of_another_course_is_refused(client, world, sign_in_as, method, path):
    sign_in_as("other_facilitator")
    assert _ask(client, method, _url(world, path)).status_code == 403


@pytest.mark.parametrize("who", ["facilitator", "admin"])
@pytest.mark.parametrize(("method", "path"), ROUTES)
def test_the_course_facilitator_and_admins_get_in(client, world, sign_in_as, who, method,
                                                 path):
    sign_in_as(who)
    response = _ask(client, method, _url(world, path))
    # A form posted empty is shown again with its errors; an action redirects to the course
    # (at the row it acted on).
    assert response.status_code in (200, 302)
    if response.status_code == 302:
        location = urlsplit(response.headers["Location"])
        assert location.path == "/studio/courses/mindsets"
        assert re.fullmatch(r"((module|item)-\d+)?", location.fragment)


def test_the_other_facilitator_sees_only_their_course_in_the_studio(client, world,
                                                                    sign_in_as):
    sign_in_as("other_facilitator")
    response = client.get("/studio/")
    links = [a.get_text(strip=True) for a in page(response).select(".cards a")]
    assert links == ["Another course"]


def test_unknown_courses_modules_and_items_are_not_found(client, world, sign_in_as):
    sign_in_as("facilitator")
    one = world.modules[0]
    other_module = world.other.modules[0]
    assert client.get("/studio/courses/nowhere").status_code == 404
    assert client.get(f"/studio/courses/mindsets/modules/{other_module.id}/edit").status_code \
        == 404
    assert client.get(
        f"/studio/courses/mindsets/modules/{one.id}/readings/{one.items[0].id}/edit"
    ).status_code == 404  # a recording is not a reading
    assert client.post(f"/studio/courses/mindsets/modules/{one.id}/move/sideways").status_code \
        == 404


def test_the_studio_link_shows_for_facilitators_only(client, world, sign_in_as, auth):
    sign_in_as("enrolled")
    nav = page(client.get("/learning")).select_one("nav[aria-label=Main]")
    assert "Studio" not in nav.get_text()
    auth.logout()
    sign_in_as("facilitator")
    nav = page(client.get("/learning")).select_one("nav[aria-label=Main]")
    assert nav.find("a", string="Studio")["href"] == "/studio/"

