from sqlalchemy import select

from learning.accounts.models import UserSession
from tests.conftest import page
from tests.factories import make_user


def test_sign_out_is_post_only(client, auth, db):
    make_user()
    db.session.commit()
    auth.login()
    assert client.get("/sign-out").status_code == 405
    assert client.get("/profile").status_code == 200


def test_sign_out_ends_the_server_session(client, auth, db):
    make_user()
    db.session.commit()
    auth.login()
    response = auth.logout()
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    session = db.session.scalar(select(UserSession))
    assert session.ended_at is not None
    response = client.get("/profile")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in")


def test_a_copied_cookie_stops_working_after_sign_out(app, client, auth, db):
    make_user()
    db.session.commit()
    auth.login()
    copied = client.get_cookie("session").value

    thief = app.test_client()
    thief.set_cookie("session", copied)
    # The copy works while the session is open: the test below is not vacuous.
    assert thief.get("/profile").status_code == 200

    auth.logout()

    thief = app.test_client()
    thief.set_cookie("session", copied)
    response = thief.get("/profile")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in")


def test_sign_out_when_not_signed_in_just_goes_home(client):
    response = client.post("/sign-out")
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_sign_out_button_is_a_form_in_the_navigation(client, auth, db):
    make_user()
    db.session.commit()
    auth.login()
    soup = page(client.get("/profile"))
    form = soup.find("form", attrs={"action": "/sign-out"})
    assert form["method"] == "post"
    assert form.find("button").get_text(strip=True) == "Sign out"
