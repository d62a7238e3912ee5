"""Rich text made safe to store and show: a small allowlist of tags, attributes and protocols.

Used on the way in (content import, and the studio's Markdown through `markdown_to_html`);
Jinja still escapes everything else on the way out. The one sanitiser of the application.
"""

import re
from html.parser import HTMLParser

import bleach
from bleach.html5lib_shim import Filter
from markdown_it import MarkdownIt

ALLOWED_TAGS = frozenset({
    "h2", "h3", "h4", "p", "ul", "ol", "li", "strong", "em", "a", "blockquote", "abbr", "cite",
    "code", "br", "img",
})
# An image's source may only be one of a course's own images on this site (the URL of
# `catalog.image`): the Content-Security-Policy loads images from this site alone, and an
# image from elsewhere would tell another host who reads the page.
IMAGE_SRC = re.compile(r"^/courses/(?P<course>[a-z0-9]+(?:-[a-z0-9]+)*)"
                       r"/images/(?P<name>[0-9a-f]{32}\.(?:png|jpg|webp|gif))$")


def _image_attribute(tag: str, name: str, value: str) -> bool:
    return name == "alt" or (name == "src" and bool(IMAGE_SRC.match(value)))


ALLOWED_ATTRIBUTES = {"a": ["href", "title"], "abbr": ["title"], "img": _image_attribute}


class _DropImagesWithoutSource(Filter):
    """An image whose source the allow-list refused goes whole, rather than stay empty."""

    def __iter__(self):
        for token in super().__iter__():
            if (token["type"] == "EmptyTag" and token["name"] == "img"
                    and not any(name == "src" for _namespace, name in token["data"])):
                continue
            yield token
ALLOWED_PROTOCOLS = frozenset({"https", "http", "mailto"})

# Elements whose content is code, a form control's value or an embedded document: stripping
# just their tags (what bleach does) would leave that content behind as stray text.
_DROP_WITH_CONTENT = frozenset({
    "script", "style", "template", "iframe", "object", "noscript", "svg", "math", "title",
    "textarea", "select", "head",
})

_cleaner = bleach.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    protocols=ALLOWED_PROTOCOLS,
    strip=True,
    strip_comments=True,
    filters=[_DropImagesWithoutSource],
)


# CommonMark with raw HTML passed through: a page imported as HTML can be edited as Markdown,
# and whatever the HTML holds, the sanitiser below decides what stays.
_markdown = MarkdownIt("commonmark", {"html": True})
# The page's own title is its h1: Markdown's headings start one level down, at h2 (the
# highest the allow-list keeps), and the deepest ones stop at h4 (the lowest it keeps).
_TOP_HEADING, _BOTTOM_HEADING = 2, 4


def markdown_to_html(source: str) -> str:
    """Markdown rendered to HTML and sanitised: what a reading written in the studio stores.

    `#` gives an h2, `##` an h3, and anything deeper an h4.
    """
    tokens = _markdown.parse(source or "")
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            level = min(int(token.tag[1]) + _TOP_HEADING - 1, _BOTTOM_HEADING)
            token.tag = f"h{level}"
    return sanitise_html(_markdown.renderer.render(tokens, _markdown.options, {}))


def sanitise_html(html: str) -> str:
    """Keep only the allowed markup; applying it twice changes nothing.

    Other tags are stripped (scripts and styles with their content), other attributes and
    link protocols removed, comments dropped.
    """
    return _cleaner.clean(_drop_elements(html)).strip()


class _Dropper(HTMLParser):
    """Finds the source spans of the elements to drop with their content."""

    def __init__(self, source: str):
        super().__init__(convert_charrefs=True)
        self._line_starts = [0]
        for index, char in enumerate(source):
            if char == "\n":
                self._line_starts.append(index + 1)
        self._source = source
        self._open: str | None = None
        self._depth = 0
        self._start = 0
        self.spans: list[tuple[int, int]] = []

    def _offset(self) -> int:
        line, column = self.getpos()
        return self._line_starts[line - 1] + column

    def handle_starttag(self, tag, attrs):
        if self._open is None and tag in _DROP_WITH_CONTENT:
            self._open, self._depth, self._start = tag, 1, self._offset()
        elif tag == self._open:
            self._depth += 1

    def handle_endtag(self, tag):
        if tag != self._open:
            return
        self._depth -= 1
        if self._depth == 0:
            end = self._source.find(">", self._offset())
            self.spans.append((self._start, len(self._source) if end < 0 else end + 1))
            self._open = None

    def finish(self) -> None:
        self.close()
        if self._open is not None:  # never closed: it runs to the end, as in a browser
            self.spans.append((self._start, len(self._source)))


class _ImageSources(HTMLParser):
    """Collects the source of every image in a page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.sources: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "img":
            self.sources.extend(value for name, value in attrs if name == "src" and value)

    handle_startendtag = handle_starttag


def course_images(html: str) -> list[tuple[str, str]]:
    """The (course slug, image name) of every image a sanitised page shows, in order."""
    parser = _ImageSources()
    parser.feed(html)
    parser.close()
    return [(match["course"], match["name"]) for match in map(IMAGE_SRC.match, parser.sources)
            if match]


def _drop_elements(html: str) -> str:
    dropper = _Dropper(html)
    dropper.feed(html)
    dropper.finish()
    kept, position = [], 0
    for start, end in dropper.spans:
        kept.append(html[position:start])
        position = end
    kept.append(html[position:])
    return "".join(kept)
