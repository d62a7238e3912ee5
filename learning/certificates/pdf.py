"""The certificate as a PDF: A4 landscape, fonts for every name, a QR code to verify it.

The same certificate always gives the same bytes: the document's dates come from when the
certificate was issued, and nothing random goes in.

Names and titles print in the Noto fonts vendored under fonts/ (with their licence, OFL.txt):
Noto Sans for Latin, Greek and Cyrillic, and one Noto family per other script that names
across the region and its diaspora are written in, down to a subset of Noto Sans CJK for
Chinese, Japanese and Korean (scripts/subset_cjk_font.py). Only the families a certificate's
text needs are loaded, as fallbacks of Noto Sans, and HarfBuzz shapes the text, so Arabic
letters join and run right to left and Devanagari clusters form. fpdf2 embeds only the glyphs
used, which keeps the file small.

Long names and titles shrink down to a minimum size, then wrap; if the whole still does not
fit above the QR code, every block shrinks together until it does. `layout()` gives the boxes
the text and the code occupy, so that tests can check nothing overlaps or leaves the page.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from io import BytesIO
from pathlib import Path

import segno
from flask_babel import format_date, get_locale
from flask_babel import gettext as _
from fontTools.ttLib import TTFont
from fpdf import FPDF
from fpdf.enums import Align, MethodReturnValue, XPos, YPos

from learning.certificates.badges import verify_url
from learning.certificates.models import Certificate
from learning.certificates.services import format_code, wording

FONTS = Path(__file__).resolve().parent / "fonts"
PAGE_WIDTH = 297  # mm, A4 landscape
PAGE_HEIGHT = 210
MARGIN = 18
QR_SIZE = 34
QR_TEXT_GAP = 10  # between the QR code and the words beside it
BLOCK_GAP = 4  # between the text above and the QR code or the words beside it
TOP = 26
LINE_HEIGHT = 0.5  # mm per point of type size: about 1.4 times the size
# When the text does not fit above the QR code at these sizes, every size and gap is
# multiplied by the next factor until it does.
SCALES = (1.0, 0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3)
INK = (31, 41, 55)
ACCENT = (0, 84, 147)


@dataclass(frozen=True)
class Box:
    """A rectangle on the page, in millimetres from the top left corner."""

    x: float
    y: float
    w: float
    h: float

    @property
    def right(self) -> float:
        """The right edge."""
        return self.x + self.w

    @property
    def bottom(self) -> float:
        """The bottom edge."""
        return self.y + self.h

    def overlaps(self, other: Box) -> bool:
        """True when the two rectangles share some area (touching edges do not count)."""
        return (self.x < other.right and other.x < self.right
                and self.y < other.bottom and other.y < self.bottom)

    def within(self, other: Box) -> bool:
        """True when this rectangle lies entirely inside the other."""
        return (other.x <= self.x and self.right <= other.right
                and other.y <= self.y and self.bottom <= other.bottom)


PAGE = Box(0, 0, PAGE_WIDTH, PAGE_HEIGHT)
# Inside the inner border (drawn 11 mm from the edges), with a little air.
FRAME = Box(14, 14, PAGE_WIDTH - 28, PAGE_HEIGHT - 28)
CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN


@dataclass(frozen=True)
class Face:
    """A font family as vendored: its name in the PDF and its file per style."""

    family: str
    files: tuple[tuple[str, str], ...]  # (style, file name): "" regular, "B" bold

    @property
    def regular(self) -> str:
        """The regular style's file: its characters stand for the family's."""
        return dict(self.files)[""]


MAIN_FACE = Face("NotoSans", (("", "NotoSans-Regular.ttf"), ("B", "NotoSans-Bold.ttf")))
# In the order fpdf2 tries them for a character the main face lacks.
FALLBACK_FACES = (
    Face("NotoSansArabic", (("", "NotoSansArabic-Regular.ttf"),
                            ("B", "NotoSansArabic-Bold.ttf"))),
    Face("NotoSansHebrew", (("", "NotoSansHebrew-Regular.ttf"),
                            ("B", "NotoSansHebrew-Bold.ttf"))),
    Face("NotoSansDevanagari", (("", "NotoSansDevanagari-Regular.ttf"),
                                ("B", "NotoSansDevanagari-Bold.ttf"))),
    Face("NotoSansBengali", (("", "NotoSansBengali-Regular.ttf"),
                             ("B", "NotoSansBengali-Bold.ttf"))),
    Face("NotoSansTamil", (("", "NotoSansTamil-Regular.ttf"),
                           ("B", "NotoSansTamil-Bold.ttf"))),
    Face("NotoSansThai", (("", "NotoSansThai-Regular.ttf"), ("B", "NotoSansThai-Bold.ttf"))),
    Face("NotoSansCJK", (("", "NotoSansCJKsc-Regular-subset.otf"),
                         ("B", "NotoSansCJKsc-Bold-subset.otf"))),
)


@cache
def _characters(filename: str) -> frozenset[int]:
    """The code points a vendored font has a glyph for (read once per process)."""
    with TTFont(FONTS / filename, lazy=True) as font:
        return frozenset(font.getBestCmap())


def _needed(codes: set[int]) -> set[int]:
    # Spaces and controls take no glyph of their own.
    return {code for code in codes if chr(code).isprintable() and not chr(code).isspace()}


def fallback_faces(text: str) -> list[Face]:
    """The fallback families the text needs: those with a character Noto Sans lacks."""
    missing = _needed({ord(c) for c in text}) - _characters(MAIN_FACE.regular)
    faces = []
    for face in FALLBACK_FACES:
        found = missing & _characters(face.regular)
        if found:
            faces.append(face)
            missing -= found
    return faces


def uncovered(text: str) -> set[str]:
    """The characters of the text that no vendored font has, which would not print."""
    missing = _needed({ord(c) for c in text}) - _characters(MAIN_FACE.regular)
    for face in FALLBACK_FACES:
        missing -= _characters(face.regular)
    return {chr(code) for code in missing}


@dataclass(frozen=True)
class Block:
    """A paragraph of the certificate as laid out: its type, its wrapped lines, its box."""

    text: str
    style: str
    size: float
    colour: tuple[int, int, int]
    lines: tuple[str, ...]
    box: Box
    link: str | None = None

    @property
    def line_height(self) -> float:
        """The distance between two baselines, in millimetres."""
        return self.size * LINE_HEIGHT


@dataclass(frozen=True)
class _Spec:
    """A paragraph before layout: the largest and smallest size it may print at."""

    name: str
    text: str
    style: str
    size: float
    min_size: float
    colour: tuple[int, int, int] = INK
    gap: float = 0  # space after it


class Layout:
    """A certificate's document with its fonts loaded, and where everything goes."""

    def __init__(self, certificate: Certificate):
        self.certificate = certificate
        self.url = verify_url(certificate)
        self.specs = self._specs()
        self.verification_specs = [
            _Spec("check", _("Check that this certificate is genuine at"), "", 10, 10),
            _Spec("url", self.url, "", 10, 10, colour=ACCENT, gap=2),
            _Spec("code_label", _("Verification code"), "", 10, 10),
            _Spec("code", format_code(certificate.code), "B", 13, 13),
        ]
        self.pdf = self._document()
        self.qr = Box(MARGIN + 4, PAGE_HEIGHT - MARGIN - QR_SIZE - 4, QR_SIZE, QR_SIZE)
        self.verification = self._verification_blocks()
        text_bottom = min(self.qr.y, min(b.box.y for b in self.verification.values()))
        self.blocks = self._fit(text_bottom - BLOCK_GAP)

    def _specs(self) -> list[_Spec]:
        certificate = self.certificate
        specs = []
        if certificate.issuers:
            specs.append(_Spec("issuers", " · ".join(certificate.issuers), "", 12, 8,
                               colour=ACCENT, gap=6))
        details = [_("Completed on %(date)s", date=format_date(certificate.completed_on, "long")),
                   _("%(hours)s hours of learning", hours=f"{certificate.learning_hours:g}")]
        if certificate.cohort_name:
            details.insert(0, _("Cohort: %(cohort)s", cohort=certificate.cohort_name))
        return specs + [
            _Spec("heading", _("Certificate of completion"), "B", 30, 20, colour=ACCENT, gap=8),
            _Spec("certifies", _("This certifies that"), "", 13, 10, gap=3),
            _Spec("name", certificate.recipient_name, "B", 26, 16, gap=4),
            _Spec("completed", wording(certificate), "", 13, 10, gap=3),
            _Spec("course", certificate.course_title, "B", 17, 12, gap=5),
            _Spec("details", " · ".join(details), "", 12, 9),
        ]

    def _document(self) -> FPDF:
        certificate = self.certificate
        pdf = FPDF(orientation="landscape", unit="mm", format="A4")
        pdf.set_creation_date(certificate.issued_at)
        pdf.set_title(_("Certificate of completion: %(course)s", course=certificate.course_title))
        pdf.set_author(" and ".join(certificate.issuers))
        pdf.set_subject(certificate.recipient_name)
        pdf.set_lang(str(get_locale()).replace("_", "-"))
        pdf.set_auto_page_break(False)
        pdf.set_margins(MARGIN, MARGIN, MARGIN)
        text = "".join(spec.text for spec in self.specs + self.verification_specs)
        faces = fallback_faces(text)
        for face in (MAIN_FACE, *faces):
            for style, filename in face.files:
                pdf.add_font(face.family, style, FONTS / filename)
        if faces:
            pdf.set_fallback_fonts([face.family for face in faces], exact_match=False)
        # HarfBuzz: joins Arabic letters, orders right-to-left runs, forms Indic clusters.
        pdf.set_text_shaping(True)
        pdf.add_page()  # measuring text needs a page to measure on
        return pdf

    def _lines(self, text: str, style: str, size: float, width: float) -> tuple[str, ...]:
        self.pdf.set_font(MAIN_FACE.family, style, size)
        lines = self.pdf.multi_cell(width, size * LINE_HEIGHT, text, align=Align.C,
                                    dry_run=True, output=MethodReturnValue.LINES)
        return tuple(lines)

    def _width(self, lines: tuple[str, ...], style: str, size: float) -> float:
        self.pdf.set_font(MAIN_FACE.family, style, size)
        return max(self.pdf.get_string_width(line) for line in lines)

    def _shrink_then_wrap(self, spec: _Spec, scale: float, width: float):
        """The largest size down to the minimum at which the text fits one line; else wrap."""
        size, floor = spec.size * scale, spec.min_size * scale
        lines = self._lines(spec.text, spec.style, size, width)
        while len(lines) > 1 and size - 0.5 >= floor:
            size -= 0.5
            lines = self._lines(spec.text, spec.style, size, width)
        return size, lines

    def _fit(self, bottom: float) -> dict[str, Block]:
        """Lay the paragraphs out from the top, at the largest scale that ends above bottom."""
        for scale in SCALES:
            blocks, y = {}, TOP
            for spec in self.specs:
                size, lines = self._shrink_then_wrap(spec, scale, CONTENT_WIDTH)
                height = len(lines) * size * LINE_HEIGHT
                width = self._width(lines, spec.style, size)
                box = Box(MARGIN + (CONTENT_WIDTH - width) / 2, y, width, height)
                blocks[spec.name] = Block(spec.text, spec.style, size, spec.colour, lines, box)
                y += height + spec.gap * scale
            if y - self.specs[-1].gap * scale <= bottom:
                break
        return blocks

    def _verification_blocks(self) -> dict[str, Block]:
        """The words beside the QR code, kept inside the frame however long the URL is."""
        x = self.qr.right + QR_TEXT_GAP
        width = MARGIN + CONTENT_WIDTH - x
        laid = []
        for spec in self.verification_specs:
            self.pdf.set_font(MAIN_FACE.family, spec.style, spec.size)
            lines = tuple(self.pdf.multi_cell(width, spec.size * LINE_HEIGHT, spec.text,
                                              dry_run=True, output=MethodReturnValue.LINES))
            laid.append((spec, lines, self._width(lines, spec.style, spec.size)))
        height = sum(len(lines) * spec.size * LINE_HEIGHT + spec.gap
                     for spec, lines, _line_width in laid)
        y = min(self.qr.y + 6, FRAME.bottom - height)
        blocks = {}
        for spec, lines, line_width in laid:
            box = Box(x, y, line_width, len(lines) * spec.size * LINE_HEIGHT)
            link = spec.text if spec.name == "url" else None
            blocks[spec.name] = Block(spec.text, spec.style, spec.size, spec.colour, lines,
                                      box, link)
            y += box.h + spec.gap
        return blocks

    def boxes(self) -> dict[str, Box]:
        """Every paragraph's box by name, and the QR code's."""
        boxes = {name: block.box for name, block in self.blocks.items()}
        boxes.update({name: block.box for name, block in self.verification.items()})
        boxes["qr"] = self.qr
        return boxes

    def render(self) -> bytes:
        """Draw the border, the paragraphs where they were laid out, and the QR code."""
        pdf = self.pdf
        pdf.set_draw_color(*ACCENT)
        pdf.set_line_width(1.2)
        pdf.rect(8, 8, PAGE_WIDTH - 16, PAGE_HEIGHT - 16)
        pdf.set_line_width(0.3)
        pdf.rect(11, 11, PAGE_WIDTH - 22, PAGE_HEIGHT - 22)
        for block in self.blocks.values():
            self._draw(block, MARGIN, CONTENT_WIDTH, Align.C)
        qr = BytesIO()
        segno.make(self.url, error="m").save(qr, kind="png", scale=6, border=2)
        qr.seek(0)
        pdf.image(qr, x=self.qr.x, y=self.qr.y, w=self.qr.w, h=self.qr.h,
                  alt_text=_("QR code linking to %(url)s", url=self.url))
        x = self.qr.right + QR_TEXT_GAP
        for block in self.verification.values():
            self._draw(block, x, MARGIN + CONTENT_WIDTH - x, Align.L)
        return bytes(pdf.output())

    def close(self) -> None:
        """Close the font files (fpdf2 reads them lazily, and closes only those it embeds)."""
        for font in self.pdf.fonts.values():
            font.close()

    def _draw(self, block: Block, x: float, width: float, align: Align) -> None:
        pdf = self.pdf
        pdf.set_font(MAIN_FACE.family, block.style, block.size)
        pdf.set_text_color(*block.colour)
        pdf.set_xy(x, block.box.y)
        pdf.multi_cell(width, block.line_height, block.text, align=align,
                       link=block.link or "", new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def layout(certificate: Certificate) -> dict[str, Box]:
    """Where each part of the certificate's PDF goes: named boxes, in millimetres."""
    laid_out = Layout(certificate)
    try:
        return laid_out.boxes()
    finally:
        laid_out.close()


def render(certificate: Certificate) -> bytes:
    """The certificate's PDF."""
    laid_out = Layout(certificate)
    try:
        return laid_out.render()
    finally:
        laid_out.close()
