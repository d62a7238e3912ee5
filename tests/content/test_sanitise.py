import pytest
from bs4 import BeautifulSoup

from learning.content.sanitise import (
    REMOVED_ATTRIBUTE,
    REMOVED_COMMENT,
    REMOVED_EMBEDDED,
    REMOVED_IMAGE,
    REMOVED_LINK,
    REMOVED_OUTSIDE_IMAGE,
    REMOVED_SCRIPT,
    REMOVED_STYLE,
    REMOVED_TAG,
    markdown_to_html,
    removed_markup,
    render_markdown,
    sanitise_html,
)


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


def test_tables_keep_their_cells_and_spans_and_nothing_else():
    html = ('<table class="x" style="width:100%"><thead><tr><th scope="col" style="a">A</th>'
            '<th colspan="2" onclick="x()">B</th></tr></thead><tbody><tr><td rowspan="2" '
            'align="left">1</td><td>2</td></tr></tbody></table>')
    assert sanitise_html(html) == (
        '<table><thead><tr><th scope="col">A</th><th colspan="2">B</th></tr></thead><tbody>'
        '<tr><td rowspan="2">1</td><td>2</td></tr></tbody></table>')
    # A table without its body is given one, once.
    once = sanitise_html("<table><tr><td>x</td></tr></table>")
    assert once == "<table><tbody><tr><td>x</td></tr></tbody></table>"
    assert sanitise_html(once) == once


def test_markdown_tables_become_tables_whose_headers_head_columns():
    html = markdown_to_html("| Year | Change |\n|:-----|------:|\n| 2023 | 4 |\n")
    assert tags(html) == ["table", "thead", "tr", "th", "th", "tbody", "tr", "td", "td"]
    soup = BeautifulSoup(html, "html.parser")
    assert [th.attrs for th in soup.find_all("th")] == [{"scope": "col"}] * 2
    assert [td.attrs for td in soup.find_all("td")] == [{}, {}]  # alignment is a style: gone
    assert render_markdown("| a |\n|---|\n| 1 |\n").removed == []


LIBRARY_IMAGE = "/courses/mindsets/images/" + "a" * 32 + ".png"


def _kinds(before):
    return [(removal.kind, removal.count, removal.names)
            for removal in removed_markup(before, sanitise_html(before))]


def test_nothing_is_reported_when_nothing_is_removed():
    html = (f'<h2>T</h2><p><a href="https://example.org" title="t">x</a> '
            f'<img src="{LIBRARY_IMAGE}" alt="A chart"></p>')
    assert _kinds(html) == []
    assert render_markdown(f"# Hi\n\n![A chart]({LIBRARY_IMAGE}) [x](mailto:a@b.org)\n"
                           ).removed == []


def test_each_kind_of_removal_is_reported_with_what_it_names():
    html = ('<p>An outside image: <img src="https://tracker.example/a.png" alt="x"></p>'
            '<p><img src="//cdn.example/b.png"><img src="data:image/png;base64,AA" alt="y">'
            '<img alt="none"></p>'
            '<script>alert(1)</script><script src="x.js"></script>'
            '<style>p{}</style>'
            '<iframe src="https://x.example"><p>fallback <span>x</span></p></iframe><svg></svg>'
            '<div class="box" onclick="x()"><span>text</span><span>more</span></div>'
            '<p style="color:red" class="c">styled</p><a href="javascript:x()" target="_top">l</a>'
            '<a href="ftp://example.org">f</a><!-- a note -->')
    assert _kinds(html) == [
        (REMOVED_SCRIPT, 2, ()),
        (REMOVED_STYLE, 1, ()),
        (REMOVED_EMBEDDED, 2, ("iframe", "svg")),
        (REMOVED_OUTSIDE_IMAGE, 2, ()),
        (REMOVED_IMAGE, 2, ()),
        (REMOVED_LINK, 2, ()),
        (REMOVED_TAG, 3, ("div", "span")),
        (REMOVED_ATTRIBUTE, 3, ("class", "style", "target")),
        (REMOVED_COMMENT, 1, ()),
    ]


def test_what_markdown_loses_is_reported_from_its_html():
    rendered = render_markdown("An outside image:\n\n![A chart](https://example.org/c.png)\n\n"
                               "<script>alert(1)</script>\n")
    assert rendered.html.startswith("<p>An outside image:</p>")
    assert [(r.kind, r.count) for r in rendered.removed] == [(REMOVED_SCRIPT, 1),
                                                            (REMOVED_OUTSIDE_IMAGE, 1)]
