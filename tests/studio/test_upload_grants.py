"""A large body is a privilege: only a signed-in author of the course may send one.

The studio's uploads accept bodies far larger than MAX_CONTENT_LENGTH. Anyone else on the
same routes (signed out, a participant, a facilitator of another course) is held to the
general limit, answered from the headers before a byte of the body is read, with CSRF on as
in production (`learning/core/limits.py`).
"""

import io

import pytest
from flask_login import login_user

from learning.core.limits import body_limit, limit_for
from tests.conftest import csrf_token, page
from tests.core.test_limits import Chunked, CountingBody
from tests.studio.helpers import READING

MB = 1024 * 1024
MULTIPART = "multipart/form-data; boundary=xyz"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"


def _routes(world):
    one = world.modules[0].id
    return {
        "recording": f"/studio/courses/mindsets/modules/{one}/recordings/new",
        "reading": f"/studio/courses/mindsets/modules/{one}/readings/new",
        "images": "/studio/courses/mindsets/images",
        "roster": f"/studio/cohorts/{world.cohort.id}/participants/import",
    }


@pytest.mark.parametrize("who", [None, "enrolled", "other_facilitator", "manager"])
@pytest.mark.parametrize("route", ["recording", "reading", "images", "roster"])
def test_a_50_mb_upload_from_anyone_but_an_author_is_refused_unread(csrf_app, client, world,
                                                                     sign_in_as, who, route):
    if who:
        sign_in_as(who)
    body = CountingBody(50 * MB, prefix=b"--xyz\r\n")
    response = client.post(_routes(world)[route], input_stream=body, content_type=MULTIPART)
    assert response.status_code == 413
    assert page(response).h1.get_text(strip=True) == "Request too large"
    assert body.bytes_read == 0


def test_headers_claiming_50_mb_are_answered_at_once(csrf_app, client, world):
    """A tiny body declared as 50 MB: the answer comes from the headers alone."""
    body = CountingBody(16, prefix=b"--xyz\r\n")
    response = client.post(_routes(world)["recording"], input_stream=body,
                           content_type=MULTIPART,
                           environ_overrides={"CONTENT_LENGTH": str(50 * MB)})
    assert response.status_code == 413
    assert body.bytes_read == 0


def test_a_signed_out_chunked_upload_is_cut_off_at_the_general_limit(csrf_app, client, world,
                                                                    monkeypatch):
    monkeypatch.setattr(csrf_app, "wsgi_app", Chunked(csrf_app.wsgi_app))
    body = CountingBody(50 * MB, prefix=b"--xyz\r\n")
    response = client.post(_routes(world)["recording"], input_stream=body,
                           content_type=MULTIPART)
    assert response.status_code == 413
    assert body.bytes_read <= csrf_app.config["MAX_CONTENT_LENGTH"] + 64 * 1024


@pytest.mark.parametrize("who", ["facilitator", "admin"])
def test_an_author_still_uploads_more_than_the_general_limit(csrf_app, client, world,
                                                              sign_in_as, who):
    # A smaller general limit: the test client spools bodies over 500 KB to a file.
    csrf_app.config["MAX_CONTENT_LENGTH"] = 64 * 1024
    sign_in_as(who)
    url = _routes(world)["reading"]
    pdf = PDF + b"0" * (200 * 1024)
    response = client.post(url, content_type="multipart/form-data", data={
        **READING, "body": "", "csrf_token": csrf_token(client, url),
        "pdf": (io.BytesIO(pdf), "notes.pdf")})
    assert response.status_code == 302
    assert response.request.content_length > csrf_app.config["MAX_CONTENT_LENGTH"]


def test_anyone_else_is_held_to_the_general_limit_on_the_same_form(csrf_app, client, world,
                                                                    sign_in_as):
    csrf_app.config["MAX_CONTENT_LENGTH"] = 64 * 1024
    sign_in_as("other_facilitator")
    url = _routes(world)["reading"]
    response = client.post(url, content_type="multipart/form-data", data={
        **READING, "body": "", "csrf_token": "unread",
        "pdf": (io.BytesIO(PDF + b"0" * (200 * 1024)), "notes.pdf")})
    assert response.status_code == 413


# The rule itself, on routes of its own.

@pytest.fixture
def routes(own_app):
    own_app.config["MAX_CONTENT_LENGTH"] = 1000
    asked = []

    def granted(name):
        asked.append(name)
        return name == "yes"

    @own_app.post("/big/<name>")
    @body_limit(5000, granted=granted)
    def big(name):
        return "ok"

    @own_app.post("/big-for-nobody")
    @body_limit(5000)
    def big_for_nobody():
        return "ok"

    @own_app.post("/small")
    @body_limit(100, granted=granted)
    def small():
        return "ok"

    return own_app, asked


def test_a_larger_limit_applies_only_when_granted(routes):
    app, asked = routes
    with app.test_request_context("/big/yes", method="POST"):
        assert limit_for("big", {"name": "yes"}) == 5000
        assert limit_for("big", {"name": "no"}) == 1000
        assert limit_for("big", {"name": "yes"}, ask=False) == 1000
        assert limit_for("big_for_nobody", {}) == 1000
        assert limit_for("small", {}) == 100
    assert asked == ["yes", "no"]


def test_the_grant_is_asked_only_for_a_body_that_needs_it(routes):
    app, asked = routes
    client = app.test_client()
    assert client.post("/big/no", data=b"x" * 900).status_code == 200
    assert asked == []
    assert client.post("/big/no", data=b"x" * 1001).status_code == 413
    assert client.post("/big/yes", data=b"x" * 4000).status_code == 200
    assert client.post("/big/yes", data=b"x" * 5001).status_code == 413
    assert client.post("/big-for-nobody", data=b"x" * 1001).status_code == 413
    assert client.post("/small", data=b"x" * 101).status_code == 413
    assert asked == ["no", "yes", "yes"]


def test_the_studio_grants_by_the_one_access_rule(app, world):
    with app.test_request_context("/"):
        endpoint, args = "studio.new_recording", {"slug": "mindsets", "module_id": 1}
        general = app.config["MAX_CONTENT_LENGTH"]
        assert limit_for(endpoint, args) == general  # signed out
        login_user(world.users["other_facilitator"])
        assert limit_for(endpoint, args) == general
        login_user(world.users["facilitator"])
        assert limit_for(endpoint, args) > 100 * MB
        assert limit_for(endpoint, {**args, "slug": "no-such-course"}) == general
