"""Fonts of the PDF report: embedded TrueType subsets for Latin and Chinese text.

* Latin: DejaVu Sans and DejaVu Sans Bold, the TrueType fonts that ship with matplotlib
  (``matplotlib/mpl-data/fonts/ttf``; Bitstream Vera licence).
* Chinese: Noto Sans SC and Noto Sans TC (SIL Open Font License 1.1) from the PyPI packages
  ``pylopdf-fonts-zh-cn`` and ``pylopdf-fonts-zh-tw``. They are OpenType fonts with CFF
  outlines, which reportlab cannot embed, so the glyphs the report uses are first cut out with
  fontTools' subsetter and their cubic outlines converted to quadratic TrueType outlines
  (``cu2qu``, at most 1 font unit of 1000 away from the original). The result is embedded as a
  TrueType subset (``FontFile2``) like every other font; no system font is ever used.

Text is set in a chain of fonts: each character takes the first font of the chain that has a
glyph for it (Chinese primary in the Chinese reports, Latin primary in English), so Chinese
asset names in an English report and Latin names in a Chinese report both print.

References
----------
Google / Adobe, Noto Sans CJK, version 2.004, https://github.com/notofonts/noto-cjk (OFL-1.1).
DejaVu fonts, version 2.37, https://dejavu-fonts.github.io/ (Bitstream Vera licence).
"""

from __future__ import annotations

import functools
import hashlib
import importlib
import importlib.util
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from climrisk.errors import ClimriskError

__all__ = ["FontSet", "build_fontset", "cjk_font_paths", "latin_font_paths"]

# Characters always made available, whatever the data: ASCII, Latin-1, general punctuation,
# arrows, some mathematical operators, geometric shapes (● ○ ■), CJK punctuation, full-width forms.
_BASE_RANGES: tuple[tuple[int, int], ...] = (
    (0x20, 0x7E),
    (0xA0, 0xFF),
    (0x2010, 0x2027),
    (0x2030, 0x203A),
    (0x2190, 0x2193),
    (0x2212, 0x2212),
    (0x2264, 0x2265),
    (0x25A0, 0x25A1),
    (0x25CB, 0x25CF),
    (0x3000, 0x3011),
    (0xFF08, 0xFF1F),
)


def base_characters() -> set[str]:
    """The characters every report can use, whatever its data."""
    return {chr(c) for start, end in _BASE_RANGES for c in range(start, end + 1)}


def _package_dir(name: str) -> Path | None:
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def latin_font_paths() -> tuple[Path, Path]:
    """Paths of DejaVu Sans and DejaVu Sans Bold (from matplotlib's data folder)."""
    base = _package_dir("matplotlib")
    if base is None:
        raise ClimriskError("the PDF report needs matplotlib (for the DejaVu Sans fonts)")
    folder = base / "mpl-data" / "fonts" / "ttf"
    regular, bold = folder / "DejaVuSans.ttf", folder / "DejaVuSans-Bold.ttf"
    if not regular.exists() or not bold.exists():
        raise ClimriskError(f"DejaVu Sans fonts not found in {folder}")
    return regular, bold


def cjk_font_paths() -> dict[str, Path]:
    """Paths of Noto Sans SC (``sc``) and Noto Sans TC (``tc``) from their PyPI packages."""
    found: dict[str, Path] = {}
    for key, package in (("sc", "pylopdf_fonts_zh_cn"), ("tc", "pylopdf_fonts_zh_tw")):
        if importlib.util.find_spec(package) is None:
            continue
        module = importlib.import_module(package)
        path = Path(module.sans_path())
        if path.exists():
            found[key] = path
    return found


@functools.lru_cache(maxsize=8)
def _cmap(path: Path) -> frozenset[int]:
    from fontTools.ttLib import TTFont as FTFont

    with FTFont(str(path), lazy=True) as font:
        return frozenset(font.getBestCmap())


def _registered_cmap(name: str) -> frozenset[int]:
    """Code points of a TrueType font registered with reportlab (its cmap is parsed already)."""
    return frozenset(pdfmetrics.getFont(name).face.charToGlyph)


@functools.lru_cache(maxsize=16)
def _truetype_subset(path: Path, chars: frozenset[str]) -> bytes:
    """The glyphs of ``chars`` from a CFF-outline OpenType font, as a TrueType (glyf) font.

    Deterministic: the same font and characters give the same bytes (timestamps kept).
    """
    from fontTools import subset
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib import TTFont as FTFont
    from fontTools.ttLib import newTable

    font = FTFont(str(path), recalcTimestamp=False, recalcBBoxes=True, lazy=True)
    options = subset.Options()
    options.layout_features = []
    options.hinting = False
    options.notdef_outline = True
    options.desubroutinize = True
    options.name_IDs = [0, 1, 2, 3, 4, 5, 6]
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=sorted(ord(c) for c in chars))
    subsetter.subset(font)
    order = font.getGlyphOrder()
    glyph_set = font.getGlyphSet()
    glyf = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = {}
    for name in order:
        pen = TTGlyphPen(glyph_set)
        # 1 font unit of 1000 per em: invisible at any print size.
        glyph_set[name].draw(Cu2QuPen(pen, 1.0, reverse_direction=True))
        glyf.glyphs[name] = pen.glyph()
    for tag in ("CFF ", "VORG"):
        if tag in font:
            del font[tag]
    font["glyf"] = glyf
    font["loca"] = newTable("loca")
    maxp = newTable("maxp")
    maxp.tableVersion = 0x00010000
    maxp.numGlyphs = len(order)
    for attr in (
        "maxPoints", "maxContours", "maxCompositePoints", "maxCompositeContours",
        "maxTwilightPoints", "maxStorage", "maxFunctionDefs", "maxInstructionDefs",
        "maxStackElements", "maxSizeOfInstructions", "maxComponentElements",
        "maxComponentDepth",
    ):
        setattr(maxp, attr, 0)
    maxp.maxZones = 1
    font["maxp"] = maxp
    font["head"].glyphDataFormat = 0
    font["post"].formatType = 3.0
    # A PostScript name of its own: reportlab keeps faces by that name, and two different
    # subsets of one font in one process must not be taken for each other.
    digest = hashlib.sha256("".join(sorted(chars)).encode("utf-8")).hexdigest()[:8].upper()
    postscript = f"{font['name'].getDebugName(6)}-{digest}"
    for record in font["name"].names:
        if record.nameID == 6:
            record.string = postscript
    font.sfntVersion = "\x00\x01\x00\x00"
    buffer = io.BytesIO()
    font.save(buffer)
    return buffer.getvalue()


@dataclass
class FontSet:
    """Registered fonts of one report and the chains that pick a font per character.

    Attributes
    ----------
    regular, bold
        Registered reportlab font names, in the order a character looks for its glyph.
    coverage
        Code points each registered font has a glyph for.
    """

    regular: list[str]
    bold: list[str]
    coverage: dict[str, frozenset[int]] = field(default_factory=dict)

    @property
    def body(self) -> str:
        """The primary regular font (paragraph style ``fontName``)."""
        return self.regular[0]

    @property
    def heading(self) -> str:
        """The primary bold font."""
        return self.bold[0]

    def _chain(self, bold: bool) -> list[str]:
        return self.bold if bold else self.regular

    def runs(self, text: str, bold: bool = False) -> list[tuple[str, str]]:
        """Split ``text`` into ``(font, piece)`` runs, each piece set in one font."""
        chain = self._chain(bold)
        out: list[tuple[str, str]] = []
        for char in text:
            code = ord(char)
            font = next((f for f in chain if code in self.coverage[f]), chain[0])
            if out and out[-1][0] == font:
                out[-1] = (font, out[-1][1] + char)
            else:
                out.append((font, char))
        return out

    def markup(self, text: object, bold: bool = False, base: str | None = None) -> str:
        """``text`` escaped for a Paragraph, each run not set in ``base`` tagged with its font.

        ``base`` is the paragraph style's font (default: the primary font of the chain).
        """
        text = "" if text is None else str(text)
        base = base or self._chain(bold)[0]
        parts = []
        for font, piece in self.runs(text, bold):
            piece = escape(piece)
            parts.append(piece if font == base else f'<font face="{font}">{piece}</font>')
        return "".join(parts)

    def width(self, text: str, size: float, bold: bool = False) -> float:
        """Width of ``text`` in points at ``size``."""
        return sum(pdfmetrics.stringWidth(piece, font, size)
                   for font, piece in self.runs(text, bold))


def _register(name: str, source: Path | bytes) -> None:
    if name in pdfmetrics.getRegisteredFontNames():
        return
    handle: str | io.BytesIO = str(source) if isinstance(source, Path) else io.BytesIO(source)
    pdfmetrics.registerFont(TTFont(name, handle))


def build_fontset(lang: str, characters: Iterable[str]) -> FontSet:
    """Register the fonts one report needs and return its font chains.

    Parameters
    ----------
    lang
        Report language: Chinese reports set text in Noto Sans TC (``zh-Hant``) or SC
        (``zh-Hans``) first; English in DejaVu Sans first.
    characters
        Every character the report may print (the Chinese fonts are cut to these).

    Raises
    ------
    climrisk.errors.ClimriskError
        When a Chinese report is asked for and the Chinese font packages are not installed.
    """
    latin_regular, latin_bold = latin_font_paths()
    _register("ClimriskLatin", latin_regular)
    _register("ClimriskLatin-Bold", latin_bold)
    coverage = {name: _registered_cmap(name) for name in ("ClimriskLatin", "ClimriskLatin-Bold")}
    wanted = set(characters) | base_characters()
    cjk_paths = cjk_font_paths()
    order = ["tc", "sc"] if lang == "zh-Hant" else ["sc", "tc"]
    cjk_order = [key for key in order if key in cjk_paths]
    if lang.startswith("zh") and not cjk_order:
        raise ClimriskError(
            "Chinese reports need the font packages pylopdf-fonts-zh-cn and pylopdf-fonts-zh-tw"
        )
    latin_cover = coverage["ClimriskLatin"] & coverage["ClimriskLatin-Bold"]
    remaining = {c for c in wanted if lang.startswith("zh") or ord(c) not in latin_cover}
    cjk_names: list[str] = []
    for key in cjk_order:
        path = cjk_paths[key]
        cover = _cmap(path)
        take = frozenset(c for c in remaining if ord(c) in cover)
        if not take:
            continue
        remaining -= take
        digest = hashlib.sha256("".join(sorted(take)).encode("utf-8")).hexdigest()[:12]
        name = f"ClimriskNoto{key.upper()}-{digest}"
        _register(name, _truetype_subset(path, take))
        coverage[name] = frozenset(ord(c) for c in take)
        cjk_names.append(name)
    if lang.startswith("zh") and cjk_names:
        regular = [*cjk_names, "ClimriskLatin"]
        bold = [*cjk_names, "ClimriskLatin-Bold"]
    else:
        regular = ["ClimriskLatin", *cjk_names]
        bold = ["ClimriskLatin-Bold", *cjk_names]
    return FontSet(regular=regular, bold=bold, coverage=coverage)
