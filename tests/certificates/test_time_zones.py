"""Certificates are dated in the participant's cohort's time zone, not in UTC."""

import io
from datetime import UTC, date, datetime
from urllib.parse import parse_qs, urlsplit

import pytest
from pypdf import PdfReader

from learning.certificates import services
from learning.database import db
from tests.certificates.conftest import PARTICIPANT, complete
from tests.conftest import DEFAULT_PASSWORD, page

# 02:00 UTC on 1 March 2024 is 22:00 on 29 February in Port of Spain (UTC-4, no summer time).
LATE_EVENING = datetime(2024, 3, 1, 2, 0, tzinfo=UTC)


@pytest.fixture
def clock(monkeypatch):
    moments = {"now": LATE_EVENING}
    monkeypatch.setattr(services, "utcnow", lambda: moments["now"])
    return moments


@pytest.fixture
def late_certificate(world, clock):
    complete(world.participant, world.module)
    return services.certificate_for(world.participant.id, world.course.id)


def claims_of(response):
    soup = page(response)
    return dict(zip([dt.get_text(strip=True) for dt in soup.select(".certificate-claims dt")],
                    [dd.get_text(" ", strip=True) for dd in soup.select(".certificate-claims dd")],
                    strict=True))


def test_a_late_evening_completion_is_dated_that_evening_in_port_of_spain(late_certificate):
    assert late_certificate.issued_at == LATE_EVENING
    assert late_certificate.time_zone == "America/Port_of_Spain"
    assert late_certificate.completed_on == date(2024, 2, 29)
    assert late_certificate.issued_on == date(2024, 2, 29)


def test_the_pdf_the_pages_and_linkedin_say_the_local_date(client, auth, late_certificate):
    code = late_certificate.code
    response = client.get(f"/verify/{code}")
    assert claims_of(response)["Completed on"] == "29 February 2024"
    assert "Issued on 29 February 2024." in page(response).main.get_text(" ", strip=True)

    auth.login(PARTICIPANT, DEFAULT_PASSWORD)
    text = " ".join(PdfReader(io.BytesIO(client.get(f"/certificates/{code}.pdf").data))
                    .pages[0].extract_text().split())
    assert "Completed on 29 February 2024" in text
    assert "1 March 2024" not in text

    mine = page(client.get("/certificates"))
    assert "Completed on 29 February 2024" in mine.main.get_text(" ", strip=True)
    linkedin = mine.find("a", href=lambda h: h.startswith("https://www.linkedin.com/"))["href"]
    query = parse_qs(urlsplit(linkedin).query)
    assert (query["issueYear"], query["issueMonth"]) == (["2024"], ["2"])


def test_a_revocation_is_dated_in_the_same_time_zone(client, auth, world, clock,
                                                     late_certificate):
    clock["now"] = datetime(2024, 3, 5, 3, 30, tzinfo=UTC)  # 23:30 on 4 March there
    services.revoke(late_certificate, world.facilitator, "Fraud")
    db.session.commit()
    verdict = page(client.get(f"/verify/{late_certificate.code}")).select_one(".verdict")
    assert "revoked on 4 March 2024" in verdict.get_text(" ", strip=True)

    auth.login("facilitator@example.org", DEFAULT_PASSWORD)
    manage = page(client.get(f"/certificates/{late_certificate.code}/manage"))
    assert "Revoked on 4 March 2024" in manage.main.get_text(" ", strip=True)
    assert "Times are in America/Port of Spain" in manage.main.get_text(" ", strip=True)
    when = [row.td.get_text(strip=True) for row in manage.select(".certificate-history tbody tr")]
    assert when == ["29 Feb 2024, 22:00:00", "4 Mar 2024, 23:30:00"]


def test_a_cohort_elsewhere_dates_its_certificates_there(world, clock):
    world.cohort.time_zone = "Asia/Tokyo"
    db.session.commit()
    clock["now"] = datetime(2024, 3, 1, 16, 0, tzinfo=UTC)  # 01:00 on 2 March in Tokyo
    complete(world.participant, world.module)
    certificate = services.certificate_for(world.participant.id, world.course.id)
    assert certificate.time_zone == "Asia/Tokyo"
    assert certificate.completed_on == date(2024, 3, 2)


def test_a_late_evening_revocation_is_dated_that_evening(client, world, late_certificate):
    services.revoke(late_certificate, world.facilitator, "Issued in error")
    db.session.commit()
    assert late_certificate.revoked_on == date(2024, 2, 29)
    text = page(client.get(f"/verify/{late_certificate.code}")).main.get_text(" ", strip=True)
    assert "it was revoked on 29 February 2024." in text
    assert "1 March 2024" not in text
