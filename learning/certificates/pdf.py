"""The certificate as a PDF: A4 landscape, fonts for every name, a QR code to verify it.

The same certificate always gives the same bytes: the document's dates come from when the
certificate was issued, and nothing random goes in. DejaVu Sans (vendored under fonts/,
with its licence) carries the accents and scripts that names across the region use;
fpdf2 embeds only the glyphs used, which keeps the file small.
"""

from io import BytesIO
from pathlib import Path

import segno
from flask_babel import format_date, get_locale
from flask_babel import gettext as _
from fpdf import FPDF
from fpdf.enums import Align, XPos, YPos

from learning.certificates.badges import verify_url
from learning.certificates.models import Certificate
from learning.certificates.services import format_code

FONTS = Path(__file__).resolve().parent / "fonts"
PAGE_WIDTH = 297  # mm, A4 landscape
MARGIN = 18
QR_SIZE = 34
INK = (31, 41, 55)
ACCENT = (0, 84, 147)


def render(certificate: Certificate) -> bytes:
    """The certificate's PDF."""
    pdf = FPDF(orientation="landscape", unit="mm", format="A4")
    pdf.set_creation_date(certificate.issued_at)
    pdf.set_title(_("Certificate of completion: %(course)s", course=certificate.course_title))
    pdf.set_author(" and ".join(certificate.issuers))
    pdf.set_subject(certificate.recipient_name)
    pdf.set_lang(str(get_locale()).replace("_", "-"))
    pdf.set_auto_page_break(False)
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.add_font("DejaVu", "", FONTS / "DejaVuSans.ttf")
    pdf.add_font("DejaVu", "B", FONTS / "DejaVuSans-Bold.ttf")
    pdf.add_page()
    width = PAGE_WIDTH - 2 * MARGIN

    pdf.set_draw_color(*ACCENT)
    pdf.set_line_width(1.2)
    pdf.rect(8, 8, PAGE_WIDTH - 16, 210 - 16)
    pdf.set_line_width(0.3)
    pdf.rect(11, 11, PAGE_WIDTH - 22, 210 - 22)

    def line(text, size, style="", height=None, colour=INK, gap=0):
        pdf.set_font("DejaVu", style, size)
        pdf.set_text_color(*colour)
        pdf.multi_cell(width, height or size * 0.5, text, align=Align.C,
                       new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        if gap:
            pdf.ln(gap)

    pdf.set_y(28)
    if certificate.issuers:
        line(" · ".join(certificate.issuers), 12, colour=ACCENT, gap=6)
    line(_("Certificate of completion"), 30, "B", colour=ACCENT, gap=8)
    line(_("This certifies that"), 13, gap=3)
    line(certificate.recipient_name, 26, "B", gap=4)
    line(_("has completed the course"), 13, gap=3)
    line(certificate.course_title, 17, "B", height=8, gap=5)
    details = [_("Completed on %(date)s", date=format_date(certificate.completed_on, "long")),
               _("%(hours)s hours of learning", hours=f"{certificate.learning_hours:g}")]
    if certificate.cohort_name:
        details.insert(0, _("Cohort: %(cohort)s", cohort=certificate.cohort_name))
    line(" · ".join(details), 12)

    url = verify_url(certificate)
    qr = BytesIO()
    segno.make(url, error="m").save(qr, kind="png", scale=6, border=2)
    qr.seek(0)
    top = 210 - MARGIN - QR_SIZE - 4
    pdf.image(qr, x=MARGIN + 4, y=top, w=QR_SIZE, h=QR_SIZE,
              alt_text=_("QR code linking to %(url)s", url=url))
    pdf.set_xy(MARGIN + QR_SIZE + 10, top + 6)
    pdf.set_font("DejaVu", "", 10)
    pdf.set_text_color(*INK)
    text_width = width - QR_SIZE - 10
    pdf.multi_cell(text_width, 5, _("Check that this certificate is genuine at"),
                   new_x=XPos.LEFT, new_y=YPos.NEXT)
    pdf.set_text_color(*ACCENT)
    pdf.multi_cell(text_width, 5, url, link=url, new_x=XPos.LEFT, new_y=YPos.NEXT)
    pdf.set_text_color(*INK)
    pdf.set_y(pdf.get_y() + 2)
    pdf.set_x(MARGIN + QR_SIZE + 10)
    pdf.multi_cell(text_width, 5, _("Verification code"), new_x=XPos.LEFT, new_y=YPos.NEXT)
    pdf.set_font("DejaVu", "B", 13)
    pdf.multi_cell(text_width, 7, format_code(certificate.code),
                   new_x=XPos.LEFT, new_y=YPos.NEXT)
    return bytes(pdf.output())
