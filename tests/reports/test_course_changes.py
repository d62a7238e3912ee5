"""A course that changes while a cohort is in it: earned stays earned, and a change that
completes people certifies them, exactly once (issue #22)."""

from sqlalchemy import func, select

from learning.certificates import services as certificates
from learning.certificates.models import Certificate, CertificateEvent
from learning.database import db
from learning.progress import completion
from learning.reports import stalling
from tests.conftest import DEFAULT_PASSWORD, page
from tests.reports.conftest import add_participants, record, required
from tests.reports.test_overview import figures, funnel_rows

STUDIO = "/studio/courses/mindsets/modules"


def form_values(form) -> dict[str, str]:
    """What a browser would send for the form as the page gives it."""
    values = {}
    for field in form.select("input[name], textarea[name], select[name]"):
        kind = field.get("type", "")
        if kind in ("checkbox", "radio"):
            if field.has_attr("checked"):
                values[field["name"]] = field.get("value", "y")
        elif field.name == "textarea":
            values[field["name"]] = field.get_text()
        elif field.name == "select":
            chosen = field.find("option", selected=True) or field.find("option")
            values[field["name"]] = chosen.get("value", "") if chosen else ""
        elif kind != "submit":
            values[field["name"]] = field.get("value", "")
    return values


def confirm(client, response):
    """The confirmation page's figures, after confirming on it as the facilitator would."""
    assert response.status_code == 200
    soup = page(response)
    shown = [[cell.get_text(strip=True) for cell in row.select("th, td")]
             for row in soup.select("section.change-effect tbody tr")]
    form = soup.select_one("main form")
    confirmed = client.post(response.request.path, data=form_values(form))
    assert confirmed.status_code == 302, page(confirmed).select(".error")
    return shown, soup


def publish(client, module):
    """The facilitator ticks "published" on the module's edit form, saves and confirms."""
    url = f"{STUDIO}/{module.id}/edit"
    values = form_values(page(client.get(url)).select_one("main form"))
    return confirm(client, client.post(url, data={**values, "is_published": "y"}))


def sign_in(client, email):
    client.post("/sign-out")
    response = client.post("/sign-in", data={"email": email, "password": DEFAULT_PASSWORD})
    assert response.status_code == 302


def certificate_count(course) -> int:
    return db.session.scalar(select(func.count()).select_from(Certificate)
                             .where(Certificate.course_id == course.id))


def issued_events() -> int:
    return db.session.scalar(select(func.count()).select_from(CertificateEvent)
                             .where(CertificateEvent.action == "issued"))


def test_publishing_a_required_module_leaves_certificate_holders_complete(client, db, world):
    one, two, draft = world.modules
    ids = add_participants(world.cohort, 4)
    record(ids[:2], required(one) + required(two))
    record(ids[2:3], required(one))
    db.session.commit()
    assert len(certificates.issue_due(world.course)) == 2
    db.session.commit()

    sign_in(client, "facilitator@example.org")
    shown, _soup = publish(client, draft)
    # Asked first: the holders count as having completed the new module; no one else moves.
    assert shown == [["Completed the course", "2", "2"],
                     [f"Completed: {draft.title}", "0", "2"]]

    sign_in(client, "manager@example.org")
    soup = page(client.get(f"/reports/cohorts/{world.cohort.id}"))
    shown = figures(soup)
    assert shown["Completed the course"] == "2"
    assert shown["Certificates issued"] == "2"
    # The new module is a step of the funnel; those whose completion stands count for it.
    steps = {row[0]: row[1] for row in funnel_rows(soup)}
    assert steps[f"Completed: {draft.title}"] == "2"
    assert steps["Completed the course"] == "2"
    listed = page(client.get(f"/reports/cohorts/{world.cohort.id}/participants?status=complete"))
    names = [a.get_text(strip=True) for a in listed.select("table tbody tr th a, "
                                                            "table tbody tr td a")]
    assert {"Participant 00000", "Participant 00001"} <= set(names)
    assert "Participant 00002" not in names

    # The participant still reads the course as complete, with the new module to explore.
    sign_in(client, "p00000@example.org")
    course = page(client.get("/courses/mindsets"))
    assert course.find(string=lambda s: s and "Module draft" in s)
    congratulations = page(client.get("/learning")).select_one("section.congratulations")
    assert congratulations is not None
    assert "earned its certificate" in congratulations.get_text(" ", strip=True)


def test_archiving_the_last_item_left_certifies_once(client, db, world):
    one, two, _draft = world.modules
    [user_id] = add_participants(world.cohort, 1)
    last = required(two)[-1]
    record([user_id], required(one) + [item for item in required(two) if item is not last])
    db.session.commit()
    assert certificate_count(world.course) == 0

    sign_in(client, "facilitator@example.org")
    base = f"{STUDIO}/{two.id}/items/{last.id}"
    asking = client.post(f"{base}/archive")
    assert certificate_count(world.course) == 0  # nothing changes before it is confirmed
    assert not db.session.get(type(last), last.id).is_archived
    shown, soup = confirm(client, asking)
    assert shown == [["Completed the course", "0", "1"], ["Completed: Module two", "0", "1"]]
    assert soup.select_one(".effect-certified").get_text(strip=True) == (
        "1 participant becomes complete and will be certified.")
    assert certificate_count(world.course) == 1
    assert completion.earned_at(user_id, world.course.id) is not None

    # Restoring it and archiving it again, twice over, and a confirmation sent twice, issue
    # nothing more (the completion earned stands, so these move no one: no question asked).
    for _ in range(2):
        assert client.post(f"{base}/restore").status_code == 302
        assert client.post(f"{base}/archive").status_code == 302
    client.post(f"{base}/archive", data={"confirm": "yes"})
    assert certificate_count(world.course) == 1
    assert issued_events() == 1

    sign_in(client, "p00000@example.org")
    mine = page(client.get("/certificates"))
    assert mine.find(string=lambda s: s and world.course.title in s)


def test_a_revoked_certificate_withdraws_the_completion(client, db, world):
    one, two, draft = world.modules
    ids = add_participants(world.cohort, 2)
    record(ids, required(one) + required(two))
    db.session.commit()
    issued = certificates.issue_due(world.course)
    admin = world.users["admin"]
    certificates.revoke(issued[0], admin, "Issued in error")
    db.session.commit()

    sign_in(client, "facilitator@example.org")
    publish(client, draft)
    participants = completion.completers(world.course.id, ids)
    assert participants == {ids[1]}  # the revoked one is measured against the course now

    certificates.reissue(issued[0], admin, "Checked again")
    db.session.commit()
    assert completion.completers(world.course.id, ids) == set(ids)


def test_a_completion_is_recorded_once_and_counts_for_every_module(db, world):
    one, two, draft = world.modules
    [user_id] = add_participants(world.cohort, 1)
    record([user_id], required(one) + required(two))
    db.session.commit()
    certificates.issue_due(world.course)
    first = completion.earned_at(user_id, world.course.id)
    completion.record(user_id, world.course.id, first.replace(year=2030))
    assert completion.earned_at(user_id, world.course.id) == first
    draft.is_published = True
    db.session.commit()
    participants = select(db.literal(user_id))
    per_module = completion.modules_completed(world.course.id, participants)
    assert per_module == {one.id: 1, two.id: 1, draft.id: 1}
    assert completion.is_course_complete(user_id, world.course.id)
    assert not completion.meets_the_rule(user_id, world.course.id)


def test_a_completion_earned_is_never_stalled_nor_a_stopping_point(db, world):
    one, two, draft = world.modules
    ids = add_participants(world.cohort, 2)
    record(ids, required(one) + required(two))  # long ago: START + 3 days
    db.session.commit()
    certificates.issue_due(world.course)
    draft.is_published = True
    db.session.commit()
    cutoff = stalling.stall_cutoff(14)
    assert stalling.stalled_ids(world.cohort, cutoff) == []
    assert stalling.stopping_points(world.cohort, cutoff) == []


def test_a_change_that_certifies_many_leaves_it_to_a_job(app, client, db, world, monkeypatch):
    """Over CERTIFY_IN_REQUEST_MAX, the certificates are issued after the commit, by a job,
    once; a job lost with its worker is made good by the periodic one."""
    from learning import jobs
    from learning.certificates import on_change

    one, two, _draft = world.modules
    ids = add_participants(world.cohort, 3)
    last = required(two)[-1]
    record(ids, required(one) + [item for item in required(two) if item is not last])
    db.session.commit()
    app.config["CERTIFY_IN_REQUEST_MAX"] = 2
    queued = []
    enqueue = jobs.Job.enqueue

    def hold(job, *args, delay=None):
        if job is on_change.certify_course:
            queued.append(args)  # held, as if the worker never came to it
        else:
            enqueue(job, *args, delay=delay)

    monkeypatch.setattr(jobs.Job, "enqueue", hold)

    sign_in(client, "facilitator@example.org")
    asking = client.post(f"{STUDIO}/{two.id}/items/{last.id}/archive")
    confirm(client, asking)
    assert queued == [(world.course.id,)]
    assert certificate_count(world.course) == 0  # not in the facilitator's request

    on_change.certify_due_courses.run()  # the periodic job finds the work undone
    assert queued == [(world.course.id,)] * 2
    on_change.certify_course.run(world.course.id)
    on_change.certify_course.run(world.course.id)  # twice: nothing more
    assert certificate_count(world.course) == 3
    assert issued_events() == 3
    on_change.certify_due_courses.run()
    assert len(queued) == 2
