"""Typography and building blocks of the PDF report: styles, paragraphs, tables, colours.

One :class:`Kit` per report holds the fonts, the translator and the paragraph styles, so every
section is set in the same type: body 9 pt, tables 7.5 pt, headings 16 / 11.5 pt, one accent
colour. Score colours are five steps of viridis (Smith & van der Walt 2015), light for score 1
and dark for score 5: their lightness falls monotonically, so they read in greyscale and for
colour-blind readers.

References
----------
S. van der Walt, N. Smith, "A better default colormap for Matplotlib", SciPy 2015
(viridis; perceptually uniform, monotonic lightness, colour-vision-deficiency safe).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer, Table, TableStyle

from climrisk.report.fonts import FontSet
from climrisk.report.i18n import Translator

__all__ = [
    "ACCENT",
    "FRAME_WIDTH",
    "GRID",
    "MARGINS",
    "PAGE_SIZE",
    "SCORE_COLOURS",
    "Heading",
    "Kit",
    "score_colour",
    "score_text_colour",
    "viridis",
]

PAGE_SIZE = A4
MARGINS = {"left": 18 * mm, "right": 18 * mm, "top": 22 * mm, "bottom": 20 * mm}
FRAME_WIDTH = PAGE_SIZE[0] - MARGINS["left"] - MARGINS["right"]

ACCENT = colors.HexColor("#1d3f5e")
MUTED = colors.HexColor("#5b6770")
GRID = colors.HexColor("#b9c3cc")
HEADER_FILL = colors.HexColor("#e4eaf0")
ZEBRA_FILL = colors.HexColor("#f6f8fa")
NOTE_FILL = colors.HexColor("#fff4d6")

# viridis sampled at five stops (0 dark purple ... 1 yellow).
_VIRIDIS_STOPS = (
    (0.0, (0.267, 0.005, 0.329)),
    (0.25, (0.230, 0.322, 0.546)),
    (0.5, (0.128, 0.567, 0.551)),
    (0.75, (0.369, 0.789, 0.383)),
    (1.0, (0.993, 0.906, 0.144)),
)
NO_SCORE = colors.HexColor("#d9d9d9")


def viridis(x: float) -> colors.Color:
    """Viridis at ``x`` in [0, 1] (0 dark purple, 1 yellow), linear between five stops."""
    x = min(1.0, max(0.0, float(x)))
    for (x0, c0), (x1, c1) in itertools.pairwise(_VIRIDIS_STOPS):
        if x <= x1:
            w = 0.0 if x1 == x0 else (x - x0) / (x1 - x0)
            return colors.Color(*(a + (b - a) * w for a, b in zip(c0, c1, strict=True)))
    return colors.Color(*_VIRIDIS_STOPS[-1][1])


def score_colour(score: float | None) -> colors.Color:
    """Fill colour of a (possibly fractional) score 1-5; grey when there is none."""
    if score is None or score != score:  # NaN
        return NO_SCORE
    return viridis(1.0 - (min(5.0, max(1.0, float(score))) - 1.0) / 4.0)


SCORE_COLOURS: dict[int, colors.Color] = {s: score_colour(s) for s in range(1, 6)}


def score_text_colour(score: float | None) -> colors.Color:
    """Black on light score colours, white on dark ones."""
    if score is None or score != score:
        return colors.black
    return colors.white if float(score) >= 3.25 else colors.black


class Heading(Paragraph):
    """A section heading that adds itself to the table of contents and the PDF outline."""

    def __init__(self, text: str, style: ParagraphStyle, level: int, key: str,
                 plain: str) -> None:
        super().__init__(text, style)
        self.toc_level = level
        self.toc_key = key
        self.toc_text = plain


@dataclass
class Kit:
    """Fonts, translator and styles of one report, with helpers that use them."""

    fonts: FontSet
    tr: Translator
    currency: str | None
    styles: dict[str, ParagraphStyle] = field(default_factory=dict)
    _heading_count: int = 0
    _major: int = 0
    _minor: int = 0

    def __post_init__(self) -> None:
        body_font, bold_font = self.fonts.body, self.fonts.heading
        cjk = self.tr.is_chinese
        lead = 1.55 if cjk else 1.42

        def style(name: str, size: float, font: str = body_font, **kw: Any) -> ParagraphStyle:
            kw.setdefault("leading", round(size * lead, 1))
            if cjk:
                kw.setdefault("wordWrap", "CJK")  # break between any two Chinese characters
            return ParagraphStyle(name, fontName=font, fontSize=size, bulletFontName=font,
                                  **kw)

        self.styles = {
            "body": style("body", 9, spaceAfter=5, alignment=TA_LEFT),
            "lead": style("lead", 10.5, spaceAfter=6, textColor=ACCENT),
            "small": style("small", 7.5, textColor=MUTED, spaceAfter=3),
            "note": style("note", 7.5, textColor=MUTED, spaceBefore=2, spaceAfter=6),
            "bullet": style("bullet", 9, leftIndent=10, bulletIndent=2, spaceAfter=2),
            "h1": style("h1", 16, bold_font, textColor=ACCENT, spaceBefore=4, spaceAfter=8,
                        leading=20),
            "h2": style("h2", 11.5, bold_font, textColor=ACCENT, spaceBefore=8, spaceAfter=4,
                        leading=15),
            "h3": style("h3", 9.5, bold_font, textColor=colors.black, spaceBefore=6,
                        spaceAfter=3, leading=13),
            "cell": style("cell", 7.5, leading=9.6 if not cjk else 10.4),
            "cell_small": style("cell_small", 6.5, leading=8.2 if not cjk else 8.8),
            "cell_right": style("cell_right", 7.5, leading=9.6 if not cjk else 10.4,
                                alignment=TA_RIGHT),
            "cell_small_right": style("cell_small_right", 6.5, leading=8.2 if not cjk else 8.8,
                                      alignment=TA_RIGHT),
            "cell_center": style("cell_center", 7.5, leading=9.6 if not cjk else 10.4,
                                 alignment=TA_CENTER),
            "cell_small_center": style("cell_small_center", 6.5,
                                       leading=8.2 if not cjk else 8.8, alignment=TA_CENTER),
            "cell_head": style("cell_head", 7.5, bold_font, leading=9.6 if not cjk else 10.4),
            "cell_head_center": style("cell_head_center", 7.5, bold_font,
                                      leading=9.6 if not cjk else 10.4, alignment=TA_CENTER),
            "cell_head_right": style("cell_head_right", 7.5, bold_font,
                                     leading=9.6 if not cjk else 10.4, alignment=TA_RIGHT),
            "cell_head_small": style("cell_head_small", 6.5, bold_font,
                                     leading=8.2 if not cjk else 8.8),
            "cell_head_small_center": style("cell_head_small_center", 6.5, bold_font,
                                            leading=8.2 if not cjk else 8.8,
                                            alignment=TA_CENTER),
            "cell_head_small_right": style("cell_head_small_right", 6.5, bold_font,
                                           leading=8.2 if not cjk else 8.8,
                                           alignment=TA_RIGHT),
            "marker": style("marker", 8, leading=10, alignment=TA_CENTER, textColor=ACCENT),
            "title": style("title", 26, bold_font, textColor=ACCENT, leading=34, spaceAfter=10),
            "subtitle": style("subtitle", 13, textColor=MUTED, leading=19, spaceAfter=18),
            "company": style("company", 18, bold_font, leading=24, spaceAfter=4),
            "toc1": style("toc1", 10, leading=17, leftIndent=0),
            "toc2": style("toc2", 8.5, leading=13, leftIndent=14, textColor=MUTED),
        }

    # -- text ------------------------------------------------------------------------------------

    def t(self, key: str, /, **values: Any) -> str:
        """Translated message ``key`` (plain text)."""
        return self.tr.t(key, **values)

    def para(self, text: object, style: str = "body", bold: bool = False) -> Paragraph:
        """A paragraph of plain ``text`` (escaped, fonts per character) in ``style``."""
        chosen = self.styles[style]
        bold = bold or style.startswith(("h1", "h2", "h3", "cell_head", "title", "company"))
        return Paragraph(self.fonts.markup(text, bold=bold, base=chosen.fontName), chosen)

    def rich(self, parts: list[tuple[str, bool]], style: str = "body") -> Paragraph:
        """A paragraph from ``(text, bold)`` parts."""
        chosen = self.styles[style]
        return Paragraph("".join(self.fonts.markup(text, bold=bold, base=chosen.fontName)
                                 for text, bold in parts), chosen)

    def bullets(self, items: list[str], style: str = "bullet") -> list[Paragraph]:
        """A bullet list."""
        chosen = self.styles[style]
        return [Paragraph(self.fonts.markup(item, base=chosen.fontName), chosen, bulletText="•")
                for item in items]

    def heading(self, text: str, level: int = 1) -> Heading:
        """A numbered section heading (level 1) or sub-heading (level 2) for the contents."""
        self._heading_count += 1
        if level == 1:
            self._major += 1
            self._minor = 0
            number = f"{self._major}"
        else:
            self._minor += 1
            number = f"{self._major}.{self._minor}"
        style = "h1" if level == 1 else "h2"
        chosen = self.styles[style]
        return Heading(f"{number}&nbsp;&nbsp;"
                       + self.fonts.markup(text, bold=True, base=chosen.fontName),
                       chosen, level, f"h{self._heading_count}", f"{number}  {text}")

    def score_cell(self, score: float, style: str = "cell_small_center") -> Paragraph:
        """A score digit in the text colour that reads on its score colour."""
        colour = score_text_colour(score).hexval().replace("0x", "#")
        return Paragraph(f'<font color="{colour}">{int(score)}</font>', self.styles[style])

    def lines(self, items: list[str], style: str = "cell") -> Paragraph:
        """Several short lines in one paragraph (e.g. financial channels in a table cell)."""
        chosen = self.styles[style]
        return Paragraph("<br/>".join(self.fonts.markup(item, base=chosen.fontName)
                                      for item in items), chosen)

    def spacer(self, height_mm: float = 3.0) -> Spacer:
        """Vertical space."""
        return Spacer(1, height_mm * mm)

    def money(self, value: float | None) -> str:
        """A money amount with the report currency."""
        return self.tr.money(value, self.currency)

    def note_box(self, text: str) -> Table:
        """A highlighted note (e.g. the illustrative-data warning)."""
        table = Table([[self.para(text, "body")]], colWidths=[FRAME_WIDTH])
        table.setStyle(TableStyle([
            ("FONTNAME", (0, 0), (-1, -1), self.fonts.body),
            ("BACKGROUND", (0, 0), (-1, -1), NOTE_FILL),
            ("BOX", (0, 0), (-1, -1), 0.6, colors.HexColor("#d9b44a")),
            ("LEFTPADDING", (0, 0), (-1, -1), 6),
            ("RIGHTPADDING", (0, 0), (-1, -1), 6),
            ("TOPPADDING", (0, 0), (-1, -1), 4),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
        ]))
        return table

    # -- tables ----------------------------------------------------------------------------------

    def cell(self, value: object, style: str = "cell") -> Paragraph:
        """One table cell."""
        return self.para(value, style)

    def table(
        self,
        header: list[list[object]],
        rows: list[list[object]],
        widths: list[float],
        *,
        zebra: bool = True,
        extra: list[tuple] | None = None,
        small: bool = False,
        align_right: tuple[int, ...] = (),
        center: tuple[int, ...] = (),
        plain: tuple[int, ...] = (),
    ) -> Table:
        """A table with repeated header rows, light grid and zebra rows.

        Cells that are not already flowables become paragraphs (``cell`` style; right-aligned
        in ``align_right`` columns, centred in ``center`` columns). Body cells of ``plain``
        columns stay strings drawn in the primary font without wrapping (short numbers and
        codes: much faster for long tables).
        """
        base = "cell_small" if small else "cell"
        head_style = "cell_head_small" if small else "cell_head"
        primary = self.fonts.coverage[self.fonts.body]

        def convert(value: object, column: int, head: bool) -> object:
            if isinstance(value, Flowable) or value is None:
                return value if value is not None else ""
            if (not head and column in plain and isinstance(value, str)
                    and all(ord(c) in primary for c in value)):
                return value
            if head:
                if column in align_right:
                    return self.para(value, f"{head_style}_right")
                if column in center:
                    return self.para(value, f"{head_style}_center")
                return self.para(value, head_style)
            if column in align_right:
                return self.para(value, f"{base}_right")
            if column in center:
                return self.para(value, f"{base}_center")
            return self.para(value, base)

        data = [[convert(v, j, True) for j, v in enumerate(r)] for r in header]
        data += [[convert(v, j, False) for j, v in enumerate(r)] for r in rows]
        scale = FRAME_WIDTH / sum(widths) if sum(widths) > FRAME_WIDTH else 1.0
        table = Table(data, colWidths=[w * scale for w in widths], repeatRows=len(header))
        n_head = len(header)
        commands: list[tuple] = [
            ("FONTNAME", (0, 0), (-1, -1), self.fonts.body),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LINEBELOW", (0, n_head - 1), (-1, n_head - 1), 0.8, ACCENT),
            ("LINEABOVE", (0, 0), (-1, 0), 0.8, ACCENT),
            ("LINEBELOW", (0, -1), (-1, -1), 0.6, ACCENT),
            ("BACKGROUND", (0, 0), (-1, n_head - 1), HEADER_FILL),
            ("LEFTPADDING", (0, 0), (-1, -1), 3),
            ("RIGHTPADDING", (0, 0), (-1, -1), 3),
            ("TOPPADDING", (0, 0), (-1, -1), 2.2),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 2.2),
        ]
        if len(rows) > 1:
            commands.append(("LINEBELOW", (0, n_head), (-1, -2), 0.25, GRID))
        if zebra:
            commands.extend(("BACKGROUND", (0, n_head + i), (-1, n_head + i), ZEBRA_FILL)
                            for i in range(1, len(rows), 2))
        size = self.styles[base].fontSize
        for column in plain:
            align = "RIGHT" if column in align_right else "CENTER" if column in center else "LEFT"
            commands += [("FONTSIZE", (column, n_head), (column, -1), size, size * 1.25),
                         ("ALIGN", (column, n_head), (column, -1), align)]
        commands.extend(extra or [])
        table.setStyle(TableStyle(commands))
        return table

    def keep(self, *flowables: Flowable) -> KeepTogether:
        """Keep flowables on one page (a heading with its first table, a chart with its title)."""
        return KeepTogether(list(flowables))
