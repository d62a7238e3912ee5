import os
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from learning.catalog.models import Course, Item, Module
from learning.content.importer import import_content
from learning.content.specs import ContentInvalid
from learning.database import db
from learning.instruments.models import Band, Dimension, Instrument, Statement
from learning.progress.models import Progress
from tests.content.conftest import edit_yaml, snapshot
from tests.factories import make_user


def run_import(directory):
    report = import_content(directory)
    db.session.commit()
    return report


def items_of(module_slug):
    return db.session.scalars(
        select(Item).join(Module).where(Module.slug == module_slug).order_by(Item.position)
    ).all()


def media_root(app) -> Path:
    return Path(app.config["MEDIA_ROOT"])


def add_progress(item, email="learner@example.org"):
    user = make_user(email)
    progress = Progress(user_id=user.id, item_id=item.id, status="in_progress")
    db.session.add(progress)
    db.session.commit()
    return progress


def remove_report(content_dir):
    """Take the item 'report' out of the first module, and the reference to it."""
    edit_yaml(content_dir / "01-first-module" / "module.yml",
              lambda data: data["items"].pop(2))
    edit_yaml(content_dir / "01-first-module" / "instrument.yml",
              lambda data: data["dimensions"][1]["helpful_items"].remove("first-module/report"))


def test_a_valid_folder_imports_the_course_modules_items_and_instruments(app, content_dir):
    report = run_import(content_dir)

    course = db.session.scalar(select(Course))
    assert (course.slug, course.title) == ("demo-course", "A demo course")
    assert course.description == ("The first paragraph of the description.\n\n"
                                  "The second paragraph, after a blank line.")
    assert course.issuers == ["Caribbean Centre for Development Administration (CARICAD)",
                              "UN DESA"]
    first, second = course.modules
    assert (first.slug, first.position, first.live_session_on) == (
        "first-module", 1, date(2024, 2, 21))
    assert first.speakers == ["A. Speaker"]
    assert first.outcomes == ["Explain the first idea.", "Apply the second idea."]
    assert first.summary == "What the first module is about.\n\nA second paragraph."
    assert first.is_published and not second.is_published

    recording, notes, report_item, assessment = first.items
    assert [item.slug for item in first.items] == [
        "introduction", "notes", "report", "self-assessment"]
    assert [item.position for item in first.items] == [1, 2, 3, 4]
    assert recording.video_path == "demo-course/first-module/intro.webm"
    assert recording.captions_path == "demo-course/first-module/intro.vtt"
    assert recording.transcript == ("Welcome to the first module.\n\n"
                                    "This is the transcript of the introduction.")
    assert (recording.duration_seconds, recording.completion_threshold,
            recording.transcript_completes) == (60, 90, True)
    assert notes.body_html.startswith("<h2>Study notes</h2>")
    assert notes.citation == "A Report on Things. Some Publisher, 2021."
    assert report_item.file_path == "demo-course/first-module/report.pdf"
    assert report_item.url == "https://example.org/report"
    assert not report_item.is_required and report_item.minutes == 30

    talk = second.items[0]
    assert talk.embed_url == "https://video.example.org/embed/123"
    assert talk.video_path is None and talk.completion_threshold == 80
    assert talk.transcript_completes is False

    instrument = assessment.instrument
    assert (instrument.slug, instrument.level, instrument.is_before_after) == (
        "my-mindset", "individual", True)
    assert instrument.scale_labels[0] == "Strongly disagree"
    assert [(b.slug, b.min_score, b.max_score) for b in instrument.bands] == [
        ("emerging", 0, 40), ("developing", 40, 70), ("established", 70, 100)]
    learning, collaboration = instrument.dimensions
    assert [(s.text, s.is_reverse_scored) for s in learning.statements] == [
        ("I ask for feedback on my work.", False), ("I avoid changing how I work.", True)]
    assert learning.feedback_for(instrument.bands[1]) == "Make feedback a habit."
    assert collaboration.helpful_items == ["first-module/report", "second-module/briefing"]
    assert second.items[2].instrument.level == "organisational"

    for name in ("intro.webm", "intro.vtt", "report.pdf"):
        copied = media_root(app) / "demo-course" / "first-module" / name
        source = next(content_dir.rglob(name))
        assert copied.read_bytes() == source.read_bytes()
    assert report.created == db.session.scalar(select(func.count(Statement.id))) + sum(
        db.session.scalar(select(func.count()).select_from(model))
        for model in (Course, Module, Item, Instrument, Dimension, Band)
    ) + 3 * 2 + 2 * 1  # feedback: 3 bands x 2 dimensions, 2 bands x 1 dimension
    assert (report.updated, report.deleted, report.media_copied) == (0, 0, 3)


def test_a_course_may_word_its_certificate_and_stay_unpublished(content_dir):
    run_import(content_dir)
    course = db.session.scalar(select(Course))
    # Neither is in the fixture: the default wording (None), and published.
    assert (course.certificate_wording, course.is_published) == (None, True)

    edit_yaml(content_dir / "course.yml", lambda data: data.update(
        published=False, certificate_wording="  has taken part in every module of  "))
    report = run_import(content_dir)
    assert report.updated == 1
    assert (course.certificate_wording, course.is_published) == (
        "has taken part in every module of", False)

    edit_yaml(content_dir / "course.yml",
              lambda data: [data.pop("published"), data.pop("certificate_wording")])
    run_import(content_dir)
    assert (course.certificate_wording, course.is_published) == (None, True)

def test_an_item_is_published_unless_its_file_says_it_is_a_draft(content_dir):
    edit_yaml(content_dir / "01-first-module" / "module.yml",
              lambda data: data["items"][1].update(published=False))
    run_import(content_dir)
    assert [(item.slug, item.is_published) for item in items_of("first-module")] == [
        ("introduction", True), ("notes", False), ("report", True), ("self-assessment", True)]

    # Publishing it in the files publishes it in place: its progress is kept.
    progress = add_progress(items_of("first-module")[1])
    edit_yaml(content_dir / "01-first-module" / "module.yml",
              lambda data: data["items"][1].pop("published"))
    report = run_import(content_dir)
    assert report.updated == 1
    notes = items_of("first-module")[1]
    assert notes.is_published and progress.item_id == notes.id


def test_a_script_in_a_reading_page_is_removed_with_its_content(content_dir):
    run_import(content_dir)
    notes = db.session.scalar(select(Item).where(Item.slug == "notes"))
    assert "<script" not in notes.body_html and "stolen cookies" not in notes.body_html
    assert "onclick" not in notes.body_html and "javascript:" not in notes.body_html
    assert '<a href="https://example.org/more" title="More">more</a>' in notes.body_html


def test_importing_twice_changes_nothing(app, content_dir):
    first = run_import(content_dir)
    before = snapshot()
    media = {p: p.stat().st_mtime_ns for p in media_root(app).rglob("*") if p.is_file()}

    second = run_import(content_dir)

    assert snapshot() == before
    assert not second.changed
    assert (second.created, second.updated, second.deleted) == (0, 0, 0)
    assert second.unchanged == first.created
    assert second.media_unchanged == 3
    assert {p: p.stat().st_mtime_ns for p in media_root(app).rglob("*") if p.is_file()} == media
    assert "no changes" in second.summary()


def test_an_edit_updates_rows_in_place_and_keeps_progress(content_dir):
    run_import(content_dir)
    notes = db.session.scalar(select(Item).where(Item.slug == "notes"))
    notes_id, module_ids = notes.id, {m.slug: m.id for m in db.session.scalars(select(Module))}
    dimension_ids = {d.slug: d.id for d in db.session.scalars(select(Dimension))}
    progress = add_progress(notes)

    def edit_module(data):
        data["items"][1]["title"] = "Study notes, revised"
        data["items"].reverse()
    edit_yaml(content_dir / "01-first-module" / "module.yml", edit_module)

    def edit_instrument(data):
        data["dimensions"].reverse()
        data["dimensions"][0]["statements"][0]["text"] = "I involve other units at the start."
        data["dimensions"][0]["statements"].append({"text": "I ask users what they need."})
        data["bands"][0]["label"] = "Beginning"
    edit_yaml(content_dir / "01-first-module" / "instrument.yml", edit_instrument)

    report = run_import(content_dir)

    notes = db.session.get(Item, notes_id)
    assert notes.title == "Study notes, revised"
    assert [item.slug for item in items_of("first-module")] == [
        "self-assessment", "report", "notes", "introduction"]
    assert notes.position == 3
    assert {m.slug: m.id for m in db.session.scalars(select(Module))} == module_ids
    assert db.session.get(Progress, progress.id).item_id == notes_id

    instrument = db.session.scalar(select(Instrument).where(Instrument.slug == "my-mindset"))
    assert [d.slug for d in instrument.dimensions] == ["collaboration", "learning"]
    assert {d.slug: d.id for d in instrument.dimensions} == {
        slug: dimension_ids[slug] for slug in ("collaboration", "learning")}
    collaboration = instrument.dimensions[0]
    assert [s.text for s in collaboration.statements] == [
        "I involve other units at the start.", "I share information with other agencies.",
        "I prefer to work alone.", "I ask users what they need."]
    assert instrument.bands[0].label == "Beginning"
    assert report.created == 1 and report.deleted == 0 and report.updated > 0


def test_modules_swap_positions_without_tripping_the_unique_constraint(content_dir):
    run_import(content_dir)
    ids = {m.slug: m.id for m in db.session.scalars(select(Module))}
    edit_yaml(content_dir / "01-first-module" / "module.yml",
              lambda data: data.update(position=2))
    edit_yaml(content_dir / "02-second-module" / "module.yml",
              lambda data: data.update(position=1))
    (content_dir / "01-first-module").rename(content_dir / "02-first-module")
    (content_dir / "02-second-module").rename(content_dir / "01-second-module")

    run_import(content_dir)

    course = db.session.scalar(select(Course))
    assert [(m.slug, m.position, m.id) for m in course.modules] == [
        ("second-module", 1, ids["second-module"]), ("first-module", 2, ids["first-module"])]


def test_an_item_removed_from_the_files_is_deleted_when_nobody_has_progress(content_dir):
    run_import(content_dir)
    kept = {item.slug: item.id for item in items_of("first-module")}
    remove_report(content_dir)

    report = run_import(content_dir)

    assert {item.slug: item.id for item in items_of("first-module")} == {
        slug: id_ for slug, id_ in kept.items() if slug != "report"}
    assert [item.position for item in items_of("first-module")] == [1, 2, 3]
    assert report.deleted == 1


def test_a_removed_self_assessment_takes_its_instrument_with_it(content_dir):
    run_import(content_dir)
    edit_yaml(content_dir / "02-second-module" / "module.yml",
              lambda data: data["items"].pop(2))
    (content_dir / "02-second-module" / "organisation.yml").unlink()

    report = run_import(content_dir)

    assert db.session.scalars(select(Instrument.slug)).all() == ["my-mindset"]
    # the item, the instrument, its two bands, its dimension, statement and two feedback texts
    assert report.deleted == 8


def test_an_item_with_progress_cannot_be_removed(content_dir):
    run_import(content_dir)
    add_progress(db.session.scalar(select(Item).where(Item.slug == "report")))
    before = snapshot()
    remove_report(content_dir)

    with pytest.raises(ContentInvalid) as raised:
        import_content(content_dir)
    db.session.rollback()

    (error,) = raised.value.errors
    assert (error.file, error.field) == ("01-first-module/module.yml", "items")
    assert "'report'" in error.message and "1 participant have progress" in error.message
    assert snapshot() == before


def test_a_module_with_progress_cannot_be_removed(content_dir):
    run_import(content_dir)
    add_progress(db.session.scalar(select(Item).where(Item.slug == "talk")))
    before = snapshot()
    for path in sorted((content_dir / "02-second-module").iterdir(), reverse=True):
        path.unlink()
    (content_dir / "02-second-module").rmdir()
    edit_yaml(content_dir / "01-first-module" / "instrument.yml",
              lambda data: data["dimensions"][1]["helpful_items"].pop())

    with pytest.raises(ContentInvalid) as raised:
        import_content(content_dir)
    db.session.rollback()

    (error,) = raised.value.errors
    assert error.file == "02-second-module/module.yml"
    assert "module 'second-module'" in error.message and "'talk'" in error.message
    assert snapshot() == before


def test_a_module_without_progress_is_removed_with_its_items(content_dir):
    run_import(content_dir)
    for path in sorted((content_dir / "02-second-module").iterdir(), reverse=True):
        path.unlink()
    (content_dir / "02-second-module").rmdir()
    edit_yaml(content_dir / "01-first-module" / "instrument.yml",
              lambda data: data["dimensions"][1]["helpful_items"].pop())

    run_import(content_dir)

    assert db.session.scalars(select(Module.slug)).all() == ["first-module"]
    assert db.session.scalar(select(func.count(Item.id))) == 4
    assert db.session.scalars(select(Instrument.slug)).all() == ["my-mindset"]


def test_an_item_can_change_kind_in_place(content_dir):
    run_import(content_dir)
    report_id = db.session.scalar(select(Item.id).where(Item.slug == "report"))

    def to_recording(data):
        data["items"][2]["kind"] = "recording"
        del data["items"][2]["reading"]
        data["items"][2]["recording"] = {"embed": "https://video.example.org/embed/9",
                                         "duration_seconds": 30}
    edit_yaml(content_dir / "01-first-module" / "module.yml", to_recording)

    run_import(content_dir)

    item = db.session.get(Item, report_id)
    assert (item.kind, item.embed_url, item.url, item.file_path) == (
        "recording", "https://video.example.org/embed/9", None, None)


def test_changed_media_bytes_are_copied_again(app, content_dir):
    run_import(content_dir)
    (content_dir / "01-first-module" / "media" / "intro.vtt").write_text(
        "WEBVTT\n\n00:00:00.000 --> 00:00:02.000\nWelcome, again.\n")

    report = run_import(content_dir)

    folder = media_root(app) / "demo-course" / "first-module"
    assert "Welcome, again." in (folder / "intro.vtt").read_text()
    assert (report.media_copied, report.media_unchanged) == (1, 2)
    assert sorted(os.listdir(folder)) == ["intro.vtt", "intro.webm", "report.pdf"]
    assert not report.created and not report.updated
