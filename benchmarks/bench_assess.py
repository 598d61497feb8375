"""Benchmark the physical assessment end to end: CSV in, result files out (no PDF).

For each size (default 10^4, 10^5, 10^6 assets) a random portfolio of land sites is written to
CSV, then ``climrisk assess --no-pdf`` runs in a fresh process (so peak memory is that run's
own), over every layer of the hazard folder (default: the embedded reference pack), both
scenarios and three horizons. Prints wall time, peak resident memory and the time per stage
from the run's manifest.

    python benchmarks/bench_assess.py                 # 1e4, 1e5, 1e6
    python benchmarks/bench_assess.py --sizes 10000   # one size
    python benchmarks/bench_assess.py --with-transition

Targets on a 2-core machine (issue: physical risk engine): 10^4 assets <= 5 s whole process;
10^6 assets <= 60 s and <= 4 GB peak.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

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


def run_once(n: int, folder: Path, hazards: Path | None, transition: bool) -> dict[str, object]:
    """One measured run in a fresh process."""
    portfolio = folder / f"portfolio_{n}.csv"
    make_portfolio(n, portfolio)
    out = folder / f"out_{n}"
    command = [sys.executable, "-m", "climrisk", "assess", str(portfolio), "--no-pdf",
               "--out", str(out)]
    if hazards is not None:
        command += ["--hazards", str(hazards)]
    if not transition:
        command += ["--pathway-scenarios", "steps"]
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - start
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    if result.returncode != 0:
        raise SystemExit(f"run of {n} assets failed:\n{result.stderr}")
    manifest = json.loads((out / "manifest.json").read_text())
    rows = pd.read_parquet(out / "asset_results.parquet", columns=["hazard"]).shape[0]
    return {
        "assets": n,
        "rows": rows,
        "wall_s": wall,
        # ru_maxrss of children is the largest child so far; sizes run in increasing order
        "peak_gb": max(peak_kb, before) / 1024**2,
        "stages": manifest["timings_s"],
    }


def main() -> None:
    """Parse arguments, run each size, print a table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--hazards", type=Path, default=None)
    parser.add_argument("--with-transition", action="store_true",
                        help="both pathways (default: STEPS only, to time the physical side)")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    with tempfile.TemporaryDirectory() as tmp:
        results = [run_once(n, Path(tmp), args.hazards, args.with_transition) for n in sizes]
    print(f"{'assets':>9} {'rows':>11} {'wall s':>8} {'peak GB':>8}  per-stage s")
    for r in results:
        stages = ", ".join(f"{k} {v:.2f}" for k, v in r["stages"].items())
        line = f"{r['assets']:>9,} {r['rows']:>11,} {r['wall_s']:>8.2f} {r['peak_gb']:>8.2f}"
        print(f"{line}  {stages}")


if __name__ == "__main__":
    main()
