"""The rendered report: sections, names, markers, fonts, pages, determinism."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pypdf
import pytest

from climrisk.errors import InputError
from climrisk.report.i18n import load_messages
from climrisk.report.pdf import render_pdf

LANGS = ("en", "zh-Hant", "zh-Hans")
SECTION_KEYS = (
    "section_summary", "section_scenarios", "section_physical", "section_map",
    "section_top_assets", "section_adaptation", "section_transition", "section_financial",
    "section_methodology", "section_data", "section_appendix",
)
# Names as in the seed report's Chinese (Appendix 5) and their Simplified equivalents.
EXPECTED_NAMES = {
    "en": ["Extreme heat", "Tropical cyclone", "Water stress", "Drought", "Policy and legal",
           "SSP1-2.6", "SSP3-7.0", "STEPS", "NZE", "Resource efficiency"],
    "zh-Hant": ["極端高溫", "熱帶氣旋", "水壓力", "乾旱", "政策和法規", "河流洪澇", "急性", "慢性",
                "資源效率", "產品與服務", "既定政策情景", "淨零排放情景", "SSP1-2.6", "SSP3-7.0"],
    "zh-Hans": ["极端高温", "热带气旋", "水压力", "干旱", "政策和法规", "河流洪涝", "急性", "慢性",
                "资源效率", "产品与服务", "既定政策情景", "净零排放情景", "SSP1-2.6", "SSP3-7.0"],
}


def _text(path: Path) -> list[str]:
    return [page.extract_text() or "" for page in pypdf.PdfReader(path).pages]


def _flat(text: str) -> str:
    """Text without line breaks and spaces (Chinese lines wrap anywhere)."""
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def texts(rendered: dict[str, Path]) -> dict[str, list[str]]:
    return {lang: _text(path) for lang, path in rendered.items()}


@pytest.mark.parametrize("lang", LANGS)
def test_sections_in_order(texts: dict[str, list[str]], lang: str) -> None:
    messages = load_messages(lang)
    body = _flat("\n".join(texts[lang][2:]))  # after the cover and the contents
    positions = []
    for number, key in enumerate(SECTION_KEYS, start=1):
        title = f"{number}" + _flat(messages[key])  # the numbered heading
        assert title in body, f"{lang}: section {key!r} ({messages[key]}) missing"
        positions.append(body.index(title))
    assert positions == sorted(positions), f"{lang}: sections out of order"
    contents = _flat(texts[lang][1])
    assert _flat(messages["contents"]) in contents
    for key in SECTION_KEYS:
        assert _flat(messages[key]) in contents, f"{lang}: {key} not in the table of contents"


@pytest.mark.parametrize("lang", LANGS)
def test_names_in_each_language(texts: dict[str, list[str]], lang: str) -> None:
    body = _flat("\n".join(texts[lang]))
    for name in EXPECTED_NAMES[lang]:
        assert _flat(name) in body, f"{lang}: {name!r} missing"
    if lang != "en":  # no English hazard names leak into the Chinese reports
        assert "Extremeheat" not in body
        assert "Tropicalcyclone" not in body


def _expected_markers(results_dir: Path, lang: str) -> int:
    """● in the physical and transition matrices, plus those in the fixed explanatory text."""
    physical = pd.read_csv(results_dir / "physical_matrix.csv")
    cells = physical.groupby(["scenario", "hazard", "horizon"])["material"].any()
    transition = pd.read_csv(results_dir / "transition_matrix.csv")
    rows = transition.groupby(["kind", "driver", "scenario", "horizon"])["material"].any()
    messages = load_messages(lang)
    fixed = sum(messages[k].count("●") for k in ("physical_intro", "materiality_rule",
                                                  "transition_materiality"))
    return int(cells.sum()) + int(rows.sum()) + fixed


@pytest.mark.parametrize("lang", LANGS)
def test_matrix_markers(texts: dict[str, list[str]], results_dir: Path, lang: str) -> None:
    count = sum(page.count("●") for page in texts[lang])
    assert count == _expected_markers(results_dir, lang)


def test_material_flags_match_markers_per_hazard(texts: dict[str, list[str]],
                                                 results_dir: Path) -> None:
    """The row of a hazard that is never material in a scenario carries no marker."""
    physical = pd.read_csv(results_dir / "physical_matrix.csv")
    per_scenario = physical.groupby("scenario")["material"].sum()
    assert per_scenario.min() > 0  # the fixture has material cells in both scenarios
    body = "\n".join(texts["en"])
    assert "Physical risks – SSP1-2.6 (low carbon)" in body
    assert "Physical risks – SSP3-7.0 (high carbon)" in body


@pytest.mark.parametrize("lang", LANGS)
def test_numbers_formatted_per_locale(texts: dict[str, list[str]], lang: str) -> None:
    body = "\n".join(texts[lang])
    if lang == "en":
        assert re.search(r"USD \d+(\.\d+)? (m|bn)", body)
        assert "24 November 2026" in body
    elif lang == "zh-Hant":
        assert re.search(r"\d萬美元", body) and "億" in body
        assert "2026年11月24日" in body
    else:
        assert re.search(r"\d万美元", body) and "亿" in body
        assert "2026年11月24日" in body


def test_page_count_and_numbers(rendered: dict[str, Path], texts: dict[str, list[str]]) -> None:
    counts = {lang: len(pypdf.PdfReader(path).pages) for lang, path in rendered.items()}
    for lang, count in counts.items():
        assert 15 <= count <= 40, f"{lang}: {count} pages"
        assert f"Page {count}" in texts["en"][-1] if lang == "en" else True
    # the contents page lists page numbers that exist
    numbers = [int(n) for n in re.findall(r"\. ?(\d+)\s*$", texts["en"][1], flags=re.M)]
    assert len(numbers) >= 10  # ten sections and their sub-sections
    assert max(numbers) <= counts["en"] and numbers == sorted(numbers)
    for i, page in enumerate(texts["en"][1:], start=2):
        assert f"Page {i}" in page


def _fonts(reader: pypdf.PdfReader) -> list[dict]:
    found: dict[int, dict] = {}

    def walk(resources: dict) -> None:
        for font in (resources.get("/Font") or {}).values():
            font = font.get_object()
            found[id(font)] = font
        for xobject in (resources.get("/XObject") or {}).values():
            xobject = xobject.get_object()
            if "/Resources" in xobject:
                walk(xobject["/Resources"].get_object())

    for page in reader.pages:
        walk(page["/Resources"].get_object())
    return list(found.values())


@pytest.mark.parametrize("lang", LANGS)
def test_every_font_embedded(rendered: dict[str, Path], lang: str) -> None:
    fonts = _fonts(pypdf.PdfReader(rendered[lang]))
    assert fonts
    names = set()
    for font in fonts:
        names.add(str(font["/BaseFont"]))
        descendants = [d.get_object() for d in font.get("/DescendantFonts", [])] or [font]
        for item in descendants:
            descriptor = item.get("/FontDescriptor")
            assert descriptor is not None, f"{font['/BaseFont']} has no descriptor (not embedded)"
            descriptor = descriptor.get_object()
            assert "/FontFile2" in descriptor or "/FontFile3" in descriptor, font["/BaseFont"]
    if lang == "zh-Hant":
        assert any("NotoSansTC" in n for n in names)
    if lang == "zh-Hans":
        assert any("NotoSansSC" in n for n in names)
    assert not any("Helvetica" in n or "STSong" in n for n in names)


def test_same_results_same_bytes(results_dir: Path, rendered: dict[str, Path],
                                 tmp_path: Path) -> None:
    for lang in ("en", "zh-Hant"):
        again = render_pdf(results_dir, lang=lang, out=tmp_path / f"again-{lang}.pdf")
        assert again.read_bytes() == rendered[lang].read_bytes(), lang
    reader = pypdf.PdfReader(rendered["en"])
    assert str(reader.metadata["/CreationDate"]).startswith("D:20261124093000")


@pytest.mark.parametrize("lang", LANGS)
def test_no_empty_page(rendered: dict[str, Path], lang: str) -> None:
    pdfium = pytest.importorskip("pypdfium2")
    document = pdfium.PdfDocument(str(rendered[lang]))
    try:
        for index in range(len(document)):
            image = document[index].render(scale=0.5, grayscale=True).to_pil().convert("L")
            ink = float((np.asarray(image) < 235).mean())
            # header and footer alone cover about 1 %; every real page has far more
            assert ink > 0.02, f"{lang}: page {index + 1} looks empty ({ink:.3%} ink)"
    finally:
        document.close()


def test_unknown_language(results_dir: Path, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="unknown language 'fr'"):
        render_pdf(results_dir, lang="fr", out=tmp_path / "x.pdf")
    assert not (tmp_path / "x.pdf").exists()


@pytest.mark.parametrize("name", ["asset_results.parquet", "physical_matrix.csv",
                                  "manifest.json", "transition_matrix.csv"])
def test_missing_file_named(results_dir: Path, tmp_path: Path, name: str) -> None:
    folder = tmp_path / "run"
    shutil.copytree(results_dir, folder)
    (folder / name).unlink()
    with pytest.raises(InputError) as caught:
        render_pdf(folder)
    assert name in str(caught.value)
    assert not (folder / "report.pdf").exists()
    assert not list(folder.glob(".report.pdf.*"))


def test_missing_column_named(results_dir: Path, tmp_path: Path) -> None:
    folder = tmp_path / "run"
    shutil.copytree(results_dir, folder)
    matrix = pd.read_csv(folder / "physical_matrix.csv").drop(columns=["material"])
    matrix.to_csv(folder / "physical_matrix.csv", index=False)
    with pytest.raises(InputError, match=r"physical_matrix\.csv.*material"):
        render_pdf(folder)


def test_manifest_passed_in_and_no_transition(results_dir: Path, tmp_path: Path) -> None:
    """The engine renders before writing manifest.json; a run may have no transition table."""
    folder = tmp_path / "staging"
    shutil.copytree(results_dir, folder)
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    (folder / "manifest.json").unlink()
    (folder / "transition_matrix.csv").unlink()
    manifest["outputs"] = []
    out = render_pdf(folder, lang="en", manifest=manifest)
    assert out == folder / "report.pdf"
    body = "\n".join(_text(out))
    assert "This run has no transition assessment." in body
    assert "Executive summary" in body


def test_coordinates_from_result_columns_or_none(tmp_path: Path, make_results) -> None:
    with_columns = make_results(tmp_path / "a", coordinates="columns")
    body = "\n".join(_text(render_pdf(with_columns, lang="en")))
    assert "Asset coordinates from the result tables" in body
    assert "East Asia" in body  # the regional inset where the fixture's assets cluster
    without = make_results(tmp_path / "b", coordinates="none")
    body = _flat("\n".join(_text(render_pdf(without, lang="zh-Hans"))))
    assert _flat(load_messages("zh-Hans")["map_no_coordinates"])[:20] in body
