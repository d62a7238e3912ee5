"""Images for readings: uploaded to a course's library (checked by content, limited in size,
stored by random name), served to the course's people with nosniff, and shown in readings
through the one sanitiser, which lets an image come from this site's course images only."""

import io
import re
from pathlib import Path

import pytest
from flask import url_for
from sqlalchemy import select

from learning.catalog.models import Item
from learning.content.sanitise import IMAGE_SRC, markdown_to_html, sanitise_html
from tests.conftest import page
from tests.studio.helpers import READING

LIBRARY = "/studio/courses/mindsets/images"
IMAGES = {
    "png": b"\x89PNG\r\n\x1a\n" + bytes(32),
    "jpg": b"\xff\xd8\xff\xe0" + bytes(32),
    "gif": b"GIF89a" + bytes(32),
    "webp": b"RIFF\x24\x00\x00\x00WEBPVP8 " + bytes(32),
}


def _upload(client, content, name="picture.png"):
    return client.post(LIBRARY, content_type="multipart/form-data",
                       data={"image": (io.BytesIO(content), name)})


def _stored(app):
    root = Path(app.config["MEDIA_ROOT"])
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


def _markdown(client):
    return [field["value"] for field in page(client.get(LIBRARY)).select(
        ".image-library input[readonly]")]


@pytest.mark.parametrize("kind", sorted(IMAGES))
def test_an_image_is_stored_by_random_name_and_given_as_markdown(app, client, world,
                                                                 sign_in_as, kind):
    sign_in_as("facilitator")
    assert page(client.get("/studio/courses/mindsets")).find(
        "a", string="Images for readings")["href"] == LIBRARY
    response = _upload(client, IMAGES[kind], name="../../holiday.svg")
    assert response.status_code == 302
    [stored] = _stored(app)
    assert re.fullmatch(rf"mindsets/images/[0-9a-f]{{32}}\.{kind}", stored)
    name = stored.rsplit("/", 1)[1]
    assert _markdown(client) == [f"![Describe the image](/courses/mindsets/images/{name})"]


@pytest.mark.parametrize("content", [
    b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
    b"<html><script>alert(1)</script></html>",
    b"%PDF-1.4\n",
])
def test_anything_but_an_image_is_refused_whatever_its_name(app, client, world, sign_in_as,
                                                            content):
    sign_in_as("facilitator")
    response = _upload(client, content, name="photo.png")
    assert response.status_code == 200
    assert "is not a PNG, JPEG, WebP or GIF image" in page(response).select_one(
        ".error-summary").get_text()
    assert _stored(app) == []


def test_an_image_past_the_limit_is_refused(app, client, world, sign_in_as):
    app.config["IMAGE_MAX_BYTES"] = 16
    sign_in_as("facilitator")
    response = _upload(client, IMAGES["png"])
    assert response.status_code == 200
    assert "larger than 1 KB" in page(response).select_one(".error-summary").get_text()
    assert _stored(app) == []
    # A request declaring far more is refused before it is read.
    response = _upload(client, IMAGES["png"] + bytes(300 * 1024))
    assert response.status_code == 413
    assert _stored(app) == []


def test_the_library_is_for_the_courses_authors(client, world, sign_in_as, auth):
    for who, status in (("other_facilitator", 403), ("enrolled", 403), ("manager", 403)):
        sign_in_as(who)
        assert client.get(LIBRARY).status_code == status, who
        auth.logout()


@pytest.fixture
def image(app, client, world, sign_in_as, auth):
    sign_in_as("facilitator")
    assert _upload(client, IMAGES["png"]).status_code == 302
    auth.logout()
    return _stored(app)[0].rsplit("/", 1)[1]


def test_the_courses_people_are_served_the_image(client, world, sign_in_as, auth, image):
    sign_in_as("enrolled")
    with client.get(f"/courses/mindsets/images/{image}") as response:
        assert response.status_code == 200
        assert response.mimetype == "image/png"
        assert response.headers["Content-Disposition"].startswith("inline")
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.data == IMAGES["png"]
    for wrong in ("0" * 32 + ".png", image.replace(".png", ".svg"), "..%2F..%2Fsecret.png",
                  image.upper()):
        assert client.get(f"/courses/mindsets/images/{wrong}").status_code == 404, wrong
    # The image belongs to its course: another course's address does not find it.
    assert client.get(f"/courses/draft/images/{image}").status_code == 404
    auth.logout()
    sign_in_as("outsider")
    assert client.get(f"/courses/mindsets/images/{image}").status_code == 403


def test_a_reading_shows_the_image_and_no_other(client, db, world, sign_in_as, auth, image):
    sign_in_as("facilitator")
    body = (f"# Figure\n\n![The funnel of change](/courses/mindsets/images/{image})\n\n"
            "![tracker](https://tracker.example/pixel.gif)")
    response = client.post(f"/studio/courses/mindsets/modules/{world.modules[0].id}"
                           "/readings/new", data={**READING, "body": body})
    assert response.status_code == 302
    auth.logout()
    sign_in_as("enrolled")
    soup = page(client.get("/courses/mindsets/modules/one/items/short-guide"))
    images = soup.select(".reading-body img")
    assert images[0]["src"] == f"/courses/mindsets/images/{image}"
    assert images[0]["alt"] == "The funnel of change"
    assert len(images) == 1  # the other host's image is gone, not left empty
    stored = db.session.scalar(select(Item.body_html).where(Item.slug == "short-guide"))
    assert "tracker.example" not in stored


def test_the_sanitiser_allows_the_image_route_and_nothing_else(app):
    with app.test_request_context():
        url = url_for("catalog.image", slug="changing-mindsets", name="a" * 32 + ".webp")
    assert IMAGE_SRC.match(url)
    kept = f'<img src="{url}" alt="A chart">'
    assert sanitise_html(kept) == kept
    assert sanitise_html(sanitise_html(kept)) == kept
    for source in ("https://example.org/a.png", "//evil.example/a.png", "data:image/png;base64,AA",
                   "javascript:alert(1)", "/courses/x/images/../../../secret.png",
                   f"{url}?x=1", "/items/1/file"):
        assert sanitise_html(f'<p>See <img src="{source}" alt="x"></p>') == "<p>See </p>", source
    assert sanitise_html(f'<img src="{url}" onerror="alert(1)" style="x">') == \
        f'<img src="{url}">'
    assert markdown_to_html(f"![A chart]({url})") == f'<p><img src="{url}" alt="A chart"></p>'
