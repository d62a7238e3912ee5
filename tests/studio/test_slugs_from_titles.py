"""A new module's or item's slug may be left empty: the server makes it from the title, as the
browser's script does while the title is typed (static/js/slug.js, tests/browser)."""

import json

from sqlalchemy import select

from learning.catalog.models import Item, Module
from tests.conftest import page
from tests.factories import make_instrument
from tests.studio.helpers import MODULE, READING

COURSE = "/studio/courses/mindsets"


def _module(db, title):
    db.session.expire_all()
    return db.session.scalar(select(Module).where(Module.title == title))


def _item(db, module, title):
    db.session.expire_all()
    return db.session.scalar(select(Item).where(Item.module_id == module.id,
                                                Item.title == title))


def _summary(response):
    return [li.get_text(" ", strip=True)
            for li in page(response).select(".error-summary li")]


def test_a_module_left_without_a_slug_gets_one_from_its_title(client, db, world, sign_in_as,
                                                             auth):
    sign_in_as("facilitator")
    response = client.post(f"{COURSE}/modules/new",
                           data={**MODULE, "title": "Gestión pública: ¿qué cambió?", "slug": ""})
    assert response.status_code == 302
    module = _module(db, "Gestión pública: ¿qué cambió?")
    assert module.slug == "gestion-publica-que-cambio"
    # Its address works for participants: the slug is a real one.
    auth.logout()
    sign_in_as("enrolled")
    soup = page(client.get("/courses/mindsets/modules/gestion-publica-que-cambio"))
    assert soup.h1.get_text(strip=True).endswith("Gestión pública: ¿qué cambió?")


def test_a_slug_taken_in_its_scope_gets_the_next_number(client, db, world, sign_in_as):
    sign_in_as("facilitator")
    one, two = world.modules[0], world.modules[1]
    # Each module has an item "reading" already: the new one is "reading-2" in each.
    for module in (one, two):
        response = client.post(f"{COURSE}/modules/{module.id}/readings/new",
                               data={**READING, "title": "Reading", "slug": ""})
        assert response.status_code == 302
        assert _item(db, module, "Reading").slug == "reading-2"
    response = client.post(f"{COURSE}/modules/{one.id}/readings/new",
                           data={**READING, "title": "Reading", "slug": ""})
    assert response.status_code == 302
    db.session.expire_all()
    slugs = [item.slug for item in db.session.get(Module, one.id).items]
    assert slugs[-2:] == ["reading-2", "reading-3"]
    # Modules are a course's scope: "one" is taken, so is "module" once made.
    for expected in ("one-2", "module", "module-2"):
        title = "One" if expected == "one-2" else "数字政府"
        response = client.post(f"{COURSE}/modules/new",
                               data={**MODULE, "title": title, "slug": ""})
        assert response.status_code == 302
    db.session.expire_all()
    assert [m.slug for m in db.session.get(Module, one.id).course.modules][-3:] == [
        "one-2", "module", "module-2"]


def test_a_typed_slug_wins_and_is_checked_as_before(client, db, world, sign_in_as):
    sign_in_as("facilitator")
    one = world.modules[0]
    response = client.post(f"{COURSE}/modules/{one.id}/readings/new",
                           data={**READING, "title": "Anything", "slug": "my-own"})
    assert response.status_code == 302
    assert _item(db, one, "Anything").slug == "my-own"
    response = client.post(f"{COURSE}/modules/{one.id}/readings/new",
                           data={**READING, "title": "Anything else", "slug": "reading"})
    assert response.status_code == 200
    assert _summary(response) == [
        "Slug: Another one here already uses this slug: choose another."]


def test_without_a_title_only_the_title_is_asked_for(client, db, world, sign_in_as):
    sign_in_as("facilitator")
    response = client.post(f"{COURSE}/modules/new", data={**MODULE, "title": "", "slug": ""})
    assert response.status_code == 200
    assert _summary(response) == ["Title: Enter a title."]


def test_a_form_sent_back_shows_the_slug_it_made(client, db, world, sign_in_as):
    sign_in_as("facilitator")
    one = world.modules[0]
    response = client.post(f"{COURSE}/modules/{one.id}/readings/new",
                           data={**READING, "title": "Notes for Día 2", "slug": "",
                                 "minutes": "-1"})
    assert response.status_code == 200
    assert _summary(response) == ["Minutes to read: Enter a whole number from 0 to 10000."]
    form = page(response).select_one("main form")
    assert form.find("input", attrs={"name": "slug"})["value"] == "notes-for-dia-2"
    assert form.find("input", attrs={"name": "title"})["value"] == "Notes for Día 2"
    assert _item(db, one, "Notes for Día 2") is None


def test_an_edit_keeps_asking_for_its_slug(client, db, world, sign_in_as):
    sign_in_as("facilitator")
    one = world.modules[0]
    reading = one.items[1]
    url = f"{COURSE}/modules/{one.id}/readings/{reading.id}/edit"
    form = page(client.get(url)).select_one("main form")
    assert not form.has_attr("data-slug-from-title")
    assert "Left empty" not in form.get_text()
    response = client.post(url, data={**READING, "title": "Renamed", "slug": ""})
    assert response.status_code == 200
    assert _summary(response) == ["Slug: Enter a slug."]
    db.session.expire_all()
    assert db.session.get(Item, reading.id).slug == "reading"


def test_new_forms_tell_the_script_what_is_taken(client, world, sign_in_as):
    sign_in_as("facilitator")
    one = world.modules[0]
    pages = {f"{COURSE}/modules/new": (["one", "three", "two"], "module"),
             f"{COURSE}/modules/{one.id}/readings/new": (
                 ["reading", "recording", "self-assessment"], "reading"),
             f"{COURSE}/modules/{one.id}/recordings/new": (
                 ["reading", "recording", "self-assessment"], "recording"),
             f"{COURSE}/modules/{one.id}/self-assessments/new": (
                 ["reading", "recording", "self-assessment"], "self-assessment")}
    for url, (taken, fallback) in pages.items():
        soup = page(client.get(url))
        form = soup.select_one("main form")
        assert json.loads(form["data-slug-taken"]) == taken, url
        assert form["data-slug-fallback"] == fallback
        hint = soup.find(id=f"{form.find('input', attrs={'name': 'slug'})['id']}-hint")
        assert hint.get_text(strip=True).endswith("Left empty, it is made from the title.")
        scripts = [script["src"].split("?")[0] for script in soup.select("script[src]")]
        assert "/static/js/slug.js" in scripts
        assert not soup.select("script:not([src])")  # nothing inline: the CSP forbids it


def test_a_self_assessment_left_without_a_slug_gets_one(client, db, world, sign_in_as):
    instrument = make_instrument(world.course, slug="spare")
    db.session.commit()
    sign_in_as("facilitator")
    three = world.modules[2]
    response = client.post(f"{COURSE}/modules/{three.id}/self-assessments/new", data={
        "title": "Where do you stand?", "slug": "", "minutes": "10", "is_required": "y",
        "instrument_id": str(instrument.id)})
    assert response.status_code == 302
    assert _item(db, three, "Where do you stand?").slug == "where-do-you-stand"
