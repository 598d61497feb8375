"""Vector charts of the report, drawn with reportlab.graphics (no raster images).

Every chart is a :class:`reportlab.graphics.shapes.Drawing`, so it stays vector in the PDF and
uses the report's embedded fonts. Series are told apart by lightness (viridis / greys), line
dashes and marker shapes as well as hue, so the charts read in greyscale and for colour-blind
readers.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from reportlab.graphics.shapes import Circle, Drawing, Group, Line, Polygon, Rect, String
from reportlab.lib import colors

from climrisk.report.fonts import FontSet
from climrisk.report.layout import ACCENT, GRID, MUTED, score_colour, score_text_colour, viridis

__all__ = [
    "Series",
    "draw_text",
    "grouped_stacked_bars",
    "heatmap",
    "line_band_chart",
    "make_drawing",
    "nice_ticks",
    "score_legend",
]

_DASHES: tuple[tuple[float, ...] | None, ...] = (None, (4, 2), (1.5, 1.5), (6, 2, 1.5, 2))
_MARKERS = ("circle", "square", "triangle", "diamond")


def make_drawing(fonts: FontSet, width: float, height: float) -> Drawing:
    """An empty drawing whose initial font is the report's (never the unembedded Helvetica)."""
    drawing = Drawing(width, height)
    drawing.initialFontName = fonts.body
    return drawing


def draw_text(
    group: Group,
    fonts: FontSet,
    x: float,
    y: float,
    text: str,
    size: float = 7.0,
    anchor: str = "start",
    colour: colors.Color = colors.black,
    bold: bool = False,
) -> float:
    """Add ``text`` at (x, y) to ``group``, one String per font run; return its width."""
    runs = fonts.runs(str(text), bold)
    from reportlab.pdfbase.pdfmetrics import stringWidth

    widths = [stringWidth(piece, font, size) for font, piece in runs]
    total = sum(widths)
    start = x - total if anchor == "end" else x - total / 2 if anchor == "middle" else x
    for (font, piece), width in zip(runs, widths, strict=True):
        group.add(String(start, y, piece, fontName=font, fontSize=size, fillColor=colour))
        start += width
    return total


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values covering [low, high] (1-2-2.5-5 steps)."""
    if not math.isfinite(low) or not math.isfinite(high) or high <= low:
        high = low + 1.0
    raw = (high - low) / max(1, count)
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    start = math.floor(low / step) * step
    ticks = []
    value = start
    while value <= high + step * 1e-9:
        ticks.append(round(value, 12))
        value += step
    if ticks[-1] < high:
        ticks.append(ticks[-1] + step)
    return ticks


def _marker(kind: str, x: float, y: float, size: float, fill: colors.Color) -> object:
    half = size / 2
    stroke = dict(strokeColor=colors.black, strokeWidth=0.4, fillColor=fill)
    if kind == "square":
        return Rect(x - half, y - half, size, size, **stroke)
    if kind == "triangle":
        return Polygon([x - half, y - half, x + half, y - half, x, y + half], **stroke)
    if kind == "diamond":
        return Polygon([x, y - half * 1.2, x + half, y, x, y + half * 1.2, x - half, y], **stroke)
    return Circle(x, y, half, **stroke)


def _series_colour(index: int, count: int) -> colors.Color:
    """Distinct lightness along viridis (dark first)."""
    if count <= 1:
        return viridis(0.25)
    return viridis(0.05 + 0.7 * index / (count - 1))


@dataclass
class Series:
    """One line of a line chart: x values, central values and an optional low-high band."""

    label: str
    x: Sequence[float]
    y: Sequence[float]
    low: Sequence[float] | None = None
    high: Sequence[float] | None = None
    colour: int | None = None
    dash: int | None = None


def line_band_chart(
    fonts: FontSet,
    series: list[Series],
    width: float,
    height: float,
    y_format: Callable[[float], str],
    x_labels: dict[float, str] | None = None,
    y_title: str = "",
    band_label: str = "",
    tick_format: Callable[[float], str] | None = None,
) -> Drawing:
    """Lines with markers and shaded low-high bands, one per series, and a legend below."""
    drawing = make_drawing(fonts, width, height)
    group = Group()
    legend_h = 14 * math.ceil(len(series) / 3) + (12 if band_label else 0)
    left, right, bottom, top = 58.0, 10.0, 32.0 + legend_h, 14.0
    plot_w, plot_h = width - left - right, height - bottom - top
    xs = sorted({float(x) for s in series for x in s.x})
    values = [v for s in series for v in [*s.y, *(s.low or []), *(s.high or [])]
              if v is not None and math.isfinite(v)]
    y_max = max(values) if values else 1.0
    y_min = min(0.0, min(values)) if values else 0.0
    ticks = nice_ticks(y_min, y_max if y_max > y_min else y_min + 1.0)
    y0, y1 = ticks[0], ticks[-1]
    x_min, x_max = (xs[0], xs[-1]) if xs else (0.0, 1.0)
    if x_max == x_min:
        x_min, x_max = x_min - 1, x_max + 1
    pad = (x_max - x_min) * 0.04

    def px(x: float) -> float:
        return left + (x - x_min + pad) / (x_max - x_min + 2 * pad) * plot_w

    def py(y: float) -> float:
        return bottom + (y - y0) / (y1 - y0) * plot_h

    for tick in ticks:
        group.add(Line(left, py(tick), left + plot_w, py(tick), strokeColor=GRID,
                       strokeWidth=0.3))
        draw_text(group, fonts, left - 4, py(tick) - 2.5, (tick_format or y_format)(tick), 6.5,
                  "end", MUTED)
    group.add(Line(left, bottom, left + plot_w, bottom, strokeColor=colors.black,
                   strokeWidth=0.6))
    for x in xs:
        label = (x_labels or {}).get(x, f"{x:g}")
        group.add(Line(px(x), bottom, px(x), bottom - 3, strokeColor=colors.black,
                       strokeWidth=0.5))
        for k, part in enumerate(str(label).split("\n")):
            draw_text(group, fonts, px(x), bottom - 11 - 8 * k, part, 6.5, "middle")
    if y_title:
        draw_text(group, fonts, left, height - 9, y_title, 6.5, "start", MUTED)
    n_colours = max([s.colour for s in series if s.colour is not None], default=len(series) - 1) + 1

    def look(i: int, s: Series) -> tuple[colors.Color, tuple[float, ...] | None, str]:
        c = s.colour if s.colour is not None else i
        d = s.dash if s.dash is not None else i
        return (_series_colour(c, n_colours), _DASHES[d % len(_DASHES)],
                _MARKERS[d % len(_MARKERS)])

    for i, s in enumerate(series):
        colour, dash, marker = look(i, s)
        if s.low is not None and s.high is not None:
            upper = [(px(x), py(h)) for x, h in zip(s.x, s.high, strict=True)
                     if h is not None and math.isfinite(h)]
            lower = [(px(x), py(lo)) for x, lo in zip(s.x, s.low, strict=True)
                     if lo is not None and math.isfinite(lo)]
            if len(upper) >= 2 and len(upper) == len(lower):
                points = [c for p in [*upper, *reversed(lower)] for c in p]
                fill = colors.Color(colour.red, colour.green, colour.blue, alpha=0.18)
                group.add(Polygon(points, fillColor=fill, strokeColor=None, strokeWidth=0))
                for xx, hh in upper:
                    group.add(Line(xx - 2.5, hh, xx + 2.5, hh, strokeColor=colour,
                                   strokeWidth=0.6))
                for xx, ll in lower:
                    group.add(Line(xx - 2.5, ll, xx + 2.5, ll, strokeColor=colour,
                                   strokeWidth=0.6))
                for (xx, hh), (_, ll) in zip(upper, lower, strict=True):
                    group.add(Line(xx, ll, xx, hh, strokeColor=colour, strokeWidth=0.5))
        pts = [(px(x), py(y)) for x, y in zip(s.x, s.y, strict=True)
               if y is not None and math.isfinite(y)]
        for (xa, ya), (xb, yb) in itertools.pairwise(pts):
            line = Line(xa, ya, xb, yb, strokeColor=colour, strokeWidth=1.4)
            if dash:
                line.strokeDashArray = list(dash)
            group.add(line)
        for xx, yy in pts:
            group.add(_marker(marker, xx, yy, 5.0, colour))
    # legend
    lx, ly = left, 8.0 + (12 if band_label else 0) + 14 * (math.ceil(len(series) / 3) - 1)
    column_w = plot_w / 3
    for i, s in enumerate(series):
        colour, dash, marker = look(i, s)
        cx = lx + (i % 3) * column_w
        cy = ly - 14 * (i // 3)
        line = Line(cx, cy + 2.5, cx + 18, cy + 2.5, strokeColor=colour, strokeWidth=1.4)
        if dash:
            line.strokeDashArray = list(dash)
        group.add(line)
        group.add(_marker(marker, cx + 9, cy + 2.5, 4.5, colour))
        draw_text(group, fonts, cx + 22, cy, s.label, 6.8)
    if band_label:
        group.add(Rect(lx, 2, 18, 6, fillColor=colors.Color(0.3, 0.3, 0.3, alpha=0.18),
                       strokeColor=None))
        draw_text(group, fonts, lx + 22, 2, band_label, 6.5, "start", MUTED)
    drawing.add(group)
    return drawing


def grouped_stacked_bars(
    fonts: FontSet,
    groups: list[str],
    bars: list[str],
    stacks: list[str],
    values: dict[tuple[str, str, str], float],
    width: float,
    height: float,
    y_format: Callable[[float], str],
    labels: dict[str, str],
    y_title: str = "",
    tick_format: Callable[[float], str] | None = None,
) -> Drawing:
    """Bars grouped (e.g. by horizon), one bar per ``bars`` item, stacked by ``stacks``.

    ``values[(group, bar, stack)]`` are non-negative; ``labels`` translate group, bar and
    stack identifiers.
    """
    drawing = make_drawing(fonts, width, height)
    group = Group()
    legend_rows = math.ceil(len(stacks) / 2)
    left, right, bottom, top = 58.0, 8.0, 34.0 + 12 * legend_rows, 14.0
    plot_w, plot_h = width - left - right, height - bottom - top
    totals = [sum(max(0.0, values.get((g, b, s), 0.0)) for s in stacks)
              for g in groups for b in bars]
    ticks = nice_ticks(0.0, max(totals) if totals and max(totals) > 0 else 1.0)
    top_value = ticks[-1]

    def py(v: float) -> float:
        return bottom + v / top_value * plot_h

    for tick in ticks:
        group.add(Line(left, py(tick), left + plot_w, py(tick), strokeColor=GRID,
                       strokeWidth=0.3))
        draw_text(group, fonts, left - 4, py(tick) - 2.5, (tick_format or y_format)(tick), 6.5,
                  "end", MUTED)
    if y_title:
        draw_text(group, fonts, left, height - 9, y_title, 6.5, "start", MUTED)
    group_w = plot_w / max(1, len(groups))
    bar_w = min(34.0, group_w * 0.8 / max(1, len(bars)))
    stack_colours = {s: viridis(0.08 + 0.84 * i / max(1, len(stacks) - 1))
                     for i, s in enumerate(stacks)}
    for gi, g in enumerate(groups):
        gx = left + gi * group_w + (group_w - bar_w * len(bars)) / 2
        for bi, b in enumerate(bars):
            x = gx + bi * bar_w
            base = 0.0
            for s in stacks:
                v = max(0.0, values.get((g, b, s), 0.0))
                if v <= 0:
                    continue
                group.add(Rect(x + 1, py(base), bar_w - 2, py(base + v) - py(base),
                               fillColor=stack_colours[s], strokeColor=colors.white,
                               strokeWidth=0.4))
                base += v
            draw_text(group, fonts, x + bar_w / 2, bottom - 9, labels.get(b, b), 6.2, "middle")
            if base > 0:
                draw_text(group, fonts, x + bar_w / 2, py(base) + 2, y_format(base), 5.8,
                          "middle", MUTED)
        draw_text(group, fonts, left + gi * group_w + group_w / 2, bottom - 19,
                  labels.get(g, g), 7.0, "middle", colors.black, bold=True)
    group.add(Line(left, bottom, left + plot_w, bottom, strokeColor=colors.black,
                   strokeWidth=0.6))
    for i, s in enumerate(stacks):
        cx = left + (i % 2) * plot_w / 2
        cy = 4 + 12 * (legend_rows - 1 - i // 2)
        group.add(Rect(cx, cy, 9, 7, fillColor=stack_colours[s], strokeColor=colors.black,
                       strokeWidth=0.3))
        draw_text(group, fonts, cx + 13, cy + 1, labels.get(s, s), 6.8)
    drawing.add(group)
    return drawing


def heatmap(
    fonts: FontSet,
    row_labels: list[str],
    column_groups: list[tuple[str, list[str]]],
    values: list[list[float | None]],
    width: float,
    label_width: float = 96.0,
    cell_height: float = 13.0,
) -> Drawing:
    """Cells coloured by score 1-5 (viridis, light = low) with the value printed inside.

    ``column_groups`` is ``[(group label, [column labels]), ...]``; ``values`` has one row per
    row label and one value per column (``None`` = no exposure).
    """
    n_cols = sum(len(cols) for _, cols in column_groups)
    head = 26.0
    height = head + cell_height * len(row_labels) + 2
    drawing = make_drawing(fonts, width, height)
    group = Group()
    cell_w = (width - label_width) / max(1, n_cols)
    top = height - head
    col = 0
    for gi, (glabel, cols) in enumerate(column_groups):
        x0 = label_width + col * cell_w
        draw_text(group, fonts, x0 + cell_w * len(cols) / 2, height - 9, glabel, 6.8, "middle",
                  colors.black, bold=True)
        for ci, clabel in enumerate(cols):
            draw_text(group, fonts, x0 + (ci + 0.5) * cell_w, height - 21, clabel, 6.0,
                      "middle", MUTED)
        if gi:
            group.add(Line(x0, 0, x0, height - 2, strokeColor=colors.black, strokeWidth=0.8))
        col += len(cols)
    for ri, label in enumerate(row_labels):
        y = top - (ri + 1) * cell_height
        draw_text(group, fonts, label_width - 4, y + cell_height / 2 - 2.5, label, 6.8, "end")
        for ci in range(n_cols):
            value = values[ri][ci]
            x = label_width + ci * cell_w
            if value is None or value != value:
                group.add(Rect(x, y, cell_w, cell_height, fillColor=colors.white,
                               strokeColor=GRID, strokeWidth=0.3))
                draw_text(group, fonts, x + cell_w / 2, y + cell_height / 2 - 2.3, "·", 6.5,
                          "middle", MUTED)
                continue
            group.add(Rect(x, y, cell_w, cell_height, fillColor=score_colour(value),
                           strokeColor=colors.white, strokeWidth=0.6))
            draw_text(group, fonts, x + cell_w / 2, y + cell_height / 2 - 2.3, f"{value:.1f}",
                      6.2, "middle", score_text_colour(value))
    drawing.add(group)
    return drawing


def score_legend(fonts: FontSet, labels: dict[int, str], width: float, title: str = "",
                 no_data: str = "") -> Drawing:
    """A horizontal key of the five score colours (plus "no data" when given)."""
    drawing = make_drawing(fonts, width, 18)
    group = Group()
    x = 0.0
    if title:
        x += draw_text(group, fonts, 0, 5, title, 6.8, "start", ACCENT, bold=True) + 8
    for score in range(1, 6):
        group.add(Rect(x, 3, 10, 9, fillColor=score_colour(score), strokeColor=colors.black,
                       strokeWidth=0.3))
        x += 13
        x += draw_text(group, fonts, x, 5, f"{score} {labels.get(score, '')}".strip(), 6.5) + 9
    if no_data:
        group.add(Rect(x, 3, 10, 9, fillColor=score_colour(None), strokeColor=colors.black,
                       strokeWidth=0.3))
        x += 13
        draw_text(group, fonts, x, 5, no_data, 6.5)
    drawing.add(group)
    return drawing
