"""Every name prints on the certificate PDF, in its script, and nothing runs into anything."""

import io
from itertools import combinations

import pytest
import uharfbuzz as hb
from fontTools.ttLib import TTFont
from pypdf import PdfReader

from learning.certificates import pdf, services
from learning.database import db
from tests.certificates.conftest import PARTICIPANT, complete
from tests.conftest import DEFAULT_PASSWORD

LONG_NAME = ("Maria-Fernanda Alejandra Guadalupe de los Santos Rodríguez-Villanueva "
             "Castellanos y Montenegro-Hernández de la Santa Trinidad Pi")
assert len(LONG_NAME) == 128

NAMES = {
    "latin": ("Zoë Ångström-Ñúñez Łukasz Điện", {"NotoSans"}),
    "arabic": ("محمد بن عبد الله الهاشمي", {"NotoSansArabic"}),
    "chinese": ("王小明", {"NotoSansCJKSC"}),
    "korean": ("김민준", {"NotoSansCJKSC"}),
    "devanagari": ("देवेन्द्र प्रसाद शर्मा", {"NotoSansDevanagari"}),
    "mixed": ("Chen Wei 陈伟 · 김민준 · محمد", {"NotoSans", "NotoSansCJKSC", "NotoSansArabic"}),
    "long": (LONG_NAME, {"NotoSans"}),
}


def certificate_named(world, name, course_title=None):
    world.participant.name = name
    if course_title:
        world.course.title = course_title
    db.session.commit()
    complete(world.participant, world.module)
    return services.certificate_for(world.participant.id, world.course.id)


def download(client, auth, certificate):
    auth.login(PARTICIPANT, DEFAULT_PASSWORD)
    response = client.get(f"/certificates/{certificate.code}.pdf")
    assert response.status_code == 200
    return response.data


def embedded_fonts(data) -> dict[str, object]:
    """The fonts the PDF's page uses, by PostScript name without the subset prefix."""
    fonts = {}
    resources = PdfReader(io.BytesIO(data)).pages[0]["/Resources"]["/Font"]
    for font in resources.values():
        font = font.get_object()
        name = str(font["/BaseFont"]).lstrip("/").split("+", 1)[-1]
        descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
        program = descriptor.get("/FontFile2") or descriptor.get("/FontFile3")
        fonts[name] = program.get_object().get_data()
    return fonts


def without_spaces(text):
    # pypdf puts a NUL before each character of a CFF-based CID font (the CJK one); the
    # page's ToUnicode map has none, and MuPDF reads the same text without them.
    return "".join(text.replace("\x00", "").split())


@pytest.mark.slow  # a PDF rendered and read back per name
@pytest.mark.parametrize("key", NAMES)
def test_every_name_prints_in_a_font_that_has_it(client, auth, world, key):
    name, families = NAMES[key]
    assert pdf.uncovered(name) == set()
    data = download(client, auth, certificate_named(world, name))
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 1
    text = without_spaces(reader.pages[0].extract_text())
    if key in ("arabic", "mixed"):
        # Right-to-left words come out of the page in visual order; each reads right.
        assert all(word in text for word in name.split())
    else:
        assert without_spaces(name) in text
    used = {font.removesuffix("Bold") for font in embedded_fonts(data)}
    assert families <= used


def test_arabic_letters_are_joined(client, auth, world):
    name = NAMES["arabic"][0]
    data = download(client, auth, certificate_named(world, name))
    embedded = TTFont(io.BytesIO(embedded_fonts(data)["NotoSansArabicBold"]))
    glyphs = set(embedded.getGlyphOrder())

    path = str(pdf.FONTS / "NotoSansArabic-Bold.ttf")
    source = TTFont(path)
    buffer = hb.Buffer()
    buffer.add_str(name)
    buffer.guess_segment_properties()
    hb.shape(hb.Font(hb.Face(hb.Blob.from_file_path(path))), buffer, {})
    order = source.getGlyphOrder()
    shaped = {order[info.codepoint] for info in buffer.glyph_infos}
    cmap = source.getBestCmap()
    isolated = {cmap[ord(c)] for c in name if not c.isspace()}
    assert shaped != isolated  # the font joins these letters
    assert shaped - {"space"} <= glyphs
    # No letter that joins is drawn in its isolated form.
    assert not (isolated - shaped) & glyphs


def test_a_latin_name_embeds_noto_sans_only(client, auth, world):
    data = download(client, auth, certificate_named(world, NAMES["latin"][0]))
    assert set(embedded_fonts(data)) <= {"NotoSans", "NotoSansBold"}
    assert len(data) < 100 * 1024


def assert_laid_out_apart(boxes):
    for name, box in boxes.items():
        assert box.w > 0 and box.h > 0, name
        assert box.within(pdf.FRAME), (name, box)
        assert box.within(pdf.PAGE), (name, box)
    for (one, a), (other, b) in combinations(boxes.items(), 2):
        assert not a.overlaps(b), (one, a, other, b)


@pytest.mark.slow  # a PDF rendered and read back per name
@pytest.mark.parametrize("key", NAMES)
def test_no_name_runs_into_anything(app, world, key):
    certificate = certificate_named(world, NAMES[key][0])
    with app.test_request_context():
        boxes = pdf.layout(certificate)
    assert {"name", "course", "details", "qr", "url", "code"} <= set(boxes)
    assert_laid_out_apart(boxes)


@pytest.mark.slow
@pytest.mark.parametrize("name,title,wording", [
    (LONG_NAME, "Innovation, Digital Government and Changing Mindsets for Public Sector "
                "Transformation in the Caribbean: Leadership, Data, Services and Trust in "
                "Government Institutions and Across Ministries, Departments and Agencies",
     "has taken part in every live session, watched every recording, read every reading and "
     "taken every self-assessment, before and after, of the self-paced course on public "
     "sector change"),
    ("王" * 200, "数字政府" * 50, "已完成课程" * 40),
    ("Ab" * 100, "Transformation" * 14, "x" * 200),  # no space to wrap at
], ids=["latin", "chinese", "unbroken"])
def test_the_longest_names_and_titles_wrap_clear_of_the_qr_code(app, world, name, title,
                                                                wording):
    world.course.certificate_wording = wording[:200]  # as long as the course may word it
    certificate = certificate_named(world, name, course_title=title[:200])
    assert certificate.wording == wording[:200]
    with app.test_request_context():
        boxes = pdf.layout(certificate)
        data = pdf.render(certificate)
    assert_laid_out_apart(boxes)
    assert boxes["course"].bottom < boxes["qr"].y
    assert len(PdfReader(io.BytesIO(data)).pages) == 1


def test_a_long_name_shrinks_then_wraps_while_a_short_one_keeps_its_size(app, world):
    certificate = certificate_named(world, "Ana Li")
    with app.test_request_context():
        short = pdf.layout(certificate)["name"]
        certificate.recipient_name = LONG_NAME
        long = pdf.layout(certificate)["name"]
    assert short.h == pytest.approx(26 * pdf.LINE_HEIGHT)  # one line at full size
    assert long.w <= pdf.CONTENT_WIDTH
    assert long.h > short.h  # more than one line
    assert long.h < 3 * short.h  # in a smaller size


def test_names_of_every_script_the_fonts_promise_are_covered():
    for name in ("Ἀλέξανδρος", "Дмитрий", "Nguyễn Thị Minh Khai", "דוד לוי", "সুমন দাস",
                 "முருகன்", "สมชาย", "やまだ たろう", "山田太郎", "陳大文", "이서연"):
        assert pdf.uncovered(name) == set(), name
    assert pdf.uncovered("𓀀") == {"𓀀"}  # Egyptian hieroglyphs are not promised
