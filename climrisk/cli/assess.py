"""``climrisk assess``: the main job, written all or nothing into the output folder."""

from __future__ import annotations

import gc
import sys
import time
from pathlib import Path

import click

from climrisk.cli.text import one_line
from climrisk.config import LANGUAGES, load_config
from climrisk.errors import InputError

__all__ = ["assess_command"]


def _names(value: str | None) -> tuple[str, ...] | None:
    if value is None:
        return None
    names = tuple(part.strip() for part in value.split(",") if part.strip())
    if not names:
        raise InputError("command line", "expected a comma-separated list of names")
    return names


@click.command("assess")
@click.argument("portfolio", type=click.Path(path_type=Path, dir_okay=False), required=False)
@click.option(
    "--config",
    "config_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="TOML run file (see docs/configuration.md); flags override it.",
)
@click.option(
    "--hazards",
    type=click.Path(path_type=Path, file_okay=False),
    help="Folder of hazard files (default: the embedded reference pack).",
)
@click.option("--scenarios", help="Climate scenarios, comma-separated (default ssp126,ssp370).")
@click.option(
    "--pathways",
    type=click.Path(path_type=Path, dir_okay=False),
    help="IAMC pathway table (CSV/XLSX) replacing the embedded IEA STEPS/NZE table.",
)
@click.option("--pathway-scenarios", help="Pathway scenarios, comma-separated (default steps,nze).")
@click.option(
    "--out",
    type=click.Path(path_type=Path, file_okay=False),
    help="Output folder (default reports/<portfolio-stem>/).",
)
@click.option("--lang", type=click.Choice(LANGUAGES), help="Report language (default en).")
@click.option("--no-pdf", is_flag=True, default=False, help="Do not render report.pdf.")
@click.option(
    "--csv",
    "csv_flag",
    is_flag=True,
    default=None,
    help="Always write asset_results.csv (default: up to 100,000 assets).",
)
@click.option(
    "--scheduler",
    help="Where chunks of assets run: local (default), threads, processes or tcp://host:port "
    "(a Dask scheduler).",
)
@click.option(
    "--no-cache",
    is_flag=True,
    default=False,
    help="Sample the hazard grids again instead of reusing .climrisk-cache/.",
)
@click.option("--quiet", "-q", is_flag=True, help="No progress or summary on screen.")
@click.option("--verbose", "-v", is_flag=True, help="Print the time of every stage.")
def assess_command(
    portfolio: Path | None,
    config_path: Path | None,
    hazards: Path | None,
    scenarios: str | None,
    pathways: Path | None,
    pathway_scenarios: str | None,
    out: Path | None,
    lang: str | None,
    no_pdf: bool,
    csv_flag: bool | None,
    scheduler: str | None,
    no_cache: bool,
    quiet: bool,
    verbose: bool,
) -> None:
    """Assess physical and transition risk of PORTFOLIO; write tables, report and manifest.

    Outputs go to --out (default reports/<portfolio-stem>/): asset_results.parquet/.csv,
    physical_matrix.csv, transition_matrix.csv, report.pdf and manifest.json. A run writes all
    its outputs or none.
    """
    from climrisk.run import run_assessment, run_many

    config = load_config(config_path)
    if portfolio is None and not config.portfolios:
        raise click.UsageError("give a PORTFOLIO file or a --config file listing portfolios")
    config = config.with_overrides(
        portfolios=(portfolio,) if portfolio is not None else None,
        hazards=hazards,
        scenarios=_names(scenarios),
        pathways=pathways,
        pathway_scenarios=_names(pathway_scenarios),
        out=out,
        lang=lang,
        pdf=False if no_pdf else None,
        csv=csv_flag,
        scheduler=scheduler,
        cache=False if no_cache else None,
    )
    from rich.console import Console

    console = Console(stderr=True, highlight=False, width=None if sys.stderr.isatty() else 120)
    started = time.perf_counter()
    last: list[str] = [""]

    interactive = sys.stderr.isatty() and not quiet  # no progress lines in scripts and logs

    def progress(stage: str) -> None:
        if interactive and stage != last[0]:
            last[0] = stage
            console.print(f"[dim]{time.perf_counter() - started:7.1f}s  {stage}[/dim]")

    # A one-shot process: what is loaded by now (modules, tables) lives to the end, so the
    # cyclic garbage collector need not walk it again on every full collection (these took
    # ~1 s of a million-asset run, holding the GIL).
    gc.freeze()
    if len(config.portfolios) > 1:
        stem = config.source.stem if config.source else "run"
        out_dir = config.out or Path("reports") / stem
        runs = run_many(config, out=out_dir, progress=progress)
    else:
        runs = [run_assessment(config.portfolios[0], config, progress=progress)]
    for result, _, _ in runs:  # what the user should check, even when quiet
        for line in result.manifest.warnings:
            click.echo(one_line(f"warning: {line}"), err=True)
    if quiet:
        return
    for result, target, written in runs:
        _print_summary(result, target, written)
        if verbose:
            for name, seconds in result.manifest.timings_s.items():
                console.print(f"  {name}: {seconds:.2f}s")


def _print_summary(result, target: Path, written: list[str]) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(highlight=False, width=None if sys.stdout.isatty() else 120)
    currency = result.portfolio.currency or ""
    table = Table(title=f"Physical risk: annual impact ({currency})", title_justify="left")
    for column in ("scenario", "horizon", "year", "damage (ead)", "interruption (bi)", "opex"):
        table.add_column(
            column, justify="right" if column not in ("scenario", "horizon") else "left"
        )
    for row in result.summary.get("physical", []):
        table.add_row(
            row["scenario"],
            row["horizon"],
            str(row["year"]),
            *(
                f"{row[k]:,.0f}" if row[k] == row[k] else "-"
                for k in ("ead", "bi_loss", "opex_delta")
            ),
        )
    console.print(table)
    matrix = result.physical_matrix
    material = matrix[matrix["material"]]
    console.print(
        f"{len(result.portfolio)} assets; {len(material)} of {len(matrix)} physical matrix cells "
        "material"
        + (
            f"; {int(result.transition_matrix['material'].sum())} of "
            f"{len(result.transition_matrix)} transition rows material"
            if result.transition_matrix is not None
            else ""
        )
    )
    if result.missing_hazards:
        console.print("not assessed (no hazard layer): " + ", ".join(result.missing_hazards))
    console.print(f"wrote {', '.join(written)} to {target}/")
