"""Every studio route and method: anonymous → sign-in, participant → 403, another course's
facilitator → 403; the course's facilitators and admins get in.

The routes are the URL map's: every (endpoint, method) of an endpoint starting with
`studio.`, but HEAD and OPTIONS, so that a studio route added later is asked without anyone
listing it. The objects in each URL come from the world: the course, its first module and
that module's items (the reading unless the route names another kind), its cohort and the
people attached to them.
"""

import re
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from learning import create_app
from learning.cohorts.models import RosterImport
from learning.config import TestingConfig
from learning.database import db
from tests.conftest import page


@cache
def studio_routes() -> list[tuple[str, str]]:
    """Every (endpoint, method) of the studio in the URL map, but HEAD and OPTIONS."""
    app = create_app(TestingConfig)  # the URL map as the application builds it
    return sorted((rule.endpoint, method) for rule in app.url_map.iter_rules()
                  if rule.endpoint.startswith("studio.")
                  for method in rule.methods - {"HEAD", "OPTIONS"})


ROUTES = studio_routes()
COURSE_ROUTES = [route for route in ROUTES if route[0] != "studio.index"]


def test_the_studio_routes_come_from_the_url_map(app):
    assert len(ROUTES) > 40
    assert ("studio.new_module", "POST") in ROUTES
    assert ("studio.new_module", "GET") in ROUTES
    assert sorted({endpoint for endpoint, _ in ROUTES}) == sorted(
        {rule.endpoint for rule in app.url_map.iter_rules()
         if rule.endpoint.startswith("studio.")})


def _url(app, world, endpoint, method):
    """The route's URL, naming the world's objects."""
    rule = next(rule for rule in app.url_map.iter_rules()
                if rule.endpoint == endpoint and method in rule.methods)
    one = world.modules[0]
    recording, reading, assessment = one.items
    item = (recording if "/recordings/" in rule.rule
            else assessment if "/self-assessments/" in rule.rule else reading)
    person = (world.users["facilitator"] if "/facilitators/" in rule.rule
              else world.users["manager"] if "/managers/" in rule.rule
              else world.users["enrolled"])
    values = {"slug": world.course.slug, "module_id": one.id, "item_id": item.id,
              "id": world.cohort.id, "user_id": person.id,
              "instrument_id": assessment.instrument_id,
              "direction": "down" if "/modules/<int:module_id>/move" in rule.rule else "up"}
    if "name" in rule.arguments:  # an image of the course's library
        image = Path(app.config["MEDIA_ROOT"], world.course.slug, "images", "0" * 32 + ".png")
        image.parent.mkdir(parents=True, exist_ok=True)
        image.write_bytes(b"\x89PNG\r\n\x1a\n")
        values["name"] = image.name
    if "import_id" in rule.arguments:  # a roster import of the cohort, for its progress page
        imported = RosterImport(cohort_id=world.cohort.id, status="done", total=0, rows="[]")
        db.session.add(imported)
        db.session.commit()
        values["import_id"] = imported.id
    return rule.build({name: values[name] for name in rule.arguments},
                      append_unknown=False)[1]


def _ask(app, client, world, endpoint, method):
    return client.open(_url(app, world, endpoint, method), method=method, data={})


@pytest.mark.parametrize(("endpoint", "method"), ROUTES)
def test_anonymous_is_sent_to_sign_in(app, client, world, endpoint, method):
    response = _ask(app, client, world, endpoint, method)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in")


@pytest.mark.parametrize(("endpoint", "method"), ROUTES)
def test_people_who_do_not_facilitate_are_refused(app, client, world, sign_in_as, auth,
                                                  endpoint, method):
    # In one world: a refusal changes nothing for the next one asking.
    for who in ("enrolled", "outsider", "manager"):
        sign_in_as(who)
        assert _ask(app, client, world, endpoint, method).status_code == 403, who
        auth.logout()


@pytest.mark.parametrize(("endpoint", "method"), COURSE_ROUTES)
def test_a_facilitator_of_another_course_is_refused(app, client, world, sign_in_as, endpoint,
                                                    method):
    sign_in_as("other_facilitator")
    assert _ask(app, client, world, endpoint, method).status_code == 403


@pytest.mark.parametrize("who", ["facilitator", "admin"])
@pytest.mark.parametrize(("endpoint", "method"), ROUTES)
def test_the_course_facilitator_and_admins_get_in(app, client, world, sign_in_as, who,
                                                 endpoint, method):
    sign_in_as(who)
    instrument_id = world.modules[0].items[2].instrument_id  # read before a deletion
    response = _ask(app, client, world, endpoint, method)
    # A form posted empty is shown again with its errors; an action redirects to the studio's
    # page of what it acted on: the course (at the row it acted on), the instrument, the
    # cohort or the course's image library.
    assert response.status_code in (200, 302)
    if response.status_code == 302:
        location = urlsplit(response.headers["Location"])
        assert location.path in ("/studio/courses/mindsets",
                                 f"/studio/courses/mindsets/instruments/{instrument_id}",
                                 f"/studio/cohorts/{world.cohort.id}",
                                 "/studio/courses/mindsets/images")
        assert re.fullmatch(r"((module|item|image)-[0-9a-f]+)?", location.fragment), \
            location.fragment


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

