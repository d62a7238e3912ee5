"""Countries: the ISO 3166-1 list people choose from, their names, and text matched to a code.

A person's country is stored as its ISO 3166-1 alpha-2 code ("BB") and shown by its name in
the page's language ("Barbados", "Barbade"). Names and codes come from the Unicode CLDR
through Babel, which the application already has for its translations; which of them are
in the Caribbean (UN M49 region 029) comes from CLDR's territory containment, which Babel
does not carry (`learning/cldr/README.md`).

CLDR names more territories than ISO 3166-1 assigns codes to: regions (numeric codes),
groupings (EU, EZ, UN), and codes ISO reserves or leaves to users (`NOT_ISO_3166_1`). Those
are left out, which leaves the 249 countries and territories of ISO 3166-1.
"""

import json
import unicodedata
from functools import cache
from pathlib import Path

from babel import Locale
from babel.core import get_global
from babel.localedata import locale_identifiers
from flask_babel import get_locale
from flask_babel import gettext as _

CODE_LENGTH = 2
CARIBBEAN = "029"  # UN M49: the Caribbean
# Two-letter codes CLDR names that are not ISO 3166-1 countries or territories:
# exceptionally reserved (AC Ascension, CP Clipperton, CQ Sark, DG Diego Garcia,
# EA Ceuta and Melilla, EU European Union, IC Canary Islands, TA Tristan da Cunha, UN United
# Nations), or private use (EZ eurozone, QO outlying Oceania, XA and XB pseudo-locales,
# XK Kosovo, ZZ unknown).
NOT_ISO_3166_1 = frozenset({"AC", "CP", "CQ", "DG", "EA", "EU", "EZ", "IC", "QO", "TA", "UN",
                            "XA", "XB", "XK", "ZZ"})
# Whose names a text may use: English in all its regional forms (CLDR writes "Saint Lucia"
# in Canada, "St Lucia" in Britain, "St. Lucia" in the United States), and the other
# languages spoken across the Caribbean.
NAME_LANGUAGES = ("en", "es", "fr", "nl")
FALLBACK_LOCALE = "en_GB"
_CLDR = Path(__file__).parent / "cldr"


def _locale(locale: Locale | str | None) -> Locale:
    if isinstance(locale, Locale):
        return locale
    if locale:
        return Locale.parse(locale)
    return get_locale() or Locale.parse(FALLBACK_LOCALE)


@cache
def country_codes() -> frozenset[str]:
    """The ISO 3166-1 alpha-2 codes of every country and territory (249 of them)."""
    names = Locale.parse("en").territories
    return frozenset(code for code in names
                     if len(code) == CODE_LENGTH and code.isalpha()
                     and code not in NOT_ISO_3166_1)


def is_country(code: object) -> bool:
    """True for a code on the list, such as "BB" (exactly: no spaces, upper case)."""
    return isinstance(code, str) and code in country_codes()


@cache
def caribbean_codes() -> frozenset[str]:
    """The countries and territories CLDR places in the Caribbean (UN M49 region 029)."""
    data = json.loads((_CLDR / "territoryContainment.json").read_text(encoding="utf-8"))
    containment = data["supplemental"]["territoryContainment"]

    def within(region: str) -> set[str]:
        found = set()
        for part in containment.get(region, {}).get("_contains", []):
            found |= within(part) if part in containment else {part}
        return found

    return frozenset(within(CARIBBEAN) & country_codes())


def country_name(code: str | None, locale: Locale | str | None = None) -> str:
    """The country's name in the locale (the page's by default); "" for no country.

    A code that is not on the list is shown as it is, rather than hidden.
    """
    if not code:
        return ""
    return _locale(locale).territories.get(code, code) if is_country(code) else code


def _plain(text: str) -> str:
    """The text without accents, in one letter case: Å sorts and compares with the As."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def sorted_by_name(codes, locale: Locale | str | None = None) -> list[str]:
    """The codes in the alphabetical order of their names in the locale."""
    locale = _locale(locale)
    return sorted(codes, key=lambda code: (_plain(country_name(code, locale)), code))


def grouped_countries(locale: Locale | str | None = None) -> list[tuple[str, list[str]]]:
    """The list to choose from, in two groups: (label, codes in order of their names).

    The Caribbean first, then every other country and territory.
    """
    locale = _locale(locale)
    caribbean = caribbean_codes()
    return [
        (locale.territories[CARIBBEAN], sorted_by_name(caribbean, locale)),
        (_("Other countries and territories"),
         sorted_by_name(country_codes() - caribbean, locale)),
    ]


def _key(text: str) -> str:
    """Text as it is compared: letter case, accents, spaces, dots and dashes aside.

    "  st. lucia", "St Lucia" and "ST LUCIA" compare equal, and so do "Curaçao" and
    "Curacao", "Côte d’Ivoire" and "Cote d'Ivoire", "Trinité-et-Tobago" and "trinite et tobago".
    """
    text = _plain(text).replace("\u2019", "'").replace("\u2018", "'")
    text = text.replace(".", " ").replace("-", " ").replace("\u2010", " ")
    return " ".join(text.split())


def _name_locales() -> list[str]:
    """The locales, without a script, of the languages whose names a text may use."""
    return sorted(identifier for identifier in locale_identifiers()
                  if identifier.split("_")[0] in NAME_LANGUAGES
                  and all(part.isupper() or part.isdigit()
                          for part in identifier.split("_")[1:]))


@cache
def _lookup() -> dict[str, str]:
    """Compared text → code: every code, name and alias that means exactly one country."""
    codes = country_codes()
    meanings: dict[str, set[str]] = {}

    def add(text: str, code: str) -> None:
        meanings.setdefault(_key(text), set()).add(code)

    for code in codes:
        add(code, code)
    # Alpha-3 codes ("BRB"), and codes ISO withdrew that CLDR replaces by one country
    # ("UK" for GB): CLDR's aliases. One that stands for several ("ANT") means none.
    for alias, replacements in get_global("territory_aliases").items():
        if alias.isalpha() and len(replacements) == 1 and replacements[0] in codes:
            add(alias, replacements[0])
    for identifier in _name_locales():
        names = Locale.parse(identifier).territories
        for code in codes:
            if code in names:
                add(names[code], code)
    # A text that names two different countries (in two languages, say) names neither.
    return {text: next(iter(found)) for text, found in meanings.items()
            if text and len(found) == 1}


def match_country(text: str | None) -> str | None:
    """The code of the country the text names, or None.

    The text may be an ISO code (alpha-2 "BB" or alpha-3 "BRB") or a name CLDR gives the
    country in English, Spanish, French or Dutch, compared without regard to letter case,
    accents, spaces, dots or dashes: "barbados", " BB ", "brb", "St Lucia", "Saint Lucia".
    Nothing else is guessed: "Barbadoes" or "The Bahamas" are no match.
    """
    if not text:
        return None
    return _lookup().get(_key(text))
