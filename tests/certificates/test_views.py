import io
from urllib.parse import parse_qs, urlsplit

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from learning.certificates import services
from learning.certificates.models import Certificate, CertificateEvent
from learning.database import db
from tests.certificates.conftest import COURSE_TITLE, NAME, PARTICIPANT, complete
from tests.conftest import DEFAULT_PASSWORD, page


def sign_in(auth, email):
    if email:
        auth.login(email, DEFAULT_PASSWORD)


def text_of(response):
    return " ".join(page(response).find("main").get_text(" ").split())


# Public verification

def test_a_valid_certificate_shows_every_claim_the_pdf_makes(client, certificate):
    response = client.get(f"/verify/{certificate.code}")
    assert response.status_code == 200
    main = page(response).find("main")
    assert main.h1.get_text(strip=True) == "Valid certificate"
    claims = {dt.get_text(strip=True): dt.find_next_sibling("dd").get_text(" ", strip=True)
              for dt in main.select("dl.certificate-claims dt")}
    assert claims["Awarded to"] == NAME
    assert claims["Course"] == COURSE_TITLE
    assert claims["Cohort"] == "Caribbean cohort 2024"
    assert claims["Completed on"] == certificate.completed_on.strftime("%-d %B %Y")
    assert claims["Learning hours"] == "0.3"
    assert claims["Issued by"] == "CARICAD, UN DESA/DPIDG"
    assert claims["Verification code"] == services.format_code(certificate.code)


def test_a_typed_code_in_any_form_finds_the_certificate(client, certificate):
    typed = services.format_code(certificate.code).lower().replace("0", "o")
    response = client.get(f"/verify/{typed}")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/verify/{certificate.code}")


def test_the_verify_form_redirects_to_the_certificate(client, certificate):
    typed = " " + services.format_code(certificate.code).lower() + " "
    response = client.get("/verify", query_string={"code": typed})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/verify/{certificate.code}")


def test_the_verify_form_explains_a_malformed_code_and_keeps_it(client, world):
    response = client.get("/verify", query_string={"code": "ABC-123"})
    assert response.status_code == 200
    field = page(response).find("input", attrs={"name": "code"})
    assert field["value"] == "ABC-123"
    assert field["aria-invalid"] == "true"
    assert "This is not a certificate code" in text_of(response)


def test_the_verify_form_asks_for_a_code(client, world):
    response = client.get("/verify", query_string={"code": ""})
    assert "Enter the verification code" in text_of(response)
    assert client.get("/verify").status_code == 200


@pytest.mark.parametrize("code", ["ZZZZZZZZZZZZZZZZZZZZ", "not-a-code", "x" * 200, "%27--"])
def test_unknown_and_malformed_codes_answer_404_and_reveal_nothing(client, certificate, code):
    response = client.get(f"/verify/{code}")
    assert response.status_code == 404
    body = text_of(response)
    assert "No certificate with this code" in body
    assert NAME not in body and COURSE_TITLE not in body


def test_a_revoked_certificate_says_when_and_why_and_what(client, world, certificate):
    services.revoke(certificate, world.facilitator, "Identity could not be confirmed")
    db.session.commit()
    response = client.get(f"/verify/{certificate.code}")
    assert response.status_code == 200
    main = page(response).find("main")
    assert main.h1.get_text(strip=True) == "Certificate revoked"
    body = text_of(response)
    assert "Identity could not be confirmed" in body
    # The day in the certificate's time zone (in Port of Spain, 00:30 UTC is still yesterday).
    assert f"revoked on {certificate.revoked_on.strftime('%-d %B %Y')}" in body
    assert NAME in body and COURSE_TITLE in body
    assert "genuine and valid" not in body


def test_verification_is_rate_limited(client, certificate):
    statuses = [client.get(f"/verify/{certificate.code}").status_code for _ in range(31)]
    assert statuses[:30] == [200] * 30
    assert statuses[30] == 429


# My certificates

def test_my_certificates_lists_downloads_and_sharing(client, auth, certificate):
    auth.login(PARTICIPANT, DEFAULT_PASSWORD)
    response = client.get("/certificates")
    soup = page(response)
    card = soup.select_one("ul.certificates li.card")
    assert card.h2.get_text(strip=True) == COURSE_TITLE
    links = {a.get_text(" ", strip=True): a["href"] for a in card.select("a")}
    assert links["Download the certificate (PDF)"] == f"/certificates/{certificate.code}.pdf"
    assert links["Download the Open Badge (signed credential)"] == (
        f"/certificates/{certificate.code}/open-badge.jwt")
    linkedin = next(href for label, href in links.items() if label.startswith("Add to LinkedIn"))
    query = parse_qs(urlsplit(linkedin).query)
    assert query["certUrl"] == [f"http://localhost/verify/{certificate.code}"]
    assert query["name"] == [COURSE_TITLE]
    nav = soup.find("nav", attrs={"aria-label": "Main"})
    assert nav.find("a", string="My certificates")["aria-current"] == "page"


def test_my_certificates_without_any(client, auth, world):
    auth.login(PARTICIPANT, DEFAULT_PASSWORD)
    assert "You have no certificates yet" in text_of(client.get("/certificates"))


def test_my_certificates_needs_sign_in(client, world):
    assert client.get("/certificates").status_code == 302


def test_the_course_page_shows_the_certificate(client, auth, world):
    auth.login(PARTICIPANT, DEFAULT_PASSWORD)
    assert page(client.get("/courses/mindsets")).find(id="certificate-heading") is None
    complete(world.participant, world.module)
    section = page(client.get("/courses/mindsets")).find(id="certificate-heading").parent
    code = services.certificate_for(world.participant.id, world.course.id).code
    assert section.find("a", string="Download the certificate (PDF)")["href"] == (
        f"/certificates/{code}.pdf")


# Downloads: the recipient, the course's facilitators and admins; anyone else gets 404

ALLOWED = [PARTICIPANT, "facilitator@example.org", "admin@example.org"]
REFUSED = ["other@example.gov", "stranger@example.org", "manager@example.org"]


@pytest.mark.parametrize("suffix", [".pdf", "/open-badge.jwt"])
@pytest.mark.parametrize("email", ALLOWED)
def test_downloads_for_those_allowed(client, auth, certificate, suffix, email):
    auth.login(email, DEFAULT_PASSWORD)
    response = client.get(f"/certificates/{certificate.code}{suffix}")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    assert "no-store" in response.headers["Cache-Control"]


@pytest.mark.parametrize("suffix", [".pdf", "/open-badge.jwt"])
@pytest.mark.parametrize("email", REFUSED)
def test_downloads_refused_to_others_with_404(client, auth, certificate, suffix, email):
    auth.login(email, DEFAULT_PASSWORD)
    assert client.get(f"/certificates/{certificate.code}{suffix}").status_code == 404


@pytest.mark.parametrize("suffix", [".pdf", "/open-badge.jwt"])
def test_downloads_need_sign_in(client, certificate, suffix):
    response = client.get(f"/certificates/{certificate.code}{suffix}")
    assert response.status_code == 302
    assert "/sign-in" in response.headers["Location"]


def test_the_pdf_reads_back_with_every_claim(client, auth, certificate):
    auth.login(PARTICIPANT, DEFAULT_PASSWORD)
    data = client.get(f"/certificates/{certificate.code}.pdf").data
    assert data.startswith(b"%PDF")
    assert len(data) < 100 * 1024
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert float(box.width) > float(box.height)  # landscape
    assert (round(float(box.width) / 72 * 25.4), round(float(box.height) / 72 * 25.4)) == (
        297, 210)
    text = " ".join(reader.pages[0].extract_text().split())
    for claim in (NAME, COURSE_TITLE, "Caribbean cohort 2024", "0.3 hours",
                  certificate.completed_on.strftime("%-d %B %Y"), "CARICAD", "UN DESA/DPIDG",
                  services.format_code(certificate.code),
                  f"http://localhost/verify/{certificate.code}"):
        assert claim in text
    assert client.get(f"/certificates/{certificate.code}.pdf").data == data


def test_names_in_other_scripts_survive_in_the_pdf(client, auth, world):
    complete(world.other, world.module)
    certificate = services.certificate_for(world.other.id, world.course.id)
    auth.login("other@example.gov", DEFAULT_PASSWORD)
    data = client.get(f"/certificates/{certificate.code}.pdf").data
    text = PdfReader(io.BytesIO(data)).pages[0].extract_text()
    assert "Jean-Baptiste Pétion-Ville" in text


def test_the_pdf_has_a_qr_code_image(client, auth, certificate):
    auth.login(PARTICIPANT, DEFAULT_PASSWORD)
    data = client.get(f"/certificates/{certificate.code}.pdf").data
    images = PdfReader(io.BytesIO(data)).pages[0].images
    assert len(images) == 1


# Managing: revoke and re-issue, by the course's facilitators and admins

@pytest.mark.parametrize("email,status", [
    ("facilitator@example.org", 200), ("admin@example.org", 200),
    (PARTICIPANT, 404), ("other@example.gov", 404), ("stranger@example.org", 404),
    ("manager@example.org", 404),
])
def test_who_may_manage(client, auth, certificate, email, status):
    auth.login(email, DEFAULT_PASSWORD)
    assert client.get(f"/certificates/{certificate.code}/manage").status_code == status
    response = client.post(f"/certificates/{certificate.code}/revoke", data={"reason": "x"})
    assert response.status_code == (302 if status == 200 else 404)


def test_managing_an_unknown_code_is_404(client, auth, world):
    auth.login("admin@example.org", DEFAULT_PASSWORD)
    assert client.get("/certificates/ZZZZZZZZZZZZZZZZZZZZ/manage").status_code == 404


def _token(client, path):
    return page(client.get(path)).find("input", attrs={"name": "csrf_token"})["value"]


def test_revoke_and_reissue_through_the_forms_with_csrf(app, client, auth, certificate):
    auth.login("facilitator@example.org", DEFAULT_PASSWORD)
    app.config["WTF_CSRF_ENABLED"] = True
    manage = f"/certificates/{certificate.code}/manage"
    assert client.post(f"/certificates/{certificate.code}/revoke",
                       data={"reason": "No token"}).status_code == 400
    response = client.post(f"/certificates/{certificate.code}/revoke",
                           data={"reason": "Duplicate account",
                                 "csrf_token": _token(client, manage)},
                           follow_redirects=True)
    assert "Certificate revoked" in text_of(response)
    rows = [[c.get_text(" ", strip=True) for c in tr.find_all(["th", "td"])]
            for tr in page(response).select("table.certificate-history tbody tr")]
    assert [r[1:] for r in rows] == [
        ["Issued", "The platform, on completion", ""],
        ["Revoked", "Fay Cil", "Duplicate account"],
    ]
    response = client.post(f"/certificates/{certificate.code}/reissue",
                           data={"reason": "Merged accounts",
                                 "csrf_token": _token(client, manage)},
                           follow_redirects=True)
    assert "Certificate re-issued" in text_of(response)
    db.session.refresh(certificate)
    assert not certificate.is_revoked
    assert [e.action for e in certificate.events] == ["issued", "revoked", "reissued"]


def test_revoking_without_a_reason_is_refused_and_changes_nothing(client, auth, certificate):
    auth.login("facilitator@example.org", DEFAULT_PASSWORD)
    response = client.post(f"/certificates/{certificate.code}/revoke", data={"reason": "  "})
    assert response.status_code == 200
    field = page(response).find("textarea", attrs={"name": "reason"})
    assert field["aria-invalid"] == "true"
    assert "Give the reason" in text_of(response)
    db.session.refresh(certificate)
    assert not certificate.is_revoked
    assert db.session.scalar(select(func.count(CertificateEvent.id))) == 1


def test_revoking_twice_is_refused_with_a_clear_error(client, auth, world, certificate):
    services.revoke(certificate, world.facilitator, "First")
    db.session.commit()
    auth.login("admin@example.org", DEFAULT_PASSWORD)
    response = client.post(f"/certificates/{certificate.code}/revoke", data={"reason": "Again"})
    assert "This certificate is already revoked." in text_of(response)
    db.session.refresh(certificate)
    assert certificate.revocation_reason == "First"
    assert db.session.scalar(select(func.count(CertificateEvent.id))) == 2


def test_reissuing_a_valid_certificate_is_refused(client, auth, certificate):
    auth.login("admin@example.org", DEFAULT_PASSWORD)
    response = client.post(f"/certificates/{certificate.code}/reissue", data={"reason": "Why"})
    assert "not revoked" in text_of(response)
    assert db.session.scalar(select(func.count(CertificateEvent.id))) == 1


# The cohort page

def test_the_cohort_page_lists_certificates_with_manage_links_for_facilitators(
        client, auth, certificate):
    auth.login("facilitator@example.org", DEFAULT_PASSWORD)
    # The cohort's one page, in the studio, to which the cohort's page sends facilitators.
    rows = page(client.get(f"/cohorts/{certificate.cohort_id}", follow_redirects=True)).select(
        "table.participants tbody tr")
    cells = {r.th.get_text(strip=True): r.select_one("td.certificate") for r in rows}
    assert cells[NAME].find("a")["href"] == f"/certificates/{certificate.code}/manage"
    assert "Issued" in cells[NAME].get_text()
    assert "Not yet" in cells["Jean-Baptiste Pétion-Ville"].get_text()


def test_managers_see_certificate_status_without_manage_links(client, auth, world, certificate):
    services.revoke(certificate, world.facilitator, "Reason")
    db.session.commit()
    auth.login("manager@example.org", DEFAULT_PASSWORD)
    rows = page(client.get(f"/cohorts/{certificate.cohort_id}")).select(
        "table.participants tbody tr")
    cell = next(r for r in rows if r.th.get_text(strip=True) == NAME).select_one("td.certificate")
    assert "Revoked" in cell.get_text()
    assert cell.find("a") is None


def test_no_certificate_row_is_created_by_viewing(client, certificate):
    client.get(f"/verify/{certificate.code}")
    assert db.session.scalar(select(func.count(Certificate.id))) == 1
