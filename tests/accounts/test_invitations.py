"""Invitations: a new account's welcome link, which works once and for two weeks by default.

Accounts made for someone (by an admin, or from a cohort's CSV) are sent a link to a welcome
page where they choose their first password and are signed in. It is no password reset: it
lasts INVITATION_MAX_AGE_DAYS, not PASSWORD_RESET_MAX_AGE, and neither kind of link opens
the other's page.
"""

import re
import secrets
import time

import pytest
from itsdangerous import TimestampSigner

from learning.accounts import emails, links, signing_in, users
from learning.accounts.errors import InvalidInvitationError, InvalidResetLinkError
from learning.accounts.models import User
from learning.accounts.passwords import verify_password
from tests.accounts.conftest import STRONG_PASSWORD
from tests.conftest import DEFAULT_PASSWORD, page
from tests.factories import make_course, make_user

DAY = 86_400


@pytest.fixture
def course(db):
    course = make_course("mindsets", "Changing mindsets")
    db.session.commit()
    return course


@pytest.fixture
def invited(db):
    """An account made for someone: a random password nobody knows, never signed in."""
    user = users.create_user(email="nia@example.gov.bb", name="Nia Person",
                             password=secrets.token_urlsafe(32))
    db.session.commit()
    return user


def invite(app, user, course=None):
    """Send the invitation as the roster and the admin pages do; its link's path."""
    with app.test_request_context():
        emails.send_account_invitation(user, course.title if course else None,
                                         course.id if course else None)


def welcome_path(outbox, index=-1):
    match = re.search(r"http://localhost(/welcome/\S+)", outbox[index].body)
    assert match, outbox[index].body
    return match.group(1)


def later(monkeypatch, seconds):
    """Sign-time checks see a moment this many seconds from now."""
    moment = int(time.time()) + seconds
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: moment)


def text(tag):
    return tag.get_text(" ", strip=True)


def test_the_invitation_names_the_course_and_lasts_two_weeks(app, invited, course, outbox):
    invite(app, invited, course)
    message = outbox[0]
    assert message.to == "nia@example.gov.bb"
    assert message.subject == "Welcome to Changing Mindsets Learning"
    body = " ".join(message.body.split())
    assert "You have been added to the course Changing mindsets" in body
    assert "within 14 days. It works once." in body
    assert "/password-reset/" not in body
    assert welcome_path(outbox).startswith("/welcome/")


def test_the_welcome_page_welcomes_and_signs_in_once_the_password_is_chosen(
        app, client, db, invited, course, outbox):
    invite(app, invited, course)
    path = welcome_path(outbox)
    soup = page(client.get(path))
    assert text(soup.h1) == "Welcome: choose your password"
    assert text(soup.select_one(".welcome-course")) == (
        "Welcome, Nia Person. You have been added to the course Changing mindsets.")
    main = text(soup.main)
    assert "nia@example.gov.bb" in main
    assert "signs you out" not in main and "every device" not in main
    assert "12 to 128 characters" in text(soup.find(id="password-hint"))
    assert text(soup.find("button", type="submit")) == "Set my password and sign in"

    response = client.post(path, data={"password": STRONG_PASSWORD, "confirm": STRONG_PASSWORD})
    assert response.headers["Location"] == "/learning"
    soup = page(client.get("/learning"))
    assert "Your password is set and you are signed in." in text(soup.select_one(".messages"))
    assert client.get("/profile").status_code == 200
    db.session.expire_all()
    assert verify_password(db.session.get(User, invited.id).password_hash, STRONG_PASSWORD)


def test_an_invitation_without_a_course_welcomes_to_an_account(app, client, invited, outbox):
    invite(app, invited)
    assert "An account on Changing Mindsets Learning has been made for you" in " ".join(
        outbox[0].body.split())
    soup = page(client.get(welcome_path(outbox)))
    assert text(soup.select_one(".welcome-course")) == (
        "Welcome, Nia Person. An account has been made for you.")


def test_the_invitation_works_once(app, client, auth, db, invited, course, outbox):
    invite(app, invited, course)
    path = welcome_path(outbox)
    client.post(path, data={"password": STRONG_PASSWORD, "confirm": STRONG_PASSWORD})
    auth.logout()

    response = client.get(path)
    assert response.status_code == 400
    soup = page(response)
    assert text(soup.h1) == "This invitation cannot be used"
    assert "used already" in text(soup.find(id="invitation-problem"))
    assert "If you have already chosen your password, sign in with it." in text(soup.main)
    assert soup.find("a", href="/password-reset")
    assert soup.find("a", href="/sign-in")
    response = client.post(path, data={"password": "another long passphrase here",
                                       "confirm": "another long passphrase here"})
    assert response.status_code == 400
    db.session.expire_all()
    assert verify_password(db.session.get(User, invited.id).password_hash, STRONG_PASSWORD)


def test_an_expired_invitation_says_what_to_do(app, client, db, invited, course, outbox,
                                               monkeypatch):
    invite(app, invited, course)
    path = welcome_path(outbox)
    later(monkeypatch, 13 * DAY)
    assert client.get(path).status_code == 200
    later(monkeypatch, 14 * DAY + 1)
    response = client.post(path, data={"password": STRONG_PASSWORD, "confirm": STRONG_PASSWORD})
    assert response.status_code == 400
    soup = page(response)
    assert text(soup.find(id="invitation-problem")) == (
        "This invitation has expired: invitations work for 14 days.")
    assert "Ask the person who invited you" in text(soup.main)
    assert text(soup.find("a", href="/password-reset")) == "Forgotten your password?"
    db.session.expire_all()
    assert not verify_password(db.session.get(User, invited.id).password_hash, STRONG_PASSWORD)


def test_how_long_an_invitation_lasts_comes_from_the_configuration(app, client, invited, outbox,
                                                                   monkeypatch):
    app.config["INVITATION_MAX_AGE_DAYS"] = 2
    invite(app, invited)
    assert "within 2 days" in outbox[0].body
    path = welcome_path(outbox)
    later(monkeypatch, 2 * DAY - 60)
    assert client.get(path).status_code == 200
    later(monkeypatch, 2 * DAY + 1)
    assert client.get(path).status_code == 400


def test_reset_links_keep_their_sixty_minutes_and_wording(app, client, db, outbox,
                                                          monkeypatch):
    app.config["INVITATION_MAX_AGE_DAYS"] = 30
    make_user("pat@example.org")
    db.session.commit()
    client.post("/password-reset", data={"email": "pat@example.org"})
    assert "within 60 minutes" in outbox[0].body
    path = re.search(r"http://localhost(/password-reset/\S+)", outbox[0].body).group(1)
    soup = page(client.get(path))
    assert text(soup.h1) == "Choose a new password"
    assert "signs you out on every device" in text(soup.main)
    later(monkeypatch, 3601)
    assert client.get(path).status_code == 400


def test_a_reset_link_is_no_invitation_and_an_invitation_no_reset_link(app, client, db,
                                                                       invited, outbox):
    invite(app, invited)
    invitation = welcome_path(outbox).rsplit("/", 1)[1]
    client.post("/password-reset", data={"email": "nia@example.gov.bb"})
    reset = re.search(r"/password-reset/(\S+)", outbox[-1].body).group(1)

    assert client.get(f"/password-reset/{invitation}").status_code == 400
    assert client.get(f"/welcome/{reset}").status_code == 400
    assert client.post(f"/welcome/{reset}", data={
        "password": STRONG_PASSWORD, "confirm": STRONG_PASSWORD}).status_code == 400
    with pytest.raises(InvalidInvitationError):
        links.read_invitation(reset)
    with pytest.raises(InvalidResetLinkError):
        links.user_for_reset_token(invitation)
    # Each still opens its own page.
    assert client.get(f"/welcome/{invitation}").status_code == 200
    assert client.get(f"/password-reset/{reset}").status_code == 200


def test_a_tampered_invitation_is_refused(app, client, invited, outbox):
    invite(app, invited)
    token = welcome_path(outbox).rsplit("/", 1)[1]
    for mangled in (token[:-2] + ("AA" if not token.endswith("AA") else "BB"), "not-a-token",
                    token.split(".")[0]):
        response = client.get(f"/welcome/{mangled}")
        assert response.status_code == 400
        assert "not valid" in text(page(response).find(id="invitation-problem"))


def test_a_deactivated_account_cannot_use_its_invitation(app, client, db, invited, outbox):
    invite(app, invited)
    invited.is_active = False
    db.session.commit()
    assert client.get(welcome_path(outbox)).status_code == 400


def test_a_weak_password_is_explained_and_the_invitation_still_works(app, client, invited,
                                                                     outbox):
    invite(app, invited)
    path = welcome_path(outbox)
    response = client.post(path, data={"password": "short", "confirm": "short"})
    assert response.status_code == 200
    assert "at least 12" in text(page(response).find(id="password-error"))
    response = client.post(path, data={"password": STRONG_PASSWORD, "confirm": STRONG_PASSWORD})
    assert response.status_code == 302


def test_an_invitation_stops_working_when_the_account_moves_to_another_address(
        app, client, db, invited, outbox):
    invite(app, invited)
    path = welcome_path(outbox)
    admin = make_user("admin@example.org", "admin")
    users.change_details(invited, by=admin, name=invited.name, email="nia@example.org",
                         organisation="", country="")
    db.session.commit()
    assert client.get(path).status_code == 400


# The rules, one at a time

def test_an_invitation_names_its_user_and_course(app, invited, course):
    with app.test_request_context():
        found = links.read_invitation(links.invitation_token(invited, course.id))
        assert (found.user.id, found.course_id) == (invited.id, course.id)
        assert links.read_invitation(links.invitation_token(invited)).course_id is None


def test_choosing_the_password_ends_the_invitation(app, db, invited):
    token = links.invitation_token(invited)
    links.accept_invitation(invited, STRONG_PASSWORD)
    db.session.commit()
    with pytest.raises(InvalidInvitationError) as raised:
        links.read_invitation(token)
    assert not raised.value.expired


def test_who_has_never_signed_in(app, client, auth, db, invited):
    pat = make_user("pat@example.org")
    db.session.commit()
    assert signing_in.never_signed_in([invited.id, pat.id]) == {invited.id, pat.id}
    assert signing_in.never_signed_in([]) == set()
    auth.login("pat@example.org", DEFAULT_PASSWORD)
    auth.logout()
    # An ended session still counts: they have signed in.
    assert signing_in.never_signed_in([invited.id, pat.id]) == {invited.id}
