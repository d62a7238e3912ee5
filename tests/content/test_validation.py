from pathlib import Path

import pytest
from sqlalchemy import func, select

from learning.catalog.models import Course
from learning.content.folder import validate_content
from learning.content.importer import import_content
from learning.content.specs import ContentError, ContentInvalid
from learning.database import db
from tests.content.conftest import edit_yaml, snapshot, tree

MODULE = "01-first-module/module.yml"
INSTRUMENT = "01-first-module/instrument.yml"


def course(change):
    return lambda root: edit_yaml(root / "course.yml", change)


def module(change):
    return lambda root: edit_yaml(root / MODULE, change)


def instrument(change):
    return lambda root: edit_yaml(root / INSTRUMENT, change)


def replace(file, old, new):
    def edit(root):
        path = root / file
        text = path.read_text()
        assert old in text
        path.write_text(text.replace(old, new))
    return edit


def write(file, content):
    return lambda root: (root / file).write_text(content)


def set_item(index, *keys, value):
    def change(data):
        target = data["items"][index]
        for key in keys[:-1]:
            target = target[key]
        target[keys[-1]] = value
    return module(change)


BAD_INPUTS = [
    ("missing title", module(lambda d: d.pop("title")), MODULE, "title", "missing"),
    ("unknown key", set_item(0, "requierd", value=True), MODULE, "items[0].requierd",
     "unknown key (did you mean 'required'?)"),
    ("bad date", replace(MODULE, "live_session: 2024-02-21", "live_session: 2024-02-30"),
     MODULE, "live_session", "bad date"),
    ("date as text", module(lambda d: d.update(live_session="next week")), MODULE,
     "live_session", "bad date"),
    ("duplicate item slug", set_item(1, "slug", value="introduction"), MODULE,
     "items[1].slug", "duplicate slug"),
    ("band gap", instrument(lambda d: d["bands"][1].update(min=45)), INSTRUMENT,
     "bands[1].min", "gap: scores 40 to 45 are in no band"),
    ("band overlap", instrument(lambda d: d["bands"][1].update(min=30)), INSTRUMENT,
     "bands[1].min", "overlap"),
    ("bands stop short of 100", instrument(lambda d: d["bands"][2].update(max=90)),
     INSTRUMENT, "bands[2].max", "gap"),
    ("missing feedback", instrument(lambda d: d["dimensions"][0]["feedback"].pop("developing")),
     INSTRUMENT, "dimensions[0].feedback.developing", "missing"),
    ("feedback for an unknown band",
     instrument(lambda d: d["dimensions"][0]["feedback"].update(expert="Well done.")),
     INSTRUMENT, "dimensions[0].feedback.expert", "unknown key"),
    ("path traversal", set_item(0, "recording", "transcript", value="../../etc/passwd"),
     MODULE, "items[0].recording.transcript", "path traversal"),
    ("absolute path", set_item(0, "recording", "captions", value="/etc/passwd"),
     MODULE, "items[0].recording.captions", "path traversal"),
    ("missing file", set_item(0, "recording", "video", value="media/nope.webm"), MODULE,
     "items[0].recording.video", "missing file"),
    ("captions not WebVTT", write("01-first-module/media/intro.vtt", "1\n00:00 --> 00:02\nHi\n"),
     MODULE, "items[0].recording.captions", "not WebVTT"),
    ("PDF not a PDF", write("01-first-module/readings/report.pdf", "<html>a page</html>"),
     MODULE, "items[2].reading.file", "not a PDF"),
    ("http url", set_item(2, "reading", "url", value="http://example.org/report"), MODULE,
     "items[2].reading.url", "not an https URL"),
    ("javascript embed", set_item(0, "recording", "embed", value="javascript:alert(1)"),
     MODULE, "items[0].recording.embed", "either video"),
    ("bad level", instrument(lambda d: d.update(level="national")), INSTRUMENT, "level",
     "'national' is not one of: individual, organisational, institutional"),
    ("four scale labels", instrument(lambda d: d["scale"].pop()), INSTRUMENT, "scale",
     "exactly 5"),
    ("YAML syntax error", write("course.yml", "slug: demo-course\ntitle: [unclosed\n"),
     "course.yml", "line 3", "YAML syntax error"),
    ("duplicate YAML key", replace("course.yml", "title: A demo course",
                                   "title: A demo course\ntitle: Again"),
     "course.yml", "line 3", "found the key 'title' twice"),
    ("overlong title", module(lambda d: d.update(title="x" * 201)), MODULE, "title",
     "too long: 201 characters, at most 200"),
    ("unknown helpful item", instrument(
        lambda d: d["dimensions"][0]["helpful_items"].append("first-module/nothing")),
     INSTRUMENT, "dimensions[0].helpful_items[1]", "unknown item"),
    ("number for text", set_item(1, "title", value=2024), MODULE, "items[1].title",
     "wrong type: expected text, found a number (put it in quotes)"),
    ("text for a number", set_item(0, "minutes", value="ten"), MODULE, "items[0].minutes",
     "wrong type"),
    ("text for published", set_item(1, "published", value="later"), MODULE,
     "items[1].published", "wrong type: expected true or false"),
    ("threshold out of range", set_item(0, "recording", "threshold", value=150), MODULE,
     "items[0].recording.threshold", "out of range"),
    ("zero duration", set_item(0, "recording", "duration_seconds", value=0), MODULE,
     "items[0].recording.duration_seconds", "out of range"),
    ("duration beyond a day", set_item(0, "recording", "duration_seconds", value=2**32),
     MODULE, "items[0].recording.duration_seconds",
     "out of range: 4294967296 (must be from 1 to 86400)"),
    ("reading without a source", set_item(1, "reading", value={"citation": "A book."}),
     MODULE, "items[1].reading", "needs a page, a file or a url"),
    ("unknown kind", set_item(1, "kind", value="quiz"), MODULE, "items[1].kind",
     "not one of"),
    ("another kind's section", set_item(1, "instrument", value="instrument.yml"), MODULE,
     "items[1].instrument", "only for self-assessment items"),
    ("bad slug", module(lambda d: d.update(slug="First Module")), MODULE, "slug",
     "not a valid slug"),
    ("folder name disagrees", module(lambda d: d.update(position=3)), MODULE, "position",
     "does not match the folder name"),
    ("duplicate instrument slug", lambda root: edit_yaml(
        root / "02-second-module/organisation.yml", lambda d: d.update(slug="my-mindset")),
     "02-second-module/organisation.yml", "slug", "duplicate slug"),
    ("page empty once sanitised", write("01-first-module/readings/notes.html",
                                        "<script>only a script</script>"),
     MODULE, "items[1].reading.page", "no content left"),
    ("missing course.yml", lambda root: (root / "course.yml").unlink(), "course.yml", "",
     "missing file"),
    ("overlong certificate wording", course(lambda d: d.update(certificate_wording="x" * 201)),
     "course.yml", "certificate_wording", "too long: 201 characters, at most 200"),
    ("certificate wording on two lines",
     course(lambda d: d.update(certificate_wording="has completed\nthe course")),
     "course.yml", "certificate_wording", "not one line"),
    ("certificate wording not text", course(lambda d: d.update(certificate_wording=True)),
     "course.yml", "certificate_wording", "wrong type: expected text"),
    ("course published not true or false", course(lambda d: d.update(published="no")),
     "course.yml", "published", "wrong type: expected true or false"),
    ("folder that is not a module", lambda root: (root / "drafts").mkdir(), "drafts", "",
     "not a module folder"),
]


@pytest.mark.parametrize(("change", "file", "field", "message"),
                         [case[1:] for case in BAD_INPUTS], ids=[case[0] for case in BAD_INPUTS])
def test_bad_input_is_refused_naming_file_and_field_and_imports_nothing(
        app, content_dir, change, file, field, message):
    change(content_dir)

    with pytest.raises(ContentInvalid) as raised:
        import_content(content_dir)
    db.session.rollback()

    errors = raised.value.errors
    assert any(e.file == file and e.field == field and message in e.message for e in errors), \
        "\n".join(map(str, errors))
    assert validate_content(content_dir) == errors
    assert db.session.scalar(select(func.count(Course.id))) == 0
    assert not Path(app.config["MEDIA_ROOT"]).exists()


def test_every_problem_in_every_file_is_reported_at_once(content_dir):
    module(lambda d: d.update(title="x" * 300, outcomes="one"))(content_dir)
    instrument(lambda d: d.update(level="team"))(content_dir)
    write("02-second-module/organisation.yml", "slug: [")(content_dir)

    errors = validate_content(content_dir)

    assert [(e.file, e.field) for e in errors] == [
        (INSTRUMENT, "level"), (MODULE, "title"), (MODULE, "outcomes"),
        ("02-second-module/organisation.yml", "line 1"),
    ]


def test_a_bad_edit_after_an_import_changes_nothing_in_the_database_or_media(app, content_dir):
    import_content(content_dir)
    db.session.commit()
    before, media = snapshot(), tree(Path(app.config["MEDIA_ROOT"]))
    (content_dir / "01-first-module" / "media" / "intro.webm").write_bytes(b"new video bytes")
    module(lambda d: d.update(title="A better title"))(content_dir)
    instrument(lambda d: d["bands"][1].update(min=41))(content_dir)

    with pytest.raises(ContentInvalid):
        import_content(content_dir)
    db.session.rollback()

    assert snapshot() == before
    assert tree(Path(app.config["MEDIA_ROOT"])) == media


def test_an_error_reads_as_file_field_and_message():
    assert str(ContentError("01-a/module.yml", "items[2].title", "missing")) == \
        "01-a/module.yml: items[2].title: missing"
    assert str(ContentError("course.yml", "", "missing file")) == "course.yml: missing file"


def test_a_symlink_out_of_the_module_folder_is_path_traversal(content_dir, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("not for import")
    (content_dir / "01-first-module" / "leak.txt").symlink_to(secret)
    set_item(0, "recording", "transcript", value="leak.txt")(content_dir)

    errors = validate_content(content_dir)

    assert [(e.field, e.message.split(":")[0]) for e in errors] == [
        ("items[0].recording.transcript", "path traversal")]
