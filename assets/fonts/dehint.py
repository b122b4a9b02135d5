"""Remove TrueType hinting from fonts, and change nothing else.

    pip install fonttools
    python3 dehint.py IN.ttf OUT.ttf [IN.ttf OUT.ttf ...]

Drops the cvt, fpgm and prep tables and every glyph's instructions, and
zeroes the hinting limits in maxp. Outlines, metrics, cmap, GSUB, GPOS,
GDEF, name and OS/2 are copied byte for byte (fontTools writes again only
the tables it is asked to change: glyf, loca, maxp and head's checksum).
"""

import sys

from fontTools.ttLib import TTFont
from fontTools.ttLib.tables import ttProgram


def dehint(src: str, dst: str) -> None:
    font = TTFont(src, recalcTimestamp=False, recalcBBoxes=False)
    for tag in ("cvt ", "fpgm", "prep"):
        if tag in font:
            del font[tag]
    glyf = font["glyf"]
    for name in font.getGlyphOrder():
        glyph = glyf[name]
        if glyph.isComposite():
            if hasattr(glyph, "program"):
                del glyph.program
        elif glyph.numberOfContours > 0:
            glyph.program = ttProgram.Program()
            glyph.program.fromBytecode(b"")
    maxp = font["maxp"]
    maxp.maxZones, maxp.maxTwilightPoints, maxp.maxStorage = 1, 0, 0
    maxp.maxFunctionDefs = maxp.maxInstructionDefs = 0
    maxp.maxStackElements = maxp.maxSizeOfInstructions = 0
    font.save(dst)


if __name__ == "__main__":
    args = sys.argv[1:]
    if not args or len(args) % 2:
        sys.exit(__doc__)
    for src, dst in zip(args[::2], args[1::2]):
        dehint(src, dst)
