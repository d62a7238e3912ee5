"""Certificates in headless Chromium: my certificates and the public verification page."""

import pytest
from sqlalchemy import select

from learning.accounts.models import User
from learning.certificates import services as certificates
from learning.database import db, write_transaction
from learning.progress import services as progress
from tests import factories
from tests.browser.conftest import axe_violations, demo_course, sign_in

pytestmark = pytest.mark.browser

pytest.importorskip("playwright.sync_api")


def certified_participant(live_server):
    """A participant who completed the course: (email, password, certificate code)."""
    email, password = live_server.participant()
    with live_server.app.app_context(), write_transaction():
        user = db.session.scalars(select(User).where(User.email == email)).one()
        course = demo_course()
        for item in factories.required_items(course):
            progress.mark_complete(user.id, item, "read")
        code = certificates.certificate_for(user.id, course.id).code
        db.session.commit()
    return email, password, code


def revoke(live_server, code):
    with live_server.app.app_context(), write_transaction():
        certificate = certificates.get_certificate_by_code(code)
        actor = db.session.scalars(select(User)).first()
        certificates.revoke(certificate, actor, "Issued in error")
        db.session.commit()


def test_my_certificates_is_accessible(context, live_server):
    email, password, code = certified_participant(live_server)
    page = context.new_page()
    sign_in(page, live_server, email, password)
    page.goto(f"{live_server.url}/certificates")
    assert page.get_by_role("heading", level=1).inner_text() == "My certificates"
    assert page.get_by_role("link", name="Download the certificate (PDF)").count() == 1
    assert axe_violations(page) == []


def test_the_verification_page_is_accessible_valid_and_revoked(context, live_server):
    _, _, code = certified_participant(live_server)
    page = context.new_page()
    page.goto(f"{live_server.url}/verify/{code}")
    assert page.get_by_role("heading", level=1).inner_text() == "Valid certificate"
    assert "Zoë Ångström-Ñúñez" in page.locator("main").inner_text()
    assert axe_violations(page) == []

    revoke(live_server, code)
    page.goto(f"{live_server.url}/verify/{code}")
    assert page.get_by_role("heading", level=1).inner_text() == "Certificate revoked"
    assert "Issued in error" in page.locator("main").inner_text()
    assert axe_violations(page) == []


def test_the_verify_form_is_accessible(context, live_server):
    page = context.new_page()
    page.goto(f"{live_server.url}/verify?code=nope")
    assert axe_violations(page) == []
