"""Re-sending an invitation from a cohort's page, to a participant who has never signed in."""

import re

from tests import mailbox as mail
from tests.conftest import DEFAULT_PASSWORD, csrf_token, page

PASSWORD = "a long and unguessable passphrase"



def text(tag):
    return tag.get_text(" ", strip=True)


def _resend(world, who="enrolled"):
    return f"/studio/cohorts/{world.cohort.id}/participants/{world.users[who].id}/invite"


def _row(soup, name):
    return next(row for row in soup.select("table.participants tbody tr")
                if text(row.th) == name)


def _messages(soup):
    return [text(p) for p in soup.select(".messages .message")]


def _signs_in_once(app, email="participant@example.org"):
    response = app.test_client().post("/sign-in", data={"email": email,
                                                        "password": DEFAULT_PASSWORD})
    assert response.status_code == 302


def test_the_roster_shows_who_has_not_signed_in_with_a_button_to_invite_again(
        app, client, world, sign_in_as):
    sign_in_as("facilitator")
    row = _row(page(client.get(f"/studio/cohorts/{world.cohort.id}")), "Pat Participant")
    assert text(row.select_one(".account-state")) == "Has not signed in yet"
    form = row.find("button", string="Re-send invitation").find_parent("form")
    assert (form["method"], form["action"]) == ("post", _resend(world))
    assert form.find("input", attrs={"name": "csrf_token"})

    _signs_in_once(app)
    row = _row(page(client.get(f"/studio/cohorts/{world.cohort.id}")), "Pat Participant")
    assert text(row.select_one(".account-state")) == "Signed in before"
    assert not row.find("button", string="Re-send invitation")
    assert row.find("button", string="Remove from cohort")


def test_with_email_on_the_page_says_the_invitation_was_sent_again(client, world, sign_in_as,
                                                                  mail_on):
    sign_in_as("facilitator")
    response = client.post(_resend(world))
    assert _messages(page(client.get(response.headers["Location"]))) == [
        "Note: The invitation was sent again to Pat Participant at participant@example.org: "
        "its link to choose a password works for 14 days."]
    assert [m.to for m in mail.outbox] == ["participant@example.org"]


def test_a_facilitator_sends_the_invitation_again_and_it_welcomes(app, client, auth, db, world,
                                                                   sign_in_as):
    sign_in_as("facilitator")
    response = client.post(_resend(world))
    assert response.headers["Location"] == f"/studio/cohorts/{world.cohort.id}"
    # Email is off here (no MAIL_SERVER): the message is written, and the page says where.
    assert _messages(page(client.get(response.headers["Location"]))) == [
        "Note: A new invitation for Pat Participant at participant@example.org is kept in the "
        "email outbox, not sent: email is off on this installation."]
    assert [m.to for m in mail.outbox] == ["participant@example.org"]
    assert "You have been added to the course Changing mindsets" in " ".join(
        mail.outbox[0].body.split())
    auth.logout()

    path = re.search(r"http://localhost(/welcome/\S+)", mail.outbox[0].body).group(1)
    soup = page(client.get(path))
    assert text(soup.h1) == "Welcome: choose your password"
    assert "Changing mindsets" in text(soup.select_one(".welcome-course"))
    assert client.post(path, data={"password": PASSWORD, "confirm": PASSWORD}
                       ).headers["Location"] == "/learning"
    assert client.get("/courses/mindsets").status_code == 200


def test_someone_who_has_signed_in_is_not_invited_again(app, client, world, sign_in_as):
    _signs_in_once(app)
    sign_in_as("facilitator")
    response = client.post(_resend(world), follow_redirects=True)
    assert _messages(page(response)) == [
        "Error: Pat Participant has signed in before, so already has a password. If they have "
        "forgotten it, they can use “Forgotten your password?” on the sign-in page."]
    assert mail.outbox == []


def test_a_deactivated_participant_is_not_invited(client, db, world, sign_in_as):
    world.users["enrolled"].is_active = False
    db.session.commit()
    sign_in_as("admin")
    soup = page(client.get(f"/studio/cohorts/{world.cohort.id}"))
    row = _row(soup, "Pat Participant")
    assert text(row.select_one(".account-state")) == "Deactivated"
    assert not row.find("button", string="Re-send invitation")
    response = client.post(_resend(world), follow_redirects=True)
    assert "deactivated" in _messages(page(response))[0]
    assert mail.outbox == []


def test_only_someone_in_the_cohort_is_invited_from_it(client, world, sign_in_as):
    sign_in_as("facilitator")
    assert client.post(_resend(world, "outsider")).status_code == 404
    assert mail.outbox == []


def test_only_the_course_facilitators_and_admins_invite_again(client, auth, world, sign_in_as):
    assert client.post(_resend(world)).status_code == 302  # to sign in
    # (Not the participant invited: having signed in, they could not be invited again.)
    for who in ("outsider", "manager", "other_facilitator"):
        sign_in_as(who)
        assert client.post(_resend(world)).status_code == 403, who
        auth.logout()
    assert mail.outbox == []
    sign_in_as("admin")
    assert client.post(_resend(world)).status_code == 302
    assert [m.to for m in mail.outbox] == ["participant@example.org"]


def test_inviting_again_needs_the_csrf_token(csrf_app, client, auth, world):
    auth.login("facilitator@example.org")
    assert client.post(_resend(world)).status_code == 400
    assert mail.outbox == []
    token = csrf_token(client, f"/studio/cohorts/{world.cohort.id}")
    assert client.post(_resend(world), data={"csrf_token": token}).status_code == 302
    assert len(mail.outbox) == 1
