"""Where it stalls: who has done nothing for a while, where they stopped, and reminders."""

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from learning.accounts.models import User, utcnow
from learning.cohorts.models import Enrolment
from learning.reports import stalling
from learning.reports.models import Reminder
from tests.conftest import page
from tests.mailbox import outbox as _outbox
from tests.reports.conftest import add_participants, every_item, record, required


@pytest.fixture
def outbox(app):
    return _outbox


def confirm(client, cohort_id, text=None, follow_redirects=False):
    """Open the preview and confirm it, with its prefilled text or this one."""
    remind = f"/reports/cohorts/{cohort_id}/stalls/remind"
    if text is None:
        text = page(client.get(remind)).select_one("textarea[name=text]").get_text()
    return client.post(remind, data={"text": text}, follow_redirects=follow_redirects)


@pytest.fixture
def idle(db, world):
    """Eight participants besides the world's (who joined today and did nothing):
    0 completed long ago; 1-2 did module one's first two items 20 days ago; 3 did module one
    20 days ago; 4 did module one's first item 3 days ago; 5-6 joined 30 days ago and did
    nothing; 7 joined 2 days ago and did nothing. Stalled after 14 days: 1, 2, 3, 5, 6."""
    one, two, _ = world.modules
    now = utcnow()
    ids = add_participants(world.cohort, 8)
    db.session.execute(update(Enrolment).where(Enrolment.user_id.in_(ids[:7]))
                       .values(enrolled_at=now - timedelta(days=30)))
    db.session.execute(update(Enrolment).where(Enrolment.user_id == ids[7])
                       .values(enrolled_at=now - timedelta(days=2)))
    db.session.execute(update(Enrolment).where(Enrolment.user_id == world.users["participant"].id)
                       .values(enrolled_at=now))
    long_ago = now - timedelta(days=20)
    record(ids[:1], required(one) + required(two), at=long_ago)
    record(ids[1:3], one.items[:2], at=long_ago)
    record(ids[3:4], every_item(one), at=long_ago)
    record(ids[4:5], one.items[:1], at=now - timedelta(days=3))
    db.session.commit()
    return ids


def test_the_stalled_and_where_they_stopped(client, world, idle, sign_in_as):
    sign_in_as("manager")
    soup = page(client.get(f"/reports/cohorts/{world.cohort.id}/stalls"))
    assert soup.select_one(".stall-summary").get_text(" ", strip=True) == (
        "5 participants have not completed the course and have done nothing in it for "
        "14 days or more.")
    names = [th.get_text(strip=True) for th in soup.select("table.stalled tbody th")]
    assert sorted(names) == ["Participant 00001", "Participant 00002", "Participant 00003",
                             "Participant 00005", "Participant 00006"]
    assert names[:2] == ["Participant 00005", "Participant 00006"]  # idle the longest
    points = [[cell.get_text(strip=True) for cell in tr.select("th, td")]
              for tr in soup.select("table.stopping-points tbody tr")]
    assert points == [
        ["Recording", "Module one", "2"],
        ["Self-assessment", "Module one", "2"],
        ["Recording", "Module two", "1"],
    ]


def test_the_days_are_configurable(app, client, world, idle, sign_in_as):
    app.config["REPORTS_STALL_DAYS"] = 25
    sign_in_as("manager")
    soup = page(client.get(f"/reports/cohorts/{world.cohort.id}/stalls"))
    assert soup.select_one(".stall-summary").get_text(" ", strip=True).startswith(
        "2 participants have not completed the course and have done nothing in it for 25 days")


def test_reminders_go_to_the_stalled_after_the_request(client, db, world, idle, sign_in_as,
                                                      outbox):
    db.session.execute(update(User).where(User.id == idle[6]).values(is_active=False))
    db.session.commit()
    sign_in_as("facilitator")
    response = confirm(client, world.cohort.id)
    assert response.status_code == 302
    assert response.headers["Location"] == f"/reports/cohorts/{world.cohort.id}/stalls"
    soup = page(client.get(response.headers["Location"]))
    # Mail is off in the tests: the page says the reminders were not sent.
    assert ("Reminders to 4 stalled participants were recorded, but email is off on this "
            "installation: they were not sent." in soup.get_text())
    assert sorted(message.to for message in outbox) == [
        "p00001@example.org", "p00002@example.org", "p00003@example.org",
        "p00005@example.org"]
    message = next(m for m in outbox if m.to == "p00001@example.org")
    assert message.subject == "Your course Changing mindsets is waiting for you"
    assert "Dear Participant 00001," in message.body
    assert "http://localhost/courses/mindsets" in message.body


def test_reminders_go_by_email_and_a_refused_address_stops_none_of_the_rest(
        client, world, idle, sign_in_as, outbox, mail_on):
    mail_on.refused.add("p00001@example.org")
    sign_in_as("manager")
    soup = page(confirm(client, world.cohort.id, follow_redirects=True))
    assert ("Reminders to 5 stalled participants are queued: they are emailed within a "
            "minute or so." in soup.get_text(" ", strip=True))
    assert sorted(message["To"] for message in mail_on.messages) == [
        "p00002@example.org", "p00003@example.org", "p00005@example.org",
        "p00006@example.org"]
    assert {(row.recipient, row.status) for row in outbox.rows()
            if row.status != "sent"} == {("p00001@example.org", "failed")}


def test_reminding_is_a_post_with_a_csrf_token(app, client, world, idle, sign_in_as, outbox):
    sign_in_as("manager")
    remind = f"/reports/cohorts/{world.cohort.id}/stalls/remind"
    assert client.get(remind).status_code == 200  # the preview: nothing written
    assert outbox == []
    app.config["WTF_CSRF_ENABLED"] = True
    assert client.post(remind, data={"text": "Come back."}).status_code == 400
    assert outbox == []


@pytest.mark.parametrize(("who", "status"), [
    ("other_manager", 404), ("other_facilitator", 404), ("participant", 403),
])
def test_reminding_outside_the_scope_is_refused(client, world, idle, sign_in_as, outbox, who,
                                                status):
    sign_in_as(who)
    remind = f"/reports/cohorts/{world.cohort.id}/stalls/remind"
    assert client.get(remind).status_code == status
    assert client.post(remind, data={"text": "Come back."}).status_code == status
    assert outbox == []


def test_the_stopping_point_is_the_first_gap_not_the_furthest_item(db, world):
    one, two, _ = world.modules
    long_ago = utcnow() - timedelta(days=30)
    ids = add_participants(world.cohort, 3)
    db.session.execute(update(Enrolment).where(Enrolment.user_id.in_(ids))
                       .values(enrolled_at=long_ago))
    record(ids[:1], [one.items[0], one.items[2], two.items[0]], at=long_ago)  # gap: reading
    record(ids[1:2], [two.items[0]], at=long_ago)  # skipped ahead: the first item is left
    record(ids[2:3], required(one) + required(two), at=long_ago)  # complete: not stalled
    db.session.commit()
    cutoff = stalling.stall_cutoff(14)
    points = {(p.module.slug, p.item.slug): p.stalled
              for p in stalling.stopping_points(world.cohort, cutoff)}
    assert points == {("one", "reading"): 1, ("one", "recording"): 1}
    assert sorted(stalling.stalled_ids(world.cohort, cutoff)) == ids[:2]


def test_a_reminder_is_remembered_and_not_sent_twice_within_the_interval(
        app, client, db, world, idle, sign_in_as, outbox):
    sign_in_as("manager")
    stalls = f"/reports/cohorts/{world.cohort.id}/stalls"
    soup = page(client.get(stalls))
    assert soup.select_one("main form button").get_text(strip=True) == (
        "Email a reminder to these 5 participants")
    assert {td.get_text(strip=True) for td in soup.select("table.stalled tbody td:last-child")
            } == {"Never"}
    confirm(client, world.cohort.id)
    assert len(outbox) == 5
    soup = page(client.get(stalls))
    assert soup.select_one("main form button") is None
    assert soup.select_one(".reminders-done").get_text(" ", strip=True).startswith(
        "Every stalled participant was reminded in the last 7 days")
    assert "Never" not in soup.select_one("table.stalled tbody").get_text()
    # Pressing again (an old tab, say) sends nothing more and says why.
    soup = page(confirm(client, world.cohort.id, text="Come back.", follow_redirects=True))
    assert len(outbox) == 5
    assert ("5 participants reminded in the last 7 days were not reminded again."
            in soup.get_text(" ", strip=True))
    assert "Reminders to 0" not in soup.get_text(" ", strip=True)
    # Someone newly stalled is due; those reminded are left out until the interval passes.
    db.session.execute(update(Enrolment).where(Enrolment.user_id == idle[7])
                       .values(enrolled_at=utcnow() - timedelta(days=30)))
    db.session.commit()
    soup = page(client.get(stalls))
    assert soup.select_one("main form button").get_text(strip=True) == (
        "Email a reminder to this participant")
    app.config["REMINDER_INTERVAL_DAYS"] = 1
    db.session.execute(update(Reminder).values(sent_at=utcnow() - timedelta(days=2)))
    db.session.commit()
    soup = page(client.get(stalls))
    assert soup.select_one("main form button").get_text(strip=True) == (
        "Email a reminder to these 6 participants")


def test_a_reminder_records_who_sent_it(client, db, world, idle, sign_in_as, outbox):
    sign_in_as("facilitator")
    confirm(client, world.cohort.id)
    rows = db.session.execute(select(Reminder.user_id, Reminder.sent_by_id)).all()
    assert sorted(user_id for user_id, _by in rows) == sorted(idle[i] for i in (1, 2, 3, 5, 6))
    assert {by for _user, by in rows} == {world.users["facilitator"].id}
