"""The board-committee PDF report, rendered from a saved results folder.

``render_pdf(results_dir, lang)`` reads the tables and manifest that ``climrisk assess`` wrote
(:mod:`climrisk.report.results`) and lays out an A4 report in the shape of the climate section
of an IFRS S2 / TCFD / HKEX ESG Code disclosure:

1. cover; 2. executive summary; 3. scenario set-up; 4. physical risk matrix and heat-maps;
5. map; 6. most exposed assets; 7. transition risks and opportunities; 8. financial impact over
time; 9. methodology; 10. data, assumptions and limitations; 11. per-asset appendix.

The output is deterministic: fonts are embedded TrueType subsets (:mod:`climrisk.report.fonts`),
the PDF is written in reportlab's invariant mode, and its creation date is the manifest's
``created`` timestamp, so the same results give the same bytes.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Frame, NextPageTemplate, PageBreak, PageTemplate, TableStyle
from reportlab.platypus.doctemplate import BaseDocTemplate
from reportlab.platypus.tableofcontents import TableOfContents

from climrisk.errors import InputError
from climrisk.io.atomic import atomic_file
from climrisk.report.annex import appendix, data_and_limitations, methodology
from climrisk.report.charts import draw_text, make_drawing
from climrisk.report.fonts import FontSet, build_fontset
from climrisk.report.i18n import LANGUAGES, Translator, load_messages
from climrisk.report.layout import ACCENT, MARGINS, MUTED, PAGE_SIZE, Heading, Kit
from climrisk.report.physical_pages import physical_matrix, portfolio_maps, top_assets
from climrisk.report.results import ResultsFolder, read_results
from climrisk.report.sections import cover, executive_summary, scenario_setup
from climrisk.report.transition_pages import financial_over_time, transition

__all__ = ["render_pdf"]


def _pdf_date(created: str | None) -> str:
    """The manifest timestamp as a PDF date string (UTC)."""
    moment = None
    if created:
        try:
            moment = datetime.fromisoformat(str(created).replace("Z", "+00:00"))
        except ValueError:
            moment = None
    if moment is None:
        moment = datetime(2000, 1, 1, tzinfo=UTC)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    moment = moment.astimezone(UTC)
    return moment.strftime("D:%Y%m%d%H%M%S+00'00'")


def _strings(value: Any, out: set[str]) -> None:
    """Every character of every string inside a JSON-like value."""
    if isinstance(value, str):
        out.update(value)
    elif isinstance(value, dict):
        for key, item in value.items():
            out.update(str(key))
            _strings(item, out)
    elif isinstance(value, (list, tuple)):
        for item in value:
            _strings(item, out)


def _report_characters(data: ResultsFolder, lang: str) -> set[str]:
    """Every character the report may print (the Chinese font subsets are cut to these)."""
    chars: set[str] = set()
    _strings(load_messages(lang), chars)
    _strings(load_messages("en"), chars)
    _strings(data.manifest, chars)
    frames = [data.asset_results.drop_duplicates("asset_id"), data.physical_matrix,
              data.transition_matrix, data.assets.reset_index()]
    for frame in frames:
        if frame is None:
            continue
        for column in frame.columns:
            series = frame[column]
            if series.dtype == object or str(series.dtype).startswith(("string", "str")):
                for value in series.dropna().unique():
                    chars.update(str(value))
    chars.update("".join(str(c) for c in data.asset_results.columns))
    try:
        from climrisk.portfolio.countries import load_boundaries

        frame = load_boundaries()
        codes = set(data.assets["country"].dropna().astype(str))
        column = {"zh-Hans": "name_zh_hans", "zh-Hant": "name_zh_hant"}.get(lang, "name")
        for name in frame.loc[frame["iso_a2"].isin(codes), column].dropna():
            chars.update(str(name))
    except Exception:  # noqa: S110  (country names are optional; codes are shown)
        pass
    try:
        from climrisk.vulnerability import registered_models

        for model in registered_models():
            for attr in ("name", "description"):
                chars.update(str(getattr(model, attr, "")))
            for reference in getattr(model, "references", ()) or ():
                chars.update(str(reference))
    except Exception:  # noqa: S110  (the methodology then lists no models)
        pass
    try:
        from climrisk.transition.drivers import DRIVERS

        for driver in DRIVERS:
            chars.update(f"{driver.metric}{driver.units}{driver.description}")
    except Exception:  # noqa: S110
        pass
    return {c for c in chars if c.isprintable() or c == " "}


class _Document(BaseDocTemplate):
    """Two page templates (cover, content), the table of contents and the PDF outline."""

    def __init__(self, filename: str, *, kit: Kit, data: ResultsFolder, **kwargs: Any) -> None:
        self.kit = kit
        self.data = data
        super().__init__(filename, pagesize=PAGE_SIZE, leftMargin=MARGINS["left"],
                         rightMargin=MARGINS["right"], topMargin=MARGINS["top"],
                         bottomMargin=MARGINS["bottom"], **kwargs)
        frame = Frame(self.leftMargin, self.bottomMargin, self.width, self.height, id="body",
                      leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
        self.addPageTemplates([
            PageTemplate("cover", [frame], onPage=self._cover_page),
            PageTemplate("content", [frame], onPage=self._content_page),
        ])

    def afterFlowable(self, flowable: Any) -> None:  # noqa: N802 (reportlab hook)
        """Register headings in the table of contents and the outline."""
        if isinstance(flowable, Heading):
            self.notify("TOCEntry", (flowable.toc_level - 1, flowable.toc_text, self.page,
                                     flowable.toc_key))
            self.canv.bookmarkPage(flowable.toc_key)
            self.canv.addOutlineEntry(flowable.toc_text, flowable.toc_key,
                                      level=flowable.toc_level - 1, closed=False)

    def _cover_page(self, canvas: Canvas, doc: Any) -> None:
        canvas.saveState()
        canvas.setFillColor(ACCENT)
        canvas.rect(0, PAGE_SIZE[1] - 18 * mm, PAGE_SIZE[0], 18 * mm, stroke=0, fill=1)
        canvas.rect(0, 0, PAGE_SIZE[0], 6 * mm, stroke=0, fill=1)
        canvas.restoreState()

    def _content_page(self, canvas: Canvas, doc: Any) -> None:
        kit = self.kit
        canvas.saveState()
        top = PAGE_SIZE[1] - 12 * mm
        _canvas_text(canvas, kit.fonts, MARGINS["left"], top, kit.t("running_title"), 7.5,
                     MUTED)
        _canvas_text(canvas, kit.fonts, PAGE_SIZE[0] - MARGINS["right"], top,
                     self.data.company, 7.5, MUTED, anchor="end")
        canvas.setStrokeColor(ACCENT)
        canvas.setLineWidth(0.6)
        canvas.line(MARGINS["left"], top - 3, PAGE_SIZE[0] - MARGINS["right"], top - 3)
        bottom = 10 * mm
        canvas.setLineWidth(0.3)
        canvas.line(MARGINS["left"], bottom + 8, PAGE_SIZE[0] - MARGINS["right"], bottom + 8)
        _canvas_text(canvas, kit.fonts, MARGINS["left"], bottom,
                     kit.t("footer_run", date=kit.tr.date(self.data.manifest.get("created"))),
                     7, MUTED)
        _canvas_text(canvas, kit.fonts, PAGE_SIZE[0] - MARGINS["right"], bottom,
                     kit.t("page_number", page=canvas.getPageNumber()), 7.5, ACCENT,
                     anchor="end")
        canvas.restoreState()


def _canvas_text(canvas: Canvas, fonts: FontSet, x: float, y: float, text: str, size: float,
                 colour: Any, anchor: str = "start") -> None:
    """Draw mixed-script text on the page canvas (one font per run)."""
    from reportlab.graphics import renderPDF
    from reportlab.graphics.shapes import Group

    group = Group()
    draw_text(group, fonts, 0, 0, text, size, anchor, colour)
    drawing = make_drawing(fonts, 0, 0)
    drawing.add(group)
    renderPDF.draw(drawing, canvas, x, y)


def _make_canvas(created: str | None, title: str, author: str, subject: str,
                 lang: str, font: str) -> type[Canvas]:
    date = _pdf_date(created)

    class _ReportCanvas(Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            kwargs["invariant"] = 1
            kwargs.setdefault("pageCompression", 1)
            kwargs["lang"] = lang
            kwargs["initialFontName"] = font  # never the unembedded Helvetica
            super().__init__(*args, **kwargs)
            self.setDateFormatter(lambda *_: date)
            self.setTitle(title)
            self.setAuthor(author)
            self.setSubject(subject)
            self.setCreator("climrisk")
            self.setProducer("climrisk (reportlab)")

    return _ReportCanvas


def _story(kit: Kit, data: ResultsFolder) -> list[Any]:
    toc = TableOfContents(dotsMinLevel=0)
    toc.levelStyles = [kit.styles["toc1"], kit.styles["toc2"]]
    toc.tableStyle = TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), kit.fonts.body),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 0),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
    ])
    story: list[Any] = [NextPageTemplate("content")]
    story += cover(kit, data)
    story += [PageBreak(), kit.para(kit.t("contents"), "h1"), toc, PageBreak()]
    for builder in (executive_summary, scenario_setup, physical_matrix, portfolio_maps,
                    top_assets, transition, financial_over_time, methodology,
                    data_and_limitations):
        story += builder(kit, data)
        story.append(PageBreak())
    story += appendix(kit, data)
    return story


def render_pdf(
    results_dir: Path,
    lang: str = "en",
    out: Path | None = None,
    manifest: dict[str, Any] | None = None,
) -> Path:
    """Render the board-committee report of a saved results folder.

    Parameters
    ----------
    results_dir
        Output folder of ``climrisk assess`` (``asset_results.parquet``,
        ``physical_matrix.csv``, ``transition_matrix.csv``, ``manifest.json``).
    lang
        ``en``, ``zh-Hant`` or ``zh-Hans``.
    out
        The PDF to write (default ``results_dir / "report.pdf"``); written to a temporary file
        beside it and renamed, so a failed render leaves no partial file.
    manifest
        The run manifest (a dict, or an object with ``as_dict()``) when ``manifest.json`` is
        not yet in ``results_dir``.

    Returns
    -------
    pathlib.Path
        The PDF written.

    Raises
    ------
    climrisk.errors.InputError
        For an unknown language, or a results folder with a missing or unreadable file.
    """
    if lang not in LANGUAGES:
        raise InputError("command line",
                         f"unknown language '{lang}'; use one of {', '.join(LANGUAGES)}",
                         column="lang")
    results_dir = Path(results_dir)
    data = read_results(results_dir, manifest)
    out = Path(out) if out is not None else results_dir / "report.pdf"
    tr = Translator(lang)
    fonts = build_fontset(lang, _report_characters(data, lang))
    kit = Kit(fonts=fonts, tr=tr, currency=data.currency)
    story = _story(kit, data)
    title = f"{tr.t('report_title')} – {data.company}" if data.company else tr.t("report_title")
    out.parent.mkdir(parents=True, exist_ok=True)
    with atomic_file(out) as temp_name:
        doc = _Document(str(temp_name), kit=kit, data=data, title=title, author="climrisk",
                        lang=lang)
        doc.multiBuild(story, canvasmaker=_make_canvas(
            data.manifest.get("created"), title, data.company or "climrisk",
            tr.t("report_subtitle"), lang, fonts.body))
    return out
