"""A course's image library in the content files: `images/` beside the modules, each file
checked as a studio upload is, copied to MEDIA_ROOT/<course>/images/ with its name, and the
reading pages' images found in it."""

from pathlib import Path

import pytest
from sqlalchemy import func, select

from learning.catalog import services as catalog
from learning.catalog.models import Course
from learning.content.exporter import ExportError, course_to_export, export_content
from learning.content.folder import validate_content
from learning.content.importer import import_content
from learning.content.specs import ContentInvalid
from learning.database import db
from tests.content.conftest import snapshot, tree

PNG = b"\x89PNG\r\n\x1a\n" + bytes(32)
JPEG = b"\xff\xd8\xff\xe0" + bytes(32)
CHART = "0123456789abcdef0123456789abcdef.png"
MODULE = "01-first-module/module.yml"
NOTES = "01-first-module/readings/notes.html"


def show(content_dir, src, alt="A chart"):
    """Put an image at the top of the first module's notes page."""
    page = content_dir / NOTES
    page.write_text(f'<p><img src="{src}" alt="{alt}"></p>\n' + page.read_text())


@pytest.fixture
def with_image(content_dir):
    """The fixture course with a PNG in images/, shown by the notes page."""
    (content_dir / "images").mkdir()
    (content_dir / "images" / CHART).write_bytes(PNG)
    show(content_dir, f"/courses/demo-course/images/{CHART}")
    return content_dir


def library(app) -> Path:
    return Path(app.config["MEDIA_ROOT"]) / "demo-course" / "images"


def run_import(directory):
    report = import_content(directory)
    db.session.commit()
    return report


def test_the_images_are_copied_with_their_names_and_the_page_shows_them(app, with_image):
    report = run_import(with_image)

    assert (library(app) / CHART).read_bytes() == PNG
    assert (report.media_copied, report.media_unchanged) == (4, 0)
    assert f'<img src="/courses/demo-course/images/{CHART}" alt="A chart">' in \
        db.session.scalar(select(Course)).modules[0].items[1].body_html


def test_importing_the_images_twice_changes_nothing_and_a_changed_image_is_replaced(
        app, with_image):
    run_import(with_image)
    before, media = snapshot(), tree(Path(app.config["MEDIA_ROOT"]))

    again = run_import(with_image)

    assert not again.changed
    assert (again.media_copied, again.media_unchanged) == (0, 4)
    assert snapshot() == before
    assert tree(Path(app.config["MEDIA_ROOT"])) == media

    (with_image / "images" / CHART).write_bytes(PNG + b"another chart")
    changed = run_import(with_image)

    assert (changed.media_copied, changed.media_unchanged) == (1, 3)
    assert (library(app) / CHART).read_bytes() == PNG + b"another chart"
    assert sorted(p.name for p in library(app).iterdir()) == [CHART]


def _add(name, content=PNG):
    def change(root):
        (root / "images" / name).write_bytes(content)
    return change


def _subfolder(root):
    (root / "images" / "more").mkdir()
    (root / "images" / "more" / CHART).write_bytes(PNG)


def _link(root):
    secret = root.parent / "secret.png"
    secret.write_bytes(PNG)
    (root / "images" / "fedcba9876543210fedcba9876543210.png").symlink_to(secret)


BAD_IMAGES = [
    ("not an image", _add("11111111111111111111111111111111.png",
                          b'<svg xmlns="http://www.w3.org/2000/svg"><script/></svg>'),
     "images/11111111111111111111111111111111.png",
     "is not a PNG, JPEG, WebP or GIF image"),
    ("a PDF named as a GIF", _add("22222222222222222222222222222222.gif", b"%PDF-1.4\n"),
     "images/22222222222222222222222222222222.gif", "is not a PNG, JPEG, WebP or GIF image"),
    ("empty", _add("33333333333333333333333333333333.png", b""),
     "images/33333333333333333333333333333333.png", "The file is empty."),
    ("too big", _add("44444444444444444444444444444444.png", PNG + bytes(2048)),
     "images/44444444444444444444444444444444.png", "The file is larger than 1 KB."),
    ("a JPEG named .png", _add("55555555555555555555555555555555.png", JPEG),
     "images/55555555555555555555555555555555.png",
     "wrong type: 55555555555555555555555555555555.png is a JPG image"),
    ("a name of its own", _add("chart.png"), "images/chart.png", "bad file name"),
    ("an SVG", _add("66666666666666666666666666666666.svg", b"<svg/>"),
     "images/66666666666666666666666666666666.svg", "bad file name"),
    ("capitals", _add(CHART.upper().replace(".PNG", ".png")),
     f"images/{CHART.upper().replace('.PNG', '.png')}", "bad file name"),
    ("hidden file", _add(".DS_Store", b"\x00\x00\x00\x01Bud1"), "images/.DS_Store",
     "hidden file"),
    ("subfolder", _subfolder, "images/more", "has no subfolders"),
    ("link out of the folder", _link, "images/fedcba9876543210fedcba9876543210.png",
     "not a file: a link"),
]


@pytest.mark.parametrize(("change", "file", "message"), [case[1:] for case in BAD_IMAGES],
                         ids=[case[0] for case in BAD_IMAGES])
def test_a_bad_image_is_refused_with_file_and_reason_and_nothing_is_imported(
        app, with_image, change, file, message):
    app.config["IMAGE_MAX_BYTES"] = 1024
    change(with_image)

    with pytest.raises(ContentInvalid) as raised:
        import_content(with_image)
    db.session.rollback()

    assert [(e.file, e.field) for e in raised.value.errors] == [(file, "")]
    assert message in raised.value.errors[0].message
    assert db.session.scalar(select(func.count(Course.id))) == 0
    assert not Path(app.config["MEDIA_ROOT"]).exists()


def test_a_bad_image_after_an_import_changes_nothing(app, with_image):
    run_import(with_image)
    before, media = snapshot(), tree(Path(app.config["MEDIA_ROOT"]))
    (with_image / "images" / CHART).write_bytes(PNG + b"a new chart")
    (with_image / "images" / "chart.png").write_bytes(PNG)

    with pytest.raises(ContentInvalid) as raised:
        import_content(with_image)
    db.session.rollback()

    assert [str(e) for e in raised.value.errors] == [
        "images/chart.png: bad file name: 'chart.png' (an image keeps the name the studio "
        "gave it: 32 digits and letters a to f, then .png, .jpg, .webp or .gif)"]
    assert snapshot() == before
    assert tree(Path(app.config["MEDIA_ROOT"])) == media


def test_images_must_be_a_folder(content_dir):
    (content_dir / "images").write_bytes(PNG)

    assert [str(e) for e in validate_content(content_dir)] == [
        "images: not a folder: images/ must be a folder of image files"]


def test_a_page_shows_only_images_in_the_folder(with_image):
    show(with_image, "/courses/demo-course/images/" + "a" * 32 + ".gif", alt="Gone")

    assert [str(e) for e in validate_content(with_image)] == [
        f"{MODULE}: items[1].reading.page: missing image: notes.html shows {'a' * 32}.gif, "
        "which is not in images/"]


def test_a_page_shows_only_its_own_courses_images(with_image):
    show(with_image, f"/courses/another-course/images/{CHART}", alt="Borrowed")

    [error] = validate_content(with_image)

    assert (error.file, error.field) == (MODULE, "items[1].reading.page")
    assert error.message.startswith(
        f"image of another course: notes.html shows /courses/another-course/images/{CHART}, "
        "but this course is 'demo-course'")


def test_the_export_carries_the_image_library(app, with_image, tmp_path):
    run_import(with_image)
    unused = "fedcba9876543210fedcba9876543210.jpg"
    (library(app) / unused).write_bytes(JPEG)
    (library(app) / "abc.part").write_bytes(b"an upload cut short")

    report = export_content(course_to_export(), tmp_path / "out")

    assert report.problems == []
    assert sorted(tree(tmp_path / "out" / "images")) == [CHART, unused]
    assert (tmp_path / "out" / "images" / unused).read_bytes() == JPEG
    assert (tmp_path / "out" / NOTES).read_text().startswith(
        f'<p><img src="/courses/demo-course/images/{CHART}" alt="A chart"></p>')
    before = snapshot()
    assert not run_import(tmp_path / "out").changed
    assert snapshot() == before


def test_an_image_missing_from_the_library_stops_the_export(app, with_image, tmp_path):
    run_import(with_image)
    (library(app) / CHART).unlink()

    with pytest.raises(ExportError) as raised:
        export_content(course_to_export(), tmp_path / "out")

    assert raised.value.problems == [
        f"01-first-module: item 'notes': image '{CHART}' is missing from MEDIA_ROOT "
        f"({app.config['MEDIA_ROOT']})"]
    assert not (tmp_path / "out").exists()


def names_in_course_yml(content_dir, names) -> None:
    """Add `image_names` to the folder's course.yml."""
    course_yml = content_dir / "course.yml"
    lines = "".join(f"  {name}: {label}\n" for name, label in names.items())
    course_yml.write_text(course_yml.read_text() + f"image_names:\n{lines}")


def test_image_names_travel_with_the_library(app, with_image, tmp_path):
    """A name given in the studio is exported in course.yml and comes back on import."""
    run_import(with_image)
    course = db.session.scalar(select(Course))
    catalog.name_image(course.id, CHART, "Budget by ministry, 2024")
    db.session.commit()

    export_content(course_to_export(), tmp_path / "out")
    assert "image_names:" in (tmp_path / "out" / "course.yml").read_text()
    catalog.name_image(course.id, CHART, "")  # lost meanwhile
    db.session.commit()
    assert run_import(tmp_path / "out").changed
    assert catalog.image_names(course.id) == {CHART: "Budget by ministry, 2024"}
    assert not run_import(tmp_path / "out").changed


def test_a_listed_image_takes_its_name_and_the_others_keep_theirs(app, with_image):
    other = "fedcba9876543210fedcba9876543210.png"
    (with_image / "images" / other).write_bytes(PNG)
    run_import(with_image)
    course = db.session.scalar(select(Course))
    catalog.name_image(course.id, other, "Kept from the studio")
    db.session.commit()

    names_in_course_yml(with_image, {CHART: "Chart of the survey"})
    run_import(with_image)

    assert catalog.image_names(course.id) == {CHART: "Chart of the survey",
                                              other: "Kept from the studio"}


@pytest.mark.parametrize(("names", "field", "message"), [
    ({"0123456789abcdef0123456789abcdee.png": "Missing"},
     "image_names.0123456789abcdef0123456789abcdee.png", "not an image of images/"),
    ({CHART: "12"}, f"image_names.{CHART}", "wrong type: expected the image's name as text"),
    ({CHART: '"a\\tb"'}, f"image_names.{CHART}", "not one line"),
    ({CHART: "x" * 201}, f"image_names.{CHART}", "too long: 201 characters, at most 200"),
])
def test_bad_image_names_are_refused_and_nothing_is_imported(app, with_image, names, field,
                                                            message):
    names_in_course_yml(with_image, names)

    with pytest.raises(ContentInvalid) as raised:
        import_content(with_image)
    db.session.rollback()

    [error] = raised.value.errors
    assert (error.file, error.field) == ("course.yml", field)
    assert error.message.startswith(message)
    assert db.session.scalar(select(func.count(Course.id))) == 0


def test_image_names_must_be_a_mapping(with_image):
    course_yml = with_image / "course.yml"
    course_yml.write_text(course_yml.read_text() + "image_names: [a, b]\n")

    assert [str(e) for e in validate_content(with_image)] == [
        "course.yml: image_names: wrong type: expected a mapping of image file names to names"]
