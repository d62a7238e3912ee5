import pytest
from bs4 import BeautifulSoup

from learning.content.sanitise import sanitise_html


def tags(html):
    return [tag.name for tag in BeautifulSoup(html, "html.parser").find_all(True)]


def test_allowed_markup_is_kept():
    html = ('<h2>Title</h2><h3>Sub</h3><h4>Minor</h4><p><strong>Bold</strong> <em>it</em> '
            '<code>x</code><br><cite>A book</cite> <abbr title="Public sector">PS</abbr> '
            '<a href="mailto:a@example.org" title="Write">write</a></p>'
            '<blockquote><p>Quoted</p></blockquote><ul><li>a</li></ul><ol><li>b</li></ol>')
    assert sanitise_html(html) == html


@pytest.mark.parametrize("html", [
    '<p>Hi<script>alert("x")</script></p>',
    '<p>Hi<SCRIPT type="text/javascript">alert("x")</SCRIPT></p>',
    '<p>Hi</p><script>alert("never closed")',
    '<p>Hi<style>p { color: red }</style></p>',
    '<p>Hi<iframe src="https://evil.example"><p>fallback</p></iframe></p>',
    '<p>Hi<svg><script>alert("x")</script></svg></p>',
])
def test_scripts_and_embedded_documents_are_removed_with_their_content(html):
    cleaned = sanitise_html(html)
    assert tags(cleaned) == ["p"]
    assert BeautifulSoup(cleaned, "html.parser").get_text() == "Hi"


def test_disallowed_tags_are_stripped_and_their_text_kept():
    assert sanitise_html("<div><p>Text <span>in</span> <img src=x>a div</p></div>") == \
        "<p>Text in a div</p>"


def test_event_handlers_styles_and_unsafe_links_are_removed():
    cleaned = sanitise_html(
        '<p onclick="steal()" style="color:red" class="x">'
        '<a href="javascript:steal()" onmouseover="steal()">one</a> '
        '<a href="data:text/html;base64,PHNjcmlwdD4=">two</a> '
        '<a href="https://example.org" target="_blank">three</a></p><!-- a comment -->'
    )
    assert cleaned == ('<p><a>one</a> <a>two</a> <a href="https://example.org">three</a></p>')


@pytest.mark.parametrize("html", [
    "<p>Caf\u00e9 &amp; more &lt;b&gt; &nbsp; \u201cquoted\u201d</p>",
    '<p>a<br/>b</p>\n<ul>\n  <li><a href="https://e.org/?a=1&b=2">x</a></li>\n</ul>\n',
    "<p>unclosed <strong>bold",
    "plain text, no tags",
])
def test_sanitising_twice_changes_nothing(html):
    once = sanitise_html(html)
    assert sanitise_html(once) == once
