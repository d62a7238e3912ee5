"""The line under the participant's name: the course's own wording, or the default translated;
and a certificate keeps what it said when the course is edited after it was issued."""

import io

import flask_babel
import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.support import Translations
from pypdf import PdfReader
from sqlalchemy import select

from learning.certificates import services
from learning.certificates.models import Certificate
from learning.database import db
from tests.certificates.conftest import COURSE_TITLE, PARTICIPANT, complete
from tests.conftest import DEFAULT_PASSWORD, page

SETTINGS = "/studio/courses/mindsets/settings"
DEFAULT = "has completed the course"


def _pdf_text(client, auth, certificate, email=PARTICIPANT) -> tuple[bytes, str]:
    auth.login(email, DEFAULT_PASSWORD)
    response = client.get(f"/certificates/{certificate.code}.pdf")
    assert response.status_code == 200
    auth.logout()
    text = " ".join(PdfReader(io.BytesIO(response.data)).pages[0].extract_text().split())
    return response.data, text


def _edit_course(client, auth, **changes):
    """The course's facilitator changes its settings in the studio."""
    auth.login("facilitator@example.org", DEFAULT_PASSWORD)
    form = {"title": COURSE_TITLE, "summary": "Summary", "description": "",
            "is_published": "y", "issuers": "CARICAD\nUN DESA/DPIDG",
            "certificate_wording": "", **changes}
    response = client.post(SETTINGS, data=form)
    assert response.status_code == 302, page(response).select_one(".error-summary")
    auth.logout()


def test_a_certificate_prints_the_default_line_unless_the_course_words_it(client, auth,
                                                                          world):
    complete(world.participant, world.module)
    first = services.certificate_for(world.participant.id, world.course.id)
    assert first.wording is None
    assert f"{DEFAULT} {COURSE_TITLE}" in _pdf_text(client, auth, first)[1]

    _edit_course(client, auth, certificate_wording="has taken part in every module of")
    complete(world.other, world.module)
    second = services.certificate_for(world.other.id, world.course.id)
    assert second.wording == "has taken part in every module of"
    text = _pdf_text(client, auth, second, "other@example.gov")[1]
    assert f"has taken part in every module of {COURSE_TITLE}" in text
    assert DEFAULT not in text


def test_editing_the_course_after_issue_never_rewrites_a_certificate(client, auth, world):
    _edit_course(client, auth, certificate_wording="has taken part in")
    complete(world.participant, world.module)
    issued = services.certificate_for(world.participant.id, world.course.id)
    code = issued.code
    data, text = _pdf_text(client, auth, issued)
    assert f"has taken part in {COURSE_TITLE}" in text
    verify = page(client.get(f"/verify/{code}")).main.get_text(" ", strip=True)

    _edit_course(client, auth, title="A new title for the course", issuers="Someone else",
                 certificate_wording="")
    db.session.expire_all()
    issued = db.session.scalar(select(Certificate).where(Certificate.code == code))
    assert (issued.course_title, issued.issuers, issued.wording) == (
        COURSE_TITLE, ["CARICAD", "UN DESA/DPIDG"], "has taken part in")
    assert _pdf_text(client, auth, issued) == (data, text)  # the very same bytes
    assert page(client.get(f"/verify/{code}")).main.get_text(" ", strip=True) == verify

    # Certificates issued from now on say what the course says now.
    complete(world.other, world.module)
    later = services.certificate_for(world.other.id, world.course.id)
    text = _pdf_text(client, auth, later, "other@example.gov")[1]
    assert f"{DEFAULT} A new title for the course" in text
    assert "Someone else" in text and "CARICAD" not in text


@pytest.fixture
def in_another_language(monkeypatch):
    """Every translation as a catalog that translates the default line, as French would."""
    catalog = Catalog(locale="fr")
    catalog.add(DEFAULT, "a suivi le cours")
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    translations = Translations(fp=buffer)
    monkeypatch.setattr(flask_babel.Domain, "get_translations", lambda self: translations)


def test_the_default_line_is_translated_and_a_courses_own_is_printed_as_written(
        client, auth, world, in_another_language):
    complete(world.participant, world.module)
    default = services.certificate_for(world.participant.id, world.course.id)
    world.course.certificate_wording = DEFAULT  # worded by the course, even if as the default
    db.session.commit()
    complete(world.other, world.module)
    worded = services.certificate_for(world.other.id, world.course.id)

    assert "a suivi le cours" in _pdf_text(client, auth, default)[1]
    text = _pdf_text(client, auth, worded, "other@example.gov")[1]
    assert DEFAULT in text and "a suivi le cours" not in text
