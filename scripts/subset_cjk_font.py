#!/usr/bin/env python3
r"""Make the certificate's CJK font: Noto Sans CJK SC cut down to the characters names use.

The whole Noto Sans CJK collection is about 20 MB per weight, far too much to keep in the
repository for a few names. This script keeps, from its Simplified Chinese face:

- the commonest Han characters of the three national standards people's names are written
  in: GB 2312 level 1 (3,755 characters, mainland China), the Big5 "frequently used"
  block (5,401 characters, Taiwan and Hong Kong) and JIS X 0208 level 1 (2,965 kanji,
  Japan), 7,174 distinct characters together;
- every precomposed Hangul syllable (11,172) and the compatibility jamo, so that any
  Korean name prints;
- hiragana, katakana and their phonetic extensions, the CJK symbols and punctuation
  (the ideographic space and full stop, the katakana middle dot of Japanese names) and the
  half- and full-width forms.

Latin, Arabic, Devanagari and the other scripts come from their own Noto fonts, so they
are left out here. Hinting and the vertical-writing tables are dropped: a certificate is
printed horizontally, and viewers scale the outlines.

The vendored files, learning/certificates/fonts/NotoSansCJKsc-{Regular,Bold}-subset.otf
(about 2.9 MB each), were made from Debian bookworm's fonts-noto-cjk
(1:20220127+repack1-1) with:

    apt-get download fonts-noto-cjk && dpkg-deb -x fonts-noto-cjk_*.deb /tmp/noto-cjk
    for weight in Regular Bold; do
        .venv/bin/python scripts/subset_cjk_font.py \
            /tmp/noto-cjk/usr/share/fonts/opentype/noto/NotoSansCJK-$weight.ttc \
            learning/certificates/fonts/NotoSansCJKsc-$weight-subset.otf
    done

The same source gives the same bytes.

It needs fontTools, one of the project's dependencies. The font is under the SIL Open
Font License 1.1 (learning/certificates/fonts/OFL.txt), which allows subsetting; its only
Reserved Font Name, "Source", is not used by the subset.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTCollection, TTFont

# The Simplified Chinese face of Debian's NotoSansCJK-*.ttc (JP, KR, SC, TC, HK, then Mono).
SC_FACE = 2


def _decode_double_byte(codec: str, leads: range, trails: list[int]) -> set[str]:
    """Every character a double-byte codec gives for the lead and trail bytes."""
    found = set()
    for lead in leads:
        for trail in trails:
            try:
                found.add(bytes([lead, trail]).decode(codec))
            except UnicodeDecodeError:
                continue
    return found


def common_han() -> set[str]:
    """The commonest Han characters of China, Taiwan and Hong Kong, and Japan."""
    gb2312_level1 = _decode_double_byte("gb2312", range(0xB0, 0xD8), list(range(0xA1, 0xFF)))
    # Big5's frequently used block runs from A440 to C67E (C6A1 onwards are not Han).
    big5_frequent = _decode_double_byte("big5", range(0xA4, 0xC7),
                                        [*range(0x40, 0x7F), *range(0xA1, 0xFF)])
    jis_level1 = _decode_double_byte("euc_jp", range(0xB0, 0xD0), list(range(0xA1, 0xFF)))
    return {c for c in gb2312_level1 | big5_frequent | jis_level1 if _is_han(c)}


def _is_han(character: str) -> bool:
    code = ord(character)
    return 0x3400 <= code <= 0x9FFF or 0xF900 <= code <= 0xFAFF or 0x20000 <= code <= 0x2FFFF


def wanted_characters() -> set[int]:
    """The code points the subset keeps."""
    ranges = [
        (0x3000, 0x303F),  # CJK symbols and punctuation
        (0x3040, 0x30FF),  # hiragana and katakana
        (0x3130, 0x318F),  # Hangul compatibility jamo
        (0x31F0, 0x31FF),  # katakana phonetic extensions
        (0xAC00, 0xD7A3),  # Hangul syllables
        (0xFF00, 0xFFEF),  # half- and full-width forms
    ]
    codes = {code for start, end in ranges for code in range(start, end + 1)}
    codes |= {ord(character) for character in common_han()}
    return codes


def make_subset(source: Path, target: Path, face: int = SC_FACE) -> TTFont:
    """Write the subset of the collection's face to target and return it."""
    if source.suffix.lower() in (".ttc", ".otc"):
        font = TTCollection(source).fonts[face]
    else:
        font = TTFont(source)
    options = subset.Options()
    options.hinting = False
    options.drop_tables += ["BASE", "VORG", "vhea", "vmtx"]
    options.layout_features = ["ccmp", "kern"]
    options.name_IDs = ["*"]
    options.notdef_outline = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=wanted_characters())
    subsetter.subset(font)
    # Keep the source's modification time, so that the same source gives the same bytes.
    font.recalcTimestamp = False
    target.parent.mkdir(parents=True, exist_ok=True)
    font.save(target)
    return font


def main() -> None:
    """Parse the command line and write the subset."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path, help="NotoSansCJK-Regular.ttc (or one .otf face)")
    parser.add_argument("target", type=Path, help="where to write the subset .otf")
    parser.add_argument("--face", type=int, default=SC_FACE,
                        help="face index in a collection (default: %(default)s, SC)")
    arguments = parser.parse_args()
    font = make_subset(arguments.source, arguments.target, arguments.face)
    size = arguments.target.stat().st_size
    print(f"{arguments.target}: {len(font.getBestCmap())} characters, "
          f"{len(font.getGlyphOrder())} glyphs, {size / 1_000_000:.1f} MB")


if __name__ == "__main__":
    main()
