"""Reading and validating pathway files (IAMC format, CSV or XLSX, wide or long)."""

from __future__ import annotations

import difflib
import re
from io import StringIO
from pathlib import Path

import numpy as np
import pandas as pd

from climrisk.errors import InputError, InputErrors, Issue
from climrisk.transition.pathway import (
    COVER_FIRST_YEAR,
    COVER_LAST_YEAR,
    DEFAULT_PATHWAY_FILE,
    REQUIRED_VARIABLES,
    VARIABLES,
    TransitionPathway,
    canonical_variable,
    normalise_scenario,
    unit_key,
)

__all__ = ["read_pathways"]

_MAX_GAP_YEARS = 10
_MAX_LISTED_ISSUES = 50
_ID_COLUMNS = ("model", "scenario", "region", "variable", "unit")
_YEAR_HEADER = re.compile(r"^\s*(\d{4})(\.0+)?\s*$")


def read_pathways(
    path: str | Path | None = None, *, ignore_unknown_variables: bool = False
) -> TransitionPathway:
    """Read and validate a pathway file in the IAMC format (or the embedded default table).

    Parameters
    ----------
    path
        CSV (comma, semicolon or tab; UTF-8 with or without BOM) or XLSX (sheet ``data`` when
        present, else the first sheet), wide (one column per year) or long (``year``, ``value``).
        ``None`` reads the embedded default table (IEA STEPS / NZE, 2025-2050).
    ignore_unknown_variables
        Skip rows whose variable climrisk does not use instead of reporting them (useful for a
        full NGFS snapshot). The command line reports them.

    Returns
    -------
    TransitionPathway

    Raises
    ------
    climrisk.errors.InputError
        Every problem found (unknown variables, unit mismatches, non-numeric or out-of-range
        values, duplicates, missing required variables, years or regions), each naming the file,
        the 1-based data row and the column.
    """
    if path is None:
        file = DEFAULT_PATHWAY_FILE
        label = "default pathways (IEA STEPS / NZE)"
    else:
        file = Path(path)
        label = file.name
    raw = _read_table(file)
    return _parse(raw, file, label, ignore_unknown_variables)


def _read_table(path: Path) -> pd.DataFrame:
    if not path.exists():
        raise InputError(path, "file not found")
    suffix = path.suffix.casefold()
    try:
        if suffix in {".xlsx", ".xlsm", ".xls"}:
            try:
                sheets = pd.ExcelFile(path)
            except ImportError as exc:  # pragma: no cover - depends on the environment
                raise InputError(path, f"reading Excel files needs openpyxl ({exc})") from None
            names = [str(s) for s in sheets.sheet_names]
            sheet = next((s for s in names if s.casefold() == "data"), names[0])
            frame = pd.read_excel(sheets, sheet_name=sheet, dtype=object)
            frame.columns = [str(c) for c in frame.columns]
            return frame.astype(object).where(frame.notna(), "")
        if suffix in {".csv", ".txt", ".tsv"}:
            data = path.read_bytes()
            text = data.decode("utf-8-sig") if _is_utf8(data) else data.decode("gb18030")
            first = text.splitlines()[0] if text else ""
            sep = max((",", ";", "\t"), key=first.count)
            return pd.read_csv(
                StringIO(text), sep=sep, dtype=str, keep_default_na=False, skipinitialspace=True
            ).astype(object)
    except InputError:
        raise
    except (ValueError, OSError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise InputError(path, f"cannot read the table: {exc}") from None
    raise InputError(path, f"unsupported pathway file type {path.suffix!r}; use CSV or XLSX")


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _parse(raw: pd.DataFrame, path: Path, label: str, ignore_unknown: bool) -> TransitionPathway:
    issues: list[Issue] = []
    p = str(path)
    headers = {str(c): str(c).strip().casefold() for c in raw.columns}
    by_lower: dict[str, str] = {}
    for original, lower in headers.items():
        by_lower.setdefault(lower, original)
    year_columns = {
        orig: int(m.group(1)) for orig in raw.columns if (m := _YEAR_HEADER.match(str(orig)))
    }
    long_format = "year" in by_lower and "value" in by_lower
    missing = [c for c in ("scenario", "region", "variable", "unit") if c not in by_lower]
    if missing:
        raise InputError(
            p,
            f"missing column(s) {', '.join(missing)}; an IAMC table needs "
            "model, scenario, region, variable, unit and year columns (or year, value)",
        )
    if not long_format and not year_columns:
        raise InputError(p, "no year columns (e.g. 2025, 2030) and no year/value columns")

    def col(name: str) -> pd.Series:
        orig = by_lower.get(name)
        if orig is None:
            return pd.Series([""] * len(raw), index=raw.index, dtype=object)
        return raw[orig].astype(object).map(lambda v: "" if v is None else str(v).strip())

    ids = pd.DataFrame({c: col(c) for c in (*_ID_COLUMNS, "source", "confidence")})
    ids["row"] = np.arange(1, len(raw) + 1)
    if long_format:
        long = ids.copy()
        long["year_text"] = col("year")
        long["value_raw"] = raw[by_lower["value"]].to_numpy()
        long["value_column"] = by_lower["value"]
        long["year_column"] = by_lower["year"]
    else:
        parts = []
        for orig, year in year_columns.items():
            part = ids.copy()
            part["year_text"] = str(year)
            part["value_raw"] = raw[orig].to_numpy()
            part["value_column"] = str(orig)
            part["year_column"] = str(orig)
            parts.append(part)
        long = pd.concat(parts, ignore_index=True)
        # empty cells in a wide table are "no point", not an error
        empty = long["value_raw"].map(lambda v: v is None or str(v).strip() == "")
        long = long[~empty]

    # required id cells
    for name in ("scenario", "region", "variable"):
        bad = ids[ids[name] == ""]
        issues.extend(
            Issue(p, f"{name} is empty", int(r), by_lower[name])
            for r in bad["row"].head(_MAX_LISTED_ISSUES)
        )

    # variables
    canon = ids["variable"].map(canonical_variable)
    unknown = ids[(canon.isna()) & (ids["variable"] != "")]
    known_rows = set(ids.loc[canon.notna(), "row"].tolist())
    if not ignore_unknown:
        for name, part in unknown.groupby("variable", sort=False):
            near = difflib.get_close_matches(str(name), list(VARIABLES), n=1, cutoff=0.6)
            hint = f"; did you mean {near[0]!r}?" if near else ""
            more = f" (and {len(part) - 1} more rows)" if len(part) > 1 else ""
            issues.append(
                Issue(
                    p,
                    f"unknown variable {name!r}{more}{hint}; known variables: "
                    + ", ".join(VARIABLES),
                    int(part["row"].iloc[0]),
                    by_lower["variable"],
                    str(name),
                )
            )
    long = long[long["row"].isin(known_rows)].copy()
    long["variable_c"] = long["variable"].map(canonical_variable)
    ids_known = ids[ids["row"].isin(known_rows)].copy()
    ids_known["variable_c"] = ids_known["variable"].map(canonical_variable)

    # units
    factor_by_row: dict[int, float] = {}
    for (variable, unit), part in ids_known.groupby(["variable_c", "unit"], sort=False):
        spec = VARIABLES[str(variable)]
        factor = spec.conversions.get(unit_key(str(unit)))
        if factor is None:
            more = f" (and {len(part) - 1} more rows)" if len(part) > 1 else ""
            issues.append(
                Issue(
                    p,
                    f"unit {unit!r} does not match {variable!r}, expected {spec.unit!r}"
                    f" or a convertible unit{more}",
                    int(part["row"].iloc[0]),
                    by_lower["unit"],
                    str(unit),
                )
            )
            continue
        factor_by_row.update(dict.fromkeys(part["row"].tolist(), factor))

    # years
    year_num = pd.to_numeric(long["year_text"], errors="coerce")
    bad_year = long[year_num.isna() | (year_num % 1 != 0)]
    issues.extend(
        Issue(
            p,
            f"year {rec.year_text!r} is not a whole number",
            int(rec.row),
            str(rec.year_column),
            str(rec.year_text),
        )
        for rec in bad_year.head(_MAX_LISTED_ISSUES).itertuples()
    )
    long = long[year_num.notna() & (year_num % 1 == 0)].copy()
    long["year"] = year_num[long.index].astype(int)

    # values
    numeric = pd.to_numeric(long["value_raw"].map(_to_number_text), errors="coerce")
    finite = np.isfinite(numeric.to_numpy(dtype=float, na_value=np.nan))
    bad_val = long[~finite]
    issues.extend(
        Issue(
            p,
            f"value {'' if rec.value_raw == 'nan-empty' else rec.value_raw!r} is not a number",
            int(rec.row),
            str(rec.value_column),
            str(rec.value_raw),
        )
        for rec in bad_val.head(_MAX_LISTED_ISSUES).itertuples()
    )
    long = long[finite].copy()
    long["value"] = numeric[long.index].astype(float)
    long = long[long["row"].isin(list(factor_by_row))].copy()
    long["value"] = long["value"] * long["row"].map(factor_by_row).astype(float)

    # ranges (canonical units)
    for variable, part in long.groupby("variable_c", sort=False):
        spec = VARIABLES[str(variable)]
        low = part["value"] < spec.minimum if spec.minimum is not None else part["value"] < -np.inf
        high = part["value"] > spec.maximum if spec.maximum is not None else part["value"] > np.inf
        upper = spec.maximum if spec.maximum is not None else "inf"
        issues.extend(
            Issue(
                p,
                f"{variable} value {rec.value:g} {spec.unit} is outside [{spec.minimum}, {upper}]",
                int(rec.row),
                str(rec.value_column),
                str(rec.value_raw),
            )
            for rec in part[low | high].head(_MAX_LISTED_ISSUES).itertuples()
        )

    long["pathway"] = long["scenario"].map(normalise_scenario)
    # duplicates
    key = ["pathway", "region_f", "variable_c", "year"]
    long["region_f"] = long["region"].str.casefold()
    dup = long[long.duplicated(key, keep="first")]
    issues.extend(
        Issue(
            p,
            f"duplicate point: {rec.scenario} / {rec.region} / {rec.variable_c} / {rec.year}",
            int(rec.row),
            str(rec.year_column),
        )
        for rec in dup.head(_MAX_LISTED_ISSUES).itertuples()
    )
    long = long.drop_duplicates(key, keep="first")

    if not issues:
        issues.extend(_check_completeness(long, p, by_lower))
    if issues:
        if len(issues) > _MAX_LISTED_ISSUES:
            extra = len(issues) - _MAX_LISTED_ISSUES
            issues = [*issues[:_MAX_LISTED_ISSUES], Issue(p, f"{extra} more problems not listed")]
        raise InputErrors(issues)

    source = long["source"].where(long["source"] != "", f"{path.name}, model " + long["model"])
    confidence = long["confidence"].where(long["confidence"] != "", "user")
    data = pd.DataFrame(
        {
            "pathway": long["pathway"].astype(str),
            "region": long["region"].astype(str),
            "variable": long["variable_c"].astype(str),
            "year": long["year"].astype(int),
            "value": long["value"].astype(float),
            "unit": long["variable_c"].map(lambda v: VARIABLES[v].unit).astype(str),
            "source": source.astype(str),
            "confidence": confidence.astype(str),
            "model": long["model"].astype(str),
        }
    )
    return TransitionPathway(data.reset_index(drop=True), path, label)


def _to_number_text(value: object) -> object:
    if isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool):
        return value
    text = str(value).strip().replace("\u2212", "-")
    return text if text else "nan-empty"


def _check_completeness(long: pd.DataFrame, p: str, by_lower: dict[str, str]) -> list[Issue]:
    """Required variables per scenario, year coverage per series, regions across variables."""
    issues: list[Issue] = []
    if long.empty:
        return [Issue(p, "no usable rows: the table holds none of the variables climrisk uses")]
    var_col = by_lower.get("variable")
    for _, part in long.groupby("pathway", sort=False):
        present = set(part["variable_c"])
        issues.extend(
            Issue(
                p,
                f"scenario {part['scenario'].iloc[0]!r} has no {variable!r} rows "
                f"(required: {', '.join(REQUIRED_VARIABLES)})",
                None,
                var_col,
            )
            for variable in REQUIRED_VARIABLES
            if variable not in present
        )
        # regions: each region must have every required variable, unless World has it
        regions_by_var = {
            v: set(part.loc[part["variable_c"] == v, "region_f"]) for v in REQUIRED_VARIABLES
        }
        all_regions = dict(zip(part["region_f"], part["region"], strict=False))
        for region_f, region in all_regions.items():
            for variable, have in regions_by_var.items():
                if have and region_f not in have and "world" not in have:
                    first = part.loc[part["region_f"] == region_f, "row"].min()
                    issues.append(
                        Issue(
                            p,
                            f"region {region!r} has no {variable!r} for scenario "
                            f"{part['scenario'].iloc[0]!r} and there is no World row to fall "
                            "back on",
                            int(first),
                            by_lower.get("region"),
                        )
                    )
        # years per series
        for (region, variable), series in part.groupby(["region", "variable_c"], sort=False):
            years = np.sort(series["year"].to_numpy())
            row = int(series["row"].min())
            name = f"{part['scenario'].iloc[0]} / {region} / {variable}"
            if years[0] > COVER_FIRST_YEAR:
                issues.append(
                    Issue(
                        p,
                        f"missing year: {name} starts in {years[0]}; it needs a point "
                        f"in {COVER_FIRST_YEAR} or earlier",
                        row,
                        None,
                    )
                )
            if years[-1] < COVER_LAST_YEAR:
                issues.append(
                    Issue(
                        p,
                        f"missing year: {name} ends in {years[-1]}; it needs a point "
                        f"in {COVER_LAST_YEAR} or later",
                        row,
                        None,
                    )
                )
            inside = years[
                (years >= COVER_FIRST_YEAR - _MAX_GAP_YEARS)
                & (years <= COVER_LAST_YEAR + _MAX_GAP_YEARS)
            ]
            gaps = np.diff(inside)
            if gaps.size and gaps.max() > _MAX_GAP_YEARS:
                i = int(np.argmax(gaps))
                issues.append(
                    Issue(
                        p,
                        f"missing years: {name} has no point between {inside[i]} and "
                        f"{inside[i + 1]} (points must be at most {_MAX_GAP_YEARS} years apart)",
                        row,
                        None,
                    )
                )
    return issues
