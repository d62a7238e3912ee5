"""A person's progress on their admin page: per course and module, item by item, with the
dates they started and completed each; never their self-assessment answers."""

from datetime import UTC, datetime

from learning.progress.models import Progress
from tests.conftest import page


def _text(tag):
    return " ".join(tag.get_text(" ").split())


def _row(section, title):
    row = next(tr for tr in section.select("table.participant-items tbody tr")
               if tr.th.get_text(" ", strip=True).startswith(title))
    return [_text(cell) for cell in row.find_all(["th", "td"])]


def _take_self_assessment(client, instrument):
    """The participant answers module one's self-assessment through its form."""
    phase = "before" if instrument.is_before_after else "single"
    path = f"/courses/mindsets/assessments/{instrument.slug}/{phase}"
    form = page(client.get(path)).find("form", class_="take")
    answers = {field["name"]: "5" for field in form.select("input[type=radio]")}
    hidden = {field["name"]: field.get("value", "") for field in form.select("input[type=hidden]")}
    assert client.post(path, data={**hidden, **answers, "action": "submit"}).status_code == 302
    results = page(client.get("/courses/mindsets/assessments/one-instrument/results"))
    return results.get_text(" ", strip=True)


def test_an_admin_sees_each_item_with_its_dates(client, db, world, sign_in_as, auth):
    enrolled = world.users["enrolled"]
    one, _two, three = world.modules
    recording, reading = one.items[0], one.items[1]
    db.session.add_all([
        Progress(user_id=enrolled.id, item_id=reading.id, status="complete",
                 started_at=datetime(2024, 3, 1, 9, tzinfo=UTC),
                 completed_at=datetime(2024, 3, 2, 9, tzinfo=UTC)),
        Progress(user_id=enrolled.id, item_id=recording.id, status="in_progress",
                 started_at=datetime(2024, 3, 4, 9, tzinfo=UTC),
                 detail={"intervals": [[0, 30]]}),
    ])
    three.items[0].is_archived = True
    db.session.commit()
    sign_in_as("admin")
    soup = page(client.get(f"/admin/users/{enrolled.id}"))
    sections = soup.select(".course-progress")
    assert [s.h3.get_text(strip=True) for s in sections] == ["A draft course",
                                                             "Changing mindsets"]
    mindsets = sections[1]
    assert _text(mindsets.select_one(".course-summary")).startswith(
        "In progress: 1 of 5 required items complete · last activity")
    # The modules participants see, each with its status; the unpublished one is not there.
    assert [_text(h) for h in mindsets.find_all("h4")] == [
        "Module one: In progress", "Module three: Not started"]
    assert _row(mindsets, "A reading") == ["A reading", "Reading", "Complete", "1 Mar 2024",
                                           "2 Mar 2024"]
    assert _row(mindsets, "Recording") == ["Recording", "Recording",
                                           "In progress (50 % watched)", "4 Mar 2024", ""]
    assert _row(mindsets, "Self-assessment")[2:] == ["Not started", "", ""]
    # An archived item is left out, as the completion rule leaves it out.
    three_table = mindsets.find_all("table")[1]
    assert [tr.th.get_text(strip=True) for tr in three_table.select("tbody tr")] == [
        "A reading", "Self-assessment"]


def test_self_assessment_answers_are_never_shown(app, client, world, sign_in_as, auth):
    enrolled = world.users["enrolled"]
    participant = app.test_client()
    assert participant.post("/sign-in", data={"email": enrolled.email,
                                              "password": "correct horse battery staple"}
                            ).status_code == 302
    results = _take_self_assessment(participant, world.modules[0].items[2].instrument)
    assert "Established" in results  # what the participant sees of their answers

    sign_in_as("admin")
    soup = page(client.get(f"/admin/users/{enrolled.id}"))
    mindsets = soup.select(".course-progress")[1]
    row = _row(mindsets, "Self-assessment")
    assert row[2] == "Complete" and row[4]
    text = _text(soup.main)
    for private in ("Established", "Emerging", "Share what works.", "Strongly agree",
                    "I seek feedback.", "100"):
        assert private not in text


def test_someone_enrolled_nowhere(client, world, sign_in_as):
    sign_in_as("admin")
    soup = page(client.get(f"/admin/users/{world.users['outsider'].id}"))
    assert "Not enrolled in any course." in soup.main.get_text()
    assert not soup.select(".course-progress")
