"""One assessment run into an output folder, all or nothing: shared by the CLI and the web app."""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

import geopandas as gpd
import pandas as pd

from climrisk.config import RunConfig
from climrisk.engine import Assessment, assess
from climrisk.errors import ClimriskError, InputError
from climrisk.hazard import HazardCatalog, LayerPreloader, open_catalog
from climrisk.io.atomic import atomic_output_dir
from climrisk.io.parquet_sink import ParquetSink
from climrisk.portfolio import Portfolio, read_portfolio
from climrisk.report.tables import write_tables
from climrisk.risk.physical import RESULT_FILTER_COLUMNS

__all__ = [
    "combined_portfolio",
    "default_output_dir",
    "pdf_available",
    "run_assessment",
    "run_many",
]


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
    log: list[str] = []

    def note(stage: str) -> None:
        log.append(f"{time.perf_counter() - started:9.3f}s  {stage}")
        if progress:
            progress(stage)

    if config.pdf and not pdf_available():
        raise ClimriskError(
            "the PDF report is not available yet; run with --no-pdf for the result tables"
        )
    portfolio = Path(portfolio)
    # the hazard files open and load on a thread while the assets are read
    preloader = LayerPreloader(partial(open_catalog, config.hazards))
    try:
        note("read portfolio")
        assets = read_portfolio(portfolio, allow_multiple_currencies=bool(config.fx))
        catalog = preloader.catalog()
        sampling = config.sampling
        halo = max(sampling.fallback_radius_cells, 1 if sampling.method == "bilinear" else 0)
        preloader.decide(len(assets), assets.assets["longitude"].to_numpy(),
                         assets.assets["latitude"].to_numpy(), halo)
        target = Path(out or config.out or default_output_dir(portfolio))
        return _assess_into(assets, config, target, note, log, started, catalog)
    except BaseException:
        preloader.cancel()
        raise
    finally:
        preloader.join()


def _assess_into(
    assets: Portfolio,
    config: RunConfig,
    target: Path,
    note: Callable[[str], None],
    log: list[str],
    started: float,
    catalog: HazardCatalog | None = None,
) -> tuple[Assessment, Path, list[str]]:
    """Assess a read portfolio and write every output into ``target`` atomically."""
    with atomic_output_dir(target) as staging:
        sink = ParquetSink(staging / "asset_results.parquet", statistics=RESULT_FILTER_COLUMNS)
        try:
            # rows go to the Parquet file only; the CSV is made from it, batch by batch
            result = assess(
                assets, config, catalog=catalog, progress=note, sink=sink, keep_results=False
            )
        finally:
            sink.close()
        written = write_tables(result, staging, csv=config.csv)
        if config.adaptation.get("top_sites", 1) or config.adaptation.get("measures"):
            from climrisk.adaptation.folder import adapt_folder

            note("adaptation measures")
            adapt_folder(staging, portfolio=assets, config=config, catalog=catalog)
            written.append("adaptation.csv")
        if config.pdf:
            from climrisk.report.pdf import render_pdf

            note("report")
            render_pdf(staging, lang=config.lang, manifest=result.manifest.as_dict())
            written.append("report.pdf")
        result.manifest.timings_s["total"] = round(time.perf_counter() - started, 3)
        log.append(f"{time.perf_counter() - started:9.3f}s  done")
        log.extend(
            f"stage {name}: {seconds:.3f}s" for name, seconds in result.manifest.timings_s.items()
        )
        (staging / "run.log").write_text("\n".join(log) + "\n", encoding="utf-8")
        result.manifest.outputs = [*written, "run.log", "manifest.json"]
        result.manifest.write(staging / "manifest.json")
    return result, target, [*written, "run.log", "manifest.json"]


def combined_portfolio(portfolios: list[Portfolio]) -> Portfolio:
    """One portfolio of several (asset ids prefixed ``<file-stem>/`` when they collide)."""
    frames = []
    ids = [p.assets.index for p in portfolios]
    collide = len(set().union(*map(set, ids))) < sum(map(len, ids))
    for portfolio in portfolios:
        frame = portfolio.assets.copy()
        if collide:
            frame.index = f"{portfolio.source.stem}/" + frame.index.astype(str)
        frames.append(frame)
    assets = gpd.GeoDataFrame(pd.concat(frames), crs="EPSG:4326")
    currencies = {p.currency for p in portfolios if p.currency}
    return Portfolio(
        assets=assets,
        source=portfolios[0].source,
        assumptions=tuple(a for p in portfolios for a in p.assumptions),
        currency=next(iter(currencies)) if len(currencies) == 1 else portfolios[0].currency,
    )


def run_many(
    config: RunConfig, *, out: Path, progress: Callable[[str], None] | None = None
) -> list[tuple[Assessment, Path, list[str]]]:
    """Run every portfolio of a run file: one folder each plus ``combined/``, all or nothing.

    The combined folder holds the group-level matrices and report, computed over the union of
    the portfolios (so group materiality is judged on the group's value, not summed flags).
    """
    started = time.perf_counter()
    runs = []
    read = [
        read_portfolio(path, allow_multiple_currencies=bool(config.fx))
        for path in config.portfolios
    ]
    stems = [p.source.stem for p in read]
    if len(set(stems)) < len(stems):
        raise InputError(
            config.source or "configuration",
            "two portfolios have the same file name; their output folders would clash",
            column="portfolios",
        )
    with atomic_output_dir(Path(out)) as staging:
        for portfolio in [*read, None]:
            name = portfolio.source.stem if portfolio is not None else "combined"
            log: list[str] = []

            def note(stage: str, name: str = name, log: list[str] = log) -> None:
                log.append(f"{time.perf_counter() - started:9.3f}s  {stage}")
                if progress:
                    progress(f"{name}: {stage}")

            assets = portfolio if portfolio is not None else combined_portfolio(read)
            runs.append(_assess_into(assets, config, staging / name, note, log, started))
    return [(result, Path(out) / folder.name, files) for result, folder, files in runs]
