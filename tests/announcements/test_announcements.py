"""Announcements: write, preview, send once, recipients recorded, emails by a job, My learning."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from learning.announcements import audiences, services
from learning.announcements.models import BODY_MAX, Announcement, AnnouncementRecipient
from learning.cohorts.models import Enrolment
from learning.progress import services as progress
from tests.conftest import page
from tests.mailbox import outbox

BODY = ("Dear all,\n\nThe **next live session** is on Thursday. Read [the report]"
        "(https://example.org/report) first.\n\n<script>alert(1)</script><img src=x "
        "onerror=alert(2)>")


def text(tag):
    return tag.get_text(" ", strip=True)


def compose_url(world):
    return f"/studio/cohorts/{world.cohort.id}/announcements/new"


def fields(client, world, **changes):
    """The compose form's fields as its page gives them (its token), with changes."""
    form = page(client.get(compose_url(world))).select_one("main form")
    data = {field["name"]: field.get("value", "") for field in form.select("input[type=hidden]")}
    data.update(subject="Next session", body=BODY, audience="all")
    data.update(changes)
    return data


def preview(client, world, **changes):
    return client.post(compose_url(world), data={**fields(client, world, **changes),
                                                 "action": "preview"})


def send_data(soup):
    """What the preview page's Send button posts."""
    form = soup.find("button", attrs={"value": "send"}).find_parent("form")
    data = {field["name"]: field.get("value", "") for field in form.select("input")}
    return {**data, "action": "send"}


def announcements(db):
    return list(db.session.scalars(select(Announcement).order_by(Announcement.id)))


def recorded(db, announcement):
    return sorted(db.session.scalars(select(AnnouncementRecipient.email).where(
        AnnouncementRecipient.announcement_id == announcement.id)))


@pytest.fixture
def facilitator(client, world, crowd, sign_in_as):
    sign_in_as("facilitator")
    return client


# The rules: who each selection names.

@pytest.mark.parametrize(("selection", "expected"), [
    (audiences.Selection("all"), ["Ann Started", "Pat Participant", "Sam Stalled"]),
    (audiences.Selection("not_started"), ["Pat Participant", "Sam Stalled"]),
    (audiences.Selection("stalled"), ["Sam Stalled"]),
    (audiences.Selection("country", country="BB"), ["Pat Participant", "Sam Stalled"]),
    (audiences.Selection("country", country="JM"), ["Ann Started"]),
    (audiences.Selection("country", country="TT"), []),
])
def test_each_selection_names_its_people_who_can_sign_in(app, world, crowd, selection,
                                                         expected):
    found = audiences.recipients(world.cohort, selection, 14)
    assert [person.name for person in found] == expected


def test_not_finished_module_n_asks_the_completion_rule(app, world, crowd):
    one, three = world.modules[0], world.modules[2]
    assert [p.name for p in audiences.recipients(
        world.cohort, audiences.Selection("not_finished", module_id=one.id), 14)] == [
        "Pat Participant", "Sam Stalled"]
    assert len(audiences.recipients(
        world.cohort, audiences.Selection("not_finished", module_id=three.id), 14)) == 3


# The pages.

def test_the_form_asks_subject_message_and_who_with_labels(facilitator, world):
    soup = page(facilitator.get(compose_url(world)))
    form = soup.select_one("main form")
    for name in ("subject", "body"):
        control = form.find(attrs={"name": name})
        assert soup.find("label", attrs={"for": control["id"]})
    legend = form.select_one("fieldset#audience legend")
    assert text(legend) == "Who it is for"
    assert [r["value"] for r in form.select("input[name=audience]")] == [
        "all", "not_started", "stalled", "not_finished", "country"]
    modules = [text(o) for o in form.select("select[name=module] option")]
    assert modules == ["Module 1: Module one", "Module 2: Module three"]
    countries = [o["value"] for o in form.select("select[name=country] option")]
    assert countries == ["BB", "JM"]
    assert re.fullmatch(r"[A-Za-z0-9_-]{20,}", form.find("input", attrs={"name": "token"})["value"])


def test_the_preview_shows_the_sanitised_message_and_the_count_and_sends_nothing(
        facilitator, db, world):
    soup = page(preview(facilitator, world))
    assert text(soup.select_one(".recipient-count")) == (
        "It goes to 3 people: Everyone in the cohort.")
    body = soup.select_one(".announcement-body")
    assert body.find("strong").get_text() == "next live session"
    assert body.find("a")["href"] == "https://example.org/report"
    assert body.find("script") is None and body.find("img") is None
    assert [text(li) for li in soup.select(".recipient-names li")] == [
        "Ann Started", "Pat Participant", "Sam Stalled"]
    assert soup.find("button", attrs={"value": "send"}).get_text() == "Send it to 3 people"
    assert announcements(db) == [] and len(outbox) == 0


def test_change_it_brings_the_form_back_as_typed(facilitator, world):
    soup = page(preview(facilitator, world, audience="stalled"))
    data = {**send_data(soup), "action": "edit"}
    form = page(facilitator.post(compose_url(world), data=data)).select_one("main form")
    assert form.find("input", attrs={"name": "subject"})["value"] == "Next session"
    assert form.find("textarea", attrs={"name": "body"}).get_text().strip() == BODY.strip()
    assert form.find("input", attrs={"name": "audience", "value": "stalled"}).has_attr("checked")


def test_sending_records_the_recipients_and_the_job_writes_one_email_each(
        facilitator, db, world, crowd):
    soup = page(preview(facilitator, world, audience="country", country="BB"))
    response = facilitator.post(compose_url(world), data=send_data(soup))
    [sent] = announcements(db)
    assert response.status_code == 302
    assert response.headers["Location"] == (
        f"/studio/cohorts/{world.cohort.id}/announcements/{sent.id}")
    assert (sent.subject, sent.audience, sent.audience_country, sent.recipient_count,
            sent.status) == ("Next session", "country", "BB", 2, "done")
    assert "<script" not in sent.body_html
    assert "<strong>next live session</strong>" in sent.body_html
    assert recorded(db, sent) == ["participant@example.org", "sam@example.org"]
    # The job wrote the outbox rows, one per recorded person.
    rows = outbox.rows()
    assert sorted((row.recipient, row.kind) for row in rows) == [
        ("participant@example.org", "announcement"), ("sam@example.org", "announcement")]
    mail = next(m for m in outbox if m.to == "sam@example.org")
    assert mail.subject == "Next session"
    assert mail.body.startswith("Dear Sam Stalled,\n\nDear all,")
    assert "http://localhost/announcements" in mail.body
    # The message's page: the sanitised body, who it was for, who received it.
    soup = page(facilitator.get(response.headers["Location"]))
    assert text(soup.select_one(".announcement-audience")) == "Those from one country: Barbados"
    assert [text(r.th) for r in soup.select("table.recipients tbody tr")] == [
        "Pat Participant", "Sam Stalled"]
    messages = page(facilitator.get(f"/studio/cohorts/{world.cohort.id}")).select_one(
        "table.announcements")
    assert text(messages.select_one("tbody th")) == "Next session"


def test_a_double_submit_sends_once(facilitator, db, world):
    data = send_data(page(preview(facilitator, world)))
    first = facilitator.post(compose_url(world), data=data)
    again = facilitator.post(compose_url(world), data=data, follow_redirects=True)
    assert len(announcements(db)) == 1
    assert len(outbox) == 3
    assert first.headers["Location"] == again.request.path
    assert "sent already: it is not sent twice" in text(page(again).select_one(".messages"))


def test_a_token_found_by_the_unique_index_is_not_sent_twice(app, db, world, crowd,
                                                             monkeypatch):
    """Two sends racing past the look-up: the second meets the unique token, sends nothing."""
    selection = audiences.Selection("all")
    first, created = services.send(world.cohort, selection, "S", "B", "tok", world.users[
        "facilitator"], 14)
    db.session.commit()
    assert created
    real, misses = services.by_token, [None]
    # The look-up misses once, as for a request that read before the first committed.
    monkeypatch.setattr(services, "by_token",
                        lambda token: misses.pop() if misses else real(token))
    second, created = services.send(world.cohort, selection, "S", "B", "tok",
                                    world.users["facilitator"], 14)
    db.session.commit()
    assert not created and second.id == first.id
    assert db.session.scalar(select(func.count(AnnouncementRecipient.user_id))) == 3


def test_recipients_stay_as_recorded_whatever_changes_later(facilitator, db, world, crowd):
    data = send_data(page(preview(facilitator, world, audience="stalled")))
    facilitator.post(compose_url(world), data=data)
    [sent] = announcements(db)
    crowd.sam.name, crowd.sam.email, crowd.sam.country = "Samuel", "samuel@example.org", "JM"
    db.session.delete(db.session.scalar(select(Enrolment).where(
        Enrolment.user_id == crowd.sam.id)))
    db.session.commit()
    soup = page(facilitator.get(f"/studio/cohorts/{world.cohort.id}/announcements/{sent.id}"))
    assert [(text(r.th), text(r.td)) for r in soup.select("table.recipients tbody tr")] == [
        ("Sam Stalled", "sam@example.org")]


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"subject": ""}, "subject", "Write a subject."),
    ({"body": "  "}, "body", "Write the message."),
    ({"body": "x" * (BODY_MAX + 1)}, "body",
     f"Use at most {BODY_MAX} characters; this message has {BODY_MAX + 1}."),
    ({"subject": "y" * 151}, "subject", "Use at most 150 characters."),
    ({"audience": "country", "country": "TT"}, "country", "Choose the country."),
    ({"audience": "not_finished", "module": str(999)}, "module",
     "Choose the module they have not finished."),
    ({"audience": "everyone"}, "audience", "Not a valid choice."),
])
@pytest.mark.parametrize("action", ["preview", "send"])
def test_bad_input_is_refused_beside_its_field_keeping_what_was_typed(
        facilitator, db, world, changes, field, message, action):
    data = {**fields(facilitator, world, **changes), "action": action}
    response = facilitator.post(compose_url(world), data=data)
    assert response.status_code == 200
    soup = page(response)
    assert text(soup.find(id=f"{field}-error")) == f"Error: {message}"
    assert soup.find("textarea", attrs={"name": "body"}).get_text().strip() == \
        data["body"].strip()
    assert soup.find("input", attrs={"name": "subject"}).get("value", "") == \
        data["subject"].strip()
    assert announcements(db) == [] and len(outbox) == 0


@pytest.mark.parametrize("action", ["preview", "send"])
def test_an_empty_selection_sends_nothing_and_says_so(facilitator, db, world, crowd, action):
    for item in world.modules[0].items:  # everyone has started: no one "not started"
        progress.mark_complete(crowd.pat.id, item, "read")
        progress.mark_complete(crowd.sam.id, item, "read")
    db.session.commit()
    data = {**fields(facilitator, world, audience="not_started"), "action": action}
    soup = page(facilitator.post(compose_url(world), data=data))
    assert text(soup.find(id="audience-error")) == (
        "Error: No one in this cohort matches: nothing was sent. Choose others to send it to.")
    assert soup.select_one("fieldset#audience")["aria-describedby"] == "audience-error"
    assert soup.find("textarea", attrs={"name": "body"}).get_text().strip() == BODY.strip()
    assert announcements(db) == [] and len(outbox) == 0


def test_participants_see_what_they_received_on_my_learning(client, db, world, crowd,
                                                            sign_in_as, auth):
    for number in range(1, 5):
        services.send(world.cohort, audiences.Selection("not_started"), f"Message {number}",
                      f"Body **{number}**", f"token-{number}", world.users["facilitator"], 14)
        db.session.commit()
    services.send(world.cohort, audiences.Selection("country", country="JM"), "For Ann",
                  "Only Ann", "token-ann", world.users["facilitator"], 14)
    db.session.commit()
    sign_in_as("enrolled")
    soup = page(client.get("/learning"))
    latest = soup.select_one("section.announcements-latest")
    assert [text(a) for a in latest.select("li a")] == ["Message 4", "Message 3", "Message 2"]
    see_all = latest.find("a", string="See all 4 messages")
    soup = page(client.get(see_all["href"]))
    assert [text(h) for h in soup.select(".announcements-received h2")] == [
        "Message 4", "Message 3", "Message 2", "Message 1"]
    assert soup.select_one(".announcements-received strong").get_text() == "4"
    assert "For Ann" not in soup.get_text()
    auth.logout()
    sign_in_as("outsider")
    assert page(client.get("/learning")).select_one("section.announcements-latest") is None
    assert "You have no messages yet." in text(page(client.get("/announcements")).main)


def test_a_lost_job_is_queued_again_and_writes_the_emails_once(app, db, world, crowd,
                                                              monkeypatch):
    monkeypatch.setattr(services.jobs, "after_commit", lambda *args: None)  # lost
    sent, _created = services.send(world.cohort, audiences.Selection("all"), "S", "B", "lost",
                                   world.users["facilitator"], 14)
    db.session.commit()
    monkeypatch.undo()
    assert len(outbox) == 0
    services.requeue_stalled_announcements.run()  # too recent to count as lost
    assert len(outbox) == 0
    sent.created_at -= services.STALLED_AFTER + timedelta(minutes=1)
    db.session.commit()
    services.requeue_stalled_announcements.run()
    services.requeue_stalled_announcements.run()
    services.mail_announcement.run(sent.id)
    assert len(outbox) == 3
    db.session.expire_all()
    assert db.session.get(Announcement, sent.id).status == "done"


def test_someone_else_s_announcement_is_not_found(facilitator, db, world):
    other = Announcement(cohort_id=world.draft_cohort.id, token="other", subject="S", body="B",
                         body_html="<p>B</p>", audience="all", recipient_count=0)
    db.session.add(other)
    db.session.commit()
    assert facilitator.get(
        f"/studio/cohorts/{world.cohort.id}/announcements/{other.id}").status_code == 404
    assert facilitator.get(
        f"/studio/cohorts/{world.cohort.id}/announcements/99999").status_code == 404


def test_times_are_shown_in_the_cohort_s_time_zone(client, db, world, crowd, sign_in_as, auth):
    world.cohort.time_zone = "America/Port_of_Spain"
    sent, _created = services.send(world.cohort, audiences.Selection("all"), "Late news", "B",
                                   "late", world.users["facilitator"], 14)
    # 02:00 UTC on 1 March 2024 is 22:00 on 29 February in Port of Spain.
    sent.created_at = datetime(2024, 3, 1, 2, 0, tzinfo=UTC)
    db.session.commit()

    sign_in_as("enrolled")
    latest = page(client.get("/learning")).select_one("section.announcements-latest")
    assert text(latest.select_one("li .meta")).endswith("· 29 Feb 2024")
    mine = page(client.get("/announcements")).select_one(".announcements-received .meta")
    assert text(mine).endswith("· 29 Feb 2024, 22:00:00")
    auth.logout()

    sign_in_as("facilitator")
    listed = page(client.get(f"/studio/cohorts/{world.cohort.id}"))
    assert "29 Feb 2024, 22:00:00" in [text(td) for td in listed.select("td")]
    shown = page(client.get(f"/studio/cohorts/{world.cohort.id}/announcements/{sent.id}"))
    details = dict(zip([text(dt) for dt in shown.select("dl.details dt")],
                       [text(dd) for dd in shown.select("dl.details dd")], strict=True))
    assert details["Sent"] == "29 Feb 2024, 22:00:00"
