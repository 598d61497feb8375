"""``assess()``: orchestrates the stages of an assessment; no file output, no maths of its own.

Data flow (docs/concepts.md): portfolio -> hazard catalogue -> sampling (per chunk of assets)
-> horizons -> vulnerability -> expected annual damage and cost channels -> scores -> physical
matrix; portfolio -> pathways -> transition metrics -> transition matrix; manifest.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from climrisk.config import RunConfig
from climrisk.hazard import HazardCatalog, HazardSample, open_catalog, sample_assets
from climrisk.io.cache import DEFAULT_CACHE_DIR, SampleCache
from climrisk.io.manifest import Manifest, file_sha256
from climrisk.io.parquet_sink import ParquetSink
from climrisk.portfolio import Portfolio
from climrisk.risk.chunk import AssetChunk
from climrisk.risk.matrix import (
    PHYSICAL_MATRIX_COLUMNS,
    aggregate_block,
    combine,
    finalise_physical,
)
from climrisk.risk.physical import (
    HAZARD_CATEGORY,
    RESULT_SCHEMA,
    LayerInput,
    arrow_to_frame,
    assess_hazard,
    block_to_arrow,
)
from climrisk.risk.scoring import ScoringTable
from climrisk.scheduling import map_ordered
from climrisk.vulnerability import (
    DamageCurve,
    Prices,
    curves_from_config,
    models_for_layer,
)

__all__ = [
    "ALL_HAZARDS",
    "KEEP_RESULTS_UP_TO",
    "Assessment",
    "assess",
    "chunk_size_for_memory",
]

T = TypeVar("T")
ALL_HAZARDS: tuple[str, ...] = tuple(HAZARD_CATEGORY)
# Working memory per asset of a chunk, counting every chunk in flight (two computing, rows
# queued for the Parquet writer). Measured: 10^6 assets in chunks of 16,384 on two threads
# peaked at 3.3-3.6 GB, of which ~0.75 GB are the hazard layers and ~0.6 GB the portfolio and
# the transition inputs.
_BYTES_PER_ASSET = 64 * 1024


def chunk_size_for_memory(budget_bytes: float, available_bytes: float | None = None) -> int:
    """Assets per chunk so that a chunk's working set stays within a memory budget.

    The budget is capped at a quarter of the memory available now, and the result is kept
    between 1,000 and 100,000 assets.
    """
    if available_bytes is None:
        import psutil

        available_bytes = psutil.virtual_memory().available
    budget = min(float(budget_bytes), 0.25 * float(available_bytes))
    return int(min(max(budget // _BYTES_PER_ASSET, 1_000), 100_000))


KEEP_RESULTS_UP_TO = 100_000


@dataclass
class Assessment:
    """The result of one run; renderers consume this and nothing else.

    ``asset_table`` holds the ``asset_results`` rows as Arrow when they were kept in memory
    (:data:`KEEP_RESULTS_UP_TO`); :attr:`asset_results` is the same as a DataFrame, made when
    first asked for.
    """

    portfolio: Portfolio
    asset_table: pa.Table | None
    physical_matrix: pd.DataFrame
    transition_matrix: pd.DataFrame | None
    transition_assets: pd.DataFrame | None
    manifest: Manifest
    scoring: ScoringTable
    config: RunConfig
    missing_hazards: tuple[str, ...] = ()
    summary: dict[str, object] = field(default_factory=dict)

    @cached_property
    def asset_results(self) -> pd.DataFrame | None:
        """The kept ``asset_results`` rows as a DataFrame (``None`` when not kept)."""
        return arrow_to_frame(self.asset_table) if self.asset_table is not None else None


class _Timer:
    def __init__(self, timings: dict[str, float], report: Callable[[str], None] | None) -> None:
        self.timings = timings
        self.report = report

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        if self.report:
            self.report(name)
        start = time.perf_counter()
        yield
        self.timings[name] = round(self.timings.get(name, 0.0) + time.perf_counter() - start, 4)


def assess(
    portfolio: Portfolio,
    config: RunConfig | None = None,
    *,
    catalog: HazardCatalog | None = None,
    progress: Callable[[str], None] | None = None,
    sink: ParquetSink | None = None,
    keep_results: bool | None = None,
    chunk_assets: int | None = None,
) -> Assessment:
    """Run the physical and transition assessment of a portfolio.

    Parameters
    ----------
    portfolio
        A validated portfolio (:func:`climrisk.read_portfolio`).
    config
        Run configuration (defaults when ``None``).
    catalog
        Hazard catalogue; opened from ``config.hazards`` (or the embedded pack) when ``None``.
    progress
        Called with the name of each stage as it starts.
    sink
        Receives the ``asset_results`` rows chunk by chunk (e.g. a Parquet file written in row
        groups), so memory stays bounded by the chunk, not the portfolio.
    keep_results
        Keep every row in memory as ``Assessment.asset_table`` (default: portfolios up to
        100,000 assets, which also get per-asset transition rows).
    chunk_assets
        Assets per chunk (default: ``config.chunk_assets``, else sized from
        ``config.memory_budget_gb`` and the memory available).
    """
    config = config or RunConfig()
    manifest = Manifest()
    timer = _Timer(manifest.timings_s, progress)
    scoring = ScoringTable.from_mapping(config.scoring, str(config.source or "configuration"))
    where = str(config.source or "configuration")
    user_curves = curves_from_config(list(config.vulnerability_curves), where)

    with timer.stage("open hazard catalogue"):
        catalog = catalog if catalog is not None else open_catalog(config.hazards)
        catalog.require(config.scenarios)
    present = [h for h in ALL_HAZARDS if h in catalog.hazards()]
    missing = tuple(h for h in ALL_HAZARDS if h not in present)

    small = len(portfolio) <= KEEP_RESULTS_UP_TO
    keep = keep_results if keep_results is not None else small
    # The transition assessment needs no hazard data: it runs beside the first chunks (which
    # wait for the hazard layers to load) and is collected as soon as it is done, so an input
    # error in it still stops the run early, without holding up the chunks.
    background = ThreadPoolExecutor(max_workers=1, thread_name_prefix="climrisk-transition")
    pending_transition = background.submit(
        _timed, manifest.timings_s, "transition pathways", _transition, portfolio, config, small
    )
    background.shutdown(wait=False)
    transition = None

    prices = _prices(portfolio, config)
    kept: list[pa.Table] = []
    partials: list[dict[str, np.ndarray]] = []  # a few rows per hazard and chunk
    assets = portfolio.assets
    directory = str(catalog.directory) if catalog.directory is not None else None
    digests = {layer.name: file_sha256(Path(layer.path)) for layer in catalog.values()}
    layers_digest = hashlib.sha256(
        "".join(f"{k}={v};" for k, v in sorted(digests.items())).encode()
    ).hexdigest()
    catalog_key = f"{directory}|{layers_digest}"
    if directory is not None:
        _CATALOGS[catalog_key] = catalog  # local and thread workers use this very catalogue
    cache = (
        SampleCache(config.cache_dir or DEFAULT_CACHE_DIR, layers_digest) if config.cache else None
    )
    job = _ChunkJob(
        directory=directory,
        catalog=catalog if directory is None else None,
        hazards=tuple(present),
        config=config,
        scoring=scoring,
        prices=prices,
        user_curves=user_curves,
        cache=cache,
        layers_digest=layers_digest,
        pack_rows=config.scheduler not in (None, "local", "threads"),
    )
    chunk_assets = (
        chunk_assets
        or config.chunk_assets
        or chunk_size_for_memory(config.memory_budget_gb * 2**30)
    )
    chunks = (assets.iloc[i : i + chunk_assets] for i in range(0, len(assets), chunk_assets))
    coverage = _Coverage()
    started = time.perf_counter()
    try:
        for n_chunk, (tables, chunk_partials, timings) in enumerate(
            map_ordered(job, chunks, config.scheduler, workers=config.workers), start=1
        ):
            for name, seconds in timings.items():
                manifest.timings_s[name] = round(manifest.timings_s.get(name, 0.0) + seconds, 4)
            if transition is None and pending_transition.done():
                transition = pending_transition.result()
            with timer.stage("aggregate and write rows"):
                partials.extend(chunk_partials)
                unpacked = [_unpack(table) for table in tables]
                coverage.add(unpacked)
                for table in unpacked:
                    if sink is not None:
                        sink.write_arrow(table)
                    if keep:
                        kept.append(table)
            if progress is not None and len(assets) > chunk_assets:
                done = min(n_chunk * chunk_assets, len(assets))
                rate = done / max(time.perf_counter() - started, 1e-9)
                progress(f"assets {done:,} of {len(assets):,} ({rate:,.0f} assets/s)")
    finally:
        # Hold no catalogue after the run: two open catalogues of one folder share netCDF
        # handles through xarray's file cache, and closing one can break the other.
        _CATALOGS.pop(catalog_key, None)
    if transition is None:  # not done before the last chunk (or no chunk at all)
        transition = pending_transition.result()

    with timer.stage("physical matrix"):
        asset_table: pa.Table | None = None
        if keep:
            asset_table = (
                pa.concat_tables(kept, promote_options="permissive")
                if kept
                else RESULT_SCHEMA.empty_table()
            )
        physical_matrix = (
            finalise_physical(combine(partials), scoring.materiality)
            if partials
            else pd.DataFrame(columns=list(PHYSICAL_MATRIX_COLUMNS))
        )

    if cache is not None:  # run facts, not findings: kept out of the warnings the report prints
        manifest.cache = cache.describe(counted=not job.pack_rows)
    _fill_manifest(manifest, portfolio, config, catalog, scoring, missing, transition, digests)
    coverage.record(manifest, present)
    # A layer no model covers still gets hazard scores; it is listed, never dropped silently.
    manifest.missing.extend(
        {"hazard": layer.hazard, "indicator": layer.indicator, "reason": "no model"}
        for layer in catalog.values()
        if layer.hazard in present and not _models(layer.hazard, layer.indicator, user_curves)
    )
    return Assessment(
        portfolio=portfolio,
        asset_table=asset_table,
        physical_matrix=physical_matrix,
        transition_matrix=transition.matrix if transition is not None else None,
        transition_assets=transition.asset_rows if transition is not None else None,
        manifest=manifest,
        scoring=scoring,
        config=config,
        missing_hazards=missing,
        summary=_summary(physical_matrix, transition, len(portfolio)),
    )


class _Coverage:
    """Which assets and hazards got no hazard value at all (so none is left without a status)."""

    def __init__(self) -> None:
        self.unassessed: list[str] = []
        self.assets = 0
        self.valid_by_hazard: dict[str, int] = {}

    def add(self, tables: list[pa.Table]) -> None:
        """Count the valid intensities of one chunk's rows, by asset and by hazard."""
        tables = [
            pa.table({name: _plain(t[name]) for name in ("asset_id", "hazard", "intensity")})
            for t in tables
            if t.num_rows
        ]
        if not tables:
            return
        rows = pa.concat_tables(tables)
        intensity = rows["intensity"]
        valid = pc.and_kleene(pc.is_valid(intensity), pc.invert(pc.is_nan(intensity)))
        rows = rows.append_column("valid", pc.cast(pc.fill_null(valid, False), pa.int64()))
        by_asset = rows.group_by("asset_id").aggregate([("valid", "sum")])
        counts = by_asset["valid_sum"].to_numpy()
        self.assets += len(counts)
        self.unassessed.extend(
            by_asset["asset_id"].filter(pa.array(counts == 0)).cast(pa.string()).to_pylist()
        )
        by_hazard = rows.group_by("hazard").aggregate([("valid", "sum")])
        for hazard, count in zip(
            by_hazard["hazard"].cast(pa.string()).to_pylist(),
            by_hazard["valid_sum"].to_pylist(),
            strict=True,
        ):
            self.valid_by_hazard[hazard] = self.valid_by_hazard.get(hazard, 0) + int(count)

    def record(self, manifest: Manifest, present: list[str]) -> None:
        """Warnings (and ``missing`` entries) for whatever was not assessed."""
        if self.unassessed:
            shown = ", ".join(self.unassessed[:10])
            more = f" and {len(self.unassessed) - 10} more" if len(self.unassessed) > 10 else ""
            manifest.warnings.append(
                f"{len(self.unassessed)} of {self.assets} assets not assessed: no hazard layer "
                f"has a value at their location (at sea or outside the grids): {shown}{more}"
            )
        if not self.assets:
            return
        for hazard in present:
            if self.valid_by_hazard.get(hazard, 0) == 0:
                manifest.missing.append(
                    {"hazard": hazard, "reason": "the layer has no value at any asset"}
                )
                manifest.warnings.append(
                    f"{hazard} not assessed: its layer has no value at any asset"
                )


def _plain(column: pa.ChunkedArray) -> pa.ChunkedArray:
    """A dictionary-encoded column decoded (chunks of a run have differing dictionaries)."""
    if pa.types.is_dictionary(column.type):
        return column.cast(column.type.value_type)
    return column


_CATALOGS: dict[str, HazardCatalog] = {}


def _catalog_at(directory: str, digest: str) -> HazardCatalog:
    """The catalogue of a folder, opened once per process and content.

    Dask workers open their own; a changed file changes ``digest`` and reopens the folder.
    """
    key = f"{directory}|{digest}"
    if key not in _CATALOGS:
        _CATALOGS[key] = open_catalog(directory)
    return _CATALOGS[key]


@dataclass(frozen=True)
class _ChunkJob:
    """The physical assessment of one chunk of assets; picklable, so Dask can run it anywhere."""

    directory: str | None
    catalog: HazardCatalog | None
    hazards: tuple[str, ...]
    config: RunConfig
    scoring: ScoringTable
    prices: Prices
    user_curves: dict[tuple[str, str], DamageCurve]
    cache: SampleCache | None = None
    layers_digest: str = ""
    pack_rows: bool = False

    def _sample(self, chunk: pd.DataFrame, catalog: HazardCatalog) -> HazardSample:
        """Sample every layer at the chunk's assets, through the cache when there is one."""
        config = self.config
        key = None
        if self.cache is not None:
            key = self.cache.key(chunk, (self.hazards, config.scenarios, config.sampling))
            cached = self.cache.load(key)
            if cached is not None:
                return cached
        sample = sample_assets(
            chunk,
            catalog,
            scenarios=config.scenarios,
            hazards=list(self.hazards),
            method=config.sampling.method,
            footprint_reducer={
                "acute_return_period": config.sampling.footprint_acute,
                "chronic_index": config.sampling.footprint_chronic,
            },
            fallback_radius_cells=config.sampling.fallback_radius_cells,
        )
        if self.cache is not None and key is not None:
            self.cache.store(key, sample)
        return sample

    def __call__(self, chunk: pd.DataFrame) -> tuple[list, list[dict[str, np.ndarray]], dict]:
        timings: dict[str, float] = {}
        timer = _Timer(timings, None)
        config = self.config
        catalog = (
            self.catalog
            if self.catalog is not None
            else _catalog_at(str(self.directory), self.layers_digest)
        )
        with timer.stage("sample hazards"):
            sample = self._sample(chunk, catalog)
        tables, partials = [], []
        assets = AssetChunk(chunk)
        for hazard in self.hazards:
            with timer.stage("vulnerability, damage and scores"):
                layers = [
                    LayerInput(
                        indicator=layer.indicator,
                        units=layer.units,
                        kind=layer.kind,
                        values=sample[layer.name],
                        flags=sample.flags(layer.name),
                        models=_models(layer.hazard, layer.indicator, self.user_curves),
                    )
                    for layer in catalog.layers_for(hazard)
                ]
                block = assess_hazard(
                    hazard, layers, assets, config.horizons, self.scoring, self.prices
                )
            with timer.stage("aggregate and write rows"):
                partials.append(aggregate_block(block, self.scoring.materiality))
                tables.append(block_to_arrow(block))
        if self.pack_rows:  # rows cross the network: lz4-compressed Arrow IPC, ~5x smaller
            return [_pack(table) for table in tables], partials, timings
        return tables, partials, timings


def _pack(table: pa.Table) -> bytes:
    """A table as lz4-compressed Arrow IPC stream bytes (see :func:`_unpack`)."""
    sink = pa.BufferOutputStream()
    options = pa.ipc.IpcWriteOptions(compression="lz4")
    with pa.ipc.new_stream(sink, table.schema, options=options) as writer:
        writer.write_table(table)
    return sink.getvalue().to_pybytes()


def _unpack(table: pa.Table | bytes) -> pa.Table:
    """The table of :func:`_pack` (a table is passed through)."""
    if isinstance(table, pa.Table):
        return table
    return pa.ipc.open_stream(pa.py_buffer(table)).read_all()


def _models(
    hazard: str, indicator: str, user_curves: dict[tuple[str, str], DamageCurve]
) -> dict[str, object]:
    """Built-in models of a layer by asset type, with user curves in place of damage curves."""
    return dict(models_for_layer(hazard, indicator, user_curves))


def _prices(portfolio: Portfolio, config: RunConfig) -> Prices:
    """Default unit prices expressed in the portfolio currency (``[fx]``: USD per unit)."""
    currency = portfolio.currency
    if currency in (None, "USD"):
        return Prices()
    usd_per_unit = config.fx.get(currency)
    if usd_per_unit is None:
        from climrisk.transition import default_usd_per_unit

        usd_per_unit = default_usd_per_unit(currency)
    return Prices().in_currency(currency, 1.0 / usd_per_unit)


def _timed(timings: dict[str, float], name: str, func: Callable[..., T], *args: Any) -> T:
    """``func(*args)``, adding its duration to ``timings[name]`` (for work on another thread)."""
    with _Timer(timings, None).stage(name):
        return func(*args)


def _transition(portfolio: Portfolio, config: RunConfig, asset_rows: bool = True):
    from climrisk.transition import TransitionSettings, assess_transition, read_pathways

    where = str(config.source or "configuration")
    pathway = read_pathways(config.pathways)
    transition = dict(config.transition)
    if config.fx:  # one FX table for the run: [fx] adds to [transition.fx_to_usd]
        transition["fx_to_usd"] = {**config.fx, **dict(transition.get("fx_to_usd", {}))}
    settings = TransitionSettings.from_mapping(transition, where)
    return assess_transition(
        portfolio,
        pathway,
        settings,
        scenarios=tuple(config.pathway_scenarios),
        horizons=dict(config.horizons),
        currency=portfolio.currency,
        asset_rows=asset_rows,
    )


def _fill_manifest(
    manifest: Manifest,
    portfolio: Portfolio,
    config: RunConfig,
    catalog: HazardCatalog,
    scoring: ScoringTable,
    missing: tuple[str, ...],
    transition: object,
    digests: dict[str, str],
) -> None:
    manifest.add_input("portfolio", portfolio.source)
    if config.source is not None:
        manifest.add_input("configuration", config.source)
    if config.pathways is not None:
        manifest.add_input("pathways", config.pathways)
    for layer in catalog.values():
        manifest.hazard_layers.append(
            {
                "hazard": layer.hazard,
                "indicator": layer.indicator,
                "units": layer.units,
                "file": Path(layer.path).name,
                "sha256": digests[layer.name],
                "source": layer.source,
                "license": layer.license,
                "references": layer.references,
                "illustrative": layer.illustrative,
            }
        )
    manifest.configuration = config.as_dict()
    manifest.assumptions = [a.as_dict() for a in portfolio.assumptions]
    if transition is not None:
        manifest.assumptions.extend(getattr(transition, "assumptions", []))
        manifest.pathways = {"sources": getattr(transition, "sources", [])}
    manifest.scoring = scoring.as_records()
    manifest.missing = [
        {"hazard": hazard, "reason": "no layer in the hazard folder"} for hazard in missing
    ]
    manifest.warnings.extend(str(issue).removeprefix("error: ") for issue in catalog.problems)


def _summary(physical_matrix: pd.DataFrame, transition: object, n_assets: int) -> dict[str, object]:
    """Headline numbers per scenario and horizon, for the console and the report."""
    if physical_matrix.empty:
        return {"assets": n_assets}
    money = physical_matrix.groupby(["scenario", "horizon", "year"], sort=False)[
        ["asset_value_down", "revenue_down", "opex_up"]
    ].sum()
    money.columns = ["ead", "bi_loss", "opex_delta"]
    rows = money.reset_index().sort_values(["scenario", "year"]).to_dict("records")
    return {
        "physical": rows,
        "material_cells": int(physical_matrix["material"].sum()),
        "assets": n_assets,
        "transition_rows": len(getattr(transition, "matrix", [])),
    }
