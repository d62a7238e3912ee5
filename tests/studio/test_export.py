"""A course authored in the studio, exported as content files, imports into an empty database
as the same course."""

import io
import shutil
import zipfile
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from learning.catalog.models import Course, Module
from learning.content.importer import import_content
from tests.conftest import page
from tests.factories import make_course, make_user
from tests.studio.helpers import MODULE, READING


def _describe(db, slug):
    """Everything the studio authors of a course, in order."""
    db.session.expire_all()
    course = db.session.scalar(
        select(Course).options(selectinload(Course.modules).selectinload(Module.items))
        .where(Course.slug == slug))
    return ((course.title, course.summary, course.description, course.issuers,
             course.certificate_wording, course.is_published), [
        (m.slug, m.position, m.title, m.summary, m.outcomes, m.speakers, m.live_session_on,
         m.is_published, m.is_archived,
         [(i.slug, i.position, i.kind, i.title, i.is_required, i.minutes, i.body_html,
           i.citation, i.is_published, i.is_archived) for i in m.items])
        for m in course.modules])


def _author(client, db, world):
    course = make_course("series", "The next series")
    course.facilitators.append(world.users["facilitator"])
    db.session.commit()
    assert client.post("/studio/courses/series/settings", data={
        "title": "The next series, in the making", "summary": "What comes next.",
        "description": "A first paragraph.\r\n\r\nA second one.", "is_published": "",
        "issuers": "CARICAD\r\nUN DESA/DPIDG", "certificate_wording": "has taken part in",
    }).status_code == 302
    base = "/studio/courses/series/modules"
    assert client.post(f"{base}/new", data=MODULE).status_code == 302
    assert client.post(f"{base}/new", data={**MODULE, "title": "Still a draft", "slug": "draft",
                                            "is_published": "", "live_session_on": ""}
                       ).status_code == 302
    first, draft = course.modules
    assert client.post(f"{base}/{first.id}/readings/new", data=READING).status_code == 302
    assert client.post(f"{base}/{first.id}/readings/new",
                       data={**READING, "title": "Withdrawn", "slug": "withdrawn",
                             "is_required": "", "citation": ""}).status_code == 302
    withdrawn = first.items[1]
    assert client.post(f"{base}/{first.id}/items/{withdrawn.id}/archive").status_code == 302
    assert client.post(f"{base}/{draft.id}/move/up").status_code == 302
    assert client.post(f"{base}/{first.id}/readings/new",
                       data={**READING, "title": "Notes", "slug": "notes",
                             "body": "- one\n- two"}).status_code == 302
    # Created as a draft: the form's "Published" left unticked.
    assert client.post(f"{base}/{first.id}/readings/new",
                       data={**READING, "title": "Next week", "slug": "next-week",
                             "is_published": ""}).status_code == 302


def test_a_course_authored_in_the_studio_round_trips(client, db, world, sign_in_as, tmp_path,
                                                   empty_database):
    sign_in_as("facilitator")
    _author(client, db, world)
    before = _describe(db, "series")
    assert before[0] == ("The next series, in the making", "What comes next.",
                         "A first paragraph.\n\nA second one.", ["CARICAD", "UN DESA/DPIDG"],
                         "has taken part in", False)
    assert [m[0] for m in before[1]] == ["draft", "leading-change"]
    assert [(i[0], i[8]) for i in before[1][1][9]] == [
        ("short-guide", True), ("withdrawn", True), ("notes", True), ("next-week", False)]

    response = client.get("/studio/courses/series/export")
    assert response.status_code == 200
    assert response.mimetype == "application/zip"
    assert response.headers["Content-Disposition"] == "attachment; filename=series.zip"
    with zipfile.ZipFile(io.BytesIO(response.data)) as archive:
        names = archive.namelist()
        archive.extractall(tmp_path)
    assert "series/course.yml" in names
    assert "series/02-leading-change/readings/short-guide.html" in names
    assert client.get("/studio/courses/series/export").data == response.data  # deterministic

    empty_database()
    report = import_content(tmp_path / "series")
    db.session.commit()

    assert report.created
    assert _describe(db, "series") == before


def test_a_readings_image_round_trips_to_an_empty_database_and_media_root(
        app, client, db, world, sign_in_as, auth, tmp_path, empty_database):
    sign_in_as("facilitator")
    course = make_course("series", "The next series")
    course.facilitators.append(world.users["facilitator"])
    db.session.commit()
    picture = b"\x89PNG\r\n\x1a\n" + bytes(range(256))
    assert client.post("/studio/courses/series/images", content_type="multipart/form-data",
                       data={"image": (io.BytesIO(picture), "chart.png")}).status_code == 302
    [stored] = (Path(app.config["MEDIA_ROOT"]) / "series" / "images").iterdir()
    source = f"/courses/series/images/{stored.name}"
    base = "/studio/courses/series/modules"
    assert client.post(f"{base}/new", data=MODULE).status_code == 302
    body = f"# The chart\n\n![How far each country has come]({source})"
    assert client.post(f"{base}/{course.modules[0].id}/readings/new",
                       data={**READING, "body": body}).status_code == 302
    response = client.get("/studio/courses/series/export")
    assert response.status_code == 200
    with zipfile.ZipFile(io.BytesIO(response.data)) as archive:
        assert f"series/images/{stored.name}" in archive.namelist()
        archive.extractall(tmp_path)
    auth.logout()

    empty_database()
    shutil.rmtree(app.config["MEDIA_ROOT"])
    import_content(tmp_path / "series")
    make_user("admin@example.org", "admin")
    db.session.commit()

    assert auth.login("admin@example.org").status_code == 302
    reading = page(client.get("/courses/series/modules/leading-change/items/short-guide"))
    [image] = reading.select(".reading-body img")
    assert (image["src"], image["alt"]) == (source, "How far each country has come")
    with client.get(source) as served:
        assert served.status_code == 200
        assert served.mimetype == "image/png"
        assert served.data == picture


def test_an_export_that_cannot_be_complete_is_refused_with_the_reason(app, client, world,
                                                                      sign_in_as, caplog):
    sign_in_as("facilitator")
    # The world's recordings name media files that are not under MEDIA_ROOT.
    response = client.get("/studio/courses/mindsets/export", follow_redirects=True)
    message = page(response).select_one(".messages").get_text()
    assert "The course could not be exported: a file it uses" in message
    assert app.config["MEDIA_ROOT"] not in message  # no server paths on the page
    assert "is missing from MEDIA_ROOT" in caplog.text
