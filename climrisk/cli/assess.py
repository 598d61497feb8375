"""``climrisk assess``: the main job, written all or nothing into the output folder."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from climrisk.config import LANGUAGES, load_config
from climrisk.errors import ClimriskError, InputError

__all__ = ["assess_command", "default_output_dir"]


def default_output_dir(portfolio: Path) -> Path:
    """``reports/<portfolio-stem>/`` relative to the working folder (the contract's default)."""
    return Path("reports") / portfolio.stem


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
) -> None:
    """Assess physical and transition risk of PORTFOLIO; write tables, report and manifest.

    Outputs go to --out (default reports/<portfolio-stem>/): asset_results.parquet/.csv,
    physical_matrix.csv, transition_matrix.csv, report.pdf and manifest.json. A run writes all
    its outputs or none.
    """
    from climrisk.engine import assess
    from climrisk.io.atomic import atomic_output_dir
    from climrisk.io.parquet_sink import ParquetSink
    from climrisk.portfolio import read_portfolio
    from climrisk.report.tables import write_tables

    started = time.perf_counter()
    config = load_config(config_path)
    if portfolio is None:
        if not config.portfolios:
            raise click.UsageError("give a PORTFOLIO file or a --config file listing portfolios")
        portfolio = config.portfolios[0]
    config = config.with_overrides(
        portfolios=(portfolio,),
        hazards=hazards,
        scenarios=_names(scenarios),
        pathways=pathways,
        pathway_scenarios=_names(pathway_scenarios),
        out=out,
        lang=lang,
        pdf=False if no_pdf else None,
        csv=csv_flag,
    )
    if config.pdf and not _pdf_available():
        raise ClimriskError(
            "the PDF report is not available yet; run with --no-pdf for the result tables"
        )
    console = Console(stderr=True, highlight=False, width=None if sys.stderr.isatty() else 120)
    read = read_portfolio(portfolio, allow_multiple_currencies=bool(config.fx))
    target = config.out or default_output_dir(portfolio)
    seen: set[str] = set()

    def progress(stage: str) -> None:
        if stage not in seen:
            seen.add(stage)
            console.print(f"[dim]{stage}...[/dim]")

    with atomic_output_dir(target) as staging:
        sink = ParquetSink(staging / "asset_results.parquet")
        try:
            result = assess(read, config, progress=progress, sink=sink)
        finally:
            sink.close()
        written = write_tables(result, staging, csv=config.csv)
        if config.pdf:
            from climrisk.report.pdf import render_pdf

            render_pdf(staging, lang=config.lang)
            written.append("report.pdf")
        result.manifest.outputs = [*written, "manifest.json"]
        result.manifest.timings_s["total"] = round(time.perf_counter() - started, 3)
        result.manifest.write(staging / "manifest.json")
    _print_summary(result, target, written)


def _pdf_available() -> bool:
    import importlib.util

    return importlib.util.find_spec("climrisk.report.pdf") is not None


def _print_summary(result, target: Path, written: list[str]) -> None:
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
    console.print(f"wrote {', '.join(written)} and manifest.json to {target}/")
