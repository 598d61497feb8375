"""Job options from the upload form or the JSON API, merged into one :class:`RunConfig`.

Order of precedence: the server's run file (``climrisk serve --config``) gives the defaults; a
run file uploaded with the assets replaces it, except for the server-side paths (hazard data,
pathways); choices on the page (or in the API request) override both. Form values equal to the
server's defaults count as "not given", so a client's run file is not overwritten by a page that
was left as it came.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from climrisk.config import LANGUAGES, RunConfig, load_config
from climrisk.errors import InputError
from climrisk.run import pdf_available
from climrisk.web.settings import WebSettings

__all__ = [
    "LANGUAGE_NAMES",
    "PATHWAY_CHOICES",
    "SCENARIO_CHOICES",
    "build_config",
    "config_settings",
    "options_from_form",
    "options_from_request",
    "server_config",
]

SCENARIO_CHOICES: dict[str, str] = {
    "ssp126": "SSP1-2.6 (low emissions)",
    "ssp370": "SSP3-7.0 (high emissions)",
}
PATHWAY_CHOICES: dict[str, str] = {
    "steps": "IEA STEPS (stated policies)",
    "nze": "IEA NZE (net zero emissions by 2050)",
}
LANGUAGE_NAMES: dict[str, str] = {"en": "English", "zh-Hant": "繁體中文", "zh-Hans": "简体中文"}
_NAME = re.compile(r"[A-Za-z0-9_.-]{1,40}")
_WHERE = "form"


def server_config(settings: WebSettings) -> RunConfig:
    """The server's default run configuration (its run file, with ``--hazards`` applied)."""
    config = load_config(settings.config)
    if settings.hazards is not None:
        config = replace(config, hazards=Path(settings.hazards))
    return config


def _names(values: Any, what: str, column: str) -> tuple[str, ...]:
    if isinstance(values, str):
        values = [v.strip() for v in values.split(",") if v.strip()]
    if not isinstance(values, list | tuple) or not values:
        raise InputError(_WHERE, f"choose at least one {what}", column=column)
    names = tuple(dict.fromkeys(str(v).strip() for v in values))
    bad = [n for n in names if not _NAME.fullmatch(n)]
    if bad:
        raise InputError(_WHERE, f"'{bad[0]}' is not a {what} name", column=column, value=bad[0])
    return names


def _year(value: Any, name: str) -> int:
    text = str(value).strip()
    try:
        year = int(text)
    except ValueError:
        year = -1
    if not 2000 <= year <= 2100:
        raise InputError(
            _WHERE,
            f"horizon '{name}' must be a year between 2000 and 2100",
            column=f"horizons.{name}",
            value=text,
        )
    return year


def options_from_request(data: Mapping[str, Any]) -> dict[str, Any]:
    """Check explicit options (JSON API): every key given is an override.

    Keys: ``scenarios``, ``pathway_scenarios`` (lists of names), ``horizons`` (name -> year;
    the names given replace those years, others keep theirs), ``lang`` and ``pdf``.
    """
    options: dict[str, Any] = {}
    if data.get("scenarios") is not None:
        options["scenarios"] = list(_names(data["scenarios"], "climate scenario", "scenarios"))
    if data.get("pathway_scenarios") is not None:
        options["pathway_scenarios"] = list(
            _names(data["pathway_scenarios"], "transition pathway", "pathway_scenarios")
        )
    if data.get("horizons") is not None:
        horizons = data["horizons"]
        if not isinstance(horizons, Mapping) or not horizons:
            raise InputError(_WHERE, "horizons must map names to years", column="horizons")
        options["horizons"] = {
            str(name): _year(year, str(name)) for name, year in horizons.items()
        }
    if data.get("lang") is not None:
        lang = str(data["lang"])
        if lang not in LANGUAGES:
            raise InputError(
                _WHERE, f"unknown language '{lang}'; use one of {', '.join(LANGUAGES)}",
                column="lang", value=lang,
            )
        options["lang"] = lang
    if data.get("pdf") is not None:
        options["pdf"] = bool(data["pdf"])
    return options


def options_from_form(fields: Mapping[str, list[str]], base: RunConfig) -> dict[str, Any]:
    """Options from the upload page: only the values that differ from the server's defaults."""
    given: dict[str, Any] = {}
    scenarios = fields.get("scenarios", [])
    given["scenarios"] = scenarios
    given["pathway_scenarios"] = fields.get("pathway_scenarios", [])
    horizons = {}
    for name in base.horizons:
        values = fields.get(f"horizon_{name}")
        if values and values[0].strip():
            horizons[name] = values[0]
    given["horizons"] = horizons or dict(base.horizons)
    lang = (fields.get("lang") or [""])[0]
    given["lang"] = lang or base.lang
    given["pdf"] = "pdf" in fields and (fields["pdf"][0] or "on") not in ("0", "off", "false")
    options = options_from_request(given)
    defaults = {
        "scenarios": list(base.scenarios),
        "pathway_scenarios": list(base.pathway_scenarios),
        "lang": base.lang,
        "pdf": bool(base.pdf) and pdf_available(),
    }
    changed = {key: value for key, value in options.items()
               if key != "horizons" and value != defaults[key]}
    horizons = {name: year for name, year in options["horizons"].items()
                if base.horizons.get(name) != year}
    if horizons:
        changed["horizons"] = horizons
    return changed


def build_config(
    settings: WebSettings, options: Mapping[str, Any], run_file: Path | None = None
) -> tuple[RunConfig, list[str]]:
    """The configuration of one job, and notes to show with it.

    Parameters
    ----------
    settings
        The server settings (run file, hazard folder).
    options
        Overrides from :func:`options_from_form` or :func:`options_from_request`.
    run_file
        A client's stored run file, already checked.
    """
    base = server_config(settings)
    config = load_config(run_file) if run_file is not None else base
    server_side: dict[str, Any] = {"hazards": base.hazards, "pathways": base.pathways,
                                   "out": None, "portfolios": ()}
    fields = RunConfig.__dataclass_fields__
    if "cache_dir" in fields:  # the hazard sample cache lives in the data folder
        server_side["cache_dir"] = base.cache_dir or Path(settings.data_dir) / "cache"
    if "scheduler" in fields:
        server_side["scheduler"] = base.scheduler
    config = replace(config, **server_side)
    horizons = {**config.horizons, **options["horizons"]} if options.get("horizons") else None
    config = config.with_overrides(
        scenarios=tuple(options["scenarios"]) if options.get("scenarios") else None,
        pathway_scenarios=(
            tuple(options["pathway_scenarios"]) if options.get("pathway_scenarios") else None
        ),
        horizons=horizons,
        lang=options.get("lang"),
        pdf=options.get("pdf"),
    )
    notes = []
    if config.pdf and not pdf_available():
        config = replace(config, pdf=False)
        notes.append("the PDF report is not available in this version; the tables are produced")
    return config, notes


def config_settings(config: RunConfig, run_file_name: str | None) -> dict[str, Any]:
    """The choices of a job as shown on its page and in the API."""
    return {
        "scenarios": list(config.scenarios),
        "pathway_scenarios": list(config.pathway_scenarios),
        "horizons": dict(config.horizons),
        "lang": config.lang,
        "pdf": bool(config.pdf),
        "run_file": run_file_name,
    }
