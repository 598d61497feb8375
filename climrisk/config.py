"""Run configuration: a TOML run file plus command-line overrides, with every default in one place.

Top-level keys are checked here; the sub-tables ``[scoring]``, ``[vulnerability]`` and
``[transition]`` are checked by the modules that own them. Unknown keys are errors that name the
key, so a typo never silently falls back to a default.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from climrisk.errors import InputError

__all__ = [
    "DEFAULT_HORIZONS",
    "DEFAULT_PATHWAY_SCENARIOS",
    "DEFAULT_SCENARIOS",
    "LANGUAGES",
    "RunConfig",
    "SamplingConfig",
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


_TOP_LEVEL = {
    "portfolios",
    "portfolio",
    "hazards",
    "scenarios",
    "pathways",
    "pathway_scenarios",
    "out",
    "lang",
    "pdf",
    "csv",
    "company",
    "report_currency",
    "horizons",
    "sampling",
    "scoring",
    "vulnerability",
    "transition",
    "fx",
    "scheduler",
    "cache",
    "cache_dir",
    "chunk_assets",
    "memory_budget_gb",
    "workers",
    "report",
    "adaptation",
}


def load_config(path: str | Path | None) -> RunConfig:
    """Read a TOML run file; ``None`` gives the defaults.

    Relative paths in the file are taken relative to the file's folder.
    """
    if path is None:
        return RunConfig()
    path = Path(path)
    if not path.is_file():
        raise InputError(path, "configuration file not found")
    if path.suffix.lower() == ".json":
        return config_from_manifest(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise InputError(path, f"not valid TOML: {exc}") from None
    return config_from_mapping(data, path)


def config_from_mapping(data: Mapping[str, Any], path: Path) -> RunConfig:
    """Build a :class:`RunConfig` from a parsed TOML mapping (keys checked, types checked)."""
    unknown = sorted(set(data) - _TOP_LEVEL)
    if unknown:
        raise InputError(
            path,
            f"unknown key '{unknown[0]}'; known keys: {', '.join(sorted(_TOP_LEVEL))}",
            column=unknown[0],
        )
    base = path.parent

    def as_path(key: str) -> Path | None:
        value = data.get(key)
        if value is None:
            return None
        if not isinstance(value, str):
            raise InputError(path, f"'{key}' must be a path (text)", column=key)
        resolved = Path(value)
        return resolved if resolved.is_absolute() else base / resolved

    def as_names(key: str, default: tuple[str, ...]) -> tuple[str, ...]:
        value = data.get(key, list(default))
        if isinstance(value, str):
            value = [v.strip() for v in value.split(",") if v.strip()]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value) or not value:
            raise InputError(path, f"'{key}' must be a non-empty list of names", column=key)
        return tuple(value)

    portfolios_raw = data.get("portfolios", [data["portfolio"]] if "portfolio" in data else [])
    if not isinstance(portfolios_raw, list):
        raise InputError(path, "'portfolios' must be a list of paths", column="portfolios")
    portfolios = tuple(p if Path(p).is_absolute() else base / p for p in map(str, portfolios_raw))

    horizons = dict(DEFAULT_HORIZONS)
    horizons_raw = data.get("horizons", {})
    if not isinstance(horizons_raw, dict):
        raise InputError(path, "[horizons] must be a table such as short = 2027", column="horizons")
    for name, year in horizons_raw.items():
        if not isinstance(year, int) or not 2000 <= year <= 2100:
            raise InputError(
                path,
                f"horizon '{name}' must be a year between 2000 and 2100",
                column=f"horizons.{name}",
            )
        horizons[name] = year

    sampling_raw = data.get("sampling", {})
    known_sampling = set(SamplingConfig.__dataclass_fields__)
    for key in sampling_raw:
        if key not in known_sampling:
            raise InputError(
                path,
                f"unknown key 'sampling.{key}'; known: {', '.join(sorted(known_sampling))}",
                column=f"sampling.{key}",
            )
    sampling = SamplingConfig(**sampling_raw)

    vulnerability = data.get("vulnerability", {})
    if not isinstance(vulnerability, dict) or set(vulnerability) - {"curves"}:
        extra = sorted(set(vulnerability) - {"curves"}) if isinstance(vulnerability, dict) else []
        raise InputError(
            path,
            f"unknown key 'vulnerability.{extra[0] if extra else '?'}'; "
            "only [[vulnerability.curves]] is accepted",
            column="vulnerability",
        )
    curves = vulnerability.get("curves", [])
    if not isinstance(curves, list):
        raise InputError(
            path,
            "[[vulnerability.curves]] must be an array of tables",
            column="vulnerability.curves",
        )

    fx = data.get("fx", {})
    if not isinstance(fx, dict) or not all(
        isinstance(v, int | float) and v > 0 for v in fx.values()
    ):
        raise InputError(path, "[fx] must map currency codes to positive rates", column="fx")

    config = RunConfig(
        portfolios=portfolios,
        hazards=as_path("hazards"),
        scenarios=as_names("scenarios", DEFAULT_SCENARIOS),
        pathways=as_path("pathways"),
        pathway_scenarios=as_names("pathway_scenarios", DEFAULT_PATHWAY_SCENARIOS),
        out=as_path("out"),
        lang=str(data.get("lang", "en")),
        pdf=bool(data.get("pdf", True)),
        csv=data.get("csv"),
        company=data.get("company"),
        report_currency=data.get("report_currency"),
        horizons=horizons,
        sampling=sampling,
        scoring=dict(data.get("scoring", {})),
        vulnerability_curves=tuple(curves),
        transition=dict(data.get("transition", {})),
        fx={str(k).upper(): float(v) for k, v in fx.items()},
        scheduler=data.get("scheduler"),
        cache=bool(data.get("cache", True)),
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


def config_from_manifest(path: Path) -> RunConfig:
    """The configuration a run recorded in its ``manifest.json``, to reproduce that run.

    Paths are taken as recorded. Inputs whose SHA-256 no longer matches are an error: the run
    could not be reproduced from them.
    """
    import hashlib
    import json

    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
        recorded = dict(manifest["configuration"])
    except (ValueError, KeyError, TypeError):
        raise InputError(path, "not a climrisk manifest (no 'configuration')") from None
    for item in manifest.get("inputs", []):
        source = Path(item["path"])
        if source.is_file():
            digest = hashlib.sha256(source.read_bytes()).hexdigest()
            if digest != item.get("sha256"):
                raise InputError(
                    path,
                    f"input {source} has changed since the run (SHA-256 "
                    "differs); the run cannot be reproduced from it",
                    column="inputs",
                )
    data = {key: value for key, value in recorded.items() if value is not None}
    curves = data.pop("vulnerability_curves", [])
    data.pop("source", None)
    if curves:
        data["vulnerability"] = {"curves": curves}
    config = config_from_mapping(data, Path(path.name))
    return replace(config, source=path)


def _check_choices(config: RunConfig, where: str) -> None:
    from climrisk.scheduling import check_scheduler

    check_scheduler(config.scheduler)
    if config.chunk_assets is not None and (
        not isinstance(config.chunk_assets, int) or config.chunk_assets < 1
    ):
        raise InputError(where, "chunk_assets must be a whole number >= 1", column="chunk_assets")
    if config.workers is not None and (
        not isinstance(config.workers, int) or isinstance(config.workers, bool)
        or config.workers < 1
    ):
        raise InputError(where, "workers must be a whole number >= 1", column="workers")
    if not config.memory_budget_gb > 0:
        raise InputError(where, "memory_budget_gb must be > 0", column="memory_budget_gb")
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
