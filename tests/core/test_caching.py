"""Private pages are never cached: every response to a signed-in visitor is `no-store`."""

import json
from pathlib import Path

import pytest

from learning.certificates import services as certificates
from learning.progress import services as progress
from tests import factories
from tests.conftest import csrf_token, page

pytestmark = pytest.mark.usefixtures("unhurried")

MEDIA = ("catalog.media", "catalog.image")
REVALIDATED = ("private, no-cache", "no-cache, private")


@pytest.fixture
def world(app, db):
    course = factories.make_course(slug="mindsets", title="Mindsets")
    module = factories.make_module(course, slug="one")
    cohort = factories.make_cohort(course)
    participant = factories.make_user("participant@example.org")
    factories.enrol(participant, cohort)
    factories.make_user("admin@example.org", "admin", name="Ada Min")
    for item in module.items:
        progress.mark_complete(participant.id, item, "read")
    db.session.commit()
    recording, instrument_item = module.items[0], module.items[2]
    video = Path(app.config["MEDIA_ROOT"]) / recording.video_path
    video.parent.mkdir(parents=True)
    video.write_bytes(bytes(range(256)))
    image = "0123456789abcdef0123456789abcdef.png"
    (Path(app.config["MEDIA_ROOT"]) / course.slug / "images").mkdir(parents=True)
    (Path(app.config["MEDIA_ROOT"]) / course.slug / "images" / image).write_bytes(
        b"\x89PNG\r\n\x1a\n" + bytes(64))
    instrument = instrument_item.instrument
    return {
        "id": participant.id, "item_id": recording.id, "kind": "video",
        "code": certificates.certificate_for(participant.id, course.id).code,
        "slug": course.slug, "module_slug": module.slug, "item_slug": recording.slug,
        "instrument_slug": instrument_item.instrument.slug, "phase": "before",
        "kid": "no-such-key", "token": "no-such-token",
        "cohort": cohort.id, "user_id": participant.id, "module_id": module.id,
        "name": image, "instrument_id": instrument.id,
        "dimension_id": instrument.dimensions[0].id, "import_id": 1, "announcement_id": 1,
    }


def get_paths(app, world):
    """Every GET page of the site with real arguments (static files aside)."""
    paths = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "static":
            continue
        arguments = {name: world[name] for name in rule.arguments}
        if (rule.endpoint.startswith(("cohorts.", "reports.", "studio.", "announcements."))
                or rule.endpoint == "assessments.cohort"):
            arguments = {**arguments, "id": world["cohort"]} if "id" in arguments else arguments
        path = rule.build(arguments, append_unknown=False)[1]
        paths.append((rule.endpoint, path))
    return sorted(paths)


@pytest.mark.parametrize("email", ["participant@example.org", "admin@example.org"])
def test_every_page_answered_to_someone_signed_in_is_no_store(app, client, auth, world, email):
    auth.login(email)
    checked = []
    for endpoint, path in get_paths(app, world):
        with client.get(path) as response:
            expected = REVALIDATED if endpoint in MEDIA else ("no-store",)
            assert response.headers.get("Cache-Control") in expected, (path,
                                                                       response.status_code)
            checked.append(response.status_code)
    assert checked.count(200) >= 15  # the walk reaches real pages, not only refusals


@pytest.mark.parametrize("path", ["/learning", "/profile", "/certificates", "/admin/users",
                                  "/cohorts/{cohort}", "/cohorts/{cohort}/assessments",
                                  "/certificates/{code}.pdf", "/certificates/{code}/manage",
                                  "/courses/{slug}/assessments/{instrument_slug}/results",
                                  "/progress/csrf-token", "/verify/{code}", "/no-such-page"])
def test_private_pages_send_no_store(client, auth, world, path):
    auth.login("admin@example.org")
    response = client.get(path.format(**world))
    assert response.headers["Cache-Control"] == "no-store"


def test_json_answers_to_a_signed_in_player_are_no_store(client, auth, world):
    auth.login()
    response = client.post(f"/progress/items/{world['item_id']}/watch",
                           data={"intervals": json.dumps([[0, 10]]), "position": "10"})
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"


def test_the_answer_to_signing_in_and_to_a_form_is_no_store(csrf_app, client, auth, world):
    response = auth.login()
    assert response.status_code == 302
    assert response.headers["Cache-Control"] == "no-store"
    response = client.post("/profile", data={"csrf_token": csrf_token(client, "/profile"),
                                             "name": "Pat", "organisation": "O",
                                             "country": "C"})
    assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("path", ["/", "/sign-in", "/register", "/verify", "/verify/{code}",
                                  "/ping", "/healthz"])
def test_public_pages_keep_their_caching_when_signed_out(client, world, path):
    response = client.get(path.format(**world))
    assert "no-store" not in response.headers.get("Cache-Control", "")


def test_the_status_list_keeps_its_short_public_cache_for_verifiers(client, world):
    response = client.get("/certificates/status/revocation")
    assert response.cache_control.public
    assert response.cache_control.max_age == 300


def test_static_files_are_left_alone_when_signed_in(client, auth, world):
    auth.login()
    with client.get("/static/css/site.css") as response:
        assert response.status_code == 200
        assert "no-store" not in response.headers.get("Cache-Control", "")


def test_after_signing_out_pages_are_public_again(client, auth, world):
    auth.login()
    assert client.get("/").headers["Cache-Control"] == "no-store"
    auth.logout()
    assert "no-store" not in client.get("/").headers.get("Cache-Control", "")


def test_static_files_are_linked_by_fingerprint_and_kept_a_year(client, world):
    """One request per page on a slow connection: its style sheet and scripts come from the
    browser's cache until their content, and so their URL, changes."""
    soup = page(client.get("/"))
    href = soup.select_one("link[rel=stylesheet]")["href"]
    path, _, version = href.partition("?v=")
    assert path == "/static/css/site.css" and len(version) == 12
    with client.get(href) as response:
        assert response.status_code == 200
        assert response.cache_control.max_age == 365 * 24 * 3600
        assert response.cache_control.immutable and response.cache_control.public
    # Without the fingerprint, or with an old one, the browser asks again each time.
    for stale in ("/static/css/site.css", "/static/css/site.css?v=000000000000"):
        with client.get(stale) as response:
            assert response.status_code == 200
            assert not response.cache_control.max_age
