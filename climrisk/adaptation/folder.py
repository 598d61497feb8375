"""Assess the adaptation measures of a saved results folder and write ``adaptation.csv``."""

from __future__ import annotations

import os
import tempfile
from dataclasses import replace
from pathlib import Path
from typing import Any

import pandas as pd

from climrisk.adaptation.assess import (
    assess_adaptation,
    default_plans,
    plans_from_settings,
    settings_from_mapping,
)
from climrisk.config import RunConfig, config_from_manifest
from climrisk.errors import InputError

__all__ = ["ADAPTATION_FILE", "adapt_folder", "write_adaptation"]

ADAPTATION_FILE = "adaptation.csv"


def write_adaptation(frame: pd.DataFrame, path: Path) -> None:
    """Write ``adaptation.csv`` through a temporary file and a rename (never half-written)."""
    path = Path(path)
    handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(handle)
    try:
        frame.to_csv(temp, index=False, float_format="%.6g")
        umask = os.umask(0)
        os.umask(umask)
        Path(temp).chmod(0o666 & ~umask)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def _portfolio(config: RunConfig, manifest: Path) -> Any:
    """The run's portfolio: the asset files of the manifest's inputs (else the configuration)."""
    import json

    from climrisk.portfolio import read_portfolio
    from climrisk.run import combined_portfolio

    where = str(manifest)
    try:
        inputs = json.loads(manifest.read_text(encoding="utf-8")).get("inputs") or []
    except (OSError, ValueError, AttributeError):
        inputs = []
    paths = [Path(i["path"]) for i in inputs if i.get("role") == "portfolio" and i.get("path")]
    if paths:
        config = replace(config, portfolios=tuple(paths))
    if not config.portfolios:
        raise InputError(where, "the run recorded no asset file to re-assess", column="inputs")
    for path in config.portfolios:
        if not Path(path).is_file():
            raise InputError(where, f"asset file {path} of the run is no longer there",
                             column="inputs")
    read = [read_portfolio(p, allow_multiple_currencies=bool(config.fx))
            for p in config.portfolios]
    return read[0] if len(read) == 1 else combined_portfolio(read)


def adapt_folder(
    results_dir: Path,
    *,
    adaptation: dict[str, Any] | None = None,
    portfolio: Any = None,
    config: RunConfig | None = None,
    catalog: Any = None,
) -> pd.DataFrame:
    """Assess the measures for a results folder's run; write and return ``adaptation.csv``.

    Parameters
    ----------
    results_dir
        Output folder of ``climrisk assess``.
    adaptation
        ``[adaptation]`` settings (default: those recorded in the run's manifest).
    portfolio, config, catalog
        The run's portfolio, configuration and hazard catalogue when already at hand (during
        ``assess``); otherwise read from the manifest (inputs checked by SHA-256).
    """
    results_dir = Path(results_dir)
    manifest = results_dir / "manifest.json"
    where = str(manifest)
    if config is None:
        if not manifest.is_file():
            raise InputError(manifest, "no manifest.json: not a climrisk results folder")
        config = config_from_manifest(manifest)
    if adaptation is not None:
        config = replace(config, adaptation=dict(adaptation))
    settings = settings_from_mapping(config.adaptation, where)
    portfolio = portfolio if portfolio is not None else _portfolio(config, manifest)
    if settings.measures:
        plans = plans_from_settings(settings, portfolio.assets, where)
    else:
        results_path = results_dir / "asset_results.parquet"
        if not results_path.is_file():
            raise InputError(results_path, "file not found")
        columns = ["asset_id", "hazard", "scenario", "horizon", "ead", "bi_loss", "opex_delta"]
        results = pd.read_parquet(results_path, columns=columns)
        long = max(config.horizons, key=lambda h: config.horizons[h])
        plans = default_plans(results, portfolio.assets, long, settings.top_sites)
    frame = assess_adaptation(portfolio, config, plans, catalog=catalog,
                              discount_rate=settings.discount_rate)
    write_adaptation(frame, results_dir / ADAPTATION_FILE)
    return frame
