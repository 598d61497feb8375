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
from climrisk.io.outdir import check_output_dir, output_lock
from climrisk.io.parquet_sink import ParquetSink
from climrisk.portfolio import Portfolio, read_portfolio
from climrisk.report.tables import write_tables
from climrisk.risk.physical import RESULT_FILTER_COLUMNS

__all__ = [
    "combined_portfolio",
    "default_output_dir",
    "pdf_available",
    "portfolio_warning_lines",
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
    target = Path(out or config.out or default_output_dir(portfolio))
    check_output_dir(target, _inputs(config, portfolio))
    with output_lock(target):
        # the hazard files open and load on a thread while the assets are read
        preloader = LayerPreloader(partial(open_catalog, config.hazards))
        try:
            note("read portfolio")
            assets = read_portfolio(portfolio, allow_multiple_currencies=bool(config.fx))
            check_transition_inputs(config)
            catalog = preloader.catalog()
            sampling = config.sampling
            halo = max(sampling.fallback_radius_cells, 1 if sampling.method == "bilinear" else 0)
            preloader.decide(len(assets), assets.assets["longitude"].to_numpy(),
                             assets.assets["latitude"].to_numpy(), halo)
            return _assess_into(assets, config, target, note, log, started, catalog)
        except BaseException:
            preloader.cancel()
            raise
        finally:
            preloader.join()


def _inputs(config: RunConfig, *portfolios: Path) -> list[Path | None]:
    """Every file and folder a run reads (none may lie inside its output folder)."""
    return [*portfolios, *config.portfolios, config.hazards, config.pathways, config.source,
            config.cache_dir]


def check_transition_inputs(config: RunConfig) -> None:
    """Read the pathway table and check the pathway scenarios before any hazard is sampled.

    The transition assessment runs beside the sampling; a problem in its inputs found only
    then would stop the run after the sample cache was written.

    Raises
    ------
    climrisk.errors.InputError
        For an unreadable pathway file (UTF-16, no data rows, unparsable), values that are not
        finite or too large to compute with, or an unknown pathway scenario.
    """
    import numpy as np

    from climrisk.transition import read_pathways
    from climrisk.transition.inputs import check_scenarios

    path = config.pathways
    if path is not None:
        path = Path(path)
        try:
            head = path.read_bytes()[:65536] if path.is_file() else b""
        except OSError as exc:
            raise InputError(path, f"cannot read: {exc.strerror or exc}") from None
        if head[:2] in (b"\xff\xfe", b"\xfe\xff"):
            raise InputError(path, "the file is UTF-16 encoded; save it as UTF-8 CSV")
        if b"\x00" in head and path.suffix.lower() not in (".xlsx", ".xlsm", ".xls"):
            raise InputError(path, "binary content, not a CSV text file")
    where = path or "default pathways"
    try:
        pathway = read_pathways(path)
    except InputError:
        raise
    except Exception as exc:  # a table the reader did not foresee: still the input's fault
        text = str(exc).strip().splitlines()
        reason = text[0][:200] if text else type(exc).__name__
        if len(pathway_rows := _data_rows(path)) == 0:
            raise InputError(where, "the file has a header but no data rows") from None
        raise InputError(
            where, f"cannot read as a pathway table ({len(pathway_rows)} rows): {reason}"
        ) from None
    values = pd.to_numeric(pathway.data["value"], errors="coerce").to_numpy(dtype=float)
    bad = ~np.isfinite(values) | (np.abs(values) > 1e12)
    if bad.any():
        row = pathway.data.loc[bad].iloc[0]
        raise InputError(
            where,
            f"{int(bad.sum())} values are not finite or beyond 1e12 in magnitude (first: "
            f"{row['variable']} {row['pathway']} {row['year']} = {row['value']!r}); money from "
            "them would overflow",
            column="value",
        )
    check_scenarios(tuple(config.pathway_scenarios), pathway, str(config.source or where))


def _data_rows(path: Path | None) -> list[str]:
    if path is None or not Path(path).is_file():
        return ["?"]
    try:
        lines = Path(path).read_text(encoding="utf-8-sig", errors="replace").splitlines()
    except OSError:
        return ["?"]
    return [line for line in lines[1:] if line.strip().strip(",;\t")]


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
        result.manifest.warnings[:0] = portfolio_warning_lines(assets)
        written = write_tables(result, staging, csv=config.csv)
        if config.pdf:
            from climrisk.report.pdf import render_pdf

            note("report")
            render_pdf(staging, lang=config.lang, manifest=result.manifest.as_dict())
            written.append("report.pdf")
        result.manifest.timings_s["total"] = round(time.perf_counter() - started, 3)
        log.append(f"{time.perf_counter() - started:9.3f}s  done")
        cache = result.manifest.cache
        if cache:
            log.append(_cache_line(cache))
        log.extend(
            f"stage {name}: {seconds:.3f}s" for name, seconds in result.manifest.timings_s.items()
        )
        (staging / "run.log").write_text("\n".join(log) + "\n", encoding="utf-8")
        result.manifest.outputs = [*written, "run.log", "manifest.json"]
        result.manifest.write(staging / "manifest.json")
    return result, target, [*written, "run.log", "manifest.json"]


def portfolio_warning_lines(portfolio: Portfolio, limit: int = 50) -> list[str]:
    """The portfolio's warnings as manifest lines (the first ``limit``, then a count)."""
    from climrisk.errors import format_warning

    lines = [format_warning(w).removeprefix("warning: ") for w in portfolio.warnings[:limit]]
    if len(portfolio.warnings) > limit:
        lines.append(f"... and {len(portfolio.warnings) - limit} more warnings on the portfolio")
    return lines


def _cache_line(cache: dict) -> str:
    """The run log's line on the sample cache (the report never shows it)."""
    if cache.get("hits") is None:
        return (f"sample cache {cache['folder']}: chunks ran in worker processes; they use the "
                "cache only where they can reach this folder, and reuse is not counted here")
    return (f"sample cache {cache['folder']}: {cache['hits']} chunks reused, "
            f"{cache['misses']} new")


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
    check_output_dir(Path(out), _inputs(config))
    with output_lock(Path(out)):
        return _run_many(config, Path(out), progress)


def _run_many(
    config: RunConfig, out: Path, progress: Callable[[str], None] | None
) -> list[tuple[Assessment, Path, list[str]]]:
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
            kind="key",
        )
    check_transition_inputs(config)
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
