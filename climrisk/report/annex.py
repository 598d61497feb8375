"""Sections 9-11 of the report: methodology, data / assumptions / limitations, per-asset appendix.

The methodology prints what the run actually used: the hazard layers and scoring table from the
manifest, the vulnerability models from :mod:`climrisk.vulnerability` (when importable), the
materiality rule and the transition drivers.
"""

from __future__ import annotations

import json
from typing import Any

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, PageBreak

from climrisk.report.layout import FRAME_WIDTH, Kit, score_colour, score_text_colour
from climrisk.report.results import ResultsFolder
from climrisk.report.sections import materiality_rule, score_key

__all__ = ["appendix", "data_and_limitations", "methodology"]

_MAX_TEXT = 160


def _short(value: Any, limit: int = _MAX_TEXT) -> str:
    if isinstance(value, (dict, list, tuple)):
        text = json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    else:
        text = "" if value is None else str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _file_name(path: Any) -> str:
    return str(path or "").replace("\\", "/").rsplit("/", 1)[-1]


def _models(hazards: list[str]) -> list[dict[str, Any]]:
    """Built-in and plugin vulnerability models for the assessed hazards (empty if unavailable)."""
    try:
        from climrisk.vulnerability import registered_models
    except Exception:  # a broken engine or plugin must not stop the report; the text says so
        return []
    out = []
    for model in registered_models():
        hazard = getattr(model, "hazard", None)
        if hazard not in hazards:
            continue
        out.append({
            "name": str(getattr(model, "name", type(model).__name__)),
            "hazard": hazard,
            "indicator": str(getattr(model, "indicator", "")),
            "asset_types": list(getattr(model, "asset_types", ()) or ()),
            "references": list(getattr(model, "references", ()) or ()),
        })
    order = {h: i for i, h in enumerate(hazards)}
    return sorted(out, key=lambda m: (order.get(m["hazard"], 99), m["name"]))


def _drivers() -> list[Any]:
    """The transition drivers of the engine (empty if unavailable)."""
    try:
        from climrisk.transition.drivers import DRIVERS
    except Exception:  # the driver table is then left out
        return []
    return list(DRIVERS)


def methodology(kit: Kit, data: ResultsFolder) -> list[Flowable]:
    """Hazards and indicators, models with references, EAD rule, scores, pathways."""
    tr = kit.tr
    out: list[Flowable] = [kit.heading(kit.t("section_methodology")),
                           kit.para(kit.t("method_flow"))]
    # hazards and indicators
    out.append(kit.heading(kit.t("method_hazards"), 2))
    layers = data.manifest.get("hazard_layers") or []
    rows = []
    if layers:
        order = {h: i for i, h in enumerate(data.hazards)}
        for layer in sorted(layers, key=lambda x: (order.get(x.get("hazard"), 99),
                                                   str(x.get("indicator")))):
            hazard = str(layer.get("hazard", ""))
            rows.append([tr.hazard(hazard), tr.category(data.hazard_category(hazard)),
                         str(layer.get("indicator", "")), str(layer.get("units", "")),
                         _short(layer.get("source"), 120)])
    else:
        first = data.asset_results.drop_duplicates("hazard")
        rows = [[tr.hazard(r.hazard), tr.category(data.hazard_category(r.hazard)),
                 str(r.indicator), str(r.units), "–"] for r in first.itertuples()]
    out.append(kit.table([[kit.t("col_hazard"), kit.t("col_category"), kit.t("col_indicator"),
                           kit.t("col_units"), kit.t("col_source")]], rows,
                         [82, 40, 110, 50, 211], small=True))
    # models
    out.append(kit.heading(kit.t("method_models"), 2))
    models = _models(data.hazards)
    if models:
        rows = [[m["name"], tr.hazard(m["hazard"]),
                 tr.join([tr.lookup("asset_types_short", t, tr.asset_type(t))
                          for t in m["asset_types"]]),
                 "; ".join(m["references"]) or "–"] for m in models]
        out.append(kit.table([[kit.t("col_model"), kit.t("col_hazard"),
                               kit.t("col_asset_types"), kit.t("col_reference")]], rows,
                             [104, 70, 84, 235], small=True))
    else:
        out.append(kit.para(kit.t("method_models_unavailable")))
    out.append(kit.para(kit.t("method_user_curves"), "note"))
    # EAD
    out.append(kit.heading(kit.t("method_ead"), 2))
    out += kit.bullets([kit.t("method_ead_rule"), kit.t("method_ead_protection"),
                        kit.t("method_money"), kit.t("method_horizon_interp"),
                        kit.t("method_sampling")])
    # scores
    out.append(CondPageBreak(50 * mm))
    out.append(kit.heading(kit.t("method_scores"), 2))
    out.append(kit.para(kit.t("method_scores_rule")))
    scoring = data.manifest.get("scoring") or []
    rows = []
    for item in scoring:
        hazard = str(item.get("hazard", ""))
        bounds = list(item.get("boundaries") or [])
        name = kit.t("financial_boundary") if hazard == "financial" else tr.hazard(hazard)
        fmt = (lambda v: tr.percent(v, 2)) if hazard == "financial" else (lambda v: f"{v:g}")
        rows.append([name, str(item.get("indicator", "")), str(item.get("units", "")),
                     *[fmt(float(b)) for b in bounds[:4]], *[""] * (4 - len(bounds[:4])),
                     _short(item.get("source"), 110)])
    if rows:
        out.append(kit.table([[kit.t("col_hazard"), kit.t("col_indicator"), kit.t("col_units"),
                               "1|2", "2|3", "3|4", "4|5", kit.t("col_source")]], rows,
                             [70, 80, 38, 30, 30, 30, 30, 185], small=True,
                             align_right=(3, 4, 5, 6)))
        out.append(kit.para(kit.t("method_scores_note"), "note"))
    rule = materiality_rule(data)
    out.append(kit.para(kit.t("method_materiality", score=int(rule["score_at_least"]),
                              share=tr.percent(rule["value_share"], 0),
                              weighted=f"{rule['weighted_score']:.1f}",
                              transition=int(rule["transition_score"]))))
    # transition
    out.append(kit.heading(kit.t("method_transition"), 2))
    out.append(kit.para(kit.t("method_transition_text")))
    drivers = _drivers()
    present = set(data.transition_matrix["driver"]) if data.transition_matrix is not None else set()
    if drivers:
        currency = data.currency or tr.currency_label(None)
        rows = [[tr.category(d.category), tr.driver(d.driver),
                 f"{d.metric} [{d.units.replace('<currency>', currency)}]",
                 tr.lookup("driver_business_impact", d.driver, d.description)]
                for d in drivers if not present or d.driver in present]
        out.append(kit.table([[kit.t("col_category"), kit.t("col_driver"), kit.t("col_metric"),
                               kit.t("col_description")]], rows, [70, 120, 110, 193],
                             small=True))
    return out


def data_and_limitations(kit: Kit, data: ResultsFolder) -> list[Flowable]:
    """Sources with licences, illustrative data, defaults applied, coverage and limitations."""
    tr, manifest = kit.tr, data.manifest
    out: list[Flowable] = [kit.heading(kit.t("section_data"))]
    layers = manifest.get("hazard_layers") or []
    out.append(kit.heading(kit.t("data_hazards"), 2))
    if layers:
        yes, no = kit.t("yes"), kit.t("no")
        rows = [[tr.hazard(str(x.get("hazard", ""))), _file_name(x.get("file")),
                 _short(x.get("source"), 110), _short(x.get("license"), 60),
                 _short(x.get("references"), 110), yes if x.get("illustrative") else no,
                 str(x.get("sha256", ""))[:12]] for x in layers]
        out.append(kit.table([[kit.t("col_hazard"), kit.t("col_file"), kit.t("col_source"),
                               kit.t("col_licence"), kit.t("col_reference"),
                               kit.t("col_illustrative"), "SHA-256"]], rows,
                             [60, 58, 108, 50, 110, 50, 57], small=True))
        if any(x.get("illustrative") for x in layers):
            out.append(kit.spacer(2))
            out.append(kit.note_box(kit.t("illustrative_detail")))
    else:
        out.append(kit.para(kit.t("data_none")))
    out.append(kit.heading(kit.t("data_pathways"), 2))
    sources = (manifest.get("pathways") or {}).get("sources") or []
    if not sources:
        out.append(kit.para(kit.t("data_none")))
    for source in sources:
        head = f"{source.get('name', '')}"
        details = [kit.t("licence_is", licence=_short(source.get("licence") or
                                                      source.get("license"), 120))]
        if source.get("file"):
            details.append(kit.t("file_is", file=_file_name(source["file"])))
        if source.get("sha256"):
            details.append(f"SHA-256 {str(source['sha256'])[:12]}")
        if source.get("used_for"):
            details.append(kit.t("used_for_is", used=_short(source["used_for"], 200)))
        out.append(kit.rich([(head, True), ("  " + "; ".join(details), False)], "body"))
        subs = source.get("sources") or []
        if subs:
            rows = [[_short(s.get("name"), 140), _short(s.get("licence") or s.get("license"), 80),
                     _short(s.get("used_for"), 120)] for s in subs]
            out.append(kit.table([[kit.t("col_source"), kit.t("col_licence"),
                                   kit.t("col_used_for")]], rows, [210, 123, 160], small=True))
    inputs = manifest.get("inputs") or []
    if inputs:
        out.append(kit.heading(kit.t("data_inputs"), 2))
        rows = [[tr.lookup("input_roles", str(i.get("role", "")), str(i.get("role", ""))),
                 _file_name(i.get("path")), str(i.get("sha256", ""))] for i in inputs]
        out.append(kit.table([[kit.t("col_role"), kit.t("col_file"), "SHA-256"]], rows,
                             [70, 140, 283], small=True))
    # defaults applied
    out.append(kit.heading(kit.t("data_assumptions"), 2))
    assumptions = manifest.get("assumptions") or []
    portfolio = [a for a in assumptions if "column" in a]
    other = [a for a in assumptions if "column" not in a]
    if portfolio:
        out.append(kit.para(kit.t("assumptions_portfolio"), "h3"))
        rows = [[str(a.get("column", "")), tr.asset_type(str(a.get("asset_type", ""))),
                 _short(a.get("value"), 40), str(a.get("count", "")), _short(a.get("source"))]
                for a in portfolio]
        out.append(kit.table([[kit.t("col_column"), kit.t("col_type"), kit.t("col_value_used"),
                               kit.t("col_assets"), kit.t("col_source")]], rows,
                             [90, 62, 60, 34, 247], small=True, align_right=(3,)))
    if other:
        out.append(kit.para(kit.t("assumptions_transition"), "h3"))
        rows = [[_short(a.get("name"), 60), _short(a.get("value"), 70),
                 _short(a.get("meaning"), 120), _short(a.get("source"), 120)] for a in other]
        out.append(kit.table([[kit.t("col_name"), kit.t("col_value_used"),
                               kit.t("col_meaning"), kit.t("col_source")]], rows,
                             [105, 90, 150, 148], small=True))
    if not assumptions:
        out.append(kit.para(kit.t("assumptions_none")))
    # coverage
    out.append(kit.heading(kit.t("data_coverage"), 2))
    results = data.asset_results
    first = results[(results["scenario"] == data.scenarios[0])
                    & (results["horizon"] == data.long_horizon)] if data.scenarios else results
    counts = first.groupby(["hazard", "status"]).size().unstack(fill_value=0)
    statuses = ["ok", "filled_from_neighbour", "no_data", "no_model"]
    rows = [[tr.hazard(h), *[str(int(counts.loc[h].get(s, 0))) if h in counts.index else "0"
                             for s in statuses]] for h in data.hazards]
    out.append(kit.table([[kit.t("col_hazard"),
                           *[tr.lookup("statuses", s, s) for s in statuses]]], rows,
                         [133, 90, 90, 90, 90], small=True, align_right=(1, 2, 3, 4)))
    out.append(kit.para(kit.t("coverage_note"), "note"))
    missing = [str(m.get("hazard", m)) if isinstance(m, dict) else str(m)
               for m in manifest.get("missing") or []
               if not (isinstance(m, dict) and m.get("reason") == "no model")]
    if missing:
        out.append(kit.para(kit.t("not_assessed_hazards",
                                  hazards=tr.join([tr.hazard(h) for h in missing]))))
    warnings = [str(w) for w in manifest.get("warnings") or []]
    if warnings:
        out.append(kit.para(kit.t("run_warnings", count=len(warnings)), "h3"))
        shown = warnings[:25]
        out += kit.bullets([_short(w, 220) for w in shown], "bullet")
        if len(warnings) > len(shown):
            out.append(kit.para(kit.t("more_warnings", count=len(warnings) - len(shown)),
                                "note"))
    out.append(kit.heading(kit.t("data_limitations"), 2))
    out += kit.bullets([tr.t(f"limitation_{i}") for i in range(1, 8)])
    software = manifest.get("software") or {}
    if software:
        text = ", ".join(f"{k} {v}" for k, v in sorted(software.items()))
        out.append(kit.para(kit.t("software_versions", versions=text), "note"))
    return out


def appendix(kit: Kit, data: ResultsFolder) -> list[Flowable]:
    """Per-asset table: scores by hazard at the long horizon and annual impact per horizon."""
    tr = kit.tr
    long = data.long_horizon
    out: list[Flowable] = [kit.heading(kit.t("section_appendix")),
                           kit.para(kit.t("appendix_intro", year=data.year_of(long)))]
    results = data.asset_results
    impact = results.groupby(["asset_id", "scenario", "horizon"])["impact"].sum(min_count=1)
    scores = results[results["horizon"] == long].pivot_table(
        index=["asset_id", "scenario"], columns="hazard", values="score", aggfunc="max")
    scores = scores.astype("float64")
    hazards = data.hazards
    key = tr.join([f"{tr.hazard_short(h)} = {tr.hazard(h)}" for h in hazards])
    out.append(kit.para(kit.t("appendix_key", key=key), "note"))
    n_h = len(hazards)
    n_t = len(data.horizons)
    hazard_w, max_w, horizon_w = 16.0, 20.0, 40.0
    fixed = FRAME_WIDTH - hazard_w * n_h - max_w - horizon_w * n_t
    widths = [fixed - 104, 46, 22, 36, *[hazard_w] * n_h, max_w, *[horizon_w] * n_t]
    score_cols = (4, 4 + n_h)  # first and last score column (the last is the maximum)
    for i, scenario in enumerate(data.scenarios):
        if i:
            out.append(PageBreak())
        out.append(kit.heading(kit.t("appendix_title", scenario=tr.scenario(scenario)), 2))
        header = [[kit.t("col_asset"), kit.t("col_type"), kit.t("col_country_code"),
                   kit.t("col_value"), *[tr.hazard_short(h) for h in hazards],
                   kit.t("col_max"), *[tr.horizon_year(h, y) for h, y in data.horizons]]]
        rows, extra = [], []
        for r, (asset_id, info) in enumerate(data.assets.iterrows()):
            name = info.get("name") if "name" in info else None
            label = (f"{asset_id} {name}" if isinstance(name, str) and name and name != asset_id
                     else asset_id)
            country = info["country"] if isinstance(info["country"], str) else "–"
            cells = [label, tr.lookup("asset_types_short", info["asset_type"],
                                      tr.asset_type(info["asset_type"])),
                     country, tr.compact(info["value"])]
            values = []
            for h in hazards:
                try:
                    v = scores.loc[(asset_id, scenario), h]
                except KeyError:
                    v = float("nan")
                values.append(v)
            maximum = max((v for v in values if v == v), default=float("nan"))
            for j, v in enumerate([*values, maximum]):
                column = 4 + j
                if v == v:
                    cells.append(str(int(v)))
                    extra.append(("BACKGROUND", (column, r + 1), (column, r + 1),
                                  score_colour(v)))
                    if score_text_colour(v) != colors.black:
                        extra.append(("TEXTCOLOR", (column, r + 1), (column, r + 1),
                                      score_text_colour(v)))
                else:
                    cells.append("–")
            for h, _ in data.horizons:
                cells.append(tr.compact(impact.get((asset_id, scenario, h), float("nan"))))
            rows.append(cells)
        table = kit.table(header, rows, widths, small=True, zebra=True,
                          align_right=(3, *range(5 + n_h, 5 + n_h + n_t)),
                          center=tuple(range(score_cols[0], score_cols[1] + 1)),
                          plain=(2, *range(3, 5 + n_h + n_t)))
        extra += [("LEFTPADDING", (score_cols[0], 0), (score_cols[1], -1), 1),
                  ("RIGHTPADDING", (score_cols[0], 0), (score_cols[1], -1), 1)]
        table.setStyle(extra)
        out.append(table)
        out.append(kit.spacer(2))
        out.append(score_key(kit))
    out.append(kit.para(kit.t("appendix_note", currency=tr.currency_label(data.currency)),
                        "note"))
    return out
