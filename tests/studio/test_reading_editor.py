"""The reading editor: the text beside a preview the server renders through the one
sanitiser (a Preview button without JavaScript, a preview address with it), an image picker
from the course's library that asks for the description, and, after saving, the list of
what the sanitiser removed and why."""

import io
from pathlib import Path

import pytest
from sqlalchemy import select

from learning.catalog.models import Item
from learning.studio.forms import BODY_MAX
from tests.conftest import page
from tests.studio.helpers import READING

IMAGE = "a" * 32 + ".png"
SRC = f"/courses/mindsets/images/{IMAGE}"


def _new(world):
    return f"/studio/courses/mindsets/modules/{world.modules[0].id}/readings/new"


@pytest.fixture
def library(app):
    """One image in the course's library."""
    path = Path(app.config["MEDIA_ROOT"], "mindsets", "images", IMAGE)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(16))
    return path


def test_the_text_is_large_and_beside_its_preview(client, world, sign_in_as):
    sign_in_as("facilitator")
    soup = page(client.get(_new(world)))
    area = soup.select_one(".editor textarea#body")
    assert int(area["rows"]) >= 20
    preview = soup.select_one(".editor #reading-preview")
    assert preview.find("h2").get_text(strip=True) == "Preview"
    assert preview.find("button", attrs={"name": "editor", "value": "preview"})
    # Enter in a field still saves: the form's first button is a hidden "Create reading".
    first = soup.select_one("form.stack button[type=submit]")
    assert first.has_attr("hidden") and not first.has_attr("name")


def test_preview_without_javascript_saves_nothing_and_keeps_everything_typed(
        client, db, world, sign_in_as):
    sign_in_as("facilitator")
    body = ("# Why\n\n| Year | Change |\n|---|---|\n| 2023 | 4 |\n\n"
            "An outside image: ![x](https://tracker.example/p.gif)\n\n<script>alert(1)</script>")
    response = client.post(_new(world), data={**READING, "title": "", "body": body,
                                              "editor": "preview"})
    assert response.status_code == 200
    soup = page(response)
    assert db.session.scalar(select(Item).where(Item.slug == "short-guide")) is None
    assert soup.select_one("textarea#body").get_text().removeprefix("\r\n") == body
    assert soup.select_one("input#citation")["value"] == READING["citation"]
    assert not soup.select(".error-summary")  # a preview asks nothing of the other fields
    shown = soup.select_one("[data-preview-body]")
    assert shown.find("h2").get_text() == "Why"
    assert [th["scope"] for th in shown.select("table thead th")] == ["col", "col"]
    assert not shown.find("script") and "tracker.example" not in str(shown)
    removed = [li.get_text(" ", strip=True) for li in soup.select("[data-removed-list] li")]
    assert removed == [
        "A script was removed with its code: readings cannot run programs.",
        "An image from another site was removed: readings show images from this course's "
        "library only.",
    ]


def test_the_preview_address_answers_with_the_sanitised_html(client, world, sign_in_as):
    sign_in_as("facilitator")
    response = client.post("/studio/courses/mindsets/preview",
                           data={"body": "*Hi* <span onclick=x()>there</span>"})
    assert response.status_code == 200
    assert response.get_json() == {
        "html": "<p><em>Hi</em> there</p>",
        "removed": ["Markup that readings do not use (<span>) was removed and its text kept: "
                    "readings have headings, paragraphs, lists, links, quotes, tables and "
                    "images."]}
    too_long = client.post("/studio/courses/mindsets/preview", data={"body": "x" * (BODY_MAX + 1)})
    assert too_long.status_code == 413
    assert "longer than" in too_long.get_json()["error"]


def test_the_preview_address_is_for_the_courses_authors(client, world, sign_in_as, auth):
    for who in ("other_facilitator", "enrolled", "manager"):
        sign_in_as(who)
        response = client.post("/studio/courses/mindsets/preview", data={"body": "x"})
        assert response.status_code == 403, who
        assert "error" in response.get_json()
        auth.logout()
    assert client.post("/studio/courses/mindsets/preview", data={"body": "x"}).status_code == 302


def test_the_preview_address_needs_the_forms_token(csrf_app, db, empty_database):
    from tests import factories
    from tests.conftest import AuthActions

    course = factories.make_course(slug="mindsets", title="Mindsets")
    user = factories.make_user("f@example.org", "facilitator")
    course.facilitators.append(user)
    db.session.commit()
    client = csrf_app.test_client()
    assert AuthActions(client).login("f@example.org").status_code == 302
    refused = client.post("/studio/courses/mindsets/preview", data={"body": "x"})
    assert refused.status_code == 400 and "error" in refused.get_json()
    token = client.get("/progress/csrf-token").get_json()["csrf_token"]
    allowed = client.post("/studio/courses/mindsets/preview", data={"body": "*x*"},
                          headers={"X-CSRFToken": token})
    assert allowed.get_json()["html"] == "<p><em>x</em></p>"


def test_the_picker_shows_the_library_and_asks_for_a_description(client, world, sign_in_as,
                                                                   library):
    sign_in_as("facilitator")
    picker = page(client.get(_new(world))).select_one("#image-picker")
    [choice] = picker.select("input[type=radio]")
    assert choice["value"] == IMAGE and choice["data-src"] == SRC
    assert picker.find("label", attrs={"for": choice["id"]}).find("img")["src"] == SRC
    assert picker.find("label", attrs={"for": "picker-alt"})
    assert "screen readers" in picker.select_one("#picker-alt-hint").get_text()

    typed = {**READING, "body": "Before", "picker-image": IMAGE, "picker-alt": "  ",
             "editor": "pick-image"}
    soup = page(client.post(_new(world), data=typed))
    alt = soup.select_one("#picker-alt")
    assert alt["aria-invalid"] == "true"
    assert "Describe the image" in soup.select_one("#picker-alt-error").get_text()
    assert soup.select_one("textarea#body").get_text().removeprefix("\r\n") == "Before"
    assert not soup.select("#picker-markdown")

    soup = page(client.post(_new(world), data={**typed, "picker-alt": "A [funnel] chart"}))
    assert soup.select_one("#image-picker").has_attr("open")
    assert soup.select_one("#picker-markdown")["value"] == rf"![A \[funnel\] chart]({SRC})"
    assert soup.select_one("#picker-image-1").has_attr("checked")

    soup = page(client.post(_new(world), data={**typed, "picker-image": "",
                                               "picker-alt": "A chart"}))
    assert "Choose one of the images" in soup.select_one("#picker-image-error").get_text()


def test_saving_lists_what_was_removed_beside_the_text(client, db, world, sign_in_as):
    sign_in_as("facilitator")
    body = "An outside image:\n\n![A chart](https://example.org/chart.png)"
    response = client.post(_new(world), data={**READING, "body": body})
    item = db.session.scalar(select(Item).where(Item.slug == "short-guide"))
    edit = (f"/studio/courses/mindsets/modules/{world.modules[0].id}/readings/{item.id}/edit")
    assert response.status_code == 302
    assert response.headers["Location"] == f"{edit}#reading-preview"
    soup = page(client.get(edit))
    messages = [p.get_text(" ", strip=True) for p in soup.select(".messages p")]
    assert messages[0].endswith("Reading “A short guide” created.")
    assert "not kept when it was saved" in messages[1]
    assert [li.get_text(strip=True) for li in soup.select("[data-removed-list] li")] == [
        "An image from another site was removed: readings show images from this course's "
        "library only."]
    # Saved again as it is: still said, and the edit page again.
    response = client.post(edit, data={**READING, "body": body})
    assert response.headers["Location"] == f"{edit}#reading-preview"
    # Nothing removed: back to the course, and no list.
    response = client.post(edit, data={**READING, "body": "An image, gone."})
    assert response.headers["Location"].startswith("/studio/courses/mindsets#item-")
    assert page(client.get(edit)).select_one("[data-removed]").has_attr("hidden")


def test_a_preview_of_a_form_carrying_a_pdf_says_it_is_not_kept(client, db, world,
                                                                 sign_in_as):
    sign_in_as("facilitator")
    response = client.post(_new(world), content_type="multipart/form-data", data={
        **READING, "editor": "preview", "pdf": (io.BytesIO(b"%PDF-1.4\n"), "a.pdf")})
    assert "not kept by a preview" in page(response).select_one("#reading-preview").get_text()
    assert db.session.scalar(select(Item).where(Item.slug == "short-guide")) is None
