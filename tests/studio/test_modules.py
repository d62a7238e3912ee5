"""Creating and editing modules: what the facilitator types is what participants see."""

from datetime import date

from sqlalchemy import select

from learning.catalog.models import Module
from tests.conftest import page
from tests.studio.helpers import MODULE, catalog_module_titles, module_titles, studio_course


def _module(db, slug):
    return db.session.scalar(select(Module).where(Module.slug == slug))


def test_the_studio_lists_the_facilitators_courses(client, world, sign_in_as):
    sign_in_as("facilitator")
    cards = page(client.get("/studio/")).select(".cards li")
    assert [card.h2.get_text(strip=True) for card in cards] == ["A draft course",
                                                               "Changing mindsets"]
    assert cards[0].find(class_="badge").get_text(strip=True) == "Unpublished"


def test_the_course_page_lists_modules_with_their_state_and_items(client, world, sign_in_as):
    sign_in_as("facilitator")
    soup = studio_course(client)
    modules = soup.select(".item-list > li")
    assert [m.h2.get_text(strip=True) for m in modules] == [
        "Module one", "Module two", "Module three"]
    assert [m.find(class_="badge").get_text(strip=True) for m in modules] == [
        "Published", "Draft", "Published"]
    items = [li.find("span").get_text(strip=True) for li in modules[0].select("ol.items > li")]
    assert items == ["Recording", "A reading", "Self-assessment"]
    preview = modules[1].find("a", string="Preview")
    assert preview["href"] == "/courses/mindsets/modules/two"


def test_a_new_module_is_a_draft_until_published(client, world, sign_in_as, auth):
    sign_in_as("facilitator")
    form = page(client.get("/studio/courses/mindsets/modules/new")).select_one("main form")
    assert form.find("input", attrs={"name": "is_published"}).get("checked") is None
    response = client.post("/studio/courses/mindsets/modules/new",
                           data={**MODULE, "is_published": ""})
    assert response.status_code == 302
    soup = studio_course(client)
    assert "Module “Leading digital change” created." in soup.select_one(".messages").get_text()
    assert module_titles(client)[-1] == "Leading digital change"
    assert "Leading digital change" in catalog_module_titles(client)  # the preview shows drafts
    auth.logout()

    sign_in_as("enrolled")
    assert "Leading digital change" not in catalog_module_titles(client)
    assert client.get("/courses/mindsets/modules/leading-change").status_code == 404


def test_a_published_module_shows_what_was_typed(client, db, world, sign_in_as, auth):
    sign_in_as("facilitator")
    client.post("/studio/courses/mindsets/modules/new", data=MODULE)
    module = _module(db, "leading-change")
    assert module.position == 4
    assert module.outcomes == ["Name three habits", "Plan a first step"]
    assert module.speakers == ["Dr A. Speaker", "Ms B. Panellist"]
    assert module.live_session_on == date(2024, 4, 3)
    auth.logout()

    sign_in_as("enrolled")
    soup = page(client.get("/courses/mindsets/modules/leading-change"))
    assert soup.h1.get_text(strip=True) == "Leading digital change"
    assert [li.get_text(strip=True) for li in soup.select("main ul li")][:2] == [
        "Name three habits", "Plan a first step"]
    assert "Dr A. Speaker, Ms B. Panellist" in soup.get_text()
    assert "3 April 2024" in soup.select_one(".meta").get_text()


def test_editing_a_module_starts_from_what_it_holds(client, world, sign_in_as):
    sign_in_as("facilitator")
    one = world.modules[0]
    form = page(client.get(f"/studio/courses/mindsets/modules/{one.id}/edit")).select_one(
        "main form")
    assert form.find("input", attrs={"name": "title"})["value"] == "Module one"
    assert form.find("input", attrs={"name": "slug"})["value"] == "one"
    assert form.find("textarea", attrs={"name": "outcomes"}).get_text(strip=True) == "One thing"
    assert form.find("input", attrs={"name": "is_published"}).get("checked") is not None


def test_editing_a_module_changes_what_participants_see_at_once(client, db, world,
                                                                sign_in_as, auth):
    sign_in_as("enrolled")
    assert catalog_module_titles(client) == ["Module one", "Module three"]  # outline now kept
    auth.logout()
    sign_in_as("facilitator")
    two = world.modules[1]
    response = client.post(f"/studio/courses/mindsets/modules/{two.id}/edit",
                           data={**MODULE, "title": "Module two, revised", "slug": "two"})
    assert response.status_code == 302
    auth.logout()

    sign_in_as("enrolled")
    assert catalog_module_titles(client) == ["Module one", "Module two, revised",
                                             "Module three"]


def test_a_slug_already_used_in_the_course_is_refused(client, db, world, sign_in_as):
    sign_in_as("facilitator")
    response = client.post("/studio/courses/mindsets/modules/new",
                           data={**MODULE, "slug": "two"})
    assert response.status_code == 200
    soup = page(response)
    assert "Another one here already uses this slug" in soup.select_one(
        ".error-summary").get_text()
    assert soup.find("input", attrs={"name": "slug"})["aria-invalid"] == "true"
    assert _module(db, "leading-change") is None
    # Its own slug is no clash, and another course's slugs do not count.
    one = world.modules[0]
    assert client.post(f"/studio/courses/mindsets/modules/{one.id}/edit",
                       data={**MODULE, "slug": "one"}).status_code == 302
    assert client.post("/studio/courses/mindsets/modules/new",
                       data={**MODULE, "slug": "draft-module"}).status_code == 302


def test_bad_module_input_is_explained(client, db, world, sign_in_as):
    sign_in_as("facilitator")
    response = client.post("/studio/courses/mindsets/modules/new",
                           data={**MODULE, "title": " ", "slug": "Not A Slug",
                                 "live_session_on": "31/02/2024",
                                 "speakers": "x" * 201})
    assert response.status_code == 200
    errors = page(response).select_one(".error-summary").get_text()
    assert "Enter a title." in errors
    assert "Use lower-case letters, digits and single hyphens" in errors
    assert "Keep each line to 200 characters." in errors
    assert "Live session date" in errors
    assert len(world.course.modules) == 3


def test_control_characters_are_refused_before_anything_else(client, world, sign_in_as):
    sign_in_as("facilitator")
    response = client.post("/studio/courses/mindsets/modules/new",
                           data={**MODULE, "title": "Bad\x00title", "summary": "x\x1b[31m"})
    assert response.status_code == 200
    errors = page(response).select_one(".error-summary").get_text()
    assert errors.count("invisible control characters") == 2
    assert len(world.course.modules) == 3
