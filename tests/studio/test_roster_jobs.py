"""A roster checked in the request and imported by a job over a stored import record."""

import io
import json
import logging

from sqlalchemy import func, select

from learning.accounts.models import User
from learning.cohorts.models import Cohort, RosterImport
from learning.database import db as database
from learning.studio import roster, roster_jobs
from tests import mailbox as mail
from tests.conftest import page

PASSWORD = "a long and unguessable passphrase"


def _upload(client, world, content):
    return client.post(f"/studio/cohorts/{world.cohort.id}/participants/import",
                       content_type="multipart/form-data",
                       data={"csv": (io.BytesIO(content.encode()), "people.csv")})


def _users(db):
    db.session.expire_all()
    return db.session.scalar(select(func.count(User.id)))


def test_a_file_over_the_limit_is_refused_before_any_work(client, db, world, sign_in_as):
    before = _users(db)
    sign_in_as("facilitator")
    rows = "".join(f"p{n}@example.org,P {n}\n" for n in range(roster.MAX_ROWS + 1))
    response = _upload(client, world, "email,name\n" + rows)
    assert response.status_code == 200
    assert [li.get_text(" ", strip=True) for li in page(response).select("ul.problems li")] == [
        "The file has more than 10000 participants; split it."]
    assert _users(db) == before
    assert db.session.scalar(select(func.count(RosterImport.id))) == 0


def test_invited_accounts_have_no_password_until_they_choose_one(app, client, auth, db, world,
                                                                sign_in_as):
    sign_in_as("facilitator")
    _upload(client, world, "email,name\nnew@example.org,New Person\n")
    auth.logout()
    user = db.session.scalar(select(User).where(User.email == "new@example.org"))
    assert user.password_hash is None
    for password in ("", "None", PASSWORD):
        response = client.post("/sign-in", data={"email": "new@example.org",
                                                 "password": password})
        assert response.status_code == 200  # refused, the page shown again
    link = mail.outbox[0].body.split("http://localhost", 1)[1].split()[0]
    assert client.post(link, data={"password": PASSWORD, "confirm": PASSWORD}
                       ).status_code == 302
    db.session.expire_all()
    assert user.password_hash
    auth.logout()
    assert auth.login("new@example.org", PASSWORD).status_code == 302


def test_the_job_run_again_makes_nothing_twice(client, db, world, sign_in_as):
    sign_in_as("facilitator")
    people = [roster.Person(email=f"p{n}@example.org", name=f"P {n}", organisation="",
                            country="") for n in range(3)]
    record = roster_jobs.queue_import(world.cohort, people, world.users["facilitator"])
    database.session.commit()  # the job runs at once (JOBS_IMMEDIATE)
    users, messages = _users(db), len(mail.outbox)
    db.session.refresh(record)
    assert (record.status, record.invited, record.already) == ("done", 3, 0)
    assert record.finished_at is not None

    roster_jobs.import_roster_rows.run(record.id)  # delivered twice: nothing more
    assert (_users(db), len(mail.outbox)) == (users, messages)

    # A crash after some accounts were made (the status left queued): run again from the start.
    record.status = "queued"
    db.session.commit()
    roster_jobs.import_roster_rows.run(record.id)
    assert _users(db) == users
    assert db.session.scalar(select(func.count(User.id)).where(
        User.email.like("p_@example.org"))) == 3


def test_a_job_whose_import_is_gone_ends_cleanly(app, db, world, caplog):
    with caplog.at_level(logging.INFO):
        roster_jobs.import_roster_rows.run(987654)
    assert "nothing to do" in caplog.text


def test_the_progress_page_refreshes_by_a_link_and_belongs_to_its_cohort(
        client, auth, db, world, sign_in_as):
    record = RosterImport(cohort_id=world.cohort.id, status="queued", total=2,
                          rows=json.dumps([]))
    db.session.add(record)
    db.session.commit()
    url = f"/studio/cohorts/{world.cohort.id}/participants/imports/{record.id}"
    sign_in_as("facilitator")
    response = client.get(url)
    soup = page(response)
    assert soup.select_one(".import-status").get_text(" ", strip=True).startswith(
        "Queued: the file's 2 people are being invited.")
    assert soup.find("a", string="Refresh")["href"] == url
    assert not soup.find("meta", attrs={"http-equiv": True})
    other = db.session.scalar(select(Cohort).where(Cohort.id != world.cohort.id))
    assert client.get(f"/studio/cohorts/{other.id}/participants/imports/{record.id}"
                      ).status_code == 404
    auth.logout()
    sign_in_as("other_facilitator")
    assert client.get(url).status_code in (403, 404)


def test_the_quick_address_check_agrees_with_email_validator():
    from email_validator import EmailNotValidError, validate_email

    for address in ("a@example.org", "a.b+c@example.gov.bb", "a..b@example.org",
                    ".a@example.org", "a.@example.org", "a@-bad.example.org", "a@example",
                    "a@localhost", "ñ@example.org", "a@bücher.example", '"a b"@example.org',
                    "a@b@example.org", "x" * 65 + "@example.org", "a@example..org",
                    "a@" + "x" * 64 + ".org", "a b@example.org", "@example.org", "a@"):
        try:
            validate_email(address, check_deliverability=False)
            expected = True
        except EmailNotValidError:
            expected = False
        assert roster.is_email_address(address) is expected, address


def test_an_import_lost_with_its_worker_is_queued_again(db, world):
    from datetime import timedelta

    from learning.accounts.models import utcnow

    people = [{"email": "lost@example.org", "name": "Lo St", "organisation": "",
               "country": ""}]
    fresh = RosterImport(cohort_id=world.cohort.id, status="queued", total=1,
                         rows=json.dumps(people))
    lost = RosterImport(cohort_id=world.cohort.id, status="queued", total=1,
                        rows=json.dumps(people), created_at=utcnow() - timedelta(hours=1))
    db.session.add_all([fresh, lost])
    db.session.commit()
    roster_jobs.requeue_stalled_imports.run()  # the job it queues runs at once here
    db.session.expire_all()
    assert (fresh.status, lost.status) == ("queued", "done")
    assert [m.to for m in mail.outbox] == ["lost@example.org"]
