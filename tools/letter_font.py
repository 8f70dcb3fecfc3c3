"""Build the font the printable letters ship with (src/uadash/fonts/), from Debian's
fonts-noto-cjk: the Simplified Chinese face of Noto Sans CJK, cut down to what letters need.

Kept: Latin (Basic, Latin-1, Extended-A/B, Extended Additional for Vietnamese), Greek,
Cyrillic, CJK punctuation, full-width forms, and every hanzi of GB 2312 (the
6,763 in everyday use) plus any character the case files in data/cases/ use. Run once, when
the kept ranges change:

    .venv/bin/python tools/letter_font.py

Latin letters Noto Sans CJK lacks (Turkish ş, most of Vietnamese) come from a Latin-only cut
of DejaVu Sans (fonts-dejavu-core), which the letters use as a fallback.
"""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path

from fontTools import subset
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTCollection, TTFont, newTable

SOURCE = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
FACE = "Noto Sans CJK SC"
FONTS = Path(__file__).resolve().parent.parent / "src/uadash/fonts"
TARGET = FONTS / "NotoSansSC-Letters.ttf"
# Noto Sans CJK lacks some Latin letters (Turkish ş, most Vietnamese): DejaVu Sans fills in.
FALLBACK_SOURCE = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
FALLBACK = FONTS / "DejaVuSans-Latin.ttf"
FALLBACK_RANGES = [(0x0020, 0x036F), (0x1E00, 0x1EFF), (0x2000, 0x206F)]
RANGES = [
    (0x0020, 0x024F),  # Basic Latin … Latin Extended-B
    (0x0370, 0x03FF),  # Greek
    (0x0400, 0x04FF),  # Cyrillic
    (0x1E00, 0x1EFF),  # Latin Extended Additional (Vietnamese)
    (0x20A0, 0x20CF),  # currency
    (0x2100, 0x214F),  # letterlike symbols (№, ™)
    (0x3000, 0x303F),  # CJK Symbols and Punctuation
    (0xFF00, 0xFFEF),  # Halfwidth and Fullwidth Forms
]


def gb2312_hanzi() -> set[int]:
    found = set()
    for high in range(0xB0, 0xF8):
        for low in range(0xA1, 0xFF):
            with contextlib.suppress(UnicodeDecodeError):
                found.add(ord(bytes([high, low]).decode("gb2312")))
    return found


def to_truetype(font: TTFont) -> None:
    """CFF outlines to TrueType ones (fontTools' otf2ttf recipe). fpdf2 embeds a CFF font
    with an encoding that PDF readers such as pypdf read back as "\x00Z\x00h…"; a TrueType
    font is embedded as Identity-H, which every reader copies as text."""
    order = font.getGlyphOrder()
    glyphs = font.getGlyphSet()
    glyf = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = {}
    for name in order:
        pen = TTGlyphPen(glyphs)
        glyphs[name].draw(Cu2QuPen(pen, max_err=1.0, reverse_direction=True))
        glyf.glyphs[name] = pen.glyph()
    font["glyf"] = glyf
    font["loca"] = newTable("loca")
    for tag in ("CFF ", "VORG"):
        if tag in font:
            del font[tag]
    maxp = font["maxp"]
    maxp.tableVersion = 0x00010000
    for field in (
        "maxTwilightPoints",
        "maxStorage",
        "maxFunctionDefs",
        "maxInstructionDefs",
        "maxStackElements",
        "maxSizeOfInstructions",
        "maxComponentElements",
    ):
        setattr(maxp, field, 0)
    maxp.maxZones = 1
    post = font["post"]
    post.formatType = 3.0  # no glyph names: the cmap is all a PDF needs
    font["head"].glyphDataFormat = 0
    font.sfntVersion = "\x00\x01\x00\x00"


def main() -> int:
    collection = TTCollection(SOURCE)
    font = next(f for f in collection.fonts if f["name"].getDebugName(4) == FACE)
    wanted = gb2312_hanzi()
    for start, end in RANGES:
        wanted.update(range(start, end + 1))
    cases = Path(__file__).resolve().parent.parent / "data/cases"
    for path in cases.glob("*.yaml"):
        wanted.update(ord(ch) for ch in path.read_text(encoding="utf-8"))
    # Noto's CJK faces draw quotes and dashes full-width, which gapes in Latin text
    # ("People’ s"): those come from the Latin fallback instead.
    wanted -= set(range(0x2000, 0x2070))
    options = subset.Options()
    options.layout_features = ["kern", "liga", "locl", "vert"]
    options.name_IDs = ["*"]
    options.notdef_outline = True
    options.hinting = False
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=sorted(wanted & set(font.getBestCmap())))
    subsetter.subset(font)
    to_truetype(font)
    font.save(TARGET)
    print(f"{TARGET}: {TARGET.stat().st_size:,} bytes, {len(font.getBestCmap()):,} characters")
    fallback = TTFont(FALLBACK_SOURCE)
    latin = {c for start, end in FALLBACK_RANGES for c in range(start, end + 1)}
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=sorted(latin & set(fallback.getBestCmap())))
    subsetter.subset(fallback)
    fallback.save(FALLBACK)
    print(f"{FALLBACK}: {FALLBACK.stat().st_size:,} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
