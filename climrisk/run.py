"""One assessment run into an output folder, all or nothing: shared by the CLI and the web app."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from climrisk.config import RunConfig
from climrisk.engine import Assessment, assess
from climrisk.errors import ClimriskError
from climrisk.io.atomic import atomic_output_dir
from climrisk.io.parquet_sink import ParquetSink
from climrisk.portfolio import read_portfolio
from climrisk.report.tables import write_tables

__all__ = ["default_output_dir", "pdf_available", "run_assessment"]


def default_output_dir(portfolio: Path) -> Path:
    """``reports/<portfolio-stem>/`` relative to the working folder (the contract's default)."""
    return Path("reports") / Path(portfolio).stem


def pdf_available() -> bool:
    """Whether the PDF renderer is installed with this version."""
    import importlib.util

    return importlib.util.find_spec("climrisk.report.pdf") is not None


def run_assessment(
    portfolio: Path,
    config: RunConfig,
    *,
    out: Path | None = None,
    progress: Callable[[str], None] | None = None,
) -> tuple[Assessment, Path, list[str]]:
    """Read, assess and write every output of one portfolio into ``out`` atomically.

    Parameters
    ----------
    portfolio
        The asset file.
    config
        Run configuration (``config.pdf`` decides the PDF, ``config.csv`` the CSV).
    out
        Output folder (default ``config.out``, else ``reports/<portfolio-stem>/``).
    progress
        Called with each stage name as it starts.

    Returns
    -------
    tuple
        The assessment, the output folder and the names of the files written.
    """
    started = time.perf_counter()
    if config.pdf and not pdf_available():
        raise ClimriskError(
            "the PDF report is not available yet; run with --no-pdf for the result tables"
        )
    portfolio = Path(portfolio)
    assets = read_portfolio(portfolio, allow_multiple_currencies=bool(config.fx))
    target = Path(out or config.out or default_output_dir(portfolio))
    with atomic_output_dir(target) as staging:
        sink = ParquetSink(staging / "asset_results.parquet")
        try:
            result = assess(assets, config, progress=progress, sink=sink)
        finally:
            sink.close()
        written = write_tables(result, staging, csv=config.csv)
        if config.pdf:
            from climrisk.report.pdf import render_pdf

            if progress:
                progress("report")
            render_pdf(staging, lang=config.lang, manifest=result.manifest.as_dict())
            written.append("report.pdf")
        result.manifest.outputs = [*written, "manifest.json"]
        result.manifest.timings_s["total"] = round(time.perf_counter() - started, 3)
        result.manifest.write(staging / "manifest.json")
    return result, target, [*written, "manifest.json"]
