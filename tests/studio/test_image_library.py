"""The image library: images named (the stored file keeps its random name) and deleted,
refused while a reading shows them (any module, drafts and archived ones included), the
file removed once the change is committed."""

from pathlib import Path

import pytest
from sqlalchemy import select

from learning.catalog.models import CourseImage
from learning.media.files import FileChanges
from learning.studio import images
from tests.conftest import page
from tests.studio.helpers import READING

LIBRARY = "/studio/courses/mindsets/images"
IMAGE = "b" * 32 + ".png"
SRC = f"/courses/mindsets/images/{IMAGE}"


@pytest.fixture
def stored(app):
    path = Path(app.config["MEDIA_ROOT"], "mindsets", "images", IMAGE)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"\x89PNG\r\n\x1a\n")
    return path


def _reading(client, world, body, module=0, slug="short-guide"):
    response = client.post(f"/studio/courses/mindsets/modules/{world.modules[module].id}"
                           "/readings/new", data={**READING, "slug": slug, "body": body})
    assert response.status_code == 302


def test_an_image_is_named_and_the_name_offered_as_its_description(client, db, world,
                                                                    sign_in_as, stored):
    sign_in_as("facilitator")
    response = client.post(f"{LIBRARY}/{IMAGE}/rename",
                           data={f"label-{IMAGE[:8]}-label": "  The funnel of change "})
    assert response.status_code == 302
    assert response.headers["Location"] == f"{LIBRARY}#image-{IMAGE[:8]}"
    assert stored.exists()  # the file keeps its random name
    soup = page(client.get(LIBRARY))
    assert soup.select_one(".image-library .image-label").get_text() == "The funnel of change"
    assert soup.select_one(".image-library input[readonly]")["value"] == \
        f"![The funnel of change]({SRC})"
    reading = page(client.get(f"/studio/courses/mindsets/modules/{world.modules[0].id}"
                              "/readings/new"))
    choice = reading.select_one("#image-picker input[type=radio]")
    assert choice["data-label"] == "The funnel of change"
    assert "The funnel of change" in reading.select_one("#image-picker label").get_text()
    # An empty name takes it away.
    client.post(f"{LIBRARY}/{IMAGE}/rename", data={f"label-{IMAGE[:8]}-label": ""})
    assert db.session.scalar(select(CourseImage)) is None
    too_long = client.post(f"{LIBRARY}/{IMAGE}/rename",
                           data={f"label-{IMAGE[:8]}-label": "x" * 201})
    assert too_long.status_code == 200
    assert "at most 200" in page(too_long).select_one(f"#image-{IMAGE[:8]} .error").get_text()


def test_unknown_images_are_not_found(client, world, sign_in_as, stored):
    sign_in_as("facilitator")
    for name in ("c" * 32 + ".png", "..%2Fsecret.png", IMAGE.upper()):
        assert client.post(f"{LIBRARY}/{name}/delete").status_code == 404, name
        assert client.post(f"{LIBRARY}/{name}/rename").status_code == 404, name
    assert client.post(f"/studio/courses/other/images/{IMAGE}/delete").status_code == 403


def test_an_image_no_reading_shows_is_deleted_with_its_name(client, db, world, sign_in_as,
                                                            stored):
    sign_in_as("facilitator")
    client.post(f"{LIBRARY}/{IMAGE}/rename", data={f"label-{IMAGE[:8]}-label": "Chart"})
    # Written in a code span, its address is not a use.
    _reading(client, world, f"The address `{SRC}` is not an image.")
    response = client.post(f"{LIBRARY}/{IMAGE}/delete")
    assert response.status_code == 302
    assert not stored.exists()
    assert db.session.scalar(select(CourseImage)) is None
    assert "Image “Chart” deleted." in page(client.get(LIBRARY)).select_one(".messages").get_text()


def test_an_image_a_reading_shows_is_not_deleted_and_the_readings_are_named(
        client, db, world, sign_in_as, stored):
    sign_in_as("facilitator")
    _reading(client, world, f"![A chart]({SRC})")
    _reading(client, world, f"Again: ![A chart]({SRC})", module=2, slug="again")
    archived = world.modules[2].items[-1]
    client.post(f"/studio/courses/mindsets/modules/{world.modules[2].id}/items/"
                f"{archived.id}/archive", data={"confirm": "yes"})
    response = client.post(f"{LIBRARY}/{IMAGE}/delete")
    assert response.status_code == 302
    assert stored.exists()
    message = page(client.get(LIBRARY)).select_one(".message-error").get_text(" ", strip=True)
    assert "“A short guide” in “Module one”" in message
    assert "(archived)" in message
    assert "Take it out of their text first" in message


def test_the_file_stays_if_a_reading_shows_it_by_the_time_of_the_commit(app, db, world,
                                                                         stored):
    """The unit of work asks again after the commit: a file a reading shows stays."""
    world.modules[0].items[1].body_html = f'<p><img src="{SRC}" alt="x"></p>'
    db.session.commit()
    with FileChanges(app.config["MEDIA_ROOT"], in_use=images.images_in_use) as files:
        files.releasing([f"mindsets/images/{IMAGE}"])
    assert stored.exists()


@pytest.mark.parametrize("src", [
    f"/courses/other-course/images/{IMAGE}",  # another course's
    "/courses/mindsets/images/" + "c" * 32 + ".png",  # not in this course's library
])
def test_a_reading_shows_only_images_of_its_own_library(client, db, world, sign_in_as, stored,
                                                        src):
    sign_in_as("facilitator")
    module = world.modules[0]
    items = len(module.items)
    body = f"# The chart\n\n![A chart]({src})"
    response = client.post(f"/studio/courses/mindsets/modules/{module.id}/readings/new",
                           data={**READING, "slug": "charted", "body": body})
    assert response.status_code == 200
    soup = page(response)
    error = soup.find(id="body-error").get_text(" ", strip=True)
    assert error == (f"Error: This text shows images that are not in this course's image "
                     f"library: {src}. A reading shows its own course's images: upload the "
                     "image to this course's library and insert it from there.")
    assert soup.find("textarea", attrs={"name": "body"}).get_text().strip() == body
    db.session.expire_all()
    assert len(module.items) == items
    # The library's own image is shown.
    _reading(client, world, f"![A chart]({SRC})", slug="charted")
