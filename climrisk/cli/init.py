"""``climrisk init [FILE]``: write a commented example run file."""

from __future__ import annotations

from pathlib import Path

import click

from climrisk.errors import InputError

__all__ = ["EXAMPLE_RUN_FILE", "init_command"]

EXAMPLE_RUN_FILE = """\
# climrisk run file. Run it with:  climrisk assess --config {name}
# Flags on the command line override the values here. Unknown keys are errors.
# Relative paths are relative to this file's folder. Reference: docs/configuration.md

# One folder per portfolio is written under `out`, plus `combined/` for the group.
portfolios = ["assets/sample_portfolio.csv"]
out = "reports/quarterly"

# hazards = "hazard_data"            # folder of hazard files (default: the embedded pack)
scenarios = ["ssp126", "ssp370"]      # climate scenarios the hazard files must have
# pathways = "weo_extended.csv"      # an IAMC table replacing the embedded IEA STEPS/NZE one
pathway_scenarios = ["steps", "nze"]
lang = "en"                           # en | zh-Hant | zh-Hans
pdf = true                            # false = result tables only
# csv = true                         # always write asset_results.csv (default: <= 100,000 assets)
# company = "Harbour Cloud Group"    # name on the report's cover

# Scale (docs/configuration.md, "Scale")
# scheduler = "tcp://10.0.0.5:8786"  # a Dask cluster; default: this machine
# workers = 2                        # chunks computed at once here (default: the CPU count)
# memory_budget_gb = 1.0             # working memory of the chunks in flight
# cache = true                       # reuse sampled hazard values (--no-cache to bypass)

[horizons]                            # short = end of the fiscal year, mid ~ 2030 targets, long
short = 2027
mid = 2031
long = 2050

[sampling]
method = "nearest"                    # the cell containing the site; or "bilinear"
fallback_radius_cells = 2             # coastal sites on a no-data cell take a neighbour
footprint_acute = "max"               # footprints: worst cell for acute hazards
footprint_chronic = "mean"            # area-weighted mean for chronic hazards

[scoring]                             # see docs/scoring.md
financial = [0.0001, 0.0005, 0.0025, 0.01]   # annual impact / value between scores 1|2|3|4|5

[scoring.materiality]
score_at_least = 3
value_share = 0.25                    # material when >= 25 % of exposed value scores >= 3
weighted_score = 3.0                  # ... or the value-weighted score reaches 3

# A calibrated damage curve replaces the built-in one for a hazard and asset type.
# [[vulnerability.curves]]
# hazard = "riverine_flood"
# asset_type = "warehouse"
# intensity = [0.0, 0.5, 1.0, 2.0, 3.0, 6.0]   # metres of water above the floor
# damage = [0.0, 0.2, 0.35, 0.55, 0.7, 1.0]    # share of `value`

[transition]                          # company-level inputs; see docs/transition.md
# revenue_by_business_unit = { cloud = 4.0e9, logistics = 1.5e9 }   # annual revenue [currency]
# impairment_share = 0.2

[fx]                                  # US dollars per unit of each currency
# CNY = 0.139
"""


@click.command("init")
@click.argument("path", type=click.Path(path_type=Path, dir_okay=False), default="run.toml")
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
def init_command(path: Path, force: bool) -> None:
    """Write a commented example run file (default run.toml)."""
    if path.exists() and not force:
        raise InputError(path, "already exists; use --force to overwrite")
    path.write_text(EXAMPLE_RUN_FILE.replace("{name}", path.name), encoding="utf-8")
    click.echo(f"wrote {path}; edit it, then run: climrisk assess --config {path}")
