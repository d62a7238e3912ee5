"""Hostile Markdown is made harmless by the one sanitiser, and cleaning is stable.

The reading's Markdown is rendered by markdown-it-py and then cleaned by
`learning.content.sanitise`, the sanitiser the content import uses too.
"""

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import select

from learning.catalog.models import Item
from learning.content.sanitise import (
    ALLOWED_ATTRIBUTES,
    ALLOWED_PROTOCOLS,
    ALLOWED_TAGS,
    markdown_to_html,
    sanitise_html,
)
from tests.conftest import page
from tests.studio.helpers import READING

HOSTILE = {
    "script": "Hello\n\n<script>alert('x')</script>\n\nbye",
    "event handler": 'Look <img src="x.png" onerror="alert(1)"> <b onmouseover="alert(2)">here</b>',
    "javascript link": "[click](javascript:alert(1)) and <a href=\"javascript:alert(2)\">me</a>",
    "encoded javascript link": '<a href="jav&#x09;ascript:alert(1)">tab</a> '
                               '<a href="&#106;avascript:alert(1)">entity</a>',
    "data link": "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==) "
                 '<a href="data:text/html,<script>alert(1)</script>">d</a> '
                 "![img](data:image/png;base64,iVBORw0KGgo=)",
    "svg with script": '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script>'
                       '<circle onload="alert(2)"/></svg>after',
    "math and style": "<math><mi>x</mi></math><style>body{display:none}</style>"
                      '<p style="color:red">styled</p><noscript>ns</noscript>',
    "iframe and form": '<iframe src="https://evil.example"></iframe><form action="/x">'
                       "<input name=a><textarea>t</textarea></form>",
    "unclosed script": "safe text\n\n<script>alert(1)",
}


def _elements(html):
    return BeautifulSoup(html, "html.parser").find_all(True)


@pytest.mark.parametrize("markdown", HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_markdown_keeps_only_allowed_markup(markdown):
    html = markdown_to_html(markdown)
    for element in _elements(html):
        assert element.name in ALLOWED_TAGS
        assert set(element.attrs) <= set(ALLOWED_ATTRIBUTES.get(element.name, ()))
        href = element.get("href")
        if href is not None:
            assert href.split(":", 1)[0] in ALLOWED_PROTOCOLS
    lowered = html.lower()
    for word in ("<script", "alert(", "javascript:", "data:", "onerror", "onload",
                 "onmouseover", "style=", "<style", "<svg", "<math", "<noscript", "<iframe"):
        if word == "alert(" and "[click](javascript" in markdown:
            continue  # a link markdown-it refuses stays as the text that was typed
        if word in ("javascript:", "data:") and "](" in markdown:
            continue  # ditto: escaped text, never an address
        assert word not in lowered, word
    assert sanitise_html(html) == html  # cleaning twice gives what cleaning once gave


def test_refused_markdown_links_stay_as_harmless_text():
    html = markdown_to_html("[click](javascript:alert(1))")
    assert html == "<p>[click](javascript:alert(1))</p>"
    assert not BeautifulSoup(html, "html.parser").find("a")


def test_allowed_links_keep_their_address():
    html = markdown_to_html("[web](https://example.org/a?b=1) [old](http://example.org) "
                            "[mail](mailto:team@example.org) [ftp](ftp://example.org/x)")
    hrefs = [a.get("href") for a in BeautifulSoup(html, "html.parser").find_all("a")]
    assert hrefs == ["https://example.org/a?b=1", "http://example.org",
                     "mailto:team@example.org", None]


def test_the_allow_list_never_lets_in_the_dangerous_families():
    assert not ALLOWED_TAGS & {"style", "svg", "math", "noscript", "script", "iframe",
                               "object", "textarea", "title"}
    assert ALLOWED_PROTOCOLS == {"http", "https", "mailto"}
    lists = [a for a in ALLOWED_ATTRIBUTES.values() if not callable(a)]
    assert all("style" not in attributes and not any(a.startswith("on") for a in attributes)
               for attributes in lists)
    # An image keeps its description and a source among this site's course images, only.
    image = ALLOWED_ATTRIBUTES["img"]
    source = "/courses/mindsets/images/" + "a" * 32 + ".png"
    assert image("img", "src", source) and image("img", "alt", "A chart")
    assert not any(image("img", name, "x") for name in ("onerror", "style", "srcset", "width"))
    assert not image("img", "src", "https://example.org/a.png")


@pytest.mark.parametrize("markdown", [
    "plain", "# Title\n\n## Sub\n\n- a\n- b\n\n> quote", "a & b < c", "<p>raw <em>html</em></p>",
    *HOSTILE.values(),
])
def test_rendering_the_stored_html_again_changes_nothing(markdown):
    html = markdown_to_html(markdown)
    assert sanitise_html(sanitise_html(html)) == sanitise_html(html) == html


def test_hostile_markdown_through_the_studio_is_stored_harmless(client, db, world, sign_in_as,
                                                                auth):
    sign_in_as("facilitator")
    one = world.modules[0]
    body = "\n\n".join(["Useful text."] + list(HOSTILE.values()))
    response = client.post(f"/studio/courses/mindsets/modules/{one.id}/readings/new",
                           data={**READING, "body": body})
    assert response.status_code == 302
    item = db.session.scalar(select(Item).where(Item.slug == "short-guide"))
    assert item.body_markdown == body  # what was typed, to edit again
    assert item.body_html == markdown_to_html(body)
    assert sanitise_html(item.body_html) == item.body_html
    auth.logout()

    sign_in_as("enrolled")
    soup = page(client.get("/courses/mindsets/modules/one/items/short-guide"))
    reading = soup.select_one(".reading-body")
    assert "Useful text." in reading.get_text()
    assert not reading.find_all(["script", "svg", "math", "style", "img", "iframe", "form"])
    assert all(not name.startswith("on") for el in reading.find_all(True) for name in el.attrs)
    assert all(a.get("href", "https:").split(":")[0] in ALLOWED_PROTOCOLS
               for a in reading.find_all("a"))


def test_headings_start_below_the_pages_title():
    html = markdown_to_html("# One\n\n## Two\n\n### Three\n\n###### Six\n\nText")
    assert html == ("<h2>One</h2>\n<h3>Two</h3>\n<h4>Three</h4>\n<h4>Six</h4>\n"
                    "<p>Text</p>")
