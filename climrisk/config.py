"""Run configuration: a TOML run file plus command-line overrides, with every default in one place.

The whole file is checked when it is loaded, before any work: unknown keys (with the closest
known key suggested), types, ranges and paths, in every table. The sub-tables ``[scoring]``,
``[vulnerability]`` and ``[transition]`` are parsed by the modules that own them, and their
accepted keys are read from their dataclasses, so a new field is accepted without a second list.
Every problem is reported at once, each naming the file and the key.
"""

from __future__ import annotations

import difflib
import itertools
import math
import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from climrisk.errors import InputError, InputErrors, Issue
from climrisk.io.hashing import file_sha256
from climrisk.scheduling import check_scheduler

__all__ = [
    "DEFAULT_HORIZONS",
    "DEFAULT_PATHWAY_SCENARIOS",
    "DEFAULT_SCENARIOS",
    "LANGUAGES",
    "RunConfig",
    "SamplingConfig",
    "check_mapping",
    "check_run_file",
    "config_from_manifest",
    "load_config",
]

DEFAULT_SCENARIOS: tuple[str, ...] = ("ssp126", "ssp370")
DEFAULT_PATHWAY_SCENARIOS: tuple[str, ...] = ("steps", "nze")
# Short = end of the current fiscal year, mid = around the 2030 targets, long = 2050 (seed report).
DEFAULT_HORIZONS: dict[str, int] = {"short": 2027, "mid": 2031, "long": 2050}
LANGUAGES: tuple[str, ...] = ("en", "zh-Hant", "zh-Hans")
_FOOTPRINT_REDUCERS = ("max", "mean")
_SAMPLING_METHODS = ("nearest", "bilinear")


@dataclass(frozen=True)
class SamplingConfig:
    """How hazard grids are read at assets (contract: nearest cell; footprints max / mean)."""

    method: str = "nearest"
    fallback_radius_cells: int = 2
    footprint_acute: str = "max"
    footprint_chronic: str = "mean"


@dataclass(frozen=True)
class RunConfig:
    """Everything one assessment run needs besides the portfolio itself."""

    portfolios: tuple[Path, ...] = ()
    hazards: Path | None = None
    scenarios: tuple[str, ...] = DEFAULT_SCENARIOS
    pathways: Path | None = None
    pathway_scenarios: tuple[str, ...] = DEFAULT_PATHWAY_SCENARIOS
    out: Path | None = None
    lang: str = "en"
    pdf: bool = True
    csv: bool | None = None
    company: str | None = None
    report_currency: str | None = None
    horizons: dict[str, int] = field(default_factory=lambda: dict(DEFAULT_HORIZONS))
    sampling: SamplingConfig = field(default_factory=SamplingConfig)
    scoring: dict[str, Any] = field(default_factory=dict)
    vulnerability_curves: tuple[dict[str, Any], ...] = ()
    transition: dict[str, Any] = field(default_factory=dict)
    fx: dict[str, float] = field(default_factory=dict)
    scheduler: str | None = None
    cache: bool = True
    cache_dir: Path | None = None
    chunk_assets: int | None = None
    memory_budget_gb: float = 1.0
    workers: int | None = None
    source: Path | None = None
    # [report] company / preparer / version and [adaptation] (checked by _report_and_adaptation)
    report: dict[str, str] = field(default_factory=dict)
    adaptation: dict[str, Any] = field(default_factory=dict)

    def with_overrides(self, **overrides: Any) -> RunConfig:
        """Return a copy with the command-line values that were given (``None`` = not given)."""
        given = {key: value for key, value in overrides.items() if value is not None}
        config = replace(self, **given)
        _check_choices(config, "command line")
        return config

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form for the manifest."""
        return {
            "portfolios": [str(Path(p).resolve()) for p in self.portfolios],
            "hazards": str(Path(self.hazards).resolve()) if self.hazards else None,
            "scenarios": list(self.scenarios),
            "pathways": str(Path(self.pathways).resolve()) if self.pathways else None,
            "pathway_scenarios": list(self.pathway_scenarios),
            "out": str(self.out) if self.out else None,
            "lang": self.lang,
            "pdf": self.pdf,
            "csv": self.csv,
            "company": self.company,
            "report_currency": self.report_currency,
            "horizons": dict(self.horizons),
            "sampling": self.sampling.__dict__.copy(),
            "scoring": self.scoring,
            "vulnerability_curves": list(self.vulnerability_curves),
            "transition": self.transition,
            "fx": self.fx,
            "scheduler": self.scheduler,
            "cache": self.cache,
            "cache_dir": str(self.cache_dir) if self.cache_dir else None,
            "chunk_assets": self.chunk_assets,
            "memory_budget_gb": self.memory_budget_gb,
            "workers": self.workers,
            "source": str(self.source) if self.source else None,
            "report": dict(self.report),
            "adaptation": self.adaptation,
        }


def _top_level_keys() -> tuple[str, ...]:
    """Keys accepted at the top of a run file: the :class:`RunConfig` fields, as spelled there."""
    names = {f.name for f in fields(RunConfig)} - {"source", "vulnerability_curves"}
    return tuple(sorted(names | {"portfolio", "vulnerability", "report", "adaptation"}))


_TOP_LEVEL = set(_top_level_keys())
_MAX_SHOWN = 60  # characters of a user's value quoted in a message


def _shown(value: Any) -> str:
    """A user's value as one short line of text for a message."""
    text = repr(value)
    text = "".join(ch if ch.isprintable() else f"\\x{ord(ch):02x}" for ch in text)
    return text if len(text) <= _MAX_SHOWN else text[: _MAX_SHOWN - 3] + "..."


def _suggest(key: str, known: Any) -> str:
    """`` (did you mean 'x'?)`` for the closest known key, else a list of the known keys."""
    known = sorted(map(str, known))
    match = difflib.get_close_matches(str(key), known, n=1, cutoff=0.6)
    if match:
        return f"; did you mean '{match[0]}'?"
    if len(known) > 12:
        return f"; known keys: {', '.join(known[:12])} and {len(known) - 12} more " \
            "(docs/configuration.md)"
    return f"; known keys: {', '.join(known)}"


class _Problems:
    """Every problem of one run file, each naming the file and the (dotted) key."""

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        self.issues: list[Issue] = []

    def add(self, key: str, message: str, value: Any = None) -> None:
        shown = None if value is None else _shown(value)
        self.issues.append(Issue(self.path, message, None, key, shown, kind="key"))

    def absorb(self, error: InputError, key: str) -> None:
        """Take over the issues of a sub-table's own check, as problems of ``key``."""
        for issue in error.issues:
            column = issue.column or key
            if not column.startswith(key.split(".")[0]):
                column = f"{key}.{column}"
            message = issue.message.removeprefix(f"{issue.column}: ") if issue.column else (
                issue.message
            )
            self.issues.append(Issue(self.path, message, None, column, issue.value, kind="key"))

    def unknown(self, table: str, key: str, known: Any) -> None:
        where = f"[{table}]" if table else "the top level"
        name = f"{table}.{key}" if table else str(key)
        self.add(name, f"unknown key '{key}' in {where}{_suggest(key, known)}")


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def check_mapping(
    data: Mapping[str, Any], path: str | Path, *, check_paths: bool = True
) -> list[Issue]:
    """Every problem of a parsed run file: unknown keys, types, ranges and (optionally) paths.

    Parameters
    ----------
    data
        The parsed TOML document.
    path
        The run file (names it in messages; relative paths are taken from its folder).
    check_paths
        Also check that the files and folders named exist.

    Returns
    -------
    list of Issue
        Empty when the run file is valid; else one issue per problem, each naming the key.
    """
    problems = _Problems(path)
    base = Path(path).parent
    for key in data:
        if key not in _TOP_LEVEL:
            problems.unknown("", key, _TOP_LEVEL)

    def text(key: str, *, empty_ok: bool = False) -> str | None:
        value = data.get(key)
        if value is None:
            return None
        if not isinstance(value, str) or (not value.strip() and not empty_ok):
            problems.add(key, f"must be a non-empty text, got {_shown(value)}", value)
            return None
        if len(value) > 4096:
            problems.add(key, "is longer than 4,096 characters")
            return None
        return value

    def existing(key: str, value: str | None, kind: str) -> None:
        if value is None or not check_paths:
            return
        where = Path(value) if Path(value).is_absolute() else base / value
        if kind == "file" and not where.is_file():
            problems.add(key, f"file {_shown(value)} not found", value)
        elif kind == "folder" and not where.is_dir():
            problems.add(key, f"folder {_shown(value)} not found", value)

    for key in ("pdf", "csv", "cache"):
        if key in data and not isinstance(data[key], bool):
            problems.add(
                key, f"must be true or false (without quotes), got {_shown(data[key])}", data[key]
            )
    existing("hazards", text("hazards"), "folder")
    existing("pathways", text("pathways"), "file")
    text("cache_dir")
    out = text("out", empty_ok=True)
    if out is not None and out.strip() in ("", "."):
        problems.add("out", f"{_shown(out)} is not an output folder; name a folder of its own")
    company = text("company")
    if company is not None and len(company) > 200:
        problems.add("company", "is longer than 200 characters")
    lang = data.get("lang")
    if lang is not None and lang not in LANGUAGES:
        problems.add("lang", f"unknown language {_shown(lang)}; use one of {', '.join(LANGUAGES)}")
    currency = data.get("report_currency")
    if currency is not None and not _is_currency(currency):
        problems.add(
            "report_currency", f"{_shown(currency)} is not an ISO 4217 currency code", currency
        )
    scheduler = data.get("scheduler")
    if scheduler is not None:
        if not isinstance(scheduler, str):
            problems.add("scheduler", f"must be a text such as 'threads', got {_shown(scheduler)}")
        else:
            try:
                check_scheduler(scheduler)
            except InputError as exc:
                problems.add("scheduler", exc.issue.message)
    for key in ("chunk_assets", "workers"):
        if key in data and (not _is_int(data[key]) or data[key] < 1):
            problems.add(key, f"must be a whole number >= 1, got {_shown(data[key])}", data[key])
    if "memory_budget_gb" in data:
        budget = data["memory_budget_gb"]
        if not _is_number(budget) or not 0 < budget <= 1e6:
            problems.add(
                "memory_budget_gb", f"must be a number of GB > 0, got {_shown(budget)}", budget
            )
    for key in ("scenarios", "pathway_scenarios"):
        if key in data:
            _check_names(problems, key, data[key])
    _check_portfolios(problems, data, base, check_paths)
    _check_horizons(problems, data.get("horizons", {}))
    _check_sampling(problems, data.get("sampling", {}))
    _check_scoring(problems, data.get("scoring", {}), str(path))
    _check_vulnerability(problems, data.get("vulnerability", {}), str(path))
    _check_fx(problems, data.get("fx", {}))
    _check_transition(problems, data, str(path), check_paths)
    return problems.issues


def check_run_file(path: str | Path, *, check_paths: bool = True) -> list[Issue]:
    """Every problem of a TOML run file (or a result's ``manifest.json``), without running it.

    The same checks :func:`load_config` makes before any work; an empty list means the file
    would load. ``check_paths=False`` skips the existence of the files and folders it names.
    """
    try:
        _load(Path(path), check_paths=check_paths)
    except InputError as exc:
        return list(exc.issues)
    return []


def _is_currency(value: Any) -> bool:
    import pycountry

    return (
        isinstance(value, str)
        and len(value.strip()) == 3
        and pycountry.currencies.get(alpha_3=value.strip().upper()) is not None
    )


def _check_names(problems: _Problems, key: str, value: Any) -> None:
    if isinstance(value, str):
        value = [v.strip() for v in value.split(",") if v.strip()]
    if (
        not isinstance(value, list)
        or not value
        or not all(isinstance(v, str) and v.strip() for v in value)
    ):
        problems.add(key, f"must be a non-empty list of names, got {_shown(value)}", value)


def _check_portfolios(
    problems: _Problems, data: Mapping[str, Any], base: Path, check_paths: bool
) -> None:
    if "portfolios" in data and "portfolio" in data:
        problems.add("portfolio", "give 'portfolios' or 'portfolio', not both")
    key = "portfolios" if "portfolios" in data else "portfolio"
    if key not in data:
        return
    raw = data[key]
    items = raw if key == "portfolios" else [raw]
    if not isinstance(items, list) or not all(isinstance(p, str) and p.strip() for p in items):
        problems.add(key, f"must be a list of file paths, got {_shown(raw)}", raw)
        return
    for item in items:
        where = Path(item) if Path(item).is_absolute() else base / item
        if check_paths and not where.is_file():
            problems.add(key, f"file {_shown(item)} not found", item)


def _check_horizons(problems: _Problems, raw: Any) -> None:
    if not isinstance(raw, dict):
        problems.add("horizons", "must be a table such as [horizons] short = 2027", raw)
        return
    merged = dict(DEFAULT_HORIZONS)
    good = True
    for name, year in raw.items():
        if not _is_int(year) or not 2000 <= year <= 2100:
            problems.add(
                f"horizons.{name}", f"must be a year between 2000 and 2100, got {_shown(year)}"
            )
            good = False
        else:
            merged[name] = year
    years = list(merged.values())
    if good and any(b <= a for a, b in itertools.pairwise(years)):
        order = ", ".join(f"{k} = {v}" for k, v in merged.items())
        problems.add("horizons", f"horizon years must increase in order ({order})")


def _known_items(
    problems: _Problems, raw: Any, table: str, declared: type
) -> Iterator[tuple[str, Any]]:
    """The ``[table]`` entries whose keys the dataclass ``declared`` has; the rest are problems."""
    if not isinstance(raw, dict):
        problems.add(table, f"must be a table [{table}], got {_shown(raw)}", raw)
        return
    known = [f.name for f in fields(declared)]
    for key, value in raw.items():
        if key in known:
            yield key, value
        else:
            problems.unknown(table, key, known)


def _check_sampling(problems: _Problems, raw: Any) -> None:
    for key, value in _known_items(problems, raw, "sampling", SamplingConfig):
        if key == "method" and value not in _SAMPLING_METHODS:
            problems.add(
                "sampling.method", f"must be one of {', '.join(_SAMPLING_METHODS)}", value
            )
        elif key.startswith("footprint_") and value not in _FOOTPRINT_REDUCERS:
            problems.add(f"sampling.{key}", "must be 'max' or 'mean'", value)
        elif key == "fallback_radius_cells" and (not _is_int(value) or not 0 <= value <= 100):
            problems.add(
                "sampling.fallback_radius_cells",
                f"must be a whole number from 0 to 100, got {_shown(value)}",
                value,
            )


def _check_scoring(problems: _Problems, raw: Any, path: str) -> None:
    from climrisk.risk.scoring import Materiality, ScoringTable

    for key, value in _known_items(problems, raw, "scoring", ScoringTable):
        if key in ("hazard", "materiality") and not isinstance(value, dict):
            problems.add(f"scoring.{key}", f"must be a table [scoring.{key}]", value)
            continue
        parts = [{key: {name: v}} for name, v in value.items()] if key == "hazard" else [
            {key: value}
        ]
        for part in parts:
            try:
                ScoringTable.from_mapping(part, path)
            except InputError as exc:
                problems.absorb(exc, "scoring")
            except (TypeError, ValueError) as exc:
                problems.add(f"scoring.{key}", f"invalid: {_shown(str(exc))}")
    materiality = raw.get("materiality", {})
    if isinstance(materiality, dict):
        allowed = {f.name for f in fields(Materiality)}
        ranges = {
            "score_at_least": (1, 5, True),
            "value_share": (0.0, 1.0, False),
            "weighted_score": (1.0, 5.0, False),
        }
        for key, value in materiality.items():
            if key not in allowed or key not in ranges:
                continue
            low, high, whole = ranges[key]
            ok = _is_int(value) if whole else _is_number(value)
            if not ok or not low <= value <= high or (key == "value_share" and value == 0):
                kind = "a whole number" if whole else "a number"
                left = "(0" if key == "value_share" else f"[{low:g}"
                problems.add(
                    f"scoring.materiality.{key}",
                    f"must be {kind} in {left}, {high:g}], got {_shown(value)}",
                    value,
                )


def _check_vulnerability(problems: _Problems, raw: Any, path: str) -> None:
    from climrisk.vulnerability import curves_from_config

    if not isinstance(raw, dict):
        problems.add("vulnerability", "only [[vulnerability.curves]] is accepted", raw)
        return
    for key in raw:
        if key != "curves":
            problems.unknown("vulnerability", key, ["curves"])
    curves = raw.get("curves", [])
    if not isinstance(curves, list):
        problems.add("vulnerability.curves", "must be an array of tables [[vulnerability.curves]]")
        return
    try:
        curves_from_config(curves, path)
    except InputError as exc:
        problems.absorb(exc, "vulnerability.curves")
    except (TypeError, ValueError) as exc:
        problems.add("vulnerability.curves", f"invalid: {_shown(str(exc))}")


def _check_fx(problems: _Problems, raw: Any) -> None:
    if not isinstance(raw, dict):
        problems.add("fx", "must be a table mapping currency codes to USD per unit", raw)
        return
    for code, rate in raw.items():
        if not _is_currency(code):
            problems.add(f"fx.{code}", f"{_shown(code)} is not an ISO 4217 currency code")
        elif not _is_number(rate) or rate <= 0:
            problems.add(f"fx.{code}", f"must be a positive number (USD per unit), got "
                         f"{_shown(rate)}", rate)


def _check_transition(
    problems: _Problems, data: Mapping[str, Any], path: str, check_paths: bool
) -> None:
    """``[transition]``: the keys the settings dataclass declares, each parsed by its own rule."""
    from climrisk.transition import TransitionSettings

    raw = data.get("transition", {})
    for key, value in _known_items(problems, raw, "transition", TransitionSettings):
        try:
            settings = TransitionSettings.from_mapping({key: value}, path)
        except InputError as exc:
            problems.absorb(exc, "transition")
            continue
        except (TypeError, ValueError, KeyError) as exc:
            problems.add(f"transition.{key}", f"invalid: {_shown(str(exc))}", value)
            continue
        parsed = getattr(settings, key)
        if _has_infinite(parsed):
            problems.add(f"transition.{key}", "must hold finite numbers", value)
        if check_paths and key.endswith("_file") and parsed and not Path(parsed).is_file():
            problems.add(f"transition.{key}", f"file {_shown(value)} not found", value)


def _has_infinite(value: Any) -> bool:
    if isinstance(value, float):
        return not math.isfinite(value)
    if isinstance(value, Mapping):
        return any(_has_infinite(v) for v in value.values())
    if isinstance(value, list | tuple):
        return any(_has_infinite(v) for v in value)
    return False


def load_config(path: str | Path | None, *, check_paths: bool = True) -> RunConfig:
    """Read a TOML run file (or a result's ``manifest.json``); ``None`` gives the defaults.

    Relative paths in the file are taken relative to the file's folder. The whole file is
    checked before anything runs (:func:`check_mapping`): every problem is raised together.

    Raises
    ------
    climrisk.errors.InputErrors
        Every problem, each naming the file and the key.
    """
    if path is None:
        return RunConfig()
    return _load(Path(path), check_paths=check_paths)


def _load(path: Path, *, check_paths: bool) -> RunConfig:
    if not path.is_file():
        raise InputError(path, "configuration file not found")
    if path.suffix.lower() == ".json":
        return config_from_manifest(path, check_paths=check_paths)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        message = _shown(str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
        raise InputError(path, f"not valid TOML (UTF-8): {message.strip(chr(39))}") from None
    except OSError as exc:
        raise InputError(path, f"cannot read: {exc.strerror or exc}") from None
    return config_from_mapping(data, path, check_paths=check_paths)


def config_from_mapping(
    data: Mapping[str, Any], path: Path, *, check_paths: bool = True
) -> RunConfig:
    """Build a :class:`RunConfig` from a parsed TOML mapping, after checking all of it."""
    issues = check_mapping(data, path, check_paths=check_paths)
    if issues:
        raise InputErrors(issues)
    base = path.parent

    def as_path(key: str) -> Path | None:
        value = data.get(key)
        if value is None:
            return None
        resolved = Path(value)
        return resolved if resolved.is_absolute() else base / resolved

    def as_names(key: str, default: tuple[str, ...]) -> tuple[str, ...]:
        value = data.get(key, list(default))
        if isinstance(value, str):
            value = [v.strip() for v in value.split(",") if v.strip()]
        return tuple(v.strip() for v in value)

    portfolios_raw = data.get("portfolios", [data["portfolio"]] if "portfolio" in data else [])
    portfolios = tuple(p if Path(p).is_absolute() else base / p for p in map(str, portfolios_raw))
    horizons = {**DEFAULT_HORIZONS, **data.get("horizons", {})}
    currency = data.get("report_currency")
    config = RunConfig(
        portfolios=portfolios,
        hazards=as_path("hazards"),
        scenarios=as_names("scenarios", DEFAULT_SCENARIOS),
        pathways=as_path("pathways"),
        pathway_scenarios=as_names("pathway_scenarios", DEFAULT_PATHWAY_SCENARIOS),
        out=as_path("out"),
        lang=str(data.get("lang", "en")),
        pdf=data.get("pdf", True),
        csv=data.get("csv"),
        company=data.get("company"),
        report_currency=currency.strip().upper() if currency else None,
        horizons=horizons,
        sampling=SamplingConfig(**data.get("sampling", {})),
        scoring=dict(data.get("scoring", {})),
        vulnerability_curves=tuple(data.get("vulnerability", {}).get("curves", [])),
        transition=dict(data.get("transition", {})),
        fx={str(k).strip().upper(): float(v) for k, v in data.get("fx", {}).items()},
        scheduler=data.get("scheduler"),
        cache=data.get("cache", True),
        cache_dir=as_path("cache_dir"),
        chunk_assets=data.get("chunk_assets"),
        memory_budget_gb=float(data.get("memory_budget_gb", 1.0)),
        workers=data.get("workers"),
        source=path,
        **_report_and_adaptation(data, path),
    )
    _check_choices(config, str(path))
    return config


_REPORT_KEYS = ("company", "preparer", "version")


def _report_and_adaptation(data: Mapping[str, Any], path: Path) -> dict[str, Any]:
    """``[report]`` (company, preparer, version: text) and ``[adaptation]``, checked."""
    from climrisk.adaptation import settings_from_mapping

    report = data.get("report", {})
    if not isinstance(report, dict):
        raise InputError(path, "[report] must be a table such as company = \"...\"",
                         column="report")
    for key, value in report.items():
        if key not in _REPORT_KEYS:
            raise InputError(path, f"unknown key 'report.{key}'; known: "
                             f"{', '.join(_REPORT_KEYS)}", column=f"report.{key}")
        if not isinstance(value, str | int | float) or isinstance(value, bool):
            raise InputError(path, f"report.{key} must be text", column=f"report.{key}")
    adaptation = data.get("adaptation", {})
    if not isinstance(adaptation, dict):
        raise InputError(path, "[adaptation] must be a table", column="adaptation")
    settings_from_mapping(adaptation, str(path))
    return {"report": {k: str(v) for k, v in report.items()}, "adaptation": dict(adaptation)}


def config_from_manifest(path: Path, *, check_paths: bool = True) -> RunConfig:
    """The configuration a run recorded in its ``manifest.json``, to reproduce that run.

    Paths are taken as recorded. Inputs whose SHA-256 no longer matches are an error: the run
    could not be reproduced from them.
    """
    import json

    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
        recorded = dict(manifest["configuration"])
    except (ValueError, KeyError, TypeError, AttributeError):
        raise InputError(path, "not a climrisk manifest (no 'configuration')") from None
    except OSError as exc:
        raise InputError(path, f"cannot read: {exc.strerror or exc}") from None
    inputs = manifest.get("inputs", [])
    if not isinstance(inputs, list):
        raise InputError(path, "'inputs' must be a list", column="inputs", kind="key")
    for number, item in enumerate(inputs, start=1):
        if not isinstance(item, dict) or not isinstance(item.get("path"), str):
            raise InputError(
                path, f"input {number} has no path; the run cannot be reproduced",
                column="inputs", kind="key",
            )
        source = Path(item["path"])
        if check_paths and source.is_file():
            digest = file_sha256(source)
            if digest != item.get("sha256"):
                raise InputError(
                    path,
                    f"input {_shown(str(source))} has changed since the run (SHA-256 "
                    "differs); the run cannot be reproduced from it",
                    column="inputs",
                    kind="key",
                )
    data = {key: value for key, value in recorded.items() if value is not None}
    curves = data.pop("vulnerability_curves", [])
    data.pop("source", None)
    if curves:
        data["vulnerability"] = {"curves": curves}
    if not data.get("portfolios"):
        portfolios = [i["path"] for i in inputs if i.get("role") == "portfolio"]
        if not portfolios:
            raise InputError(
                path, "the manifest names no portfolio; the run cannot be reproduced",
                column="portfolios", kind="key",
            )
        data["portfolios"] = portfolios
    config = config_from_mapping(data, Path(path.name), check_paths=check_paths)
    return replace(config, source=path)


def _check_choices(config: RunConfig, where: str) -> None:
    """The checks that also apply to command-line values (raised one at a time)."""
    check_scheduler(config.scheduler)
    if config.chunk_assets is not None and (
        not _is_int(config.chunk_assets) or config.chunk_assets < 1
    ):
        raise InputError(where, "chunk_assets must be a whole number >= 1", column="chunk_assets")
    if config.workers is not None and (not _is_int(config.workers) or config.workers < 1):
        raise InputError(where, "workers must be a whole number >= 1", column="workers")
    if not _is_number(config.memory_budget_gb) or not config.memory_budget_gb > 0:
        raise InputError(where, "memory_budget_gb must be > 0", column="memory_budget_gb")
    if config.out is not None and str(config.out).strip() in ("", "."):
        cli = where == "command line"
        raise InputError(
            where, f"{_shown(str(config.out))} is not an output folder; name a folder of its own",
            column="--out" if cli else "out", kind="option" if cli else "key",
        )
    if config.lang not in LANGUAGES:
        raise InputError(
            where,
            f"unknown language '{config.lang}'; use one of {', '.join(LANGUAGES)}",
            column="lang",
        )
    sampling = config.sampling
    if sampling.method not in _SAMPLING_METHODS:
        raise InputError(
            where,
            f"sampling.method must be one of {', '.join(_SAMPLING_METHODS)}",
            column="sampling.method",
        )
    for key in ("footprint_acute", "footprint_chronic"):
        if getattr(sampling, key) not in _FOOTPRINT_REDUCERS:
            raise InputError(
                where, f"sampling.{key} must be 'max' or 'mean'", column=f"sampling.{key}"
            )
    if not isinstance(sampling.fallback_radius_cells, int) or sampling.fallback_radius_cells < 0:
        raise InputError(
            where,
            "sampling.fallback_radius_cells must be a whole number >= 0",
            column="sampling.fallback_radius_cells",
        )
