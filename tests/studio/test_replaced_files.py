"""Files a change lets go of leave MEDIA_ROOT: a replaced PDF, video or captions, and the
files of content deleted for good; but only once the change is committed, and never a file
another item still uses."""

import io
from pathlib import Path

import pytest
from sqlalchemy import select

from learning.catalog.models import Item
from learning.database import db as _db
from learning.studio import courses, item_rules
from tests.catalog.world import media  # noqa: F401
from tests.studio.helpers import READING
from tests.studio.test_recordings import VTT, WEBM
from tests.studio.test_uploads import PDF

pytestmark = pytest.mark.usefixtures("media")
BASE = "/studio/courses/mindsets/modules"
RECORDING = {"title": "Recording", "slug": "recording", "minutes": "60", "is_required": "y",
             "transcript": "Welcome.", "completion_threshold": "90"}


def _stored(app):
    root = Path(app.config["MEDIA_ROOT"])
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}


def _edit_reading(client, module, reading):
    return client.post(f"{BASE}/{module.id}/readings/{reading.id}/edit",
                       content_type="multipart/form-data",
                       data={**READING, "slug": reading.slug,
                             "pdf": (io.BytesIO(PDF), "new.pdf")})


def _edit_recording(client, module, recording, **files):
    data = {**RECORDING, "slug": recording.slug}
    if "video" in files:
        data["video"] = (io.BytesIO(files["video"]), "new.webm")
    if "captions" in files:
        data["captions"] = (io.BytesIO(files["captions"]), "new.vtt")
    return client.post(f"{BASE}/{module.id}/recordings/{recording.id}/edit",
                       content_type="multipart/form-data", data=data)


def _fresh(db, item_id):
    db.session.expire_all()
    return db.session.get(Item, item_id)


def test_a_replaced_pdf_is_removed(app, client, db, world, sign_in_as):
    one = world.modules[0]
    reading = one.items[1]
    sign_in_as("facilitator")
    assert _edit_reading(client, one, reading).status_code == 302
    reading = _fresh(db, reading.id)
    assert reading.file_path != "mindsets/one/reading.pdf"
    stored = _stored(app)
    assert reading.file_path in stored and "mindsets/one/reading.pdf" not in stored


def test_a_replaced_video_and_captions_are_removed(app, client, db, world, sign_in_as):
    one = world.modules[0]
    recording = one.items[0]
    sign_in_as("facilitator")
    assert _edit_recording(client, one, recording, video=WEBM, captions=VTT).status_code == 302
    recording = _fresh(db, recording.id)
    stored = _stored(app)
    assert {recording.video_path, recording.captions_path} <= stored
    assert not {"mindsets/one/intro.webm", "mindsets/one/intro.vtt"} & stored


def test_saving_without_new_files_keeps_them(app, client, db, world, sign_in_as):
    one = world.modules[0]
    before = _stored(app)
    sign_in_as("facilitator")
    assert _edit_recording(client, one, one.items[0]).status_code == 302
    assert _stored(app) == before


def test_a_file_another_item_uses_stays(app, client, db, world, sign_in_as):
    one, two = world.modules[0], world.modules[1]
    # An import may give two items the same file.
    two.items[0].captions_path = "mindsets/one/intro.vtt"
    db.session.commit()
    sign_in_as("facilitator")
    assert _edit_recording(client, one, one.items[0], captions=VTT).status_code == 302
    assert "mindsets/one/intro.vtt" in _stored(app)


def test_nothing_is_removed_when_the_change_is_not_committed(app, client, db, world,
                                                             sign_in_as, monkeypatch):
    one = world.modules[0]
    reading = one.items[1]
    sign_in_as("facilitator")
    before = _stored(app)

    def fail():
        raise RuntimeError("the database went away")

    monkeypatch.setattr(_db.session, "commit", fail)
    with pytest.raises(RuntimeError):
        _edit_reading(client, one, reading)
    with pytest.raises(RuntimeError):
        _edit_recording(client, one, one.items[0], video=WEBM, captions=VTT)
    monkeypatch.undo()
    # The old files are still there for the rows that still name them; the new ones are gone.
    assert _stored(app) == before


def test_a_refused_change_keeps_the_old_file(app, client, db, world, sign_in_as,
                                             monkeypatch):
    def refuse(item, fields):
        raise courses.StudioError("Another item of this module already uses this slug.")

    monkeypatch.setattr(item_rules, "update_reading", refuse)
    one = world.modules[0]
    sign_in_as("facilitator")
    before = _stored(app)
    assert _edit_reading(client, one, one.items[1]).status_code == 200
    assert _stored(app) == before


def test_deleting_an_untouched_item_removes_its_files(app, client, db, world,
                                                      sign_in_as):
    one = world.modules[0]
    sign_in_as("facilitator")
    response = client.post(f"{BASE}/{one.id}/items/{one.items[0].id}/delete")
    assert response.status_code == 302
    assert _stored(app) == {"mindsets/one/reading.pdf", "mindsets/two/intro.vtt"}


def test_deleting_an_untouched_module_removes_its_items_files(app, client, db, world,
                                                              sign_in_as):
    one, two = world.modules[0], world.modules[1]
    sign_in_as("facilitator")
    assert client.post(f"{BASE}/{one.id}/delete").status_code == 302
    assert db.session.scalar(select(Item).where(Item.module_id == one.id)) is None
    assert _stored(app) == {two.items[0].captions_path}
