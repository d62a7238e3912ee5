"""The upload forms carry what static/js/upload.js needs to show their progress, hidden
until it does: without JavaScript they are plain forms."""

import pytest

from tests.conftest import page


@pytest.mark.parametrize(("kind", "limit"), [("readings", "20 MB"), ("recordings", "200 MB")])
def test_upload_forms_have_a_hidden_progress_bar_and_its_script(client, world, sign_in_as,
                                                                kind, limit):
    sign_in_as("facilitator")
    soup = page(client.get(f"/studio/courses/mindsets/modules/{world.modules[0].id}/{kind}/new"))
    form = soup.select_one("main form[data-upload]")
    assert form["method"] == "post" and form["enctype"] == "multipart/form-data"
    box = form.select_one(".upload-progress")
    assert box.has_attr("hidden")
    progress = box.find("progress")
    assert progress["max"] == "100"
    text = box.select_one("#upload-progress-text")
    assert progress["aria-labelledby"] == "upload-progress-text"
    assert text["aria-live"] == "polite"
    assert box["data-sending"] == "Uploading: {percent}% sent."
    assert limit in box["data-failed"]
    # The bar comes before the button that sends the form.
    assert box.find_next("button")["type"] == "submit"
    assert [s["src"].split("?")[0] for s in soup.select("script[src]") if "upload" in s["src"]] == [
        "/static/js/upload.js"]
    assert not soup.select("script:not([src])")
