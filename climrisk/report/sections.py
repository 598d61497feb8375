"""Sections 1-3 of the report (cover, executive summary, scenario set-up) and shared helpers.

Each section function takes the report :class:`~climrisk.report.layout.Kit` and the
:class:`~climrisk.report.results.ResultsFolder` and returns flowables; no risk number is
computed in the report beyond sums, shares and orderings of the saved results.
"""

from __future__ import annotations

from typing import Any

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Flowable

from climrisk.report.charts import score_legend
from climrisk.report.layout import ACCENT, FRAME_WIDTH, Kit
from climrisk.report.results import OPPORTUNITY_CATEGORIES, RISK_CATEGORIES, ResultsFolder

__all__ = [
    "AR6_WARMING",
    "MARK",
    "cover",
    "executive_summary",
    "markers",
    "materiality_rule",
    "scenario_setup",
    "score_key",
]

MARK = "●"

# IPCC AR6 WG1 SPM (2021), Table SPM.1: global surface temperature change above 1850-1900,
# best estimates [°C] for 2021-2040, 2041-2060 and 2081-2100 (20-year means).
# IPCC, 2021: Summary for Policymakers. In: Climate Change 2021: The Physical Science Basis,
# doi:10.1017/9781009157896.001. The 2021-2040 values are the rounded near-term estimates
# (about 1.5 °C in every scenario).
AR6_WARMING: dict[str, tuple[float, float, float]] = {
    "ssp119": (1.5, 1.6, 1.4),
    "ssp126": (1.5, 1.7, 1.8),
    "ssp245": (1.5, 2.0, 2.7),
    "ssp370": (1.5, 2.1, 3.6),
    "ssp585": (1.6, 2.4, 4.4),
}
AR6_PERIODS = ("2021–2040", "2041–2060", "2081–2100")


def markers(kit: Kit, flags: list[bool]) -> list[object]:
    """● cells for the horizons (or pathway x horizon) where a row is material."""
    return [kit.para(MARK if flag else "", "marker") for flag in flags]


# ---------------------------------------------------------------------------------------------
# 1. Cover
# ---------------------------------------------------------------------------------------------


def cover(kit: Kit, data: ResultsFolder) -> list[Flowable]:
    """The cover page: title, company, run date, scenarios, horizons and data versions."""
    tr, manifest = kit.tr, data.manifest
    layers = manifest.get("hazard_layers") or []
    illustrative = sum(1 for layer in layers if layer.get("illustrative"))
    countries = data.assets["country"].dropna().nunique()
    portfolio_input = next((i for i in manifest.get("inputs") or []
                            if i.get("role") == "portfolio"), None)
    rows: list[list[object]] = [
        [kit.t("cover_portfolio"), kit.t("cover_portfolio_value", assets=len(data.assets),
                                         countries=countries,
                                         value=kit.money(data.total_value))],
        [kit.t("cover_run_date"), tr.date(manifest.get("created"))],
        [kit.t("cover_physical_scenarios"), tr.join([tr.scenario(s) for s in data.scenarios])],
        [kit.t("cover_transition_pathways"),
         tr.join([tr.scenario(s) for s in data.pathways]) if data.pathways
         else kit.t("not_assessed")],
        [kit.t("cover_horizons"),
         tr.join([tr.horizon_year(h, y) for h, y in data.horizons])],
        [kit.t("cover_hazard_data"),
         kit.t("cover_hazard_layers", layers=len(layers), illustrative=illustrative)],
    ]
    for source in (manifest.get("pathways") or {}).get("sources") or []:
        sha = str(source.get("sha256") or "")
        rows.append([kit.t("cover_pathway_data"),
                     f"{source.get('name', '')}" + (f" (SHA-256 {sha[:12]})" if sha else "")])
    if portfolio_input:
        name = str(portfolio_input.get("path", "")).replace("\\", "/").rsplit("/", 1)[-1]
        rows.append([kit.t("cover_asset_file"),
                     f"{name} (SHA-256 {str(portfolio_input.get('sha256', ''))[:12]})"])
    if data.preparer:
        rows.append([kit.t("cover_preparer"), data.preparer])
    if data.version:
        rows.append([kit.t("cover_version"), data.version])
    software = manifest.get("software") or {}
    if software.get("climrisk"):
        rows.append([kit.t("cover_software"), f"climrisk {software['climrisk']}"])
    table = kit.table([], rows, [45 * mm, FRAME_WIDTH - 45 * mm], zebra=False, extra=[
        ("LINEABOVE", (0, 0), (-1, 0), 0.8, ACCENT),
        ("LINEBELOW", (0, 0), (-1, -1), 0.3, colors.HexColor("#c9d1d8")),
    ])
    out: list[Flowable] = [
        kit.spacer(38),
        kit.para(kit.t("report_title"), "title"),
        kit.para(kit.t("report_subtitle"), "subtitle"),
        kit.para(data.company or kit.t("company_unknown"), "company"),
        kit.spacer(4),
        table,
        kit.spacer(10),
        kit.para(kit.t("cover_basis"), "small"),
    ]
    if illustrative:
        key = "illustrative_warning_all" if illustrative == len(layers) else "illustrative_warning"
        out += [kit.spacer(3), kit.note_box(kit.t(key))]
    out += [kit.spacer(6), approval_block(kit)]
    return out


def approval_block(kit: Kit) -> Flowable:
    """Sign-off lines: prepared, reviewed and approved, each with name, date and signature."""
    header = [[kit.t("approval_role"), kit.t("approval_name"), kit.t("approval_date"),
               kit.t("approval_signature")]]
    rows = [[kit.t(key), "", "", ""] for key in
            ("approval_prepared", "approval_reviewed", "approval_approved")]
    width = FRAME_WIDTH
    return kit.keep(kit.para(kit.t("approval_title"), "small", bold=True),
                    kit.table(header, rows, [0.34 * width, 0.26 * width, 0.16 * width,
                                             0.24 * width], zebra=False, small=True,
                               extra=[("TOPPADDING", (0, 1), (-1, -1), 9),
                                      ("BOTTOMPADDING", (0, 1), (-1, -1), 9)]))


# ---------------------------------------------------------------------------------------------
# 2. Executive summary
# ---------------------------------------------------------------------------------------------


def _revenue(data: ResultsFolder) -> float | None:
    """Total ``annual_revenue`` of the portfolio from ``assets.parquet`` (None if unknown)."""
    import pandas as pd

    path = data.folder / "assets.parquet"
    try:
        frame = pd.read_parquet(path, columns=["annual_revenue"])
    except Exception:  # optional: an older folder or no revenue column
        return None
    total = float(pd.to_numeric(frame["annual_revenue"], errors="coerce").sum())
    return total if total > 0 else None


def _share_lines(kit: Kit, data: ResultsFolder, totals: Any) -> list[str]:
    """Long-horizon loss as a share of value and of revenue, with what "value" means."""
    tr = kit.tr
    long = data.long_horizon
    scenario = data.high_scenario
    row = totals[(totals["scenario"] == scenario) & (totals["horizon"] == long)]
    if not len(row) or not data.total_value:
        return []
    loss = float(row["total"].iloc[0])
    revenue = _revenue(data)
    text = kit.t("summary_shares", year=data.year_of(long), scenario=tr.scenario_code(scenario),
                 value_share=tr.percent(loss / data.total_value, 2))
    if revenue:
        text += kit.t("summary_shares_revenue", revenue_share=tr.percent(loss / revenue, 1),
                      revenue=kit.money(revenue))
    return [text + kit.t("value_definition")]


def _measure_lines(kit: Kit, data: ResultsFolder) -> list[str]:
    """One summary bullet with the top three measures by benefit-cost ratio (if assessed)."""
    from climrisk.report.adaptation_pages import measure_name, top_measures

    best = top_measures(data, 3)
    if best.empty:
        return []
    tr = kit.tr
    items = [kit.t("adaptation_top_line", measure=measure_name(kit, r.measure, r.parameter),
                   asset=r.asset_id, bcr=f"{r.bcr:,.1f}", capex=kit.money(r.capex))
             for r in best.itertuples()]
    scenario = tr.scenario_code(str(best["scenario"].iloc[0]))
    gap = "" if tr.lang.startswith("zh") else " "
    return [kit.t("summary_measures", scenario=scenario) + gap + gap.join(items)]


def _series_text(kit: Kit, data: ResultsFolder, amounts: dict[str, float]) -> str:
    tr = kit.tr
    items = [kit.t("horizon_amount", horizon=tr.lookup("horizons_sentence", h, tr.horizon(h)),
                   year=y, amount=kit.money(amounts.get(h)))
             for h, y in data.horizons if h in amounts]
    return tr.join(items)


def executive_summary(kit: Kit, data: ResultsFolder) -> list[Flowable]:
    """Headline figures and the most material risks and opportunities, in plain words."""
    tr = kit.tr
    out: list[Flowable] = [kit.heading(kit.t("section_summary"))]
    countries = data.assets["country"].dropna().nunique()
    out.append(kit.para(kit.t("summary_intro", company=data.company or kit.t("company_unknown"),
                              assets=len(data.assets), countries=countries,
                              value=kit.money(data.total_value)), "body"))
    totals = data.physical_totals()
    shares = data.value_share_high(4)
    long = data.long_horizon
    paragraphs = []
    for scenario in data.scenarios:
        rows = totals[totals["scenario"] == scenario]
        amounts = dict(zip(rows["horizon"], rows["total"], strict=True))
        paragraphs.append(kit.t("summary_physical", scenario=tr.scenario(scenario),
                                series=_series_text(kit, data, amounts)))
    share_items = []
    for scenario in data.scenarios:
        row = shares[(shares["scenario"] == scenario) & (shares["horizon"] == long)]
        if len(row):
            share_items.append(kit.t("share_item", share=tr.percent(row["share"].iloc[0]),
                                     value=kit.money(row["value"].iloc[0]),
                                     assets=int(row["assets"].iloc[0]),
                                     scenario=tr.scenario_code(scenario)))
    if share_items:
        paragraphs.append(kit.t("summary_high_value", year=data.year_of(long),
                                items=tr.join(share_items)))
    paragraphs += _share_lines(kit, data, totals)
    ttotals = data.transition_totals()
    for pathway in data.pathways:
        row = ttotals[(ttotals["scenario"] == pathway) & (ttotals["horizon"] == long)]
        if len(row):
            paragraphs.append(kit.t("summary_transition", pathway=tr.scenario(pathway),
                                    year=data.year_of(long),
                                    risk=kit.money(row["risk"].iloc[0]),
                                    opportunity=kit.money(row["opportunity"].iloc[0])))
    # most material physical risks: hazards material at the long horizon, by impact
    impacts = data.hazard_impacts()
    high = data.high_scenario
    ranked = impacts[(impacts["scenario"] == high) & (impacts["horizon"] == long)]
    ranked = ranked.sort_values(["material", "impact", "hazard"], ascending=[False, False, True])
    material = ranked[ranked["material"]]
    picks = (material if len(material) else ranked[ranked["impact"] > 0]).head(3)
    items = [kit.t("hazard_item", hazard=tr.hazard(h), amount=kit.money(v))
             for h, v in zip(picks["hazard"], picks["impact"], strict=True)]
    if items:
        key = "summary_top_physical" if len(material) else "summary_top_physical_none"
        paragraphs.append(kit.t(key, items=tr.join(items), scenario=tr.scenario_code(high),
                                year=data.year_of(long)))
    drivers = data.transition_drivers()
    if not drivers.empty:
        worst = drivers[drivers["horizon"] == long]
        for kind, key in (("risk", "summary_top_transition_risks"),
                          ("opportunity", "summary_top_opportunities")):
            part = worst[worst["kind"] == kind].sort_values(
                ["financial_impact", "driver"], ascending=[False, True]
            ).drop_duplicates("driver").head(3)
            items = [kit.t("driver_item", driver=tr.driver(d), amount=kit.money(v),
                           pathway=tr.scenario_code(p))
                     for d, v, p in zip(part["driver"], part["financial_impact"],
                                        part["scenario"], strict=True)]
            if items:
                paragraphs.append(kit.t(key, items=tr.join(items), year=data.year_of(long)))
    paragraphs += _measure_lines(kit, data)
    out += kit.bullets(paragraphs)
    out.append(kit.spacer(2))
    # headline table (physical)
    header = [[kit.t("col_scenario"), kit.t("col_horizon"), kit.t("col_physical_loss"),
               kit.t("col_range"), kit.t("col_value_high")]]
    rows = []
    for _, row in totals.iterrows():
        share = shares[(shares["scenario"] == row["scenario"])
                       & (shares["horizon"] == row["horizon"])]
        rng = (kit.t("range_format", low=tr.compact(row["low"]), high=tr.compact(row["high"]))
               if row["has_spread"] else "–")
        rows.append([tr.scenario_code(row["scenario"]), tr.horizon_year(row["horizon"],
                                                                         row["year"]),
                     tr.compact(row["total"]), rng,
                     tr.percent(share["share"].iloc[0]) if len(share) else "–"])
    out.append(kit.para(kit.t("table_headline_physical", currency=tr.currency_label(
        data.currency)), "h3"))
    out.append(kit.table(header, rows, [70, 90, 105, 120, 108], align_right=(2, 3, 4)))
    if not ttotals.empty:
        header = [[kit.t("col_pathway"), kit.t("col_horizon"), kit.t("col_transition_cost"),
                   kit.t("col_opportunities"), kit.t("col_net")]]
        rows = [[tr.scenario_code(r["scenario"]), tr.horizon_year(r["horizon"], r["year"]),
                 tr.compact(r["risk"]), tr.compact(r["opportunity"]),
                 tr.compact(r["risk"] - r["opportunity"])] for _, r in ttotals.iterrows()]
        out.append(kit.para(kit.t("table_headline_transition",
                                  currency=tr.currency_label(data.currency)), "h3"))
        out.append(kit.table(header, rows, [70, 90, 111, 111, 111], align_right=(2, 3, 4)))
        out.append(kit.para(kit.t("note_net"), "note"))
    out.append(kit.para(kit.t("summary_caveat"), "note"))
    return out


# ---------------------------------------------------------------------------------------------
# 3. Scenario set-up
# ---------------------------------------------------------------------------------------------


def _epoch_text(kit: Kit, year: int) -> str:
    if year <= 2000:
        return kit.t("epoch_baseline")
    if year <= 2030:
        return kit.t("epoch_between", first=kit.t("epoch_name_baseline"), second="2030")
    if year <= 2050:
        return kit.t("epoch_between", first="2030", second="2050")
    return kit.t("epoch_clamped")


def scenario_setup(kit: Kit, data: ResultsFolder) -> list[Flowable]:
    """The scenario set-up table (Appendix 5 shape), AR6 warming levels and the horizons."""
    tr = kit.tr
    out: list[Flowable] = [kit.heading(kit.t("section_scenarios")),
                           kit.para(kit.t("scenarios_intro"))]
    acute = [tr.hazard(h) for h in data.hazards if data.hazard_category(h) == "acute"]
    chronic = [tr.hazard(h) for h in data.hazards if data.hazard_category(h) == "chronic"]
    physical_scen = "; ".join(
        kit.t("scenario_warming", scenario=tr.scenario(s),
              mid=AR6_WARMING[s][1], long=AR6_WARMING[s][2])
        if s in AR6_WARMING else tr.scenario(s) for s in data.scenarios)
    pathway_scen = "; ".join(tr.scenario(p) for p in data.pathways) or kit.t("not_assessed")
    risks = tr.join([tr.category(c) for c in RISK_CATEGORIES])
    opps = tr.join([tr.category(c) for c in OPPORTUNITY_CATEGORIES])
    horizons = tr.join([tr.horizon_year(h, y) for h, y in data.horizons])
    header = [["", kit.t("col_physical"), kit.t("col_transition")]]
    rows = [
        [kit.t("row_horizons"), horizons, ""],
        [kit.t("row_data_basis"), kit.t("basis_physical"), kit.t("basis_transition")],
        [kit.t("row_scenarios"), physical_scen, pathway_scen],
        [kit.t("row_risks"),
         kit.t("risks_physical", acute=tr.join(acute) or "–", chronic=tr.join(chronic) or "–"),
         kit.t("risks_transition", risks=risks, opportunities=opps)],
        [kit.t("row_time_data"), kit.t("time_physical"), kit.t("time_transition")],
    ]
    out.append(kit.table(header, rows, [80, 206, 207], zebra=False, extra=[
        ("SPAN", (1, 1), (2, 1)),
        ("BACKGROUND", (0, 1), (0, -1), colors.HexColor("#f2f5f8")),
    ]))
    out.append(kit.para(kit.t("paris_note"), "note"))
    # AR6 warming
    header = [[kit.t("col_scenario"), *AR6_PERIODS]]
    rows = [[tr.scenario(s), *[f"{v:.1f} °C" for v in AR6_WARMING[s]]]
            for s in data.scenarios if s in AR6_WARMING]
    if rows:
        out.append(kit.para(kit.t("table_warming"), "h3"))
        out.append(kit.table(header, rows, [160, 111, 111, 111], align_right=(1, 2, 3)))
        out.append(kit.para(kit.t("source_ar6"), "note"))
    # horizons
    header = [[kit.t("col_horizon"), kit.t("col_year"), kit.t("col_meaning"),
               kit.t("col_hazard_epochs")]]
    rows = [[tr.horizon(h), str(y), tr.lookup("horizon_meaning", h, ""), _epoch_text(kit, y)]
            for h, y in data.horizons]
    out.append(kit.para(kit.t("table_horizons"), "h3"))
    out.append(kit.table(header, rows, [62, 38, 228, 165]))
    return out


def materiality_rule(data: ResultsFolder) -> dict[str, float]:
    """Materiality thresholds of the run (configuration, else the engine defaults)."""
    rule = {"score_at_least": 3, "value_share": 0.10, "weighted_score": 3.0,
            "transition_score": 3}
    try:
        from climrisk.risk.scoring import Materiality

        default = Materiality()
        rule.update({k: getattr(default, k, v) for k, v in rule.items()})
    except ImportError:  # the report stays usable without the engine
        pass
    config = data.manifest.get("configuration") or {}
    scoring = config.get("scoring") or {}
    rule.update({k: v for k, v in (scoring.get("materiality") or {}).items() if k in rule})
    transition = config.get("transition") or {}
    if "material_min_score" in transition:
        rule["transition_score"] = transition["material_min_score"]
    for item in data.manifest.get("assumptions") or []:
        if isinstance(item, dict) and item.get("name") == "transition.material_min_score":
            rule["transition_score"] = item.get("value", rule["transition_score"])
    return rule


def score_key(kit: Kit) -> Flowable:
    """The key of the five score colours."""
    labels = {s: kit.tr.lookup("score_labels", str(s), "") for s in range(1, 6)}
    return score_legend(kit.fonts, labels, FRAME_WIDTH, kit.t("legend_score"),
                         kit.t("no_data"))
