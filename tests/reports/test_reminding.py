"""Reminders: the preview with its editable text, the confirmation, and racing confirmations."""

import threading

import pytest
from sqlalchemy import func, select

from learning import create_app
from learning.accounts.models import User
from learning.cohorts.models import Cohort
from learning.config import TestingConfig
from learning.database import db
from learning.mail.models import OutboxMessage
from learning.reports import reminding
from learning.reports.models import Reminder
from tests import factories
from tests.concurrency import race
from tests.conftest import AuthActions, page
from tests.mailbox import outbox as _outbox
from tests.reports.conftest import add_participants


@pytest.fixture
def outbox(app):
    return _outbox


@pytest.fixture
def stalled(db, world):
    """Three participants who joined long ago and did nothing (the world's joined today)."""
    ids = add_participants(world.cohort, 3)
    db.session.commit()
    return ids


def _remind(world):
    return f"/reports/cohorts/{world.cohort.id}/stalls/remind"


def test_the_button_opens_a_preview_and_writes_nothing(client, world, stalled, sign_in_as,
                                                       outbox):
    sign_in_as("facilitator")
    stalls = page(client.get(f"/reports/cohorts/{world.cohort.id}/stalls"))
    form = stalls.select_one("main form.inline-actions")
    assert form["method"] == "get" and form["action"] == _remind(world)
    soup = page(client.get(_remind(world)))
    assert soup.select_one(".reminder-count").get_text(" ", strip=True) == (
        "3 stalled participants will get this reminder.")
    assert [li.get_text(strip=True) for li in soup.select(".reminder-names li")] == [
        "Participant 00000", "Participant 00001", "Participant 00002"]
    assert soup.select_one(".reminder-subject").get_text(" ", strip=True) == (
        "Subject: Your course Changing mindsets is waiting for you")
    textarea = soup.select_one("textarea[name=text]")
    assert not textarea.has_attr("maxlength")  # a paste cut short silently would be lost
    text = textarea.get_text()
    assert text.strip().startswith("You have not been back to Changing mindsets for 14 days")
    hint = soup.select_one("#text-hint").get_text(" ", strip=True)
    assert "“Dear Participant 00000,”" in hint
    assert "http://localhost/courses/mindsets" in hint
    assert "At most 2000 characters." in hint
    confirm = soup.select_one("main form[method=post]")
    assert confirm["action"] == _remind(world)
    assert confirm.select_one("button").get_text(strip=True) == (
        "Send the reminder to 3 participants")
    assert outbox == []
    assert db.session.scalar(select(func.count(Reminder.id))) == 0


def test_the_preview_names_at_most_fifty_and_counts_the_rest(db, client, world, sign_in_as):
    add_participants(world.cohort, 53)
    db.session.commit()
    sign_in_as("manager")
    soup = page(client.get(_remind(world)))
    assert soup.select_one(".reminder-count").get_text(" ", strip=True).startswith(
        "53 stalled participants")
    assert len(soup.select(".reminder-names li")) == reminding.PREVIEW_NAMES
    assert soup.select_one(".reminder-more").get_text(strip=True) == "And 3 more."


def test_the_edited_text_is_what_is_sent(client, world, stalled, sign_in_as, outbox):
    sign_in_as("facilitator")
    text = "Our live session is on Thursday.\r\nCatch up before then, please!"
    response = client.post(_remind(world), data={"text": text})
    assert response.status_code == 302
    assert len(outbox) == 3
    message = next(m for m in outbox if m.to == "p00001@example.org")
    assert message.body == (
        "Dear Participant 00001,\n\n"
        "Our live session is on Thursday.\nCatch up before then, please!\n\n"
        "http://localhost/courses/mindsets")
    assert message.subject == "Your course Changing mindsets is waiting for you"


@pytest.mark.parametrize(("text", "error"), [
    ("Come back\x00 soon", "invisible control characters"),
    ("Come back\x1b[2J soon", "invisible control characters"),
    ("x" * (reminding.TEXT_MAX + 1), "Use at most 2000 characters."),
    ("   \r\n ", "Write the message"),
], ids=["nul", "escape", "too-long", "blank"])
def test_bad_text_is_refused_with_the_text_kept(client, world, stalled, sign_in_as, outbox,
                                                text, error):
    sign_in_as("facilitator")
    response = client.post(_remind(world), data={"text": text})
    assert response.status_code == 400
    soup = page(response)
    assert error in soup.select_one("#text-error").get_text(" ", strip=True)
    assert soup.select_one(".error-summary") is not None
    if text.strip():
        # Nothing lost: the text comes back as typed, to be corrected.
        assert soup.select_one("textarea[name=text]").get_text().strip() == text.strip()
    assert outbox == []
    assert db.session.scalar(select(func.count(Reminder.id))) == 0


def test_a_tab_and_line_breaks_are_fine(client, world, stalled, sign_in_as, outbox):
    sign_in_as("facilitator")
    assert client.post(_remind(world), data={"text": "One\n\tTwo"}).status_code == 302
    assert all("One\n\tTwo" in m.body for m in outbox) and len(outbox) == 3


def test_confirming_with_csrf_on(csrf_app, client, world, stalled, sign_in_as, outbox):
    sign_in_as("facilitator")
    soup = page(client.get(_remind(world)))
    token = soup.select_one("main form[method=post] input[name=csrf_token]")["value"]
    assert client.post(_remind(world), data={"text": "Hi."}).status_code == 400
    assert outbox == []
    response = client.post(_remind(world), data={"text": "Hi.", "csrf_token": token})
    assert response.status_code == 302
    assert len(outbox) == 3


def test_nobody_due_shows_no_confirm_button(client, world, stalled, sign_in_as, outbox):
    sign_in_as("facilitator")
    client.post(_remind(world), data={"text": "Hi."})
    soup = page(client.get(_remind(world)))
    assert soup.select_one("main form[method=post]") is None
    assert soup.select_one(".reminders-done") is not None


# Racing confirmations: each thread its own application context, so its own connection and
# write transaction, as a request on another worker would have.

WORKERS = 8


def _racing_confirmations(app):
    course = factories.make_course(slug="race", title="Race")
    factories.make_module(course)
    cohort = factories.make_cohort(course)
    facilitator = factories.make_user("f@example.org", "facilitator", name="Fay")
    ids = add_participants(cohort, 5)
    db.session.commit()
    cohort_id, facilitator_id = cohort.id, facilitator.id

    def confirm(n):
        reminding.send(db.session.get(Cohort, cohort_id), f"Press {n}.",
                       db.session.get(User, facilitator_id), stall_days=14, interval_days=7,
                       link="http://localhost/courses/race")

    assert [error for error in race(app, WORKERS, confirm) if error] == []
    reminded = db.session.execute(
        select(Reminder.user_id, func.count()).group_by(Reminder.user_id)).all()
    assert sorted(reminded) == [(user_id, 1) for user_id in ids]
    sent = db.session.execute(
        select(OutboxMessage.recipient, func.count()).group_by(OutboxMessage.recipient)).all()
    assert sorted(sent) == [(f"p{n:05d}@example.org", 1) for n in range(5)]
    # One press wrote them all: every body carries the same press's text.
    assert len(set(db.session.scalars(select(OutboxMessage.body)).all())) == 5
    assert len({body.split("\n\n")[1] for body in db.session.scalars(
        select(OutboxMessage.body))}) == 1


def _racing_presses(app):
    """Eight signed-in browsers confirm at once, through the real view (CSRF off)."""
    for limit in ("REMINDER_RATE_LIMIT", "SIGN_IN_RATE_LIMIT",
                  "SIGN_IN_ACCOUNT_ADDRESS_RATE_LIMIT", "SIGN_IN_ACCOUNT_RATE_LIMIT"):
        app.config[limit] = "1000/minute"
    course = factories.make_course(slug="presses", title="Presses")
    factories.make_module(course)
    cohort = factories.make_cohort(course, name="Pressed", join_code="PRESS20240")
    facilitator = factories.make_user("g@example.org", "facilitator", name="Gus")
    course.facilitators.append(facilitator)
    add_participants(cohort, 4, start=100)
    db.session.commit()
    remind = f"/reports/cohorts/{cohort.id}/stalls/remind"
    clients = [app.test_client() for _ in range(WORKERS)]
    for client in clients:
        assert AuthActions(client).login("g@example.org").status_code == 302
    db.session.rollback()
    barrier = threading.Barrier(WORKERS)
    statuses = [None] * WORKERS

    def press(n):
        barrier.wait()
        statuses[n] = clients[n].post(remind, data={"text": f"Press {n}."}).status_code

    threads = [threading.Thread(target=press, args=(n,)) for n in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [302] * WORKERS
    sent = db.session.execute(
        select(OutboxMessage.recipient, func.count())
        .where(OutboxMessage.recipient.like("p001%")).group_by(OutboxMessage.recipient)).all()
    assert sorted(sent) == [(f"p{n:05d}@example.org", 1) for n in range(100, 104)]
    assert db.session.scalar(select(func.count(Reminder.id))
                             .where(Reminder.cohort_id == cohort.id)) == 4


def _races(app):
    _racing_confirmations(app)
    _racing_presses(app)


def test_racing_confirmations_remind_each_person_once(app):
    if app.config["SQLALCHEMY_DATABASE_URI"] == "sqlite://":
        pytest.skip("in-memory SQLite has one shared connection: the file test races instead")
    _races(app)


def test_racing_confirmations_on_a_sqlite_file_remind_each_person_once(tmp_path):
    if not TestingConfig.SQLALCHEMY_DATABASE_URI.startswith("sqlite"):
        pytest.skip("the PostgreSQL run races on PostgreSQL instead")
    settings = {k: getattr(TestingConfig, k) for k in dir(TestingConfig) if k.isupper()}
    app = create_app({**settings, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'r.db'}"})
    with app.app_context():
        db.create_all()
        _races(app)
        db.engine.dispose()
