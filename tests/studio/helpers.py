"""What the studio tests share: the forms as a browser fills them, and the pages they read."""

from tests.conftest import page

MODULE = {
    "title": "Leading digital change",
    "slug": "leading-change",
    "summary": "Why mindsets matter.\n\nAnd what to do about it.",
    "outcomes": "Name three habits\n\nPlan a first step",
    "live_session_on": "2024-04-03",
    "speakers": "Dr A. Speaker\nMs B. Panellist",
    "is_published": "y",
}
READING = {
    "title": "A short guide",
    "slug": "short-guide",
    "minutes": "7",
    "is_required": "y",
    "is_published": "y",
    "body": "# Why\n\nRead *this* and [the report](https://example.org/report).",
    "citation": "A Guide. UN DESA, 2023.",
}


def studio_course(client, slug="mindsets"):
    """The studio's course page, parsed."""
    response = client.get(f"/studio/courses/{slug}")
    assert response.status_code == 200
    return page(response)


def module_titles(client, slug="mindsets"):
    """The module titles in the order the studio lists them."""
    return [h2.get_text(strip=True) for h2 in studio_course(client, slug).select(".item-list h2")]


def catalog_module_titles(client, slug="mindsets"):
    """The module titles a participant sees on the course page, in order."""
    response = client.get(f"/courses/{slug}")
    assert response.status_code == 200
    titles = []
    for link in page(response).select("ol.modules h3 a"):
        for number in link.select(".module-position"):
            number.decompose()
        titles.append(link.get_text(strip=True))
    return titles


def item_titles(client, module_slug, slug="mindsets"):
    """The item titles a participant sees on a module's page, in order."""
    response = client.get(f"/courses/{slug}/modules/{module_slug}")
    assert response.status_code == 200
    return [a.get_text(strip=True) for a in page(response).select("ol.items a")]
