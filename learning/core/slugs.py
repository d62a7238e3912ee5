"""Slugs made from titles: the part of an address a facilitator may leave to the site.

A slug is ASCII lower-case letters and digits in words joined by single hyphens
(`content.writing.SLUG_PATTERN`, with the rules for slugs among siblings). `slugify` makes
one from any title: accents are folded ("Gestión" gives "gestion"), a few letters that do
not decompose are spelt out ("Straße" gives "strasse"), apostrophes vanish ("Citizens'
voice" gives "citizens-voice"), anything else between words becomes one hyphen, and the
result is cut at a word's end to fit. `unique_slug` adds -2, -3… until the slug is free in
its scope (a course's modules, a module's items). static/js/slug.js follows the same rule
in the browser.
"""

import re
import unicodedata
from collections.abc import Collection

# Letters NFKD leaves whole, spelt as people write them without the accent.
_SPELT = str.maketrans({
    "ß": "ss", "ẞ": "ss", "æ": "ae", "Æ": "ae", "œ": "oe", "Œ": "oe", "ø": "o", "Ø": "o",
    "đ": "d", "Đ": "d", "ð": "d", "Ð": "d", "þ": "th", "Þ": "th", "ł": "l", "Ł": "l",
    "ı": "i",
})
# Anything else, other scripts and dashes included, separates words; apostrophes do not.
_NOT_SLUG = re.compile(r"[^a-z0-9]+")
_APOSTROPHES = re.compile(r"['’ʼ]")


def slugify(text: str, max_length: int = 80) -> str:
    """The slug of a title: ASCII, lower-case, hyphens between words, at most `max_length`.

    Cut at a hyphen when the title is longer (one word longer than the limit is cut
    within). Empty when the title has no letter or digit a slug can carry (a title in a
    script without Latin letters, say): the caller then chooses another starting point.
    """
    decomposed = unicodedata.normalize("NFKD", _APOSTROPHES.sub("", text or "")
                                       .translate(_SPELT))
    # Accents are marks (Unicode category M) once decomposed: dropped, not word breaks.
    folded = "".join(c for c in decomposed if not unicodedata.category(c).startswith("M"))
    slug = _NOT_SLUG.sub("-", folded.lower()).strip("-")
    return _cut(slug, max_length)


def _cut(slug: str, max_length: int) -> str:
    if len(slug) <= max_length:
        return slug
    cut = slug[:max_length]
    if slug[max_length] != "-" and "-" in cut:
        cut = cut.rsplit("-", 1)[0]
    return cut.strip("-")


def unique_slug(slug: str, taken: Collection[str], max_length: int = 80) -> str:
    """The slug itself when `taken` lacks it; otherwise the first free of slug-2, slug-3, etc.

    Each candidate fits in `max_length`: the slug is cut (at a word's end) to leave room
    for its number.
    """
    slug = _cut(slug, max_length)
    if slug not in taken:
        return slug
    number = 2
    while True:
        suffix = f"-{number}"
        candidate = _cut(slug, max_length - len(suffix)) + suffix
        if candidate not in taken:
            return candidate
        number += 1
