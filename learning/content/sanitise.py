"""Rich text made safe to store and show: a small allowlist of tags, attributes and protocols.

Used on the way in (content import, and the studio's Markdown through `markdown_to_html`);
Jinja still escapes everything else on the way out. The one sanitiser of the application.
What it drops can be told (`removed_markup`, `render_markdown`), so that an author hears
what did not survive instead of finding it gone.
"""

import re
from collections import Counter
from dataclasses import dataclass
from html.parser import HTMLParser

import bleach
from bleach.html5lib_shim import Filter
from markdown_it import MarkdownIt

ALLOWED_TAGS = frozenset({
    "h2", "h3", "h4", "p", "ul", "ol", "li", "strong", "em", "a", "blockquote", "abbr", "cite",
    "code", "br", "img", "table", "thead", "tbody", "tr", "th", "td",
})
# An image's source may only be one of a course's own images on this site (the URL of
# `catalog.image`): the Content-Security-Policy loads images from this site alone, and an
# image from elsewhere would tell another host who reads the page.
IMAGE_SRC = re.compile(r"^/courses/(?P<course>[a-z0-9]+(?:-[a-z0-9]+)*)"
                       r"/images/(?P<name>[0-9a-f]{32}\.(?:png|jpg|webp|gif))$")


def _image_attribute(tag: str, name: str, value: str) -> bool:
    return name == "alt" or (name == "src" and bool(IMAGE_SRC.match(value)))


# A table's cells may span rows and columns and its headers say what they head; nothing
# else (no style, no width): tables take the site's own look.
ALLOWED_ATTRIBUTES = {"a": ["href", "title"], "abbr": ["title"], "img": _image_attribute,
                      "th": ["colspan", "rowspan", "scope"], "td": ["colspan", "rowspan"]}


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
# Tables as GitHub writes them are the one extension.
_markdown = MarkdownIt("commonmark", {"html": True}).enable("table")
# The page's own title is its h1: Markdown's headings start one level down, at h2 (the
# highest the allow-list keeps), and the deepest ones stop at h4 (the lowest it keeps).
_TOP_HEADING, _BOTTOM_HEADING = 2, 4


def _markdown_html(source: str) -> str:
    """Markdown rendered to HTML, not yet sanitised.

    `#` gives an h2, `##` an h3, and anything deeper an h4. A table's header cells head
    their columns (`scope="col"`); a column's alignment is not kept (it would be a style).
    """
    tokens = _markdown.parse(source or "")
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            level = min(int(token.tag[1]) + _TOP_HEADING - 1, _BOTTOM_HEADING)
            token.tag = f"h{level}"
        elif token.type in ("th_open", "td_open"):
            token.attrs.pop("style", None)
            if token.type == "th_open":
                token.attrSet("scope", "col")
    return _markdown.renderer.render(tokens, _markdown.options, {})


def markdown_to_html(source: str) -> str:
    """Markdown rendered to HTML and sanitised: what a reading written in the studio stores."""
    return sanitise_html(_markdown_html(source))


@dataclass(frozen=True)
class Rendered:
    """Markdown rendered and sanitised, with what the sanitiser took out of it."""

    html: str
    removed: list["Removal"]


def render_markdown(source: str) -> Rendered:
    """`markdown_to_html`, and what sanitising removed from the Markdown's HTML."""
    raw = _markdown_html(source)
    html = sanitise_html(raw)
    return Rendered(html=html, removed=removed_markup(raw, html))


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


# What `removed_markup` tells, each kind once, in this order.
REMOVED_SCRIPT = "script"  # a script, with its code
REMOVED_STYLE = "style"  # a style sheet, with its rules
REMOVED_EMBEDDED = "embedded"  # another element dropped with its content (iframe, svg...)
REMOVED_OUTSIDE_IMAGE = "outside_image"  # an image from another site
REMOVED_IMAGE = "image"  # any other image not of a course's library (data:, relative...)
REMOVED_LINK = "link"  # a link's address whose protocol is not allowed; its text kept
REMOVED_TAG = "tag"  # markup not allowed, its text kept
REMOVED_ATTRIBUTE = "attribute"  # an attribute not allowed on a kept element
REMOVED_COMMENT = "comment"
_REMOVAL_ORDER = (REMOVED_SCRIPT, REMOVED_STYLE, REMOVED_EMBEDDED, REMOVED_OUTSIDE_IMAGE,
                  REMOVED_IMAGE, REMOVED_LINK, REMOVED_TAG, REMOVED_ATTRIBUTE, REMOVED_COMMENT)
_OTHER_SITE = re.compile(r"^\s*(?:[a-z][a-z0-9+.-]*:)?//", re.IGNORECASE)


@dataclass(frozen=True)
class Removal:
    """One kind of thing the sanitiser removed: how many, and the tags or attributes named."""

    kind: str
    count: int
    names: tuple[str, ...] = ()


class _Markup(HTMLParser):
    """Counts what a page holds that the sanitiser decides about.

    Inside an element dropped with its content only that element counts: what it holds
    goes with it.
    """

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: Counter = Counter()
        self.attributes: Counter = Counter()
        self.dropped: Counter = Counter()
        self.image_sources: list[str] = []
        self.comments = 0
        self._inside: str | None = None
        self._depth = 0

    def handle_starttag(self, tag, attrs):
        if self._inside is not None:
            self._depth += tag == self._inside
            return
        if tag in _DROP_WITH_CONTENT:
            self.dropped[tag] += 1
            self._inside, self._depth = tag, 1
            return
        self.tags[tag] += 1
        if tag == "img":
            source = dict(attrs).get("src") or ""
            self.image_sources.append(source)
            if not IMAGE_SRC.match(source):
                return  # the image goes whole: its attributes are not lost one by one
        for name, _value in attrs:
            self.attributes[tag, name] += 1

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag == self._inside:
            self.handle_endtag(tag)

    def handle_endtag(self, tag):
        if tag == self._inside:
            self._depth -= 1
            if self._depth == 0:
                self._inside = None

    def handle_comment(self, data):
        if self._inside is None:
            self.comments += 1


def _markup(html: str) -> _Markup:
    parser = _Markup()
    parser.feed(html)
    parser.close()
    return parser


def removed_markup(before: str, after: str) -> list[Removal]:
    """What sanitising `before` (a page's HTML) into `after` removed, kind by kind.

    Found by comparing the tags and attributes of both: scripts, style sheets and other
    elements dropped with their content; images not from a course's library (from another
    site, or given otherwise); link addresses of a protocol not allowed; markup not allowed
    (its text kept); attributes not allowed on the elements kept; comments. Empty when
    nothing was removed.
    """
    given, kept = _markup(before), _markup(after)
    found: dict[str, Removal] = {}

    def note(kind: str, count: int, names=()) -> None:
        if count > 0:
            found[kind] = Removal(kind, count, tuple(sorted(names)))

    note(REMOVED_SCRIPT, given.dropped["script"])
    note(REMOVED_STYLE, given.dropped["style"])
    others = {tag: n for tag, n in given.dropped.items() if tag not in ("script", "style")}
    note(REMOVED_EMBEDDED, sum(others.values()), others)
    refused = [src for src in given.image_sources if not IMAGE_SRC.match(src)]
    outside = [src for src in refused if _OTHER_SITE.match(src)]
    note(REMOVED_OUTSIDE_IMAGE, len(outside))
    note(REMOVED_IMAGE, len(refused) - len(outside))
    note(REMOVED_LINK, given.attributes["a", "href"] - kept.attributes["a", "href"])
    tags = {tag: n for tag, n in given.tags.items() if tag not in ALLOWED_TAGS}
    note(REMOVED_TAG, sum(tags.values()), tags)
    attributes: Counter = Counter()
    for (tag, name), count in given.attributes.items():
        if tag in ALLOWED_TAGS and (tag, name) not in (("a", "href"), ("img", "src")):
            attributes[name] += max(0, count - kept.attributes[tag, name])
    attributes = +attributes
    note(REMOVED_ATTRIBUTE, sum(attributes.values()), attributes)
    note(REMOVED_COMMENT, given.comments)
    return [found[kind] for kind in _REMOVAL_ORDER if kind in found]
