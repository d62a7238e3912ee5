"""Items have drafts, and every change that can move a cohort's figures asks first (issue #22,
item 2): a facilitator authors, a participant learns, a manager reads the figures."""

import io
from pathlib import Path

from sqlalchemy import select

from learning.catalog.models import Item
from learning.certificates import services as certificates
from learning.database import db
from learning.progress import completion
from tests.conftest import page
from tests.reports.conftest import add_participants, record, required
from tests.reports.test_course_changes import (
    STUDIO,
    certificate_count,
    confirm,
    form_values,
    issued_events,
    sign_in,
)
from tests.reports.test_overview import figures, funnel_rows

FACILITATOR, MANAGER = "facilitator@example.org", "manager@example.org"
NOTES = {"title": "Notes for next week", "slug": "next-week", "minutes": "5",
         "is_required": "y", "body": "Read this before the next session."}


def progress_text(client, module_slug):
    """What the module page says of the participant's progress through the module."""
    return page(client.get(f"/courses/mindsets/modules/{module_slug}")).select_one(
        ".progress-text").get_text(strip=True)


def item_titles(client, module_slug):
    return [a.get_text(strip=True) for a in page(client.get(
        f"/courses/mindsets/modules/{module_slug}")).select("ol.items li > a")]


def overview(client, cohort):
    soup = page(client.get(f"/reports/cohorts/{cohort.id}"))
    return figures(soup), {row[0]: row[1] for row in funnel_rows(soup)}


def new_item(slug):
    """The item the studio created with this slug (the world's slugs repeat per module)."""
    db.session.expire_all()
    return db.session.scalar(select(Item).where(Item.slug == slug))


def stored(item):
    """The item as the database holds it now."""
    db.session.expire_all()
    return db.session.get(Item, item.id)


def studio_row(client, item):
    return page(client.get("/studio/courses/mindsets")).select_one(f"#item-{item.id}")


def finished_module_one(world):
    """Four participants: two certified for the course, two who finished module one only."""
    one, two, _draft = world.modules
    ids = add_participants(world.cohort, 4)
    record(ids[:2], required(one) + required(two))
    record(ids[2:], required(one))
    db.session.commit()
    assert len(certificates.issue_due(world.course)) == 2
    db.session.commit()
    return ids


def test_a_new_item_is_a_draft_that_moves_no_one(client, db, world):
    one = world.modules[0]
    finished_module_one(world)
    sign_in(client, FACILITATOR)

    # Nobody is asked anything: a draft changes no one's figures.
    response = client.post(f"{STUDIO}/{one.id}/readings/new", data=NOTES)
    assert response.status_code == 302
    notes = new_item("next-week")
    assert not notes.is_published
    row = studio_row(client, notes)
    assert "Draft" in [badge.get_text(strip=True) for badge in row.select(".badge")]
    assert [b.get_text(strip=True) for b in row.select("button")] == [
        "Move up", "Publish", "Archive", "Delete", "Move to this module"]
    # The facilitator's preview shows it, marked as a draft.
    preview = page(client.get("/courses/mindsets/modules/one"))
    [listed] = [li for li in preview.select("ol.items li")
                if li.a.get_text(strip=True) == NOTES["title"]]
    assert listed.select_one(".badge").get_text(strip=True) == "Draft"
    item_page = page(client.get("/courses/mindsets/modules/one/items/next-week"))
    assert "Participants cannot see this item until it is published." in item_page.get_text()

    sign_in(client, "p00002@example.org")
    assert NOTES["title"] not in item_titles(client, "one")
    assert progress_text(client, "one") == "3 of 3 required items complete (100%)"
    assert client.get("/courses/mindsets/modules/one/items/next-week").status_code == 404
    assert client.post(f"/progress/items/{notes.id}/complete",
                       data={"how": "read"}).status_code == 404
    # The item before it is the module's last for participants.
    last = page(client.get("/courses/mindsets/modules/one/items/self-assessment"))
    assert last.select_one("a[rel=next]") is None
    my_learning = page(client.get("/learning")).select(".module-progress .progress-text")
    assert my_learning[0].get_text(strip=True) == "3 of 3 required items complete (100%)"

    sign_in(client, MANAGER)
    shown, steps = overview(client, world.cohort)
    assert (shown["Completed the course"], steps["Completed: Module one"]) == ("2", "4")


def test_publishing_an_item_asks_first_with_the_figures_then_takes_effect(client, db, world):
    one = world.modules[0]
    ids = finished_module_one(world)
    sign_in(client, FACILITATOR)
    assert client.post(f"{STUDIO}/{one.id}/readings/new", data=NOTES).status_code == 302
    notes = new_item("next-week")

    url = f"{STUDIO}/{one.id}/items/{notes.id}/publish"
    asking = client.post(url)
    assert not new_item("next-week").is_published  # nothing changes before it is confirmed
    shown, soup = confirm(client, asking)
    assert soup.h1.get_text(strip=True) == f"Publish “{NOTES['title']}”?"
    # Those who finished module one go back to in progress for it; earned completions stand.
    assert shown == [["Completed the course", "2", "2"], ["Completed: Module one", "4", "2"]]
    assert [h2.get_text(strip=True) for h2 in soup.select("section.change-effect h2")] == [
        "Cohort A"]
    assert soup.select_one(".effect-certified") is None
    assert new_item("next-week").is_published
    assert "Draft" not in studio_row(client, notes).get_text()

    sign_in(client, "p00002@example.org")
    assert NOTES["title"] in item_titles(client, "one")
    assert progress_text(client, "one") == "3 of 4 required items complete (75%)"
    sign_in(client, "p00000@example.org")
    assert page(client.get("/learning")).select_one("section.congratulations") is not None

    sign_in(client, MANAGER)
    shown, steps = overview(client, world.cohort)
    assert (shown["Completed the course"], shown["Certificates issued"]) == ("2", "2")
    assert steps["Completed: Module one"] == "2"
    assert completion.completers(world.course.id, ids) == set(ids[:2])


def test_unpublishing_the_last_item_left_from_the_edit_form_asks_and_certifies(client, db,
                                                                              world):
    one, two, _draft = world.modules
    [user_id] = add_participants(world.cohort, 1)
    assessment = one.items[2]
    record([user_id], [item for item in required(one) if item is not assessment]
           + required(two))
    db.session.commit()
    sign_in(client, FACILITATOR)

    url = f"{STUDIO}/{one.id}/self-assessments/{assessment.id}/edit"
    values = form_values(page(client.get(url)).select_one("main form"))
    assert values["is_published"] == "y"
    values.pop("is_published")
    asking = client.post(url, data={**values, "title": "Renamed"})
    assert stored(assessment).is_published
    shown, soup = confirm(client, asking)
    assert soup.h1.get_text(strip=True) == "Unpublish “Self-assessment”?"
    assert shown == [["Completed the course", "0", "1"], ["Completed: Module one", "0", "1"]]
    item = stored(assessment)
    assert item.title == "Renamed" and not item.is_published
    assert certificate_count(world.course) == 1


def test_making_the_last_required_item_optional_certifies_once(client, db, world):
    one, two, _draft = world.modules
    [user_id] = add_participants(world.cohort, 1)
    last = required(two)[-1]
    record([user_id], required(one) + [item for item in required(two) if item is not last])
    db.session.commit()
    sign_in(client, FACILITATOR)

    url = f"{STUDIO}/{two.id}/readings/{last.id}/edit"
    values = form_values(page(client.get(url)).select_one("main form"))
    values.pop("is_required")
    asking = client.post(url, data=values)
    assert certificate_count(world.course) == 0
    assert asking.status_code == 200
    soup = page(asking)
    assert soup.h1.get_text(strip=True) == f"Make “{last.title}” optional?"
    assert soup.select_one(".effect-certified").get_text(strip=True) == (
        "1 participant becomes complete and will be certified.")
    confirmation = form_values(soup.select_one("main form"))
    assert "is_required" not in confirmation and confirmation["confirm"] == "yes"
    for _ in range(2):  # the confirmation posted twice, as a double click would
        response = client.post(url, data=confirmation)
        assert response.status_code == 302
    db.session.expire_all()
    assert not db.session.get(Item, last.id).is_required
    assert certificate_count(world.course) == 1
    assert issued_events() == 1
    assert completion.earned_at(user_id, world.course.id) is not None

    sign_in(client, "p00000@example.org")
    assert page(client.get("/certificates")).find(
        string=lambda s: s and world.course.title in s)
    sign_in(client, MANAGER)
    shown, _steps = overview(client, world.cohort)
    assert (shown["Completed the course"], shown["Certificates issued"]) == ("1", "1")


def test_a_change_that_moves_no_one_is_saved_at_once(client, db, world):
    one = world.modules[0]
    reading = one.items[1]
    sign_in(client, FACILITATOR)
    url = f"{STUDIO}/{one.id}/readings/{reading.id}/edit"
    values = form_values(page(client.get(url)).select_one("main form"))
    values.pop("is_required")
    values.pop("is_published")
    assert client.post(url, data=values).status_code == 302
    item = stored(reading)
    assert not item.is_required and not item.is_published


def test_an_edit_with_a_new_file_that_needs_confirming_stores_nothing(app, client, db, world):
    one = world.modules[0]
    reading = one.items[1]
    ids = add_participants(world.cohort, 2)
    record(ids, [item for item in required(one) if item is not reading])
    db.session.commit()
    sign_in(client, FACILITATOR)
    url = f"{STUDIO}/{one.id}/readings/{reading.id}/edit"
    values = form_values(page(client.get(url)).select_one("main form"))
    values.pop("is_published")
    pdf = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"

    response = client.post(url, content_type="multipart/form-data",
                           data={**values, "pdf": (io.BytesIO(pdf), "slides.pdf")})

    # Unpublishing it would complete module one for both: asked on a page that cannot carry
    # the file, so nothing is stored and the form says why.
    assert response.status_code == 200
    soup = page(response)
    assert soup.h1.get_text(strip=True) == "Edit reading"
    assert "Save the new file first with “Required” and “Published” as they were" in (
        soup.select_one(".error-summary").get_text())
    assert soup.select_one("input[name=is_published]").has_attr("checked") is False
    item = stored(reading)
    assert item.is_published and item.file_path is None
    assert not list(Path(app.config["MEDIA_ROOT"]).rglob("*.pdf"))

    # The file on its own is saved at once; then the change is asked about as usual.
    values["is_published"] = "y"
    assert client.post(url, content_type="multipart/form-data",
                       data={**values, "pdf": (io.BytesIO(pdf), "slides.pdf")}
                       ).status_code == 302
    file_path = stored(reading).file_path
    assert (Path(app.config["MEDIA_ROOT"]) / file_path).read_bytes() == pdf
    values.pop("is_published")
    shown, _soup = confirm(client, client.post(url, data=values))
    assert shown == [["Completed the course", "0", "0"], ["Completed: Module one", "0", "2"]]
    item = stored(reading)
    assert not item.is_published and item.file_path == file_path


def test_a_new_item_ticked_published_is_a_draft_until_confirmed(app, client, db, world):
    one = world.modules[0]
    finished_module_one(world)
    sign_in(client, FACILITATOR)
    pdf = b"%PDF-1.4\n" + bytes(100)

    response = client.post(f"{STUDIO}/{one.id}/readings/new", content_type="multipart/form-data",
                           data={**NOTES, "is_published": "y",
                                 "pdf": (io.BytesIO(pdf), "handout.pdf")})

    # Created with its file, as a draft; publishing it is the question.
    assert response.status_code == 200
    soup = page(response)
    notes = new_item("next-week")
    assert not notes.is_published
    assert (Path(app.config["MEDIA_ROOT"]) / notes.file_path).read_bytes() == pdf
    assert "is created as a draft" in soup.select_one("main .notice").get_text()
    assert soup.h1.get_text(strip=True) == f"Publish “{NOTES['title']}”?"
    form = soup.select_one("main form")
    assert form["action"] == f"{STUDIO}/{one.id}/items/{notes.id}/publish"
    assert client.post(form["action"], data=form_values(form)).status_code == 302
    assert new_item("next-week").is_published


def test_a_new_item_ticked_published_is_published_at_once_when_no_one_moves(client, db, world):
    one = world.modules[0]
    sign_in(client, FACILITATOR)
    response = client.post(f"{STUDIO}/{one.id}/readings/new",
                           data={**NOTES, "is_published": "y"}, follow_redirects=True)
    assert "Reading “Notes for next week” created." in page(response).select_one(
        ".messages").get_text()
    assert new_item("next-week").is_published


def test_the_new_item_forms_leave_published_unticked(client, world):
    one = world.modules[0]
    sign_in(client, FACILITATOR)
    for kind in ("readings", "recordings", "self-assessments"):
        soup = page(client.get(f"{STUDIO}/{one.id}/{kind}/new"))
        box = soup.select_one("input[name=is_published]")
        assert box is not None and not box.has_attr("checked"), kind
        label = soup.select_one(f"label[for={box['id']}]").get_text(strip=True)
        assert label == "Published: participants can see this item"
    edit = page(client.get(f"{STUDIO}/{one.id}/readings/{one.items[1].id}/edit"))
    assert edit.select_one("input[name=is_published]").has_attr("checked")
