"""The slug rule: what a title gives as the part of an address, and the next free one."""

import pytest

from learning.content.writing import SLUG_PATTERN
from learning.core.slugs import slugify, unique_slug


@pytest.mark.parametrize(("title", "slug"), [
    ("Leading digital change", "leading-digital-change"),
    ("  Innovation, Digital Government & Changing Mindsets!  ",
     "innovation-digital-government-changing-mindsets"),
    ("Gestión pública: ¿qué cambió?", "gestion-publica-que-cambio"),
    ("Ça marche — déjà vu", "ca-marche-deja-vu"),
    ("Straße, Æsir, Øresund, Łódź, Þór", "strasse-aesir-oresund-lodz-thor"),
    ("COVID-19 lessons (2020–2023)", "covid-19-lessons-2020-2023"),
    ("snake_case and   many---hyphens", "snake-case-and-many-hyphens"),
    ("ﬁnance", "finance"),  # a ligature is its letters
    ("Citizens’ voice: don't wait", "citizens-voice-dont-wait"),
    ("Ministère de l’Économie", "ministere-de-leconomie"),
    ("数字政府", ""),  # nothing a slug can carry: the caller chooses
    ("!!!", ""),
    ("", ""),
])
def test_a_title_gives_ascii_lower_case_words_joined_by_hyphens(title, slug):
    assert slugify(title) == slug
    if slug:
        assert SLUG_PATTERN.match(slug)


def test_a_long_title_is_cut_at_a_words_end():
    title = "The state of digital transformation in the public sector of the Caribbean region"
    slug = slugify(title, max_length=30)
    assert slug == "the-state-of-digital"
    assert len(slugify(title * 3)) <= 80 and SLUG_PATTERN.match(slugify(title * 3))
    # One word longer than the limit is cut within it.
    assert slugify("a" * 100, max_length=10) == "a" * 10
    # A cut that lands on a hyphen keeps the whole word before it.
    assert slugify("abc def", max_length=3) == "abc"


def test_a_taken_slug_gets_the_first_free_number():
    assert unique_slug("webinar", set()) == "webinar"
    assert unique_slug("webinar", {"webinar"}) == "webinar-2"
    assert unique_slug("webinar", {"webinar", "webinar-2", "webinar-3"}) == "webinar-4"
    assert unique_slug("webinar", {"webinar-2"}) == "webinar"


def test_a_numbered_slug_still_fits():
    long = slugify("word " * 30, max_length=20)
    assert long == "word-word-word-word"
    numbered = unique_slug(long, {long}, max_length=20)
    assert numbered == "word-word-word-2" and len(numbered) <= 20
    taken = {long} | {f"word-word-word-{n}" for n in range(2, 10)}
    assert unique_slug(long, taken, max_length=20) == "word-word-word-10"
