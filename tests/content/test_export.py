from pathlib import Path

import pytest
import yaml
from sqlalchemy import select

from learning.catalog.models import Course, Item, Module
from learning.content.exporter import ExportError, course_to_export, export_content
from learning.content.folder import validate_content
from learning.content.importer import import_content
from learning.database import db
from tests.content.conftest import edit_yaml, snapshot, tree
from tests.factories import make_course, make_instrument, make_module


def run_import(directory):
    report = import_content(directory)
    db.session.commit()
    return report


def test_export_then_import_is_a_round_trip(content_dir, tmp_path):
    run_import(content_dir)
    exported = tmp_path / "b"
    report = export_content(course_to_export(), exported)
    assert report.problems == []
    before = snapshot()

    second = run_import(exported)

    assert not second.changed
    assert snapshot() == before
    again = tmp_path / "c"
    export_content(course_to_export(), again)
    assert tree(again) == tree(exported)


def test_the_course_settings_round_trip_and_the_defaults_stay_out_of_the_file(
        content_dir, tmp_path, empty_database):
    run_import(content_dir)
    plain = tmp_path / "plain"
    export_content(course_to_export(), plain)
    data = yaml.safe_load((plain / "course.yml").read_text())
    assert "published" not in data and "certificate_wording" not in data
    assert (plain / "course.yml").read_text() == (content_dir / "course.yml").read_text()

    course = db.session.scalar(select(Course))
    course.is_published = False
    course.certificate_wording = "has taken part in every module of"
    db.session.commit()
    exported = tmp_path / "b"
    assert export_content(course_to_export(), exported).problems == []
    data = yaml.safe_load((exported / "course.yml").read_text())
    assert (data["published"], data["certificate_wording"]) == (
        False, "has taken part in every module of")
    before = snapshot()
    assert not run_import(exported).changed
    assert snapshot() == before

    empty_database()
    run_import(exported)
    course = db.session.scalar(select(Course))
    assert (course.slug, course.is_published, course.certificate_wording) == (
        "demo-course", False, "has taken part in every module of")

def test_a_draft_item_exports_as_one_and_round_trips(content_dir, tmp_path):
    edit_yaml(content_dir / "01-first-module" / "module.yml",
              lambda data: data["items"][1].update(published=False))
    run_import(content_dir)
    before = snapshot()
    exported = tmp_path / "out"
    export_content(course_to_export(), exported)

    items = yaml.safe_load((exported / "01-first-module" / "module.yml").read_text())["items"]
    # Only a draft says so: published is the default, as for modules.
    assert [item.get("published") for item in items] == [None, False, None, None]
    assert not run_import(exported).changed
    assert snapshot() == before


def test_the_export_has_the_import_layout(content_dir, tmp_path):
    run_import(content_dir)
    exported = tmp_path / "out"

    report = export_content(course_to_export("demo-course"), exported)

    assert sorted(tree(exported)) == [
        "01-first-module/instrument.yml",
        "01-first-module/media/intro.vtt",
        "01-first-module/media/intro.webm",
        "01-first-module/module.yml",
        "01-first-module/readings/notes.html",
        "01-first-module/readings/report.pdf",
        "01-first-module/transcript.txt",
        "02-second-module/instrument.yml",
        "02-second-module/module.yml",
        "course.yml",
    ]
    assert (report.modules, report.files) == (2, 10)
    for name in ("media/intro.webm", "media/intro.vtt", "readings/report.pdf",
                 "transcript.txt"):
        assert (exported / "01-first-module" / name).read_bytes() == \
            (content_dir / "01-first-module" / name).read_bytes()
    module = yaml.safe_load((exported / "02-second-module" / "module.yml").read_text())
    assert module["published"] is False
    assert module["items"][2]["instrument"] == "instrument.yml"
    text = (exported / "01-first-module" / "module.yml").read_text()
    assert "summary: |\n  What the first module is about.\n\n  A second paragraph.\n" in text
    assert "items:\n  - slug: introduction\n" in text
    assert "live_session: 2024-02-21\n" in text
    instrument = (exported / "01-first-module" / "instrument.yml").read_text()
    assert "  - {slug: emerging, label: Emerging, min: 0, max: 40}\n" in instrument
    assert "<script" not in (exported / "01-first-module" / "readings" / "notes.html").read_text()


def test_content_authored_in_the_database_exports_to_files_that_import(app, tmp_path):
    course = make_course(slug="authored")
    make_module(course)
    media = Path(app.config["MEDIA_ROOT"]) / "authored" / "module"
    media.mkdir(parents=True)
    (media / "intro.webm").write_bytes(b"video")
    (media / "intro.vtt").write_text("WEBVTT\n")
    db.session.commit()
    before = snapshot()

    report = export_content(course_to_export(), tmp_path / "out")

    assert report.problems == []
    assert not run_import(tmp_path / "out").changed
    assert snapshot() == before


def test_an_instrument_no_item_uses_is_reported_as_not_exported(content_dir, tmp_path):
    run_import(content_dir)
    make_instrument(db.session.scalar(select(Course)), slug="draft")

    report = export_content(course_to_export(), tmp_path / "out")

    assert report.unused_instruments == ["draft"]
    assert "draft" not in "".join(path.read_text() for path in (tmp_path / "out").rglob("*.yml"))


def test_a_missing_media_file_stops_the_export_before_writing(content_dir, app, tmp_path):
    run_import(content_dir)
    (Path(app.config["MEDIA_ROOT"]) / "demo-course" / "first-module" / "intro.webm").unlink()

    with pytest.raises(ExportError) as raised:
        export_content(course_to_export(), tmp_path / "out")

    assert "intro.webm" in str(raised.value)
    assert not (tmp_path / "out").exists()


def test_export_refuses_a_folder_that_is_not_empty(content_dir):
    run_import(content_dir)
    with pytest.raises(ExportError, match="not an empty folder"):
        export_content(course_to_export(), content_dir)


def test_the_course_to_export_must_be_named_when_there_are_several(content_dir):
    run_import(content_dir)
    make_course(slug="another")
    with pytest.raises(ExportError, match="several courses"):
        course_to_export()
    assert course_to_export("another").slug == "another"
    with pytest.raises(ExportError, match="no course 'missing'"):
        course_to_export("missing")


def test_two_media_files_with_one_name_keep_apart(content_dir, app, tmp_path):
    run_import(content_dir)
    upload = Path(app.config["MEDIA_ROOT"]) / "uploads" / "intro.webm"
    upload.parent.mkdir(parents=True)
    upload.write_bytes(b"another video")
    module = db.session.scalar(select(Module).where(Module.slug == "first-module"))
    module.items.append(Item(slug="second-talk", position=5, kind="recording", title="More",
                             video_path="uploads/intro.webm", duration_seconds=10,
                             completion_threshold=90))
    db.session.commit()

    export_content(course_to_export(), tmp_path / "out")

    folder = tmp_path / "out" / "01-first-module"
    items = yaml.safe_load((folder / "module.yml").read_text())["items"]
    assert [item["recording"]["video"] for item in items if item["kind"] == "recording"] == [
        "media/intro.webm", "media/second-talk-intro.webm"]
    assert (folder / "media" / "second-talk-intro.webm").read_bytes() == b"another video"
    assert (folder / "media" / "intro.webm").read_bytes() == \
        (content_dir / "01-first-module" / "media" / "intro.webm").read_bytes()
    assert validate_content(tmp_path / "out") == []
