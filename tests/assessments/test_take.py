"""Taking a self-assessment: the form, gaps, drafts, phases, and refusing bad input."""

import pytest
from sqlalchemy import select

from learning.assessments.models import Answer
from learning.database import db
from learning.progress import services as progress
from tests.assessments.conftest import (
    AFTER,
    BEFORE,
    COURSE,
    RESULTS,
    SINGLE,
    SINGLE_RESULTS,
    form_data,
    responses,
    statement_ids,
)
from tests.conftest import page


def text(tag):
    return tag.get_text(" ", strip=True)


def status_of(user, item):
    return progress.item_status(progress.progress_by_item(user.id, [item.id]).get(item.id))


def complete_everything_but(world, user, keep):
    for module in world.modules:
        for item in module.items:
            if item is not keep:
                progress.mark_complete(user.id, item, "test")
    db.session.commit()


def test_the_form_groups_statements_by_dimension_as_labelled_radio_groups(client, world,
                                                                         sign_in_as):
    sign_in_as("participant")
    response = client.get(BEFORE)
    assert response.status_code == 200
    soup = page(response)
    section = soup.select_one("form.take section.dimension")
    assert text(section.h2) == "Learning mindset"
    fieldsets = section.select("fieldset.likert")
    assert [text(f.legend) for f in fieldsets] == ["I seek feedback.", "I avoid new tools."]
    radios = fieldsets[0].select("input[type=radio]")
    assert [r["value"] for r in radios] == ["1", "2", "3", "4", "5"]
    assert [text(soup.find("label", attrs={"for": r["id"]})) for r in radios] == [
        "Strongly disagree", "Disagree", "Neutral", "Agree", "Strongly agree"]
    buttons = {text(b): b["value"] for b in soup.select("form.take button")}
    assert buttons == {"Submit my answers": "submit", "Save and finish later": "save"}


def test_submitting_a_single_phase_completes_the_item(client, world, sign_in_as):
    sign_in_as("participant")
    user, item = world.users["participant"], world.modules[1].items[2]
    response = client.post(SINGLE, data=form_data(client, SINGLE, [4, 2]))
    assert response.status_code == 302
    assert response.headers["Location"] == SINGLE_RESULTS
    [row] = responses()
    assert (row.phase, row.status, row.version) == ("single", "submitted", 1)
    ids = statement_ids(world.single)
    assert row.values == {str(ids[0]): 4, str(ids[1]): 2}
    assert row.snapshot["dimensions"][0]["statements"][1]["reverse"] is True
    assert status_of(user, item) == "complete"


def test_a_submission_with_gaps_keeps_the_answers_and_marks_the_gaps(client, world,
                                                                     sign_in_as):
    sign_in_as("participant")
    response = client.post(BEFORE, data=form_data(client, BEFORE, [4, None]))
    assert response.status_code == 422
    soup = page(response)
    summary = soup.select_one(".error-summary")
    missing_id = "statement-" + str(statement_ids(world.before_after)[1])
    assert summary.a["href"] == "#" + missing_id
    assert "1 statement has no answer yet" in text(summary)
    marked = soup.find("fieldset", id=missing_id)
    assert "field-error" in marked["class"]
    assert marked["aria-describedby"] == missing_id + "-error"
    kept = soup.select("input[type=radio][checked]")
    assert [(r["name"], r["value"]) for r in kept] == [
        ("s-" + str(statement_ids(world.before_after)[0]), "4")]
    assert responses() == []


def test_save_and_finish_later_keeps_a_draft_and_marks_the_item_started(client, world,
                                                                         sign_in_as):
    sign_in_as("participant")
    user, item = world.users["participant"], world.modules[0].items[2]
    response = client.post(BEFORE, data=form_data(client, BEFORE, [2], action="save"))
    assert response.status_code == 302
    [row] = responses()
    assert row.status == "draft" and row.submitted_at is None
    assert status_of(user, item) == "in_progress"
    soup = page(client.get(BEFORE))
    assert [r["value"] for r in soup.select("input[type=radio][checked]")] == ["2"]
    # Finishing the draft submits the same row.
    client.post(BEFORE, data=form_data(client, BEFORE, [2, 5]))
    [row] = responses()
    assert row.status == "submitted" and len(row.answers) == 2
    assert status_of(user, item) == "in_progress"  # "after" is what completes it


def test_before_and_after_follow_the_course(client, world, sign_in_as):
    sign_in_as("participant")
    user, item = world.users["participant"], world.modules[0].items[2]
    # "after" waits for the rest of the course.
    response = client.post(AFTER, data=form_data(client, BEFORE, [3, 3]), follow_redirects=True)
    assert "opens once you have completed every other required item" in text(page(response))
    assert responses() == []
    client.post(BEFORE, data=form_data(client, BEFORE, [2, 4]))
    complete_everything_but(world, user, item)
    assert status_of(user, item) == "in_progress"
    response = client.post(AFTER, data=form_data(client, AFTER, [5, 1]))
    assert response.headers["Location"] == RESULTS
    assert status_of(user, item) == "complete"
    assert {r.phase: r.status for r in responses()} == {"before": "submitted",
                                                        "after": "submitted"}


def test_after_opens_without_counting_the_self_assessment_itself(client, world, sign_in_as):
    sign_in_as("participant")
    user, item = world.users["participant"], world.modules[0].items[2]
    complete_everything_but(world, user, item)
    assert client.get(AFTER).status_code == 200


def test_before_closes_once_after_is_submitted(client, world, sign_in_as):
    sign_in_as("participant")
    user, item = world.users["participant"], world.modules[0].items[2]
    complete_everything_but(world, user, item)
    client.post(AFTER, data=form_data(client, AFTER, [5, 1]))
    data = form_data(client, AFTER, [1, 1])
    response = client.post(BEFORE, data=data, follow_redirects=True)
    assert "start-of-course self-assessment is closed" in text(page(response))
    assert [r.phase for r in responses()] == ["after"]


def test_a_second_submission_is_refused_and_changes_nothing(client, world, sign_in_as):
    sign_in_as("participant")
    data = form_data(client, BEFORE, [2, 4])
    assert client.post(BEFORE, data=data).status_code == 302
    replay = {**data, next(k for k in data if k.startswith("s-")): "5"}
    response = client.post(BEFORE, data=replay, follow_redirects=True)
    assert "already submitted" in text(page(response).select_one(".message-error"))
    [row] = responses()
    assert sorted(row.values.values()) == [2, 4]
    # Opening the form again leads to the results instead.
    assert client.get(BEFORE).headers["Location"] == RESULTS


def bad(data, world):
    first, second = (f"s-{i}" for i in statement_ids(world.before_after))
    return data, first, second


@pytest.mark.parametrize(("change", "words"), [
    (lambda d, a, b: d.update({a: "0"}), "not on the scale"),
    (lambda d, a, b: d.update({a: "6"}), "not on the scale"),
    (lambda d, a, b: d.update({a: "abc"}), "not on the scale"),
    (lambda d, a, b: d.update({a: " 3"}), "not on the scale"),
    (lambda d, a, b: d.update({"s-999999": "3"}), "does not have"),
    (lambda d, a, b: d.update({a: ["3", "4"]}), "More than one answer"),
    (lambda d, a, b: d.update({"action": "publish"}), "submit your answers or to save"),
    (lambda d, a, b: d.pop("action"), "submit your answers or to save"),
    (lambda d, a, b: d.update({"token": d["token"][:-2] + "xx"}), "may have been altered"),
    (lambda d, a, b: d.update({"token": ""}), "may have been altered"),
])
@pytest.mark.parametrize("action", ["submit", "save"])
def test_bad_input_is_refused_with_a_message_and_stores_nothing(client, world, sign_in_as,
                                                                change, words, action):
    sign_in_as("participant")
    data, first, second = bad(form_data(client, BEFORE, [3, 4], action=action), world)
    change(data, first, second)
    response = client.post(BEFORE, data=data)
    assert response.status_code == 400
    assert words in text(page(response).select_one(".error-summary"))
    assert responses() == []
    assert db.session.scalars(select(Answer)).all() == []
    assert status_of(world.users["participant"], world.modules[0].items[2]) == "not_started"


def test_a_token_for_another_phase_or_instrument_is_refused(client, world, sign_in_as):
    sign_in_as("participant")
    single = form_data(client, SINGLE, [])
    data = form_data(client, BEFORE, [3, 4])
    data["token"] = single["token"]
    assert client.post(BEFORE, data=data).status_code == 400
    assert responses() == []


def test_another_participants_token_is_refused(client, world, sign_in_as):
    sign_in_as("peer")
    stolen = form_data(client, BEFORE, [])["token"]
    sign_in_as("participant")
    data = form_data(client, BEFORE, [3, 4])
    data["token"] = stolen
    assert client.post(BEFORE, data=data).status_code == 400
    assert responses() == []


def test_a_form_from_before_the_instrument_changed_is_refused(client, world, sign_in_as):
    sign_in_as("participant")
    data = form_data(client, BEFORE, [3, 4])
    world.before_after.version = 2
    db.session.commit()
    response = client.post(BEFORE, data=data)
    assert response.status_code == 409
    soup = page(response)
    assert "updated while you were answering" in text(soup.select_one(".error-summary"))
    assert len(soup.select("input[type=radio][checked]")) == 2  # what was chosen is kept
    assert responses() == []


def test_an_instrument_of_another_course_is_not_found(client, world, sign_in_as):
    sign_in_as("participant")
    assert client.get(COURSE + "/assessments/elsewhere-instrument/single").status_code == 404
    assert client.post(COURSE + "/assessments/elsewhere-instrument/single",
                       data={"action": "submit"}).status_code == 404
    assert client.get("/courses/other/assessments/elsewhere-instrument/single").status_code \
        == 403
    assert responses() == []


@pytest.mark.parametrize("url", [
    COURSE + "/assessments/one-instrument/single",
    COURSE + "/assessments/two-instrument/before",
    COURSE + "/assessments/one-instrument/during",
])
def test_a_phase_the_instrument_does_not_have_is_not_found(client, world, sign_in_as, url):
    sign_in_as("participant")
    assert client.get(url).status_code == 404


@pytest.mark.parametrize(("who", "status"), [
    ("outsider", 403), ("facilitator", 403), ("admin", 403), ("manager", 403),
    ("other_facilitator", 403), ("participant", 200),
])
def test_only_enrolled_participants_take_it(client, world, sign_in_as, who, status):
    sign_in_as(who)
    assert client.get(BEFORE).status_code == status
    if status != 200:
        assert client.post(BEFORE, data={"action": "submit"}).status_code == status
    assert responses() == []


def test_signed_out_visitors_are_sent_to_sign_in(client, world):
    response = client.get(BEFORE)
    assert response.status_code == 302
    assert "/sign-in" in response.headers["Location"]


def test_the_item_page_shows_each_phase_and_the_way_in(client, world, sign_in_as):
    sign_in_as("participant")
    item_url = COURSE + "/modules/one/items/self-assessment"
    phases = page(client.get(item_url)).select("ul.phase-list li")
    assert [text(li) for li in phases] == [
        "Start of the course Not started Start: Start of the course",
        "End of the course Not open yet Opens once you have completed every other required "
        "item of the course, apart from the other end-of-course self-assessments.",
    ]
    client.post(BEFORE, data=form_data(client, BEFORE, [3], action="save"))
    soup = page(client.get(item_url))
    assert text(soup.select_one("ul.phase-list a")) == "Continue: Start of the course"
    client.post(BEFORE, data=form_data(client, BEFORE, [3, 3]))
    soup = page(client.get(item_url))
    assert "Submitted on" in text(soup.select("ul.phase-list li")[0])
    assert soup.find("a", string="See your results")["href"] == RESULTS
