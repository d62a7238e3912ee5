"""Course settings: what a facilitator types about the course is what participants read, and
bad input is explained beside its field with nothing typed lost."""

import pytest
from sqlalchemy import select

from learning.catalog.models import Course
from learning.studio import courses
from tests.conftest import page
from tests.studio.helpers import studio_course

SETTINGS = "/studio/courses/mindsets/settings"
COURSE = {
    "title": "Changing mindsets, revised",
    "summary": "A shorter way in.",
    "description": "A first paragraph.\r\n\r\nA second paragraph.",
    "is_published": "y",
    "issuers": "CARICAD\r\n\r\n  UN DESA/DPIDG  \r\n",
    "certificate_wording": "has taken part in every module of",
}


def _course(db) -> Course:
    db.session.expire_all()
    return db.session.scalar(select(Course).where(Course.slug == "mindsets"))


def _form(response):
    return page(response).select_one("main form")


def _text_area(form, name) -> str:
    """A text area's value as a browser reads it: HTML drops the line break after the tag."""
    text = form.find("textarea", attrs={"name": name}).get_text()
    return text.removeprefix("\r\n").removeprefix("\n")


def _error_beside(soup, name) -> str:
    """The error shown in the field block of the named input or text area."""
    control = soup.find(attrs={"name": name})
    assert control.get("aria-invalid") == "true", name
    block = control.find_parent(class_="field-error")
    return block.select_one(".error").get_text(" ", strip=True)


def test_the_course_page_links_to_its_settings(client, world, sign_in_as):
    sign_in_as("facilitator")
    link = studio_course(client).find("a", string="Course settings")
    assert link["href"] == SETTINGS


def test_the_settings_start_from_what_the_course_holds(client, db, world, sign_in_as):
    world.course.issuers = ["CARICAD", "UN DESA/DPIDG"]
    db.session.commit()
    sign_in_as("facilitator")
    form = _form(client.get(SETTINGS))
    assert form.find("input", attrs={"name": "title"})["value"] == "Changing mindsets"
    assert _text_area(form, "description") == "First paragraph.\n\nSecond paragraph."
    assert _text_area(form, "issuers") == "CARICAD\nUN DESA/DPIDG"
    assert form.find("input", attrs={"name": "is_published"}).get("checked") is not None
    wording = form.find("input", attrs={"name": "certificate_wording"})
    assert wording.get("value", "") == ""
    hint = form.find(id=wording["aria-describedby"]).get_text(" ", strip=True)
    assert "“has completed the course”" in hint  # what an empty field prints


def test_saving_returns_to_the_course_page_and_participants_read_the_new_text(
        client, db, world, sign_in_as, auth):
    sign_in_as("enrolled")
    assert page(client.get("/courses/mindsets")).h1.get_text(strip=True) == "Changing mindsets"
    auth.logout()

    sign_in_as("facilitator")
    response = client.post(SETTINGS, data=COURSE)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/studio/courses/mindsets")
    soup = studio_course(client)
    assert "Course settings saved." in soup.select_one(".messages").get_text()
    course = _course(db)
    assert course.title == "Changing mindsets, revised"
    assert course.description == "A first paragraph.\n\nA second paragraph."
    assert course.issuers == ["CARICAD", "UN DESA/DPIDG"]
    assert course.certificate_wording == "has taken part in every module of"
    assert course.slug == "mindsets"
    auth.logout()

    sign_in_as("enrolled")
    soup = page(client.get("/courses/mindsets"))
    assert soup.h1.get_text(strip=True) == "Changing mindsets, revised"
    paragraphs = [p.get_text(" ", strip=True) for p in soup.main.find_all("p", recursive=False)]
    assert paragraphs[:3] == ["A shorter way in.", "A first paragraph.", "A second paragraph."]
    assert "Offered by CARICAD, UN DESA/DPIDG" in paragraphs
    card = page(client.get("/learning")).select_one("li.card")
    assert card.h2.get_text(strip=True) == "Changing mindsets, revised"
    assert "A shorter way in." in card.get_text()


def test_an_empty_wording_is_the_default(client, db, world, sign_in_as):
    world.course.certificate_wording = "has attended"
    db.session.commit()
    sign_in_as("facilitator")
    response = client.post(SETTINGS, data={**COURSE, "certificate_wording": "  "})
    assert response.status_code == 302
    assert _course(db).certificate_wording is None


@pytest.mark.parametrize(("change", "field", "message"), [
    ({"title": " "}, "title", "Enter a title."),
    ({"title": "x" * 201}, "title", "Use at most 200 characters."),
    ({"title": "Bad\x00title"}, "title", "invisible control characters"),
    ({"summary": "x" * 401}, "summary", "Use at most 400 characters."),
    ({"description": "Text\x1b[31m"}, "description", "invisible control characters"),
    ({"issuers": "CARICAD\n" + "x" * 201}, "issuers", "Keep each line to 200 characters."),
    ({"issuers": "CARICAD\nUN\tDESA"}, "issuers", "invisible control characters"),
    ({"issuers": "CARICAD\nCARICAD"}, "issuers", "Name each organisation once."),
    ({"issuers": " \n "}, "issuers", "Name at least one organisation"),
    ({"certificate_wording": "x" * 201}, "certificate_wording",
     "Use at most 200 characters."),
    ({"certificate_wording": "has\tcompleted"}, "certificate_wording",
     "invisible control characters"),
], ids=["no title", "long title", "control in title", "long summary", "control in description",
        "long issuer", "tab in issuer", "issuer twice", "published without issuers",
        "long wording", "tab in wording"])
def test_bad_input_is_explained_beside_its_field_and_nothing_typed_is_lost(
        client, db, world, sign_in_as, change, field, message):
    sign_in_as("facilitator")
    typed = {**COURSE, **change}
    response = client.post(SETTINGS, data=typed)
    assert response.status_code == 200
    soup = page(response)
    assert message in _error_beside(soup, field)
    assert message in soup.select_one(".error-summary").get_text()
    form = soup.select_one("main form")
    for name, value in typed.items():
        control = form.find(attrs={"name": name})
        if control.name == "textarea":
            shown = _text_area(form, name)
        elif control.get("type") == "checkbox":
            assert control.get("checked") is not None
            continue
        else:
            shown = control["value"]
        # Kept as typed: stripped, and with the browser's line breaks as one.
        assert shown == value.replace("\r\n", "\n").strip(), name
    assert _course(db).title == "Changing mindsets"


def test_an_unpublished_course_may_name_no_issuer_and_participants_lose_sight_of_it(
        client, db, world, sign_in_as, auth):
    sign_in_as("facilitator")
    response = client.post(SETTINGS, data={**COURSE, "is_published": "", "issuers": ""})
    assert response.status_code == 302
    course = _course(db)
    assert (course.is_published, course.issuers) == (False, [])
    soup = studio_course(client)
    assert soup.select_one("main .badge").get_text(strip=True) == "Unpublished"
    auth.logout()

    sign_in_as("enrolled")
    assert client.get("/courses/mindsets").status_code == 404
    assert not page(client.get("/learning")).select("li.card")
    auth.logout()

    sign_in_as("facilitator")
    form = _form(client.get(SETTINGS))
    assert form.find("input", attrs={"name": "is_published"}).get("checked") is None
    assert client.post(SETTINGS, data=COURSE).status_code == 302
    auth.logout()
    sign_in_as("enrolled")
    assert client.get("/courses/mindsets").status_code == 200


def test_the_service_refuses_a_published_course_without_issuers(app, db, world):
    fields = courses.CourseFields(title="T", summary="", description="", is_published=True,
                                   issuers=[], certificate_wording=None)
    with pytest.raises(courses.StudioError, match="at least one issuer"):
        courses.update_course(world.course, fields)
    assert courses.lacks_issuers(True, []) and not courses.lacks_issuers(False, [])
    assert not courses.lacks_issuers(True, ["CARICAD"])


def test_admins_edit_any_course_and_another_facilitator_may_not(client, db, world, sign_in_as,
                                                               auth):
    sign_in_as("other_facilitator")
    assert client.post(SETTINGS, data=COURSE).status_code == 403
    assert _course(db).title == "Changing mindsets"
    auth.logout()
    sign_in_as("admin")
    assert client.post(SETTINGS, data=COURSE).status_code == 302
    assert _course(db).title == "Changing mindsets, revised"
