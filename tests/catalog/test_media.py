"""Serving recordings, captions and PDFs: range requests, types, caching, paths."""

import pytest


def get(client, path, **kwargs):
    with client.get(path, **kwargs) as response:
        response.body = response.get_data()
        return response


@pytest.fixture
def recording(world):
    return world.modules[0].items[0]


def test_video_is_served_with_range_support(client, world, media, sign_in_as, recording):
    sign_in_as("enrolled")
    whole = get(client, f"/items/{recording.id}/video")
    assert whole.status_code == 200
    assert whole.mimetype == "video/webm"
    assert whole.headers["Accept-Ranges"] == "bytes"
    assert len(whole.body) == 1024
    partial = get(client, f"/items/{recording.id}/video", headers={"Range": "bytes=0-99"})
    assert partial.status_code == 206
    assert len(partial.body) == 100
    assert partial.body == bytes(range(100))
    assert partial.headers["Content-Range"] == "bytes 0-99/1024"


def test_media_is_kept_privately_and_revalidated(client, world, media, sign_in_as, recording):
    sign_in_as("enrolled")
    response = get(client, f"/items/{recording.id}/video")
    assert response.headers["Cache-Control"] in ("private, no-cache", "no-cache, private")
    again = get(client, f"/items/{recording.id}/video",
                headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304
    assert again.body == b""
    partial = get(client, f"/items/{recording.id}/video", headers={"Range": "bytes=0-99"})
    assert partial.status_code == 206
    assert partial.cache_control.no_cache and partial.cache_control.private


@pytest.mark.parametrize(("kind", "mimetype"), [
    ("captions", "text/vtt"),
    ("file", "application/pdf"),
])
def test_media_types(client, world, media, sign_in_as, kind, mimetype):
    sign_in_as("enrolled")
    item = world.modules[0].items[0 if kind == "captions" else 1]
    response = get(client, f"/items/{item.id}/{kind}")
    assert response.status_code == 200
    assert response.mimetype == mimetype


@pytest.mark.parametrize("kind", ["transcript", "video_path", "..", "file"])
def test_unknown_kinds_and_missing_files_are_not_found(client, world, media, sign_in_as,
                                                        recording, kind):
    sign_in_as("enrolled")
    assert get(client, f"/items/{recording.id}/{kind}").status_code == 404


def test_a_path_climbing_out_of_media_root_is_refused(client, db, app, world, media, sign_in_as,
                                                      recording):
    (media.parent.parent.parent / "secret.txt").write_text("secret")
    recording.video_path = "../secret.txt"
    db.session.commit()
    sign_in_as("enrolled")
    assert get(client, f"/items/{recording.id}/video").status_code == 404


@pytest.mark.parametrize(("kind", "index", "disposition", "suffix", "mimetype"), [
    ("video", 0, "inline", ".webm", "video/webm"),
    ("captions", 0, "inline", ".vtt", "text/vtt"),
    ("file", 1, "attachment", ".pdf", "application/pdf"),
])
def test_the_player_gets_video_and_captions_inline_and_a_pdf_is_downloaded(
        client, world, media, sign_in_as, kind, index, disposition, suffix, mimetype):
    sign_in_as("enrolled")
    item = world.modules[0].items[index]
    response = get(client, f"/items/{item.id}/{kind}")
    assert response.status_code == 200
    # Saved under the item's name, not the stored file's.
    assert response.headers["Content-Disposition"] == f"{disposition}; filename={item.slug}{suffix}"
    assert response.mimetype == mimetype
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    partial = get(client, f"/items/{item.id}/{kind}", headers={"Range": "bytes=0-3"})
    assert partial.status_code == 206
    assert partial.headers["Content-Disposition"] == response.headers["Content-Disposition"]


@pytest.mark.parametrize("name", ["page.html", "image.svg", "notes"])
def test_a_file_of_another_type_is_downloaded_as_bytes(client, db, world, media, sign_in_as,
                                                       name):
    (media / name).write_text("<script>alert(1)</script>")
    reading = world.modules[0].items[1]
    reading.file_path = f"mindsets/one/{name}"
    db.session.commit()
    sign_in_as("enrolled")
    response = get(client, f"/items/{reading.id}/file")
    assert response.status_code == 200
    assert response.mimetype == "application/octet-stream"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
