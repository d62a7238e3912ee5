"""Adding participants from a CSV file: all or nothing, every bad row named with its reason."""

import io
import re

import pytest
from sqlalchemy import func, select

from learning.accounts.models import User
from learning.cohorts.models import Enrolment
from learning.studio import cohort_views
from learning.studio.roster import read_roster
from tests import mailbox as mail
from tests.conftest import page

GOOD = (
    "Email,Name,Organisation,Country\n"
    "new.person@example.gov.bb,Nia Person,Ministry of Finance,Barbados\n"
    "participant@example.org,Pat Participant,,\n"  # already in the cohort
    "OUTSIDER@example.org,Olu Outsider,Public Service,Jamaica\n"  # has an account
)



def _url(world):
    return f"/studio/cohorts/{world.cohort.id}/participants/import"


def _upload(client, world, content, name="people.csv"):
    if isinstance(content, str):
        content = content.encode("utf-8")
    return client.post(_url(world), content_type="multipart/form-data",
                       data={"csv": (io.BytesIO(content), name)})


def _counts(db, world):
    db.session.expire_all()
    return (db.session.scalar(select(func.count(User.id))),
            db.session.scalar(select(func.count(Enrolment.id)).where(
                Enrolment.cohort_id == world.cohort.id)))


def _problems(response):
    return [li.get_text(" ", strip=True) for li in page(response).select("ul.problems li")]


def test_only_the_course_facilitators_and_admins_add_participants(client, world, sign_in_as,
                                                                  auth):
    assert client.get(_url(world)).status_code == 302
    for who in ("enrolled", "manager", "other_facilitator"):
        sign_in_as(who)
        assert client.get(_url(world)).status_code == 403
        assert _upload(client, world, GOOD).status_code == 403
        auth.logout()
    sign_in_as("admin")
    assert client.get(_url(world)).status_code == 200


def test_a_good_file_creates_accounts_and_invites_without_enrolling(client, db, world,
                                                                    sign_in_as, auth):
    users, enrolments = _counts(db, world)
    sign_in_as("facilitator")
    soup = page(client.get(f"/studio/cohorts/{world.cohort.id}"))
    assert soup.find("a", string="Add participants from a CSV file")["href"] == _url(world)
    response = _upload(client, world, GOOD)
    assert response.status_code == 302
    assert _counts(db, world) == (users + 1, enrolments)  # nobody enrolled before accepting
    assert re.fullmatch(rf"/studio/cohorts/{world.cohort.id}/participants/imports/\d+",
                        response.headers["Location"])
    status = page(client.get(response.headers["Location"])).select_one(".import-status")
    # Email is off here (no MAIL_SERVER): the invitations are written and kept, and it says so.
    assert status.get_text(" ", strip=True) == (
        "Done. 2 people invited: each is in the cohort once they accept their invitation. "
        "Email is off on this installation, so the invitations are kept in the email outbox, "
        "not sent. 1 already in the cohort.")
    new = db.session.scalar(select(User).where(User.email == "new.person@example.gov.bb"))
    assert (new.name, new.organisation, new.country) == ("Nia Person", "Ministry of Finance",
                                                         "BB")
    assert [m.to for m in mail.outbox] == ["new.person@example.gov.bb", "outsider@example.org"]
    assert "Changing mindsets" in mail.outbox[0].body
    auth.logout()

    # The link lets them choose a password, which puts them in the cohort.
    link = re.search(r"http://localhost(/welcome/\S+)", mail.outbox[0].body).group(1)
    password = "a long and unguessable passphrase"
    response = client.post(link, data={"password": password, "confirm": password})
    assert response.status_code == 302
    assert _counts(db, world) == (users + 1, enrolments + 1)
    assert client.get("/courses/mindsets").status_code == 200


def test_the_same_file_twice_adds_nobody_twice(client, db, world, sign_in_as):
    sign_in_as("facilitator")
    _upload(client, world, GOOD)
    counts = _counts(db, world)
    mail.outbox.clear()
    response = _upload(client, world, GOOD)
    assert response.status_code == 302
    assert _counts(db, world) == counts
    # Those who have not accepted yet are invited again; the new account is not made twice.
    assert sorted(m.to for m in mail.outbox) == ["new.person@example.gov.bb",
                                                 "outsider@example.org"]
    assert "/welcome/" in mail.outbox[0].body + mail.outbox[1].body


def test_a_file_with_bad_rows_imports_nothing_and_lists_every_one(client, db, world,
                                                                  sign_in_as):
    before = _counts(db, world)
    sign_in_as("facilitator")
    response = _upload(client, world, (
        "email,name,organisation,country\n"
        "good@example.org,Good Person,,\n"
        "not-an-email,Bad Address,,\n"
        "dup@example.org,First,,\n"
        "DUP@example.org,Second,,\n"
        "blank.name@example.org,,,\n"
        "formula@example.org,=HYPERLINK(\"http://evil.example\"),,\n"
        "at@example.org,Ana,@SUM(A1),\n"
        "short@example.org,Too few cells\n"
        "control@example.org,x\x01y,,\n"
        "break@example.org,Bea,\"Ministry\nof Finance\",\n"
    ))
    assert response.status_code == 200
    assert page(response).select_one(".error-summary h2").get_text(strip=True) == (
        "The file has 8 problems; nobody was added")
    assert _problems(response) == [
        "Row 3: “not-an-email” is not an email address.",
        "Row 5: DUP@example.org is already on row 4.",
        "Row 6: the name is empty.",
        "Row 7: name starts with “=”, which spreadsheets run as a formula; remove it.",
        "Row 8: organisation starts with “@”, which spreadsheets run as a formula; remove it.",
        "Row 9 has 2 cells where the header has 4.",
        "Row 10: name holds a line break or another control character; keep each cell to one "
        "line of text.",
        "Row 11: organisation holds a line break or another control character; keep each cell "
        "to one line of text.",
    ]
    assert _counts(db, world) == before
    assert mail.outbox == []


@pytest.mark.parametrize(("content", "problem"), [
    ("Name,Organisation\nNia,MoF\n", "these are missing: email"),
    ("email,name,e-mail\nx@example.org,X,y\n", "Unknown columns: e-mail."),
    ("email,name,email\nx@example.org,X,y\n", "Columns named twice: email."),
    ("email,name\n", "The file has no participants below its header row."),
    ("", "The file is empty."),
    ("email,name\nnia@example.org,Nia Cañas\n".encode("cp1252"), "The file is not UTF-8 text."),
    (b"%PDF-1.4\x00\x01binary", "The file is not a CSV file."),
    (b"email,name\x00\nx,y\n", "The file is not a CSV file."),
    ('email,name\n"unterminated@example.org,Nia\n', None),
])
def test_malformed_files_are_refused_with_a_reason(client, db, world, sign_in_as, content,
                                                   problem):
    before = _counts(db, world)
    sign_in_as("facilitator")
    response = _upload(client, world, content)
    assert response.status_code == 200
    problems = _problems(response)
    assert problems
    if problem:
        assert any(problem in p for p in problems), problems
    assert _counts(db, world) == before


def test_a_country_is_a_name_or_an_iso_code_in_any_letter_case():
    names = ["barbados", " BB ", "BRB", "Saint Lucia", "St Lucia", "jamaïque", "", "tto"]
    roster = read_roster(("email,name,country\n" + "".join(
        f"p{n}@example.org,P {n},{name}\n" for n, name in enumerate(names))).encode("utf-8"))
    assert roster.problems == []
    assert [p.country for p in roster.people] == ["BB", "BB", "BB", "LC", "LC", "JM", "", "TT"]


def test_a_row_with_an_unknown_country_is_a_bad_row_and_nothing_is_imported(
        client, db, world, sign_in_as):
    before = _counts(db, world)
    sign_in_as("facilitator")
    response = _upload(client, world, (
        "email,name,organisation,country\n"
        "good@example.org,Good Person,,Barbados\n"
        "lost@example.org,Lost Person,,Atlantis\n"
        "both@example.org,,,Narnia\n"
        "formula@example.org,Fay,,=Barbados\n"
    ))
    assert response.status_code == 200
    assert _problems(response) == [
        "Row 3: “Atlantis” is not a country or territory we know. Write its name, for "
        "example Barbados, or its ISO code, BB or BRB.",
        "Row 4: “Narnia” is not a country or territory we know. Write its name, for example "
        "Barbados, or its ISO code, BB or BRB.",
        "Row 4: the name is empty.",
        "Row 5: country starts with “=”, which spreadsheets run as a formula; remove it.",
    ]
    assert _counts(db, world) == before
    assert mail.outbox == []


def test_a_byte_order_mark_and_blank_lines_are_fine():
    roster = read_roster("\ufeffEMAIL , Name\r\n\r\nnia@example.org, Nia Person \r\n,\r\n"
                         .encode("utf-8"))
    assert roster.problems == []
    assert [(p.email, p.name, p.organisation) for p in roster.people] == [
        ("nia@example.org", "Nia Person", "")]


def test_no_file_is_explained(client, world, sign_in_as):
    sign_in_as("facilitator")
    response = client.post(_url(world), content_type="multipart/form-data", data={})
    assert "Choose a CSV file." in page(response).select_one(".error-summary").get_text()


def test_a_large_file_is_refused(client, db, world, sign_in_as, monkeypatch):
    # A small limit: the test client leaves large request bodies' temporary files open.
    monkeypatch.setattr(cohort_views, "ROSTER_MAX_BYTES", 1024)
    before = _counts(db, world)
    sign_in_as("facilitator")
    rows = "".join(f"p{n}@example.org,Person {n}\n" for n in range(100))
    response = _upload(client, world, "email,name\n" + rows)
    assert response.status_code == 200
    assert _problems(response) == ["The file is larger than 1 KB."]
    assert _counts(db, world) == before
