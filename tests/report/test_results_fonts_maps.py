"""Summaries of a results folder, the font subsets and the map windows, checked by hand."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest

from climrisk.report.fonts import build_fontset, cjk_font_paths
from climrisk.report.maps import choose_insets, world_window
from climrisk.report.results import read_results


@pytest.fixture(scope="module")
def data(results_dir):
    return read_results(results_dir)


def test_orders_and_facts(data) -> None:
    assert data.scenarios == ["ssp126", "ssp370"]
    assert data.pathways == ["steps", "nze"]
    assert data.horizons == [("short", 2027), ("mid", 2031), ("long", 2050)]
    assert data.hazards[0] == "extreme_heat" and len(data.hazards) == 10
    assert data.currency == "USD" and data.company == "Harbour Cloud Group"
    assert data.coordinates_source == "portfolio"
    assert data.assets["latitude"].notna().all()
    assert data.total_value == pytest.approx(5000e6)


def test_physical_totals_by_hand(data, results_dir) -> None:
    raw = pd.read_parquet(results_dir / "asset_results.parquet")
    part = raw[(raw["scenario"] == "ssp370") & (raw["horizon"] == "long")]
    central = part[["ead", "bi_loss", "opex_delta"]].sum().sum()
    low = sum(part[f"{c}_low"].fillna(part[c]).sum() for c in ("ead", "bi_loss", "opex_delta"))
    high = sum(part[f"{c}_high"].fillna(part[c]).sum() for c in ("ead", "bi_loss", "opex_delta"))
    totals = data.physical_totals().set_index(["scenario", "horizon"])
    row = totals.loc[("ssp370", "long")]
    assert row["total"] == pytest.approx(central)
    assert row["low"] == pytest.approx(low) and row["high"] == pytest.approx(high)
    assert row["low"] < row["total"] < row["high"]
    assert list(totals.index.get_level_values("horizon")[:3]) == ["short", "mid", "long"]


def test_value_share_high_by_hand(data, results_dir) -> None:
    raw = pd.read_parquet(results_dir / "asset_results.parquet")
    part = raw[(raw["scenario"] == "ssp126") & (raw["horizon"] == "long")]
    best = part.groupby("asset_id").agg(score=("score", "max"), value=("value", "first"))
    expected = best.loc[best["score"] >= 4, "value"].sum() / best["value"].sum()
    shares = data.value_share_high(4).set_index(["scenario", "horizon"])
    assert shares.loc[("ssp126", "long"), "share"] == pytest.approx(expected)
    assert shares.loc[("ssp126", "long"), "assets"] == int((best["score"] >= 4).sum())


def test_top_assets_ranked_with_drivers(data) -> None:
    top = data.top_assets(5)
    assert len(top) == 5
    worst = top[[f"impact_{s}" for s in data.scenarios]].max(axis=1).to_numpy()
    assert np.all(np.diff(worst) <= 0)
    for drivers in top["drivers"]:
        shares = [s for _, s in drivers]
        assert sum(shares) == pytest.approx(1.0)
        assert shares == sorted(shares, reverse=True)


def test_transition_totals(data, results_dir) -> None:
    raw = pd.read_csv(results_dir / "transition_matrix.csv")
    expected = raw[(raw["kind"] == "risk") & (raw["scenario"] == "nze")
                   & (raw["horizon"] == "long")]["financial_impact"].sum()
    totals = data.transition_totals().set_index(["scenario", "horizon"])
    assert totals.loc[("nze", "long"), "risk"] == pytest.approx(expected)
    assert list(dict.fromkeys(totals.index.get_level_values("scenario"))) == ["steps", "nze"]


def test_cjk_subset_is_truetype_and_covers_text() -> None:
    from fontTools.ttLib import TTFont as FTFont
    from reportlab.pdfbase import pdfmetrics

    assert set(cjk_font_paths()) == {"sc", "tc"}
    fonts = build_fontset("zh-Hant", set("極端高溫熱帶氣旋水壓力及乾旱政策和法規乌兰察布"))
    primary = fonts.regular[0]
    assert "NotoTC" in primary
    data = pdfmetrics.getFont(primary).face._ttf_data
    converted = FTFont(io.BytesIO(data))
    assert "glyf" in converted and "CFF " not in converted
    # simplified-only characters fall back to Noto Sans SC, Latin to the CJK font's Latin
    runs = dict((piece, font) for font, piece in fonts.runs("乌兰"))
    assert "NotoSC" in next(iter(runs.values()))
    assert fonts.runs("熱帶氣旋")[0][0] == primary
    english = build_fontset("en", set("將軍澳"))
    assert english.regular[0] == "ClimriskLatin"
    assert [f for f, _ in english.runs("DC 將軍澳")] == ["ClimriskLatin", english.regular[1]]


def test_map_windows() -> None:
    lons = np.array([114.7, 113.1, 120.0, 113.9, 114.3, 103.7, -77.5, 120.0, 113.3, 121.9,
                     101.4, 4.9])
    lats = np.array([41.2, 41.0, 30.4, 22.5, 22.3, 1.3, 39.0, 30.3, 23.4, 30.9, 3.0, 52.3])
    world = world_window(lons, lats, 2.0)
    assert world.lon_max - world.lon_min == 360
    insets = choose_insets(lons, lats)
    assert [name for name, _ in insets] == ["east_asia"]
    window = insets[0][1]
    inside = (lons >= window.lon_min) & (lons <= window.lon_max) & (lats >= window.lat_min) \
        & (lats <= window.lat_max)
    assert inside.sum() == 8
    # assets all in one region: the main map zooms in
    near = world_window(lons[:5], lats[:5], 2.0)
    assert near.lon_max - near.lon_min < 90
