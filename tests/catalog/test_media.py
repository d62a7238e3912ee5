"""Serving recordings, captions and PDFs: range requests, types, caching, paths."""

import pytest

from tests.conftest import page


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
    ("file", 1, "inline", ".pdf", "application/pdf"),
])
def test_video_captions_and_a_reading_pdf_are_shown_by_the_browser(
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


def test_a_pdf_asked_for_with_download_is_saved_under_the_items_name(client, world, media,
                                                                       sign_in_as):
    sign_in_as("enrolled")
    reading = world.modules[0].items[1]
    soup = page(client.get(f"/courses/mindsets/modules/one/items/{reading.slug}"))
    view = soup.find("a", string="Read the PDF in your browser (opens in a new tab)")
    download = soup.find("a", string="Download the PDF")
    assert view["href"] == f"/items/{reading.id}/file"
    assert "download" in download.attrs
    size = (media / reading.file_path.split("/", 2)[-1]).stat().st_size
    assert view.parent.get_text(" ", strip=True).endswith(f"· {max(1, size // 1024)} KB")
    response = get(client, download["href"])
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == f"attachment; filename={reading.slug}.pdf"


def test_a_pdf_missing_from_the_disk_shows_no_size(client, db, world, media, sign_in_as):
    reading = world.modules[0].items[1]
    reading.file_path = "mindsets/one/gone.pdf"
    db.session.commit()
    sign_in_as("enrolled")
    soup = page(client.get(f"/courses/mindsets/modules/one/items/{reading.slug}"))
    view = soup.find("a", string="Read the PDF in your browser (opens in a new tab)")
    assert view.parent.get_text(" ", strip=True) == view.get_text(strip=True)


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
