"""Facilitators previewing a course are told so, with the way back to where they edit it."""

import pytest

from tests.conftest import page


def _banner(client, path):
    soup = page(client.get(path))
    return soup.select_one("main .preview-banner")


@pytest.mark.parametrize("who", ["facilitator", "admin"])
def test_every_participant_page_links_back_to_where_it_is_edited(client, world, sign_in_as,
                                                                  who):
    sign_in_as(who)
    module = world.modules[0]
    item = module.items[1]
    expected = {
        "/courses/mindsets": "/studio/courses/mindsets",
        "/courses/mindsets/modules/one": f"/studio/courses/mindsets/modules/{module.id}/edit",
        f"/courses/mindsets/modules/one/items/{item.slug}":
            f"/studio/courses/mindsets/modules/{module.id}/{item.kind}s/{item.id}/edit",
    }
    for path, studio in expected.items():
        banner = _banner(client, path)
        assert banner is not None, path
        assert "you see this page as participants will" in banner.get_text(" ", strip=True)
        link = banner.find("a", string="Back to the studio")
        assert link["href"] == studio
        assert client.get(link["href"]).status_code == 200


def test_participants_see_no_banner(client, world, sign_in_as):
    sign_in_as("enrolled")
    for path in ("/courses/mindsets", "/courses/mindsets/modules/one",
                 f"/courses/mindsets/modules/one/items/{world.modules[0].items[1].slug}"):
        assert _banner(client, path) is None, path
