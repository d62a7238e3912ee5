"""Body limits hold with CSRF on: refused before anything (CSRFProtect included) reads the body."""

import io
import json

import pytest
from sqlalchemy import select
from werkzeug.exceptions import RequestEntityTooLarge

from learning.core.limits import CappedStream, refuse_oversized_body
from learning.progress.models import Progress
from learning.progress.views import MAX_REPORT_BYTES
from tests import factories
from tests.conftest import csrf_token, page

MB = 1024 * 1024

pytestmark = pytest.mark.usefixtures("unhurried")


class CountingBody(io.RawIOBase):
    """A form body of `size` bytes made as it is read, counting what the application reads."""

    def __init__(self, size: int, prefix: bytes = b"intervals="):
        self.size = size
        self.prefix = prefix
        self.position = 0
        self.bytes_read = 0

    def readable(self):
        return True

    def seekable(self):
        return True  # the test client measures the body by seeking to its end

    def seek(self, offset, whence=io.SEEK_SET):
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self.position, io.SEEK_END: self.size}[whence]
        self.position = base + offset
        return self.position

    def tell(self):
        return self.position

    def readinto(self, buffer):
        count = max(0, min(len(buffer), self.size - self.position))
        for index in range(count):
            at = self.position + index
            buffer[index] = self.prefix[at] if at < len(self.prefix) else ord("x")
        self.position += count
        self.bytes_read += count
        return count


class Chunked:
    """The environ gunicorn gives a chunked request: no Content-Length, a terminated stream."""

    def __init__(self, wsgi_app):
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        environ.pop("CONTENT_LENGTH", None)
        environ["HTTP_TRANSFER_ENCODING"] = "chunked"
        environ["wsgi.input_terminated"] = True
        return self.wsgi_app(environ, start_response)


FORM = "application/x-www-form-urlencoded"


@pytest.fixture
def world(app, db):
    course = factories.make_course(slug="mindsets")
    module = factories.make_module(course, slug="one")
    participant = factories.make_user("participant@example.org")
    factories.enrol(participant, factories.make_cohort(course))
    db.session.commit()
    return {"recording": module.items[0]}


@pytest.fixture
def chunked(app, monkeypatch):
    monkeypatch.setattr(app, "wsgi_app", Chunked(app.wsgi_app))


def progress_rows(db):
    return db.session.scalars(select(Progress)).all()


def heartbeat(client, item, body, token):
    return client.post(f"/progress/items/{item.id}/watch", input_stream=body,
                       content_type=FORM, headers={"X-CSRFToken": token})


def test_the_limit_is_the_first_thing_a_request_does(app):
    assert app.before_request_funcs[None][0] is refuse_oversized_body


def test_max_content_length_is_small_while_nothing_accepts_uploads(app):
    assert app.config["MAX_CONTENT_LENGTH"] <= MB


def test_a_20_mb_heartbeat_is_refused_unread_with_csrf_on(csrf_app, client, auth, db, world):
    auth.login()
    token = csrf_token(client, "/profile")
    body = CountingBody(20 * MB)
    response = heartbeat(client, world["recording"], body, token)
    assert response.status_code == 413
    assert set(response.json) == {"error"}
    assert body.bytes_read == 0
    assert progress_rows(db) == []


def test_a_heartbeat_just_over_its_16_kb_is_refused(csrf_app, client, auth, db, world):
    auth.login()
    token = csrf_token(client, "/profile")
    response = heartbeat(client, world["recording"], CountingBody(MAX_REPORT_BYTES + 1), token)
    assert response.status_code == 413
    assert progress_rows(db) == []


def test_a_normal_heartbeat_still_works_with_csrf_on(csrf_app, client, auth, db, world):
    auth.login()
    token = csrf_token(client, "/profile")
    body = io.BytesIO(f"intervals={json.dumps([[0, 10]])}&position=10".encode())
    response = heartbeat(client, world["recording"], body, token)
    assert response.status_code == 200
    assert response.json["status"] == "in_progress"
    assert len(progress_rows(db)) == 1


def test_a_signed_out_50_mb_post_is_refused_without_being_read(csrf_app, client):
    body = CountingBody(50 * MB, prefix=b"email=")
    response = client.post("/sign-in", input_stream=body, content_type=FORM)
    assert response.status_code == 413
    assert page(response).h1.get_text(strip=True) == "Request too large"
    assert body.bytes_read == 0


def test_a_chunked_50_mb_post_is_cut_off_at_the_limit(csrf_app, client, chunked):
    body = CountingBody(50 * MB, prefix=b"email=")
    response = client.post("/sign-in", input_stream=body, content_type=FORM)
    assert response.status_code == 413
    assert body.bytes_read <= csrf_app.config["MAX_CONTENT_LENGTH"] + 64 * 1024


def test_a_chunked_heartbeat_over_its_limit_is_cut_off(csrf_app, client, auth, db, world,
                                                       chunked):
    auth.login()
    token = csrf_token(client, "/profile")
    body = CountingBody(20 * MB)
    response = heartbeat(client, world["recording"], body, token)
    assert response.status_code == 413
    assert set(response.json) == {"error"}
    assert body.bytes_read <= MAX_REPORT_BYTES + 64 * 1024
    assert progress_rows(db) == []


def test_a_small_chunked_form_still_works(csrf_app, client, auth, db, world, chunked):
    auth.login()
    token = csrf_token(client, "/profile")
    body = io.BytesIO(f"intervals={json.dumps([[0, 10]])}&position=10".encode())
    response = heartbeat(client, world["recording"], body, token)
    assert response.status_code == 200
    assert len(progress_rows(db)) == 1


def test_a_form_over_max_content_length_is_refused(csrf_app, client, auth, db, world):
    auth.login()
    token = csrf_token(client, "/profile")
    csrf_app.config["MAX_CONTENT_LENGTH"] = 4096
    response = client.post("/profile", data={"csrf_token": token, "name": "x" * 5000,
                                             "organisation": "O", "country": "C"})
    assert response.status_code == 413
    assert "larger than this page accepts" in page(response).get_text()


@pytest.mark.parametrize(("size", "refused"), [(0, False), (100, False), (101, True),
                                               (10_000, True)])
def test_a_capped_stream_refuses_only_what_passes_its_limit(size, refused):
    stream = CappedStream(io.BytesIO(b"x" * size), 100)
    if refused:
        with pytest.raises(RequestEntityTooLarge):
            stream.read()
    else:
        assert stream.read() == b"x" * size
