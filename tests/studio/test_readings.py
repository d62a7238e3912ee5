"""Readings written in Markdown: stored rendered and sanitised, shown as participants see them,
and edited without taking anyone's completion away."""

from datetime import UTC, datetime

from sqlalchemy import select

from learning.catalog.models import Item
from learning.content.sanitise import sanitise_html
from learning.progress import completion
from learning.progress.models import Progress
from tests.conftest import page
from tests.studio.helpers import READING, item_titles


def _item(db, slug):
    return db.session.scalar(select(Item).where(Item.slug == slug))


def _new_reading_url(module):
    return f"/studio/courses/mindsets/modules/{module.id}/readings/new"


def _edit_url(module, item):
    return f"/studio/courses/mindsets/modules/{module.id}/readings/{item.id}/edit"


def test_a_new_reading_is_stored_rendered_and_shown(client, db, world, sign_in_as, auth):
    sign_in_as("facilitator")
    one = world.modules[0]
    response = client.post(_new_reading_url(one), data=READING)
    assert response.status_code == 302
    item = _item(db, "short-guide")
    assert item.kind == "reading" and item.position == 4 and item.minutes == 7
    assert item.is_required and item.citation == "A Guide. UN DESA, 2023."
    assert item.body_markdown == READING["body"]
    assert item.body_html == (
        '<h2>Why</h2>\n<p>Read <em>this</em> and '
        '<a href="https://example.org/report">the report</a>.</p>')
    auth.logout()

    sign_in_as("enrolled")
    assert item_titles(client, "one")[-1] == "A short guide"
    soup = page(client.get("/courses/mindsets/modules/one/items/short-guide"))
    body = soup.select_one(".reading-body")
    assert body.h2.get_text() == "Why"
    assert body.a["href"] == "https://example.org/report"
    assert "A Guide. UN DESA, 2023." in soup.find("cite").get_text()


def test_a_reading_needs_a_text(client, db, world, sign_in_as):
    sign_in_as("facilitator")
    one = world.modules[0]
    response = client.post(_new_reading_url(one), data={**READING, "body": "  \n"})
    assert response.status_code == 200
    assert "Write the reading's text, give a link or attach a PDF." in page(
        response).select_one(".error-summary").get_text()
    # Text that is nothing once made safe is no text either.
    response = client.post(_new_reading_url(one),
                           data={**READING, "body": "<script>alert(1)</script>"})
    assert response.status_code == 200
    assert "nothing of it is left once made safe" in page(response).select_one(
        ".error-summary").get_text()
    assert _item(db, "short-guide") is None


def test_bad_reading_input_is_explained(client, db, world, sign_in_as):
    sign_in_as("facilitator")
    one = world.modules[0]
    response = client.post(_new_reading_url(one),
                           data={**READING, "slug": "reading", "minutes": "-3",
                                 "citation": "c" * 501})
    errors = page(response).select_one(".error-summary").get_text()
    assert "Another one here already uses this slug" in errors
    assert "Enter a whole number from 0 to 10000." in errors
    assert "Use at most 500 characters." in errors


def test_editing_an_imported_reading_starts_from_its_html_and_keeps_it(client, db, world,
                                                                      sign_in_as):
    sign_in_as("facilitator")
    one = world.modules[0]
    reading = one.items[1]
    form = page(client.get(_edit_url(one, reading))).select_one("main form")
    # A browser drops the newline that opens a text area's content, as WTForms expects.
    body = form.find("textarea", attrs={"name": "body"}).get_text().removeprefix("\r\n")
    assert body == "<p>Read <strong>this</strong>.</p>"
    assert form.find("input", attrs={"name": "citation"})["value"] == "A Report. UN, 2021."
    data = {"title": "A reading", "slug": "reading", "minutes": "10", "is_required": "y",
            "body": body,
            "citation": "A Report. UN, 2021."}
    assert client.post(_edit_url(one, reading), data=data).status_code == 302
    db.session.expire_all()
    assert reading.body_html == "<p>Read <strong>this</strong>.</p>"


def test_a_reading_with_a_link_may_do_without_a_text(client, db, world, sign_in_as):
    sign_in_as("facilitator")
    one = world.modules[0]
    reading = one.items[1]  # the world gives it a link and a PDF
    response = client.post(_edit_url(one, reading), data={
        **READING, "slug": "reading", "body": "", "url": "https://example.org/report"})
    assert response.status_code == 302
    db.session.expire_all()
    assert reading.body_html is None and reading.url == "https://example.org/report"


def test_editing_a_completed_reading_keeps_the_completion(client, db, world, sign_in_as,
                                                          auth):
    sign_in_as("enrolled")
    one = world.modules[0]
    reading = one.items[1]
    response = client.post(f"/progress/items/{reading.id}/complete", data={"how": "read"})
    assert response.status_code == 302
    auth.logout()

    sign_in_as("facilitator")
    response = client.post(_edit_url(one, reading), data={
        **READING, "slug": "reading", "title": "A reading, rewritten", "minutes": "25",
        "is_required": "y", "body": "An entirely new text."})
    assert response.status_code == 302
    auth.logout()

    db.session.expire_all()
    row = db.session.scalar(select(Progress).where(Progress.item_id == reading.id))
    assert row.status == "complete" and row.completed_at is not None
    sign_in_as("enrolled")
    soup = page(client.get("/courses/mindsets/modules/one/items/reading"))
    assert soup.h1.get_text(strip=True) == "A reading, rewritten"
    assert "You marked this reading as read on" in soup.get_text()
    assert soup.find("button", string="Mark as read") is None
    done, total = completion.counts(world.users["enrolled"].id, world.course.id)
    assert done == 1


def test_making_an_optional_reading_required_keeps_those_who_completed_it(client, db, world,
                                                                          sign_in_as):
    one = world.modules[0]
    reading = one.items[1]
    reading.is_required = False
    db.session.add(Progress(user_id=world.users["enrolled"].id, item_id=reading.id,
                            status="complete", completed_at=datetime.now(UTC)))
    db.session.commit()
    sign_in_as("facilitator")
    client.post(_edit_url(one, reading), data={**READING, "slug": "reading"})
    db.session.expire_all()
    assert reading.is_required
    assert reading.id in set(db.session.scalars(completion.required_items(world.course.id)))
    assert completion.counts(world.users["enrolled"].id, world.course.id)[0] == 1
    # What was stored is already clean: cleaning it again changes nothing.
    assert sanitise_html(reading.body_html) == reading.body_html
