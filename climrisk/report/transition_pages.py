"""Sections 7-8 of the report: transition risks and opportunities, financial impact over time."""

from __future__ import annotations

from reportlab.platypus import Flowable, Table

from climrisk.report.charts import Series, grouped_stacked_bars, line_band_chart
from climrisk.report.layout import ACCENT, FRAME_WIDTH, Kit
from climrisk.report.results import (
    OPPORTUNITY_CATEGORIES,
    RISK_CATEGORIES,
    TRANSITION_CHANNELS,
    ResultsFolder,
)
from climrisk.report.sections import markers, materiality_rule
from climrisk.transition.summary import target_sensitivity, transition_summary

__all__ = ["financial_over_time", "transition"]

# Messages of these pages not (yet) in the shared locale files, per language.
_TEXT: dict[str, dict[str, str]] = {
    "en": {
        "bases_title": "Expected cost, cost at risk and opportunity ({currency} a year)",
        "col_expected": "Expected cost",
        "col_at_risk": "Cost at risk ({confidence:.0%} range)",
        "col_opportunity_value": "Opportunity value",
        "bases_note": "Three kinds of number, never added together or netted: the expected "
        "annual cost of transition risks under the pathway (carbon, compliance, energy price "
        "increases, certificates, retrofit capex and impairment as annuities, financing "
        "premium); the cost at risk from electricity-price volatility, a range at the stated "
        "confidence around the expected energy cost (its low end is a saving); and the expected "
        "annual benefit of opportunities. Falling energy prices count as an opportunity, never "
        "as a negative risk. Defaults marked illustrative in docs/transition.md are company "
        "assumptions to replace.",
        "target_title": "Carbon cost with and without the clean-power target met "
        "({currency} a year)",
        "col_target_met": "Target met",
        "col_target_missed": "Target not met",
        "col_certificates": "Certificates / green tariffs",
        "target_note": "Business units with a clean-power target. 'Target not met' keeps each "
        "asset's clean-power share at today's level; it is a sensitivity, not part of the "
        "expected cost.",
    },
    "zh-Hant": {
        "bases_title": "預期成本、風險成本區間與機遇價值（{currency}／年）",
        "col_expected": "預期成本",
        "col_at_risk": "風險成本（{confidence:.0%}區間）",
        "col_opportunity_value": "機遇價值",
        "bases_note": "三類數字分開列示，從不相加或抵銷：情景下轉型風險的預期年度成本；電價波動的"
        "風險成本，為所述置信水準下的區間（下限為節省）；以及機遇的預期年度收益。電價下降計為機遇，"
        "不作為負風險。文件中標示為示例的預設值須以公司自身數據取代。",
        "target_title": "清潔電力目標達成與否的碳成本（{currency}／年）",
        "col_target_met": "達成目標",
        "col_target_missed": "未達目標",
        "col_certificates": "綠證／綠電",
        "target_note": "設有清潔電力目標的業務單位。「未達目標」假設各資產的清潔電力比例"
        "維持現水平；此為敏感度分析，不計入預期成本。",
    },
    "zh-Hans": {
        "bases_title": "预期成本、风险成本区间与机遇价值（{currency}／年）",
        "col_expected": "预期成本",
        "col_at_risk": "风险成本（{confidence:.0%}区间）",
        "col_opportunity_value": "机遇价值",
        "bases_note": "三类数字分开列示，从不相加或抵销：情景下转型风险的预期年度成本；电价波动的"
        "风险成本，为所述置信水平下的区间（下限为节省）；以及机遇的预期年度收益。电价下降计为机遇，"
        "不作为负风险。文档中标示为示例的默认值须以公司自身数据取代。",
        "target_title": "清洁电力目标达成与否的碳成本（{currency}／年）",
        "col_target_met": "达成目标",
        "col_target_missed": "未达目标",
        "col_certificates": "绿证／绿电",
        "target_note": "设有清洁电力目标的业务单位。“未达目标”假设各资产的清洁电力比例"
        "维持现水平；此为敏感度分析，不计入预期成本。",
    },
}


def _text(kit: Kit, key: str, **values: object) -> str:
    table = _TEXT.get(kit.tr.lang, _TEXT["en"])
    return table.get(key, _TEXT["en"][key]).format(**values)


def _confidence(data: ResultsFolder) -> float:
    """The cost-at-risk confidence of the run (manifest assumptions), else 0.9."""
    manifest = getattr(data, "manifest", None) or {}
    for item in manifest.get("assumptions", []) if isinstance(manifest, dict) else []:
        if isinstance(item, dict) and item.get("name") == "transition.at_risk_confidence":
            try:
                return float(item["value"])
            except (TypeError, ValueError):
                break
    return 0.9


def _counted(frame):  # type: ignore[no-untyped-def]
    """Rows that are expected costs or benefits (no cost-at-risk or sensitivity rows)."""
    if "basis" not in frame.columns:
        return frame
    return frame[frame["basis"].isin(["expected", "opportunity"])]


def _bases_table(kit: Kit, data: ResultsFolder) -> list[Flowable]:
    tr = kit.tr
    summary = transition_summary(data.transition_matrix)
    if summary.empty:
        return []
    confidence = _confidence(data)
    header = [[kit.t("col_scenario"), kit.t("col_horizon"), _text(kit, "col_expected"),
               _text(kit, "col_at_risk", confidence=confidence),
               _text(kit, "col_opportunity_value")]]
    order = {p: i for i, p in enumerate(data.pathways)}
    h_order = {h: i for i, h in enumerate(data.horizon_names)}
    summary = summary.sort_values(
        ["scenario", "horizon"], key=lambda c: c.map(order if c.name == "scenario" else h_order)
    )
    rows = [[tr.scenario_code(r["scenario"]), tr.horizon_year(r["horizon"], r["year"]),
             tr.compact(r["expected_cost"]),
             f"{tr.compact(r['cost_at_risk_low'])} – {tr.compact(r['cost_at_risk_high'])}",
             tr.compact(r["opportunity"])] for _, r in summary.iterrows()]
    currency = tr.currency_label(data.currency)
    out: list[Flowable] = [
        kit.keep(kit.para(_text(kit, "bases_title", currency=currency), "h3"),
                 kit.table(header, rows, [60, 100, 95, 120, 100], align_right=(2, 3, 4))),
        kit.para(_text(kit, "bases_note"), "note"),
    ]
    sens = target_sensitivity(data.transition_matrix)
    if not sens.empty:
        sens = sens.sort_values(
            ["scenario", "horizon"],
            key=lambda c: c.map(order if c.name == "scenario" else h_order),
        )
        header = [[kit.t("col_scenario"), kit.t("col_horizon"), _text(kit, "col_target_met"),
                   _text(kit, "col_target_missed"), _text(kit, "col_certificates")]]
        rows = [[tr.scenario_code(r["scenario"]), tr.horizon_year(r["horizon"], r["year"]),
                 tr.compact(r["target_met"]), tr.compact(r["target_missed"]),
                 tr.compact(r["certificates"])] for _, r in sens.iterrows()]
        out.append(kit.keep(kit.para(_text(kit, "target_title", currency=currency), "h3"),
                            kit.table(header, rows, [60, 100, 95, 120, 100],
                                      align_right=(2, 3, 4))))
        out.append(kit.para(_text(kit, "target_note"), "note"))
    return out


# ---------------------------------------------------------------------------------------------
# 7. Transition risks and opportunities
# ---------------------------------------------------------------------------------------------


def _transition_table(kit: Kit, data: ResultsFolder, kind: str) -> Table:
    tr = kit.tr
    frame = data.transition_matrix
    if "basis" in frame.columns:
        frame = frame[frame["basis"] != "sensitivity"]
    part = frame[frame["kind"] == kind]
    categories = RISK_CATEGORIES if kind == "risk" else OPPORTUNITY_CATEGORIES
    extra_cats = sorted(set(part["category"]) - set(categories))
    horizons = data.horizon_names
    pathways = data.pathways
    marker_cols = len(horizons) * len(pathways)
    header = [[kit.t("col_category"),
               kit.t("col_transition_risk" if kind == "risk" else "col_opportunity"),
               kit.t("col_business_affected"), kit.t("col_business_impact"),
               kit.t("col_financial_impact"),
               *[x for p in pathways for x in [tr.scenario_code(p), *[""] * (len(horizons) - 1)]]],
              ["", "", "", "", "",
               *[tr.lookup("horizons_short", h, tr.horizon(h)) for _ in pathways
                 for h in horizons]]]
    rows, extra = [], []
    channels = [c for c in TRANSITION_CHANNELS if c in part.columns]
    all_units = set(frame["business_unit"])
    for category in [*categories, *extra_cats]:
        cat_rows = part[part["category"] == category]
        drivers = sorted(set(cat_rows["driver"]), key=lambda d: (
            -cat_rows.loc[cat_rows["driver"] == d, "financial_impact"].sum(), d))
        first = 2 + len(rows)
        if not drivers:
            rows.append([tr.category(category), kit.t("not_identified"), "–", "–", "–",
                         *[""] * marker_cols])
            extra.append(("LINEABOVE", (0, first), (-1, first), 0.6, ACCENT))
            continue
        for j, driver in enumerate(drivers):
            d = cat_rows[cat_rows["driver"] == driver]
            units = d.loc[d["financial_impact"] > 0, "business_unit"]
            if d["material"].any():
                units = d.loc[d["material"], "business_unit"]
            units = sorted(set(units))
            active = [tr.channel(c) for c in channels if d[c].astype(float).sum() > 0]
            flags = [bool(d.loc[(d["scenario"] == p) & (d["horizon"] == h), "material"].any())
                     for p in pathways for h in horizons]
            rows.append([tr.category(category) if j == 0 else "", tr.driver(driver),
                         (kit.t("all_business_units") if len(units) == len(all_units) > 2
                          else tr.join([tr.business_unit(u) for u in units]) or "–"),
                         tr.lookup("driver_business_impact", driver, ""),
                         kit.lines(active) if active else "–", *markers(kit, flags)])
        last = 1 + len(rows)
        if last > first:
            extra.append(("SPAN", (0, first), (0, last)))
        extra.append(("LINEABOVE", (0, first), (-1, first), 0.6, ACCENT))
    col = 5
    for _ in pathways:
        extra.append(("SPAN", (col, 0), (col + len(horizons) - 1, 0)))
        extra.append(("LINEBEFORE", (col, 0), (col, -1), 0.4, ACCENT))
        col += len(horizons)
    extra.extend(("SPAN", (c, 0), (c, 1)) for c in range(5))
    extra.append(("VALIGN", (5, 2), (-1, -1), "MIDDLE"))
    marker_w = min(18.0, 110.0 / max(1, marker_cols))
    rest = FRAME_WIDTH - marker_w * marker_cols
    widths = [rest * 0.13, rest * 0.2, rest * 0.15, rest * 0.32, rest * 0.2,
              *[marker_w] * marker_cols]
    return kit.table(header, rows, widths, zebra=False, extra=extra,
                     center=tuple(range(5, 5 + marker_cols)))


def transition(kit: Kit, data: ResultsFolder) -> list[Flowable]:
    """Tables 2 and 3 (risks, opportunities; ● per pathway and horizon) and a chart."""
    tr = kit.tr
    out: list[Flowable] = [kit.heading(kit.t("section_transition"))]
    if data.transition_matrix is None or data.transition_matrix.empty:
        out.append(kit.para(kit.t("transition_none")))
        return out
    rule = materiality_rule(data)
    out.append(kit.para(kit.t("transition_intro")))
    out.append(kit.para(kit.t("transition_materiality", score=int(rule["transition_score"])),
                        "note"))
    out.append(kit.heading(kit.t("table_transition_risks"), 2))
    out.append(_transition_table(kit, data, "risk"))
    out.append(kit.keep(kit.heading(kit.t("table_transition_opportunities"), 2),
                        _transition_table(kit, data, "opportunity")))
    out.append(kit.para(kit.t("transition_table_note"), "note"))
    out.extend(_bases_table(kit, data))
    by_cat = (
        _counted(data.transition_matrix)
        .groupby(["kind", "category", "scenario", "horizon"], sort=False, observed=True)[
            "financial_impact"
        ]
        .sum()
        .reset_index()
    )
    labels = {h: tr.horizon_year(h, y) for h, y in data.horizons}
    labels.update({p: tr.scenario_code(p) for p in data.pathways})
    for kind, cats, key in (("risk", RISK_CATEGORIES, "chart_transition_risks"),
                            ("opportunity", OPPORTUNITY_CATEGORIES,
                             "chart_transition_opportunities")):
        part = by_cat[by_cat["kind"] == kind]
        stacks = [c for c in cats if c in set(part["category"])] + sorted(
            set(part["category"]) - set(cats))
        if not stacks:
            continue
        values = {(r.horizon, r.scenario, r.category): float(r.financial_impact)
                  for r in part.itertuples()}
        labels.update({c: tr.category(c) for c in stacks})
        drawing = grouped_stacked_bars(kit.fonts, data.horizon_names, data.pathways, stacks,
                                       values, FRAME_WIDTH, 190, tr.compact, labels,
                                       kit.t("axis_annual", currency=tr.currency_label(
                                           data.currency)), tick_format=tr.tick)
        out.append(kit.keep(kit.para(kit.t(key), "h3"), drawing))
    return out


# ---------------------------------------------------------------------------------------------
# 8. Financial impact over time
# ---------------------------------------------------------------------------------------------


def financial_over_time(kit: Kit, data: ResultsFolder) -> list[Flowable]:
    """Physical and transition annual amounts by scenario and horizon, with the model spread."""
    tr = kit.tr
    out: list[Flowable] = [kit.heading(kit.t("section_financial")),
                           kit.para(kit.t("financial_intro"))]
    totals = data.physical_totals()
    x_labels = {float(y): f"{tr.horizon(h)}\n{y}" for h, y in data.horizons}
    series = []
    for scenario in data.scenarios:
        rows = totals[totals["scenario"] == scenario]
        spread = bool(rows["has_spread"].any())
        series.append(Series(tr.scenario(scenario), rows["year"].astype(float).tolist(),
                             rows["total"].astype(float).tolist(),
                             rows["low"].astype(float).tolist() if spread else None,
                             rows["high"].astype(float).tolist() if spread else None))
    drawing = line_band_chart(kit.fonts, series, FRAME_WIDTH, 200, tr.compact, x_labels,
                              kit.t("axis_annual", currency=tr.currency_label(data.currency)),
                              kit.t("band_label"), tick_format=tr.tick)
    out.append(kit.keep(kit.para(kit.t("chart_physical_time"), "h3"), drawing))
    header = [[kit.t("col_scenario"), kit.t("col_horizon"), kit.t("col_damage"),
               kit.t("col_interruption"), kit.t("col_opex"), kit.t("col_low"),
               kit.t("col_central"), kit.t("col_high")]]
    rows = [[tr.scenario_code(r["scenario"]), tr.horizon_year(r["horizon"], r["year"]),
             tr.compact(r["ead"]), tr.compact(r["bi_loss"]), tr.compact(r["opex_delta"]),
             tr.compact(r["low"]) if r["has_spread"] else "–", tr.compact(r["total"]),
             tr.compact(r["high"]) if r["has_spread"] else "–"] for _, r in totals.iterrows()]
    out.append(kit.para(kit.t("table_physical_time", currency=tr.currency_label(data.currency)),
                        "h3"))
    out.append(kit.table(header, rows, [52, 92, 58, 60, 58, 56, 60, 57],
                         align_right=(2, 3, 4, 5, 6, 7)))
    out.append(kit.para(kit.t("spread_note"), "note"))
    ttotals = transition_summary(data.transition_matrix).rename(
        columns={"expected_cost": "risk"}
    )
    if not ttotals.empty:
        series = []
        for j, pathway in enumerate(data.pathways):
            rows = ttotals[ttotals["scenario"] == pathway]
            series.append(Series(kit.t("series_cost", pathway=tr.scenario_code(pathway)),
                                 rows["year"].astype(float).tolist(),
                                 rows["risk"].astype(float).tolist(), colour=j, dash=0))
            series.append(Series(kit.t("series_benefit", pathway=tr.scenario_code(pathway)),
                                 rows["year"].astype(float).tolist(),
                                 rows["opportunity"].astype(float).tolist(), colour=j, dash=1))
        drawing = line_band_chart(kit.fonts, series, FRAME_WIDTH, 190, tr.compact, x_labels,
                                  kit.t("axis_annual", currency=tr.currency_label(data.currency)),
                                  tick_format=tr.tick)
        out.append(kit.keep(kit.para(kit.t("chart_transition_time"), "h3"), drawing))
    # combined view: physical (worst scenario) plus net transition, long horizon
    out.append(kit.para(kit.t("financial_reading"), "note"))
    return out
