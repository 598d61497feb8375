"""``climrisk validate PORTFOLIO``: check an asset file and print its summary."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from climrisk.cli.text import one_line
from climrisk.errors import format_warning

if TYPE_CHECKING:  # rich and the reader load on use, so `climrisk --help` is fast
    from rich.console import Console

__all__ = ["print_portfolio_summary", "validate_command"]


@click.command("validate")
@click.argument("portfolio", type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--allow-multiple-currencies",
    is_flag=True,
    help="Accept more than one currency (when an FX table is configured for the run).",
)
def validate_command(portfolio: Path, allow_multiple_currencies: bool) -> None:
    """Check an asset file; print a summary, or every problem found (exit status 2).

    PORTFOLIO is a CSV (UTF-8, UTF-8 with BOM or GB18030; comma, semicolon or tab), Parquet,
    GeoJSON, GeoPackage or XLSX file with the columns of docs/portfolio.md.
    """
    from climrisk.portfolio import read_portfolio

    result = read_portfolio(portfolio, allow_multiple_currencies=allow_multiple_currencies)
    print_portfolio_summary(result.summary(), portfolio.name)
    for warning in result.warnings[:50]:
        click.echo(one_line(format_warning(warning)), err=True)
    if len(result.warnings) > 50:
        click.echo(f"warning: ... and {len(result.warnings) - 50} more warnings", err=True)


def _money(amount: float, currency: str | None) -> str:
    return f"{amount:,.0f} {currency or ''}".strip()


def print_portfolio_summary(summary: dict, name: str, console: Console | None = None) -> None:
    """Print the validation summary: counts by type and country, value, defaults applied."""
    from rich.console import Console
    from rich.table import Table

    console = console or Console(highlight=False, width=None if sys.stdout.isatty() else 160)
    currency = summary["currency"]
    console.print(
        f"[bold]{name}[/bold]: {summary['assets']} assets valid "
        f"({summary['points']} points, {summary['footprints']} footprints); "
        f"total value {_money(summary['total_value'], currency)}"
        + (
            f", {summary['assets_without_value']} without value"
            if summary["assets_without_value"]
            else ""
        )
    )
    by_type = Table(title="Assets by type", title_justify="left")
    by_type.add_column("asset_type")
    by_type.add_column("assets", justify="right")
    for key, count in summary["by_type"].items():
        by_type.add_row(str(key), str(count))
    console.print(by_type)
    by_country = Table(title="Assets by country", title_justify="left")
    by_country.add_column("country")
    by_country.add_column("assets", justify="right")
    for key, count in summary["by_country"].items():
        by_country.add_row(str(key), str(count))
    console.print(by_country)
    if summary["assumptions"]:
        defaults = Table(title="Defaults applied (recorded as assumptions)", title_justify="left")
        for column in ("column", "asset_type", "value", "assets", "source"):
            defaults.add_column(column, overflow="fold")
        for item in summary["assumptions"]:
            defaults.add_row(
                item["column"],
                item["asset_type"],
                item["value"],
                str(item["count"]),
                item["source"],
            )
        console.print(defaults)
