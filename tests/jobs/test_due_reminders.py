"""Reminders before a module's due date: queued through the outbox, once per participant,
cohort and module, to those who have not completed it."""

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, select

from learning import jobs
from learning.cohorts import schedules
from learning.cohorts.models import ModuleSchedule
from learning.mail.models import OutboxMessage
from learning.progress import services as progress
from learning.reports import due_reminders
from learning.reports.models import DueReminder
from tests.factories import enrol, make_user


def _due(db, world, days, module=0, opens_on=None):
    today = schedules.today_in(world.cohort.time_zone)
    row = ModuleSchedule(cohort_id=world.cohort.id, module_id=world.modules[module].id,
                         opens_on=opens_on, due_on=today + timedelta(days=days))
    db.session.add(row)
    db.session.commit()
    return row


def _outbox(db):
    return list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def test_the_window_opens_n_days_before_and_closes_after_the_day():
    today = date(2024, 3, 1)
    assert due_reminders.in_reminder_window(date(2024, 3, 3), None, today, 2)
    assert due_reminders.in_reminder_window(date(2024, 3, 1), None, today, 2)
    assert not due_reminders.in_reminder_window(date(2024, 3, 4), None, today, 2)
    assert not due_reminders.in_reminder_window(date(2024, 2, 29), None, today, 2)
    # Not for a module that has not opened yet.
    assert not due_reminders.in_reminder_window(date(2024, 3, 3), date(2024, 3, 2), today, 2)
    assert due_reminders.in_reminder_window(date(2024, 3, 3), date(2024, 3, 1), today, 2)


def test_the_due_day_is_counted_in_the_cohorts_time_zone(app, db, world):
    # 11:00 UTC on 1 March: 1 March in Port of Spain, 2 March in Kiritimati.
    now = datetime(2024, 3, 1, 11, 0, tzinfo=UTC)
    db.session.add(ModuleSchedule(cohort_id=world.cohort.id, module_id=world.modules[0].id,
                                  due_on=date(2024, 3, 4)))
    db.session.commit()
    assert due_reminders.due_now(2, now) == []
    world.cohort.time_zone = "Pacific/Kiritimati"
    db.session.commit()
    assert [due.module_id for due in due_reminders.due_now(2, now)] == [world.modules[0].id]


def test_participants_not_done_are_emailed_once_with_a_link(app, db, world):
    second = make_user("second@example.org", name="Sam Second")
    enrol(second, world.cohort)
    done = make_user("done@example.org", name="Dana Done")
    enrol(done, world.cohort)
    for item in world.modules[0].items:
        if item.is_required:
            progress.mark_complete(done.id, item, "read")
    db.session.commit()
    _due(db, world, 2)

    due_reminders.remind_due_modules.run()
    due_reminders.remind_due_modules.run()  # the next minute: nobody twice

    messages = _outbox(db)
    assert sorted(m.recipient for m in messages) == ["participant@example.org",
                                                     "second@example.org"]
    message = next(m for m in messages if m.recipient == "second@example.org")
    assert message.kind == "reminder"
    assert message.subject == "“Module one” is due soon"
    assert message.body.startswith("Dear Sam Second,")
    assert "for your cohort, Cohort A" in message.body
    assert message.body.endswith(app.config["BASE_URL"] + "/courses/mindsets/modules/one")
    assert db.session.scalar(select(func.count(DueReminder.id))) == 2


def test_nothing_before_the_window_after_the_day_or_before_the_module_opens(db, world):
    _due(db, world, 3)  # due in three days, reminded two days before
    today = schedules.today_in(world.cohort.time_zone)
    _due(db, world, -1, module=2)  # past
    due_reminders.remind_due_modules.run()
    assert _outbox(db) == []
    db.session.execute(ModuleSchedule.__table__.update().values(
        due_on=today + timedelta(days=1), opens_on=today + timedelta(days=1)))
    db.session.commit()
    due_reminders.remind_due_modules.run()
    assert _outbox(db) == []


def test_an_unpublished_module_reminds_no_one(db, world):
    _due(db, world, 1, module=1)  # module two is a draft
    due_reminders.remind_due_modules.run()
    assert _outbox(db) == []


def test_a_reminder_another_worker_wrote_first_is_not_sent_again(app, db, world,
                                                                 monkeypatch):
    schedule = _due(db, world, 1)
    participant = world.users["enrolled"]
    # Another worker read the same list, then wrote the reminder and committed first.
    seen = due_reminders.to_remind(world.cohort, world.modules[0])
    db.session.add(DueReminder(cohort_id=world.cohort.id, module_id=schedule.module_id,
                               user_id=participant.id))
    db.session.commit()
    monkeypatch.setattr(due_reminders, "to_remind", lambda cohort, module: seen)

    assert due_reminders.remind(world.cohort, world.modules[0], schedule.due_on) == 0
    db.session.commit()
    assert _outbox(db) == []
    assert db.session.scalar(select(func.count(DueReminder.id))) == 1


def test_the_job_is_declared_periodic(app):
    assert due_reminders.remind_due_modules in jobs.periodic_jobs()
