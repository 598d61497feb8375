"""Recommendation pages: adaptation measures per top-risk site, ranked by benefit-cost ratio.

Built from ``adaptation.csv`` (written by ``climrisk adapt`` or by ``assess``); the report
computes nothing of its own here, it ranks and lays out that table.
"""

from __future__ import annotations

import math

import pandas as pd
from reportlab.platypus import Flowable

from climrisk.report.layout import Kit
from climrisk.report.results import ResultsFolder

__all__ = ["measure_name", "recommendations", "top_measures"]


def measure_name(kit: Kit, measure: str, parameter: object) -> str:
    """The measure's name in the report language, with its parameter (standard, height)."""
    template = kit.tr.lookup("measures", measure)
    text = str(parameter)
    try:
        number = float(text)
        text = f"{number:g}"
    except ValueError:
        pass
    return template.replace("{parameter}", text)


def _ratio(value: float) -> str:
    if value is None or not math.isfinite(value):
        return "–"
    return f"{value:,.1f}" if value < 100 else f"{value:,.0f}"


def _ranking_scenario(data: ResultsFolder, frame: pd.DataFrame) -> str:
    high = data.high_scenario
    present = list(frame["scenario"].astype(str).unique())
    return high if high in present else present[-1]


def top_measures(data: ResultsFolder, n: int = 3) -> pd.DataFrame:
    """The ``n`` measures with the highest benefit-cost ratio (above 1) across sites."""
    frame = data.adaptation
    if frame is None or frame.empty:
        return pd.DataFrame()
    scenario = _ranking_scenario(data, frame)
    rows = frame[(frame["scenario"] == scenario) & (frame["bcr"] > 1)]
    best = rows.sort_values(["bcr", "asset_id"], ascending=[False, True]).drop_duplicates(
        "asset_id")
    return best.head(n)


def _label(data: ResultsFolder, asset_id: str) -> str:
    name = data.assets["name"].get(asset_id) if "name" in data.assets else None
    return f"{asset_id} · {name}" if isinstance(name, str) and name and name != asset_id \
        else asset_id


def recommendations(kit: Kit, data: ResultsFolder) -> list[Flowable]:
    """The recommendation section: one ranked table per site, then the measures' sources."""
    tr = kit.tr
    frame = data.adaptation
    out: list[Flowable] = [kit.heading(kit.t("section_adaptation"))]
    if frame is None or frame.empty:
        out.append(kit.para(kit.t("adaptation_none")))
        return out
    scenario = _ranking_scenario(data, frame)
    long = data.long_horizon
    year = data.year_of(long)
    first = frame.iloc[0]
    sites = (frame[frame["scenario"] == scenario].groupby("asset_id")["loss_before_long"].max()
             .sort_values(ascending=False))
    out.append(kit.para(kit.t(
        "adaptation_intro", n=len(sites), start=int(first["appraisal_start"]),
        end=int(frame["appraisal_end"].max()), rate=tr.percent(float(first["discount_rate"]), 1))))
    out.append(kit.para(kit.t("adaptation_costs_note", scenario=tr.scenario(scenario)), "note"))
    scenarios = [s for s in data.scenarios if s in set(frame["scenario"])]
    header = [[kit.t("col_measure"), kit.t("col_capex"), kit.t("col_opex_year"),
               kit.t("col_pv_benefit"),
               *[kit.t("col_bcr_scenario", scenario=tr.scenario_code(s)) for s in scenarios],
               kit.t("col_residual", year=year)]]
    n_s = len(scenarios)
    widths = [165, 52, 52, 62, *[44] * n_s]
    widths.append(493 - sum(widths))
    for asset_id, before in sites.items():
        mine = frame[frame["asset_id"] == asset_id]
        ranked = mine[mine["scenario"] == scenario].sort_values(["rank"])
        rows = []
        for row in ranked.itertuples():
            ratios = []
            for s in scenarios:
                other = mine[(mine["scenario"] == s) & (mine["measure"] == row.measure)
                             & (mine["parameter"].astype(str) == str(row.parameter))]
                ratios.append(_ratio(float(other["bcr"].iloc[0])) if len(other) else "–")
            rows.append([measure_name(kit, row.measure, row.parameter), tr.compact(row.capex),
                         tr.compact(row.opex_per_year), tr.compact(row.pv_benefit), *ratios,
                         tr.compact(row.loss_after_long)])
        best = ranked.iloc[0] if len(ranked) else None
        intro = []
        if best is not None and before > 0:
            intro.append(kit.para(kit.t(
                "adaptation_site_line", year=year, scenario=tr.scenario_code(scenario),
                before=tr.money(before, data.currency),
                after=tr.money(float(best["loss_after_long"]), data.currency),
                share=tr.percent(float(best["loss_after_long"]) / before, 0))))
        out.append(kit.keep(
            kit.heading(_label(data, asset_id), 2),
            *intro,
            kit.table(header, rows, widths, small=True,
                      align_right=tuple(range(1, 5 + n_s)))))
        out.append(kit.spacer(2))
    measures = frame.drop_duplicates("measure")
    rows = [[measure_name(kit, m.measure, m.parameter),
             tr.lookup("measure_effects", m.measure), m.effect_source, m.cost_source]
            for m in measures.itertuples()]
    out.append(kit.heading(kit.t("adaptation_sources"), 2))
    out.append(kit.table([[kit.t("col_measure"), kit.t("col_effect"), kit.t("col_source"),
                           kit.t("col_cost_basis")]], rows, [95, 110, 168, 120], small=True))
    return out
