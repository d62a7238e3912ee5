"""A reading's PDF uploaded in the studio: checked by its content, limited in size, stored by
random name under MEDIA_ROOT, and served to participants."""

import io
import re
from pathlib import Path

import pytest
from sqlalchemy import select

from learning.catalog.models import Item
from learning.studio import courses, item_rules
from tests.conftest import page
from tests.studio.helpers import READING

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"


def _new_reading_url(world):
    return f"/studio/courses/mindsets/modules/{world.modules[0].id}/readings/new"


def _post(client, world, content, name="notes.pdf", **data):
    return client.post(_new_reading_url(world), content_type="multipart/form-data", data={
        **READING, "body": "", **data, "pdf": (io.BytesIO(content), name)})


def _stored(app):
    root = Path(app.config["MEDIA_ROOT"])
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


def _item(db, slug="short-guide"):
    return db.session.scalar(select(Item).where(Item.slug == slug))


def test_a_pdf_is_stored_by_random_name_and_served_to_participants(app, client, db, world,
                                                                   sign_in_as, auth):
    sign_in_as("facilitator")
    form = page(client.get(_new_reading_url(world))).select_one("main form")
    assert form["enctype"] == "multipart/form-data"
    assert "at most 20 MB" in form.get_text()
    response = _post(client, world, PDF, name="../../Budget 2024.pdf")
    assert response.status_code == 302
    item = _item(db)
    assert re.fullmatch(r"mindsets/readings/[0-9a-f]{32}\.pdf", item.file_path)
    assert _stored(app) == [item.file_path]  # nothing climbed out, no name from the request
    assert item.body_html is None
    auth.logout()

    sign_in_as("enrolled")
    soup = page(client.get("/courses/mindsets/modules/one/items/short-guide"))
    link = soup.find("a", string="Download the PDF")
    with client.get(link["href"]) as response:
        assert response.status_code == 200
        assert response.mimetype == "application/pdf"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.data == PDF
    with client.get(link["href"], headers={"Range": "bytes=0-4"}) as partial:
        assert partial.status_code == 206 and partial.data == b"%PDF-"


@pytest.mark.parametrize("content", [
    b"<html><script>alert(1)</script></html>",
    b"MZ\x90\x00 an executable",
    b"\x89PNG\r\n\x1a\n an image",
    b" %PDF-1.4 not at the start",
])
def test_a_file_that_is_not_a_pdf_is_refused_whatever_its_name(app, client, db, world,
                                                               sign_in_as, content):
    sign_in_as("facilitator")
    response = _post(client, world, content, name="report.pdf")
    assert response.status_code == 200
    assert "This file is not a PDF, whatever its name says." in page(response).select_one(
        ".error-summary").get_text()
    assert _item(db) is None
    assert _stored(app) == []


def test_an_empty_file_is_refused(app, client, db, world, sign_in_as):
    sign_in_as("facilitator")
    response = _post(client, world, b"")
    # An empty file field is no file: the reading then has nothing to read.
    assert response.status_code == 200
    assert _item(db) is None and _stored(app) == []


def test_a_pdf_past_the_limit_is_refused_and_nothing_is_kept(app, client, db, world,
                                                             sign_in_as):
    app.config["READING_PDF_MAX_BYTES"] = 1024
    sign_in_as("facilitator")
    response = _post(client, world, PDF + b"0" * 2048)
    assert response.status_code == 200
    assert "The file is larger than 1 KB." in page(response).select_one(
        ".error-summary").get_text()
    assert _item(db) is None and _stored(app) == []


def test_a_request_declaring_too_much_is_refused_before_it_is_read(app, client, db, world,
                                                                   sign_in_as):
    app.config["READING_PDF_MAX_BYTES"] = 1024
    sign_in_as("facilitator")
    response = _post(client, world, PDF + b"0" * (300 * 1024))
    assert response.status_code == 413
    assert page(response).h1.get_text(strip=True) == "Request too large"
    assert _item(db) is None and _stored(app) == []


def test_a_slug_clash_stores_nothing(app, client, db, world, sign_in_as):
    sign_in_as("facilitator")
    response = _post(client, world, PDF, slug="self-assessment")
    assert response.status_code == 200
    assert _stored(app) == []


def test_a_change_refused_after_the_pdf_was_stored_removes_it(app, client, db, world,
                                                              sign_in_as, monkeypatch):
    # Another facilitator took the slug between the form's check and the write.
    def refuse(module, fields):
        raise courses.StudioError("Another item of this module already uses this slug.")

    monkeypatch.setattr(item_rules, "create_reading", refuse)
    sign_in_as("facilitator")
    response = _post(client, world, PDF)
    assert response.status_code == 200
    assert "already uses this slug" in page(response).select_one(".error-summary").get_text()
    assert _stored(app) == []


def test_a_new_pdf_replaces_the_readings_file(app, client, db, world, sign_in_as):
    sign_in_as("facilitator")
    one = world.modules[0]
    reading = one.items[1]
    response = client.post(
        f"/studio/courses/mindsets/modules/{one.id}/readings/{reading.id}/edit",
        content_type="multipart/form-data",
        data={**READING, "slug": "reading", "pdf": (io.BytesIO(PDF), "new.pdf")})
    assert response.status_code == 302
    db.session.expire_all()
    assert reading.file_path != "mindsets/one/reading.pdf"
    assert (Path(app.config["MEDIA_ROOT"]) / reading.file_path).read_bytes() == PDF
