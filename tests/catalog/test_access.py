"""Who may open which catalog page: every route for every situation."""

from urllib.parse import urlsplit

import pytest
from flask_login import AnonymousUserMixin

from learning.cohorts import visibility

ROLES = ["enrolled", "outsider", "facilitator", "other_facilitator", "manager", "admin"]

COURSE = "/courses/mindsets"
MODULE = "/courses/mindsets/modules/one"
UNPUBLISHED_MODULE = "/courses/mindsets/modules/two"
DRAFT_COURSE = "/courses/draft"

PUBLISHED = {"enrolled": 200, "outsider": 403, "facilitator": 200, "other_facilitator": 403,
             "manager": 200, "admin": 200}
UNPUBLISHED = {"enrolled": 404, "outsider": 403, "facilitator": 200, "other_facilitator": 403,
               "manager": 404, "admin": 200}
DRAFT = {"enrolled": 404, "outsider": 404, "facilitator": 200, "other_facilitator": 404,
         "manager": 404, "admin": 200}
EVERYONE = dict.fromkeys(ROLES, 200)

PAGES = [
    ("/learning", EVERYONE),
    (COURSE, PUBLISHED),
    (MODULE, PUBLISHED),
    (MODULE + "/items/recording", PUBLISHED),
    (MODULE + "/items/reading", PUBLISHED),
    (MODULE + "/items/self-assessment", PUBLISHED),
    (UNPUBLISHED_MODULE, UNPUBLISHED),
    (UNPUBLISHED_MODULE + "/items/recording", UNPUBLISHED),
    (DRAFT_COURSE, DRAFT),
    (DRAFT_COURSE + "/modules/draft-module", DRAFT),
    (DRAFT_COURSE + "/modules/draft-module/items/reading", DRAFT),
]


@pytest.mark.parametrize("path", [p for p, _ in PAGES] + ["/items/1/video"])
def test_anonymous_visitors_are_sent_to_sign_in(client, world, path):
    response = client.get(path)
    assert response.status_code == 302
    location = urlsplit(response.headers["Location"])
    assert location.path == "/sign-in"


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("path", "expected"), PAGES, ids=[p for p, _ in PAGES])
def test_page_access_by_role(client, world, sign_in_as, path, expected, role):
    sign_in_as(role)
    assert status(client, path) == expected[role]


def status(client, path):
    with client.get(path) as response:
        return response.status_code


@pytest.mark.parametrize("role", ROLES)
def test_media_access_follows_the_item(client, world, media, sign_in_as, role):
    sign_in_as(role)
    published = world.modules[0].items[0]
    unpublished = world.modules[1].items[0]
    assert status(client, f"/items/{published.id}/captions") == PUBLISHED[role]
    assert status(client, f"/items/{unpublished.id}/captions") == UNPUBLISHED[role]


@pytest.mark.parametrize("path", [
    "/courses/nowhere",
    "/courses/mindsets/modules/nowhere",
    "/courses/mindsets/modules/one/items/nowhere",
    "/courses/other/modules/one",  # a module slug of another course
    "/items/99999/video",
])
def test_unknown_addresses_are_not_found(client, world, sign_in_as, path):
    sign_in_as("admin")
    assert status(client, path) == 404


def test_rules_without_a_request(world):
    course, enrolled = world.course, world.users["enrolled"]
    assert visibility.can_view_course(enrolled, course)
    assert not visibility.can_view_course(world.users["outsider"], course)
    assert not visibility.can_view_course(AnonymousUserMixin(), course)
    assert not visibility.can_view_course(enrolled, world.draft)
    assert visibility.can_view_course(world.users["facilitator"], world.draft)
    assert visibility.can_view_module(enrolled, world.modules[0])
    assert not visibility.can_view_module(enrolled, world.modules[1])
    assert visibility.can_view_module(world.users["admin"], world.modules[1])


def test_a_manager_without_the_manager_role_sees_nothing_of_the_cohort(db, world):
    manager = world.users["manager"]
    manager.roles.clear()
    db.session.flush()
    assert not visibility.can_view_course(manager, world.course)


@pytest.mark.parametrize(("role", "titles"), [
    ("enrolled", ["Changing mindsets"]),
    ("outsider", []),
    ("facilitator", ["A draft course", "Changing mindsets"]),
    ("other_facilitator", ["Another course"]),
    ("manager", ["Changing mindsets"]),
    ("admin", ["A draft course", "Another course", "Changing mindsets"]),
])
def test_courses_for(world, role, titles):
    assert [c.title for c in visibility.courses_for(world.users[role])] == titles


@pytest.mark.parametrize("role", ROLES)
def test_a_draft_item_is_seen_as_a_draft_module_is(client, db, world, media, sign_in_as, role):
    # A draft in a published module: previewers see it; participants and managers do not.
    recording, reading, _assessment = world.modules[0].items
    recording.is_published = reading.is_published = False
    db.session.commit()
    sign_in_as(role)
    assert status(client, MODULE + "/items/reading") == UNPUBLISHED[role]
    assert status(client, f"/items/{recording.id}/captions") == UNPUBLISHED[role]
    assert status(client, MODULE + "/items/self-assessment") == PUBLISHED[role]
