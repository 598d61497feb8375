"""Benchmark ``climrisk assess`` end to end: CSV in, every result file out (no PDF).

For each size (default 10^4, 10^5, 10^6 assets) a random portfolio of land sites is written to
CSV, then ``climrisk assess --no-pdf --no-cache`` runs in a fresh process over every layer of
the hazard folder (default: the embedded reference pack), both scenarios, three horizons and the
quantiles, with the transition assessment on both pathways. Prints wall time, the run's own
peak resident memory and the time per stage from its manifest. Stages overlap (chunks are
computed on threads while rows are written on another), so stage times are thread time and add
up to more than the wall time.

Compiled kernels are cached across processes (``climrisk.risk._jit``). The benchmark points
``NUMBA_CACHE_DIR`` at a fresh folder, so its first run compiles every kernel (a clean
machine's first run) and the ``--repeat`` runs after it start warm; both are printed.

    python benchmarks/bench_assess.py                        # 1e4, 1e5, 1e6
    python benchmarks/bench_assess.py --sizes 1000000 --repeat 3
    python benchmarks/bench_assess.py --sizes 1000000 --scheduler processes   # Dask cluster
    python benchmarks/bench_assess.py --physical-only        # STEPS pathway only

Targets on a 2-core machine: 10^4 assets <= 5 s whole process; 10^6 assets with the
transition assessment <= 20 s and <= 4 GB peak.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq

REPO = Path(__file__).resolve().parents[1]
TYPES = np.array(["data_center", "campus", "warehouse", "office", "retail"])
# Land boxes (lon0, lon1, lat0, lat1) where portfolios cluster: East Asia, South/SE Asia,
# Europe, North America, Latin America, Middle East.
BOXES = np.array([
    (100, 122, 22, 40), (72, 106, 8, 28), (-5, 25, 40, 55), (-120, -75, 30, 45),
    (-70, -40, -30, -5), (40, 56, 18, 30),
])


def make_portfolio(n: int, path: Path, seed: int = 42) -> None:
    """Write ``n`` random assets (fixed seed) with values, revenue and energy."""
    rng = np.random.default_rng(seed)
    box = BOXES[rng.integers(0, len(BOXES), n)]
    lon = rng.uniform(box[:, 0], box[:, 1])
    lat = rng.uniform(box[:, 2], box[:, 3])
    kind = TYPES[rng.integers(0, len(TYPES), n)]
    is_dc = kind == "data_center"
    frame = pd.DataFrame({
        "asset_id": [f"A{i:07d}" for i in range(n)],
        "asset_type": kind,
        "latitude": lat.round(4),
        "longitude": lon.round(4),
        "value": rng.uniform(1e6, 5e8, n).round(0),
        "annual_revenue": rng.uniform(1e5, 1e8, n).round(0),
        "currency": "USD",
        "cooling": np.where(is_dc, np.where(rng.random(n) < 0.5, "air", "evaporative"), ""),
        "it_load_mw": np.where(is_dc, rng.uniform(2, 80, n).round(1), np.nan),
        "pue": np.where(is_dc, rng.uniform(1.15, 1.5, n).round(2), np.nan),
        "renewable_share": rng.uniform(0, 1, n).round(2),
        "scope1_tco2e": rng.uniform(0, 500, n).round(0),
    })
    frame.to_csv(path, index=False)


def _run(command: list[str], folder: Path) -> tuple[int, float, float, str]:
    """Run a command; return its exit status, wall time, its own peak RSS [GB] and stderr."""
    err_path = folder / "stderr.txt"
    env = {**os.environ, "NUMBA_CACHE_DIR": str(folder / "numba-cache")}
    with open(os.devnull, "wb") as devnull, err_path.open("wb") as err:
        start = time.perf_counter()
        process = subprocess.Popen(command, stdout=devnull, stderr=err, env=env)
        _, status, usage = os.wait4(process.pid, 0)  # this child's own resource usage
        wall = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    return process.returncode, wall, usage.ru_maxrss / 1024**2, err_path.read_text()


def run_once(n: int, folder: Path, args: argparse.Namespace) -> dict[str, object]:
    """The first run (compiling) and the best of ``args.repeat`` warm runs, fresh processes."""
    portfolio = folder / f"portfolio_{n}.csv"
    if not portfolio.exists():
        make_portfolio(n, portfolio)
    out = folder / f"out_{n}"
    command = [sys.executable, "-m", "climrisk", "assess", str(portfolio), "--no-pdf",
               "--out", str(out)]
    if not args.cache:
        command.append("--no-cache")
    if args.hazards is not None:
        command += ["--hazards", str(args.hazards)]
    if args.physical_only:
        command += ["--pathway-scenarios", "steps"]
    if args.scheduler:
        command += ["--scheduler", args.scheduler]
    best: dict[str, object] | None = None
    first: dict[str, object] | None = None
    walls: list[float] = []
    for attempt in range(1 + args.repeat):
        code, wall, peak, stderr = _run(command, folder)
        if code != 0:
            raise SystemExit(f"run of {n} assets failed:\n{stderr}")
        manifest = json.loads((out / "manifest.json").read_text())
        rows = pq.ParquetFile(out / "asset_results.parquet").metadata.num_rows
        run = {"assets": n, "rows": rows, "wall_s": wall, "peak_gb": peak,
               "stages": manifest["timings_s"]}
        if attempt == 0:
            first = run
            continue
        walls.append(wall)
        if best is None or wall < best["wall_s"]:
            best = run
    assert best is not None and first is not None
    best["walls"] = walls
    best["first"] = first
    return best


def main() -> None:
    """Parse arguments, run each size, print a table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--hazards", type=Path, default=None)
    parser.add_argument("--repeat", type=int, default=1,
                        help="warm runs per size after the first; the fastest counts")
    parser.add_argument("--scheduler", default=None,
                        help="threads, processes (a local Dask cluster) or tcp://host:port")
    parser.add_argument("--cache", action="store_true", help="use the sample cache (warm runs)")
    parser.add_argument("--physical-only", action="store_true",
                        help="STEPS pathway only (the transition side at its smallest)")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    with tempfile.TemporaryDirectory() as tmp:
        results = [run_once(n, Path(tmp), args) for n in sizes]
    print(f"{'assets':>9} {'rows':>11} {'run':>7} {'wall s':>8} {'peak GB':>8}  "
          "thread time per stage s")
    for r in results:
        for label, run in (("first", r["first"]), ("warm", r)):
            stages = ", ".join(f"{k} {v:.2f}" for k, v in run["stages"].items() if k != "total")
            line = (f"{run['assets']:>9,} {run['rows']:>11,} {label:>7} {run['wall_s']:>8.2f} "
                    f"{run['peak_gb']:>8.2f}")
            print(f"{line}  {stages}")
        if len(r["walls"]) > 1:
            print(f"{'':>9} every warm run, wall s: {', '.join(f'{w:.2f}' for w in r['walls'])}")


if __name__ == "__main__":
    main()
