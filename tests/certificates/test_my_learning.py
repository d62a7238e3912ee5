"""My learning congratulates a participant who finished a course and links the certificate."""

from sqlalchemy import select

from learning.certificates import services
from learning.certificates.models import Certificate
from learning.database import db
from learning.progress import services as progress
from tests.certificates.conftest import PARTICIPANT, complete
from tests.conftest import DEFAULT_PASSWORD, page


def congratulations(client):
    return page(client.get("/learning")).select_one("section.congratulations")


def test_finishing_the_course_brings_a_congratulation_and_the_certificate(client, auth,
                                                                         certificate):
    auth.login(PARTICIPANT, DEFAULT_PASSWORD)
    found = congratulations(client)
    assert found.h3.get_text(strip=True) == "Congratulations!"
    link = found.find("a", string="See your certificate and share it")
    assert link["href"] == f"/certificates#certificate-{certificate.code}"
    pdf = found.find("a", string="Download the certificate (PDF)")
    assert pdf["href"] == f"/certificates/{certificate.code}.pdf"
    # The link lands on the certificate itself.
    mine = page(client.get("/certificates"))
    assert mine.find(id=f"certificate-{certificate.code}") is not None


def test_no_congratulation_before_the_last_item(client, auth, world):
    *done, last = world.module.items
    for item in done:
        progress.mark_complete(world.participant.id, item, "read")
    db.session.commit()
    auth.login(PARTICIPANT, DEFAULT_PASSWORD)
    assert congratulations(client) is None
    progress.mark_complete(world.participant.id, last, "read")
    db.session.commit()
    assert congratulations(client) is not None


def test_a_revoked_certificate_is_said_to_be_revoked_not_linked(client, auth, world,
                                                               certificate):
    services.revoke(certificate, world.admin, "Completed by someone else.")
    db.session.commit()
    auth.login(PARTICIPANT, DEFAULT_PASSWORD)
    found = congratulations(client)
    assert "revoked" in found.get_text()
    assert "Completed by someone else." in found.get_text()
    assert found.find("a") is None


def test_finished_without_a_certificate_says_what_is_left(client, auth, world):
    complete(world.participant, world.module)
    db.session.delete(services.certificate_for(world.participant.id, world.course.id))
    db.session.commit()
    assert db.session.scalars(select(Certificate)).first() is None
    auth.login(PARTICIPANT, DEFAULT_PASSWORD)
    text = congratulations(client).get_text(" ", strip=True)
    assert "Your certificate has not been issued yet" in text
    assert "ask your facilitator" in text
