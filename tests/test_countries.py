"""Countries: the ISO 3166-1 list, its Caribbean group, names per language, text matched."""

import pytest

from learning import countries

# ISO 3166-1's officially assigned alpha-2 codes (as Debian's iso-codes 4.15 lists them):
# what the list must hold, no more and no less.
ISO_3166_1 = set("""
AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ
BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM
DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS
GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN
KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ
MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM
PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV
SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI
VN VU WF WS YE YT ZA ZM ZW
""".split())
# CLDR 47's territory containment for UN M49 region 029.
CARIBBEAN = set("AG AI AW BB BL BQ BS CU CW DM DO GD GP HT JM KN KY LC MF MQ MS PR SX TC TT VC "
                "VG VI".split())


def test_the_list_is_exactly_iso_3166_1():
    assert len(ISO_3166_1) == 249
    assert countries.country_codes() == ISO_3166_1


@pytest.mark.parametrize("code", ["EU", "EZ", "UN", "QO", "XA", "XB", "XK", "ZZ", "AC", "IC",
                                  "029", "419", "001", "bb", " BB", "BRB", "", None, 52])
def test_pseudo_territories_regions_and_anything_but_a_code_are_no_country(code):
    assert not countries.is_country(code)


def test_the_caribbean_comes_from_cldr_s_region_029():
    assert countries.caribbean_codes() == CARIBBEAN
    # UN M49 places these in Central and South America, and so does the list.
    assert not {"BZ", "GY", "SR"} & countries.caribbean_codes()


def test_the_choices_are_the_caribbean_first_then_all_others_alphabetically():
    (caribbean_label, caribbean), (others_label, others) = countries.grouped_countries("en_GB")
    assert caribbean_label == "Caribbean"
    assert others_label == "Other countries and territories"
    assert set(caribbean) == CARIBBEAN and len(caribbean) == len(CARIBBEAN)
    assert set(others) == ISO_3166_1 - CARIBBEAN and len(others) == 249 - len(CARIBBEAN)
    names = [countries.country_name(code, "en_GB") for code in caribbean]
    assert names[:3] == ["Anguilla", "Antigua & Barbuda", "Aruba"]
    others_names = [countries.country_name(code, "en_GB") for code in others]
    assert others_names[:3] == ["Afghanistan", "Åland Islands", "Albania"]  # Å with the As
    assert others_names[-1] == "Zimbabwe"


def test_names_follow_the_language():
    assert countries.country_name("BB", "en_GB") == "Barbados"
    assert countries.country_name("LC", "en_GB") == "St Lucia"
    assert countries.country_name("BB", "fr") == "Barbade"
    assert countries.country_name("JM", "es") == "Jamaica"
    assert countries.country_name("TT", "nl") == "Trinidad en Tobago"
    (label, caribbean), _others = countries.grouped_countries("fr")
    assert label == "Caraïbes"
    assert countries.country_name(caribbean[0], "fr") == "Anguilla"


def test_no_country_has_no_name_and_an_unknown_code_shows_as_it_is():
    assert countries.country_name("") == ""
    assert countries.country_name(None) == ""
    assert countries.country_name("QQ", "en_GB") == "QQ"


@pytest.mark.parametrize(("text", "code"), [
    ("barbados", "BB"), (" Barbados ", "BB"), ("BARBADOS", "BB"), ("BB", "BB"), (" bb ", "BB"),
    ("BRB", "BB"), ("brb", "BB"), ("Jamaica", "JM"), ("JAM", "JM"),
    # CLDR's English names in their regional forms, and in the other languages.
    ("Saint Lucia", "LC"), ("St Lucia", "LC"), ("St. Lucia", "LC"), ("Sainte-Lucie", "LC"),
    ("Trinidad and Tobago", "TT"), ("Trinidad & Tobago", "TT"), ("trinité et tobago", "TT"),
    ("St Vincent & the Grenadines", "VC"), ("Saint Vincent and the Grenadines", "VC"),
    ("Curacao", "CW"), ("Curaçao", "CW"), ("Jamaïque", "JM"), ("Cote d'Ivoire", "CI"),
    ("United Kingdom", "GB"), ("UK", "GB"), ("USA", "US"), ("Guyana", "GY"),
    ("Belize", "BZ"), ("Suriname", "SR"),
])
def test_a_name_or_code_is_matched_whatever_its_letter_case_and_spaces(text, code):
    assert countries.match_country(text) == code


@pytest.mark.parametrize("text", [
    "Atlantis", "Barbadoes", "The Bahamas", "", "   ", None, "Caribbean", "029", "052",
    "European Union", "EU", "Kosovo", "XK", "ZZ",
    "ANT",  # the Netherlands Antilles: CLDR replaces it by three countries, so by none here
    "B B", "Barbados\x00",
])
def test_nothing_else_is_guessed(text):
    assert countries.match_country(text) is None
