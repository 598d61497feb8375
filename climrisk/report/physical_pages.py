"""Sections 4-6 of the report: physical risk matrix and heat-maps, map, most exposed assets."""

from __future__ import annotations

from typing import Any

from reportlab.platypus import Flowable, PageBreak, Table, TableStyle

from climrisk.errors import ClimriskError
from climrisk.report.charts import heatmap
from climrisk.report.layout import ACCENT, FRAME_WIDTH, Kit
from climrisk.report.maps import choose_insets, map_drawing, world_window
from climrisk.report.results import ResultsFolder
from climrisk.report.sections import markers, materiality_rule, score_key
from climrisk.risk.matrix import PHYSICAL_CHANNELS

__all__ = ["country_names", "physical_matrix", "portfolio_maps", "top_assets"]


def _f(value: Any) -> float:
    try:
        out = float(value)
    except (TypeError, ValueError):
        return float("nan")
    return out


# ---------------------------------------------------------------------------------------------
# 4. Physical risk matrix
# ---------------------------------------------------------------------------------------------


def physical_matrix(kit: Kit, data: ResultsFolder) -> list[Flowable]:
    """Table 1 per scenario (category, hazard, asset types, impacts, ● per horizon) + heat-maps."""
    tr = kit.tr
    rule = materiality_rule(data)
    matrix = data.physical_matrix
    out: list[Flowable] = [kit.heading(kit.t("section_physical")),
                           kit.para(kit.t("physical_intro")),
                           kit.para(kit.t("materiality_rule", score=int(rule["score_at_least"]),
                                          share=tr.percent(rule["value_share"], 0),
                                          weighted=f"{rule['weighted_score']:.1f}"), "note")]
    horizons = data.horizon_names
    marker_w = min(30.0, 90.0 / len(horizons))
    widths = [46, 64, 68, 140, 175 - marker_w * len(horizons)] + [marker_w] * len(horizons)
    for scenario in data.scenarios:
        part = matrix[matrix["scenario"] == scenario]
        header = [[kit.t("col_category"), kit.t("col_physical_risk"),
                   kit.t("col_asset_types"), kit.t("col_business_impact"),
                   kit.t("col_financial_impact"), kit.t("col_time_horizon"),
                   *[""] * (len(horizons) - 1)],
                  ["", "", "", "", "", *[tr.lookup("horizons_column", h, tr.horizon(h))
                                         for h in horizons]]]
        rows, spans, last_cat, start = [], [], None, 2
        ordered = sorted(data.hazards, key=lambda h: (data.hazard_category(h) != "acute",
                                                      data.hazards.index(h)))
        for hazard in ordered:
            cells = part[part["hazard"] == hazard]
            flags = [bool(cells.loc[cells["horizon"] == h, "material"].any()) for h in horizons]
            mat_types = cells.loc[cells["material"], "asset_type"]
            types = [t for t in data.asset_types if t in set(mat_types)]
            if not types:
                types = [t for t in data.asset_types
                         if (cells.loc[cells["asset_type"] == t, "max_score"].astype(float)
                             >= rule["score_at_least"]).any()]
            channels = [tr.channel(c) for c in PHYSICAL_CHANNELS
                        if c in cells and cells[c].astype(float).fillna(0).sum() > 0]
            category = data.hazard_category(hazard)
            row_index = start + len(rows)
            if category != last_cat:
                spans.append([row_index, row_index])
                last_cat = category
            else:
                spans[-1][1] = row_index
            rows.append([tr.category(category) if spans[-1][0] == row_index else "",
                         tr.hazard(hazard),
                         (kit.t("all_asset_types") if len(types) == len(data.asset_types) > 2
                          else tr.join([tr.asset_type(t) for t in types]) or "–"),
                         tr.lookup("hazard_business_impact", hazard, ""),
                         kit.lines(channels) if channels else "–", *markers(kit, flags)])
        n = len(horizons)
        extra = [("SPAN", (5, 0), (4 + n, 0)), ("SPAN", (0, 0), (0, 1)), ("SPAN", (1, 0), (1, 1)),
                 ("SPAN", (2, 0), (2, 1)), ("SPAN", (3, 0), (3, 1)), ("SPAN", (4, 0), (4, 1)),
                 ("VALIGN", (5, 2), (-1, -1), "MIDDLE")]
        for first, last in spans:
            if last > first:
                extra.append(("SPAN", (0, first), (0, last)))
            extra.append(("LINEABOVE", (0, first), (-1, first), 0.6, ACCENT))
        table = kit.table(header, rows, widths, zebra=False, extra=extra,
                          center=tuple(range(5, 5 + n)))
        out.append(kit.keep(kit.heading(kit.t("matrix_title", scenario=tr.scenario(scenario)),
                                        2), table))
        out.append(kit.para(kit.t("matrix_note"), "note"))
    # heat-maps
    out.append(PageBreak())
    out.append(kit.heading(kit.t("heatmap_heading"), 2))
    out.append(kit.para(kit.t("heatmap_intro")))
    groups = [(tr.horizon_year(h, y), [tr.lookup("asset_types_short", t, tr.asset_type(t))
                                       for t in data.asset_types]) for h, y in data.horizons]
    for scenario in data.scenarios:
        part = matrix[matrix["scenario"] == scenario]
        lookup = {(r.hazard, r.asset_type, r.horizon): _f(r.value_weighted_score)
                  for r in part.itertuples()}
        values = [[lookup.get((hz, t, h)) for h in horizons for t in data.asset_types]
                  for hz in data.hazards]
        drawing = heatmap(kit.fonts, [tr.hazard(h) for h in data.hazards], groups, values,
                          FRAME_WIDTH, label_width=92)
        out.append(kit.keep(kit.para(kit.t("heatmap_title", scenario=tr.scenario(scenario)),
                                     "h3"), drawing))
        out.append(kit.spacer(2))
    out.append(score_key(kit))
    return out


# ---------------------------------------------------------------------------------------------
# 5. Map
# ---------------------------------------------------------------------------------------------


def portfolio_maps(kit: Kit, data: ResultsFolder) -> list[Flowable]:
    """One map per scenario at the long horizon, with insets where assets cluster."""
    tr = kit.tr
    out: list[Flowable] = [kit.heading(kit.t("section_map"))]
    assets = data.assets
    if "latitude" not in assets or assets["latitude"].notna().sum() == 0:
        out.append(kit.para(kit.t("map_no_coordinates")))
        return out
    out.append(kit.para(kit.t("map_intro", year=data.year_of(data.long_horizon))))
    scores = data.asset_scores()
    long = data.long_horizon
    located = assets.dropna(subset=["latitude", "longitude"])
    lons = located["longitude"].to_numpy(dtype=float)
    lats = located["latitude"].to_numpy(dtype=float)
    main_h = 250.0
    world = world_window(lons, lats, FRAME_WIDTH / main_h)
    insets = choose_insets(lons, lats)
    for i, scenario in enumerate(data.scenarios):
        part = scores[(scores["scenario"] == scenario) & (scores["horizon"] == long)]
        frame = located.join(part.set_index("asset_id")["max_score"]).rename(
            columns={"max_score": "score"}).reset_index(names="asset_id")
        if i:
            out.append(PageBreak())
        out.append(kit.heading(kit.t("map_title", scenario=tr.scenario(scenario),
                                     year=data.year_of(long)), 2))
        out.append(map_drawing(kit.fonts, world, FRAME_WIDTH, main_h, frame,
                               kit.t("map_world") if world.lon_max - world.lon_min > 300
                               else kit.t("map_portfolio")))
        if insets:
            n = len(insets)
            gap = 8.0
            inset_w = (FRAME_WIDTH - gap * (n - 1)) / n
            inset_h = min(230.0, inset_w * {1: 0.62, 2: 0.8}.get(n, 1.1))
            cells = []
            for name, window in insets:
                cells.append(map_drawing(kit.fonts, window, inset_w, inset_h, frame,
                                         tr.lookup("regions", name, name)))
            table = Table([cells], colWidths=[inset_w + (gap if j < n - 1 else 0)
                                              for j in range(n)])
            table.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), kit.fonts.body),
                                       ("LEFTPADDING", (0, 0), (-1, -1), 0),
                                       ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                                       ("TOPPADDING", (0, 0), (-1, -1), 6),
                                       ("VALIGN", (0, 0), (-1, -1), "TOP")]))
            out.append(table)
        out.append(kit.spacer(2))
        out.append(score_key(kit))
        counts = frame["score"].astype(float).value_counts().sort_index()
        parts = [kit.t("map_count", score=int(s), count=int(c)) for s, c in counts.items()]
        if parts:
            out.append(kit.para(kit.t("map_counts", items=tr.join(parts)), "note"))
    missing = len(assets) - len(located)
    if missing:
        out.append(kit.para(kit.t("map_missing", count=missing), "note"))
    source = "map_source_portfolio" if data.coordinates_source == "portfolio" else "map_source"
    out.append(kit.para(kit.t(source), "note"))
    return out


# ---------------------------------------------------------------------------------------------
# 6. Most exposed assets
# ---------------------------------------------------------------------------------------------


def top_assets(kit: Kit, data: ResultsFolder, n: int = 20) -> list[Flowable]:
    """The top ``n`` assets by annual impact at the long horizon, with their main drivers."""
    tr = kit.tr
    long = data.long_horizon
    top = data.top_assets(n)
    out: list[Flowable] = [kit.heading(kit.t("section_top_assets")),
                           kit.para(kit.t("top_assets_intro", n=len(top),
                                          year=data.year_of(long)))]
    if top.empty:
        out.append(kit.para(kit.t("top_assets_none")))
        return out
    header = [["#", kit.t("col_asset"), kit.t("col_type"), kit.t("col_country"),
               kit.t("col_value"),
               *[kit.t("col_impact_scenario", scenario=tr.scenario_code(s))
                 for s in data.scenarios],
               kit.t("col_max_score"), kit.t("col_drivers")]]
    names = country_names(kit, data)
    rows = []
    for i, row in enumerate(top.itertuples(), start=1):
        name = getattr(row, "name", None)
        label = (f"{row.asset_id} · {name}" if isinstance(name, str) and name
                 and name != row.asset_id else row.asset_id)
        drivers = [kit.t("driver_share", hazard=tr.hazard(h), share=tr.percent(s, 0))
                   for h, s in row.drivers[:3]]
        rows.append([
            str(i), label, tr.asset_type(row.asset_type), tr.country(row.country, names),
            tr.compact(row.value),
            *[tr.compact(getattr(row, f"impact_{s}")) for s in data.scenarios],
            "–" if row.max_score != row.max_score else str(int(row.max_score)),
            tr.join(drivers) or "–",
        ])
    n_s = len(data.scenarios)
    widths = [16, 104, 48, 46, 38, *[44] * n_s, 28, 125 - 44 * (n_s - 2)]
    out.append(kit.table(header, rows, widths, small=True,
                         align_right=(4, *range(5, 5 + n_s)), center=(0, 5 + n_s)))
    out.append(kit.para(kit.t("top_assets_note", currency=tr.currency_label(data.currency)),
                        "note"))
    return out


def country_names(kit: Kit, data: ResultsFolder) -> dict[str, dict[str, str]]:
    """Country names by ISO code in the three languages (empty when boundaries are missing)."""
    try:
        from climrisk.portfolio.countries import load_boundaries

        frame = load_boundaries()
    except (ImportError, OSError, ClimriskError):
        return {}
    codes = set(data.assets["country"].dropna().astype(str))
    frame = frame[frame["iso_a2"].isin(codes)]
    return {r.iso_a2: {"en": r.name, "zh-Hans": r.name_zh_hans, "zh-Hant": r.name_zh_hant}
            for r in frame.itertuples()}
