"""A roster invites, never enrols: existing accounts accept signed in, and the answer is neutral."""

import io
import re
import time

from sqlalchemy import select

from learning.cohorts.invitations import invitation_token
from learning.cohorts.models import Enrolment
from tests import mailbox as mail
from tests.conftest import DEFAULT_PASSWORD, csrf_token, page

OUTSIDER = "outsider@example.org"


def text(tag):
    return tag.get_text(" ", strip=True)


def _upload(client, world, content):
    return client.post(f"/studio/cohorts/{world.cohort.id}/participants/import",
                       content_type="multipart/form-data",
                       data={"csv": (io.BytesIO(content.encode()), "people.csv")})


def _answer(client, response):
    assert response.status_code == 302
    return text(page(client.get(response.headers["Location"])).select_one(".import-status"))


def _enrolled(db, world, who="outsider"):
    db.session.expire_all()
    return db.session.scalar(select(Enrolment).where(
        Enrolment.cohort_id == world.cohort.id,
        Enrolment.user_id == world.users[who].id)) is not None


def _has_signed_in(app, email=OUTSIDER):
    response = app.test_client().post("/sign-in", data={"email": email,
                                                        "password": DEFAULT_PASSWORD})
    assert response.status_code == 302


def _invite_outsider(app, client, db, world, sign_in_as, auth):
    """The outsider, with an account of their own, named in a roster; their link."""
    world.users["outsider"].organisation = "Secret Service of Nowhere"
    world.users["outsider"].country = "NO"
    db.session.commit()
    _has_signed_in(app)
    sign_in_as("facilitator")
    _upload(client, world, f"email,name\n{OUTSIDER.upper()},Someone Else\n")
    auth.logout()
    [message] = [m for m in mail.outbox if m.to == OUTSIDER]
    assert message.subject == f"Invitation to join {world.cohort.name}"
    return re.search(r"http://localhost(/cohorts/invitations/\S+)", message.body).group(1)


def test_the_answer_is_the_same_whether_or_not_the_roster_names_accounts(
        app, client, world, sign_in_as, mail_on):
    _has_signed_in(app)
    sign_in_as("facilitator")
    only_new = _answer(client, _upload(
        client, world, "email,name\nfirst@example.org,First\nsecond@example.org,Second\n"))
    with_existing = _answer(client, _upload(
        client, world, f"email,name\nthird@example.org,Third\n{OUTSIDER},Olu\n"))
    assert only_new == with_existing == (
        "Done. 2 people invited: each is in the cohort once they accept the invitation "
        "emailed to them. 0 already in the cohort.")
    assert "account" not in only_new


def test_an_existing_account_is_invited_not_enrolled_and_unseen_until_it_accepts(
        app, client, auth, db, world, sign_in_as):
    link = _invite_outsider(app, client, db, world, sign_in_as, auth)
    assert not _enrolled(db, world)

    sign_in_as("facilitator")
    for path in (f"/studio/cohorts/{world.cohort.id}", f"/cohorts/{world.cohort.id}"):
        soup = page(client.get(path, follow_redirects=True))
        for choices in soup.select("select"):  # the list of every country to choose from
            choices.decompose()
        shown = soup.get_text(" ")
        for detail in ("Olu Outsider", "Someone Else", OUTSIDER, "Secret Service of Nowhere",
                       "Norway"):
            assert detail not in shown, (path, detail)
    auth.logout()

    # Anonymous: sent to sign in first, and back.
    response = client.get(link)
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]

    sign_in_as("outsider")
    soup = page(client.get(link))
    assert text(soup.h1) == "Accept invitation to " + world.cohort.name
    assert not _enrolled(db, world)  # looking is not accepting
    response = client.post(link)
    assert response.headers["Location"] == "/courses/mindsets"
    assert _enrolled(db, world)
    auth.logout()

    sign_in_as("facilitator")
    assert "Olu Outsider" in page(client.get(f"/studio/cohorts/{world.cohort.id}")).get_text()


def test_an_accepted_invitation_does_its_work_once(app, client, auth, db, world, sign_in_as):
    link = _invite_outsider(app, client, db, world, sign_in_as, auth)
    sign_in_as("outsider")
    client.post(link)
    response = client.post(link, follow_redirects=True)
    assert "You are already in" in text(page(response).select_one(".messages"))
    assert db.session.scalar(select(Enrolment.id).where(
        Enrolment.cohort_id == world.cohort.id,
        Enrolment.user_id == world.users["outsider"].id)) is not None


def test_another_account_cannot_accept(app, client, auth, db, world, sign_in_as):
    link = _invite_outsider(app, client, db, world, sign_in_as, auth)
    sign_in_as("enrolled")
    for response in (client.get(link), client.post(link)):
        assert response.status_code == 403
        assert "sent to another account" in text(page(response).select_one(
            "#invitation-problem"))
        assert OUTSIDER not in response.get_data(as_text=True)
    assert not _enrolled(db, world)


def test_expired_and_broken_links_get_clear_pages(app, client, auth, db, world, sign_in_as,
                                                  monkeypatch):
    link = _invite_outsider(app, client, db, world, sign_in_as, auth)
    sign_in_as("outsider")
    response = client.get(link[:-3] + "abc")
    assert response.status_code == 400
    assert "not valid" in text(page(response).select_one("#invitation-problem"))
    later = time.time() + 15 * 86_400
    monkeypatch.setattr("itsdangerous.timed.time.time", lambda: later)
    response = client.post(link)
    assert response.status_code == 400
    assert "expired" in text(page(response).select_one("#invitation-problem"))
    assert not _enrolled(db, world)


def test_a_welcome_link_is_not_a_cohort_invitation(app, client, auth, db, world, sign_in_as):
    sign_in_as("facilitator")
    _upload(client, world, "email,name\nnew@example.org,New Person\n")
    auth.logout()
    welcome = re.search(r"/welcome/(\S+)", mail.outbox[0].body).group(1)
    sign_in_as("outsider")
    assert client.get(f"/cohorts/invitations/{welcome}").status_code == 400


def test_accepting_needs_the_csrf_token(csrf_app, client, auth, db, world):
    link = f"/cohorts/invitations/{invitation_token(world.users['outsider'], world.cohort)}"
    auth.login(OUTSIDER)
    assert client.post(link).status_code == 400
    assert not _enrolled(db, world)
    token = csrf_token(client, link)
    assert client.post(link, data={"csrf_token": token}).status_code == 302
    assert _enrolled(db, world)
