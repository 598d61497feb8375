"""``climrisk hazards``: list, describe and import hazard layers (no maths here)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from climrisk.errors import InputError, Issue

__all__ = ["hazards_group"]

_HAZARDS_HELP = (
    "Folder of hazard layers (default: $CLIMRISK_HAZARD_DATA, else the embedded "
    "reference pack hazard_data/)."
)


def _echo_problems(problems: list[Issue]) -> None:
    for issue in problems:
        click.echo(f"warning: {Path(issue.path).name}: {issue.message}", err=True)


def _console():
    from rich.console import Console

    stream = sys.stdout
    width = None if stream.isatty() else 400  # piped or captured: never squeeze the table
    return Console(file=stream, width=width, highlight=False, markup=False, soft_wrap=False)


def _fmt_values(values: tuple[float, ...] | None) -> str:
    return ", ".join(f"{v:g}" for v in values) if values else "-"


@click.group("hazards")
def hazards_group() -> None:
    """List, describe and import hazard layers."""


@hazards_group.command("list")
@click.option(
    "--hazards", "hazard_dir", type=click.Path(path_type=Path), default=None, help=_HAZARDS_HELP
)
def list_command(hazard_dir: Path | None) -> None:
    """List every hazard layer: units, scenarios, epochs, return periods, source and licence.

    Problems with files in the folder are printed on stderr as warnings; broken files are
    skipped.
    """
    from rich.table import Table
    from rich.text import Text

    from climrisk.hazard.catalog import open_catalog

    catalog = open_catalog(hazard_dir)
    _echo_problems(catalog.problems)
    table = Table(title=Text(f"Hazard layers in {catalog.directory}"), show_lines=False)
    for column in (
        "hazard",
        "indicator",
        "units",
        "kind",
        "scenarios",
        "epochs",
        "return periods (years)",
        "quantiles",
        "resolution (deg)",
        "extent (lon, lat)",
    ):
        table.add_column(Text(column), no_wrap=True)
    for column in ("source", "licence"):  # in full with 'climrisk hazards describe'
        table.add_column(Text(column), overflow="ellipsis", no_wrap=True, max_width=40)
    illustrative = False
    for layer in catalog.values():
        west, south, east, north = layer.extent
        marker = " *" if layer.illustrative else ""
        illustrative |= layer.illustrative
        table.add_row(
            *(
                Text(cell)
                for cell in (
                    layer.hazard,
                    layer.indicator + marker,
                    layer.units,
                    "acute" if layer.is_acute else "chronic",
                    ", ".join(layer.scenarios),
                    ", ".join(layer.epochs),
                    _fmt_values(layer.return_periods),
                    _fmt_values(layer.quantiles),
                    f"{layer.resolution_deg[0]:g} x {layer.resolution_deg[1]:g}",
                    f"{west:g}..{east:g}, {south:g}..{north:g}",
                    layer.source or "-",
                    layer.license or "-",
                )
            )
        )
    console = _console()
    console.print(table)
    if illustrative:
        console.print(
            "* illustrative reference data for demonstration and testing, not for "
            "decisions (see 'climrisk hazards describe HAZARD')."
        )


@hazards_group.command("describe")
@click.argument("hazard")
@click.option(
    "--hazards", "hazard_dir", type=click.Path(path_type=Path), default=None, help=_HAZARDS_HELP
)
def describe_command(hazard: str, hazard_dir: Path | None) -> None:
    """Describe every layer of HAZARD in full: dims, units, provenance and references."""
    from climrisk.hazard.catalog import open_catalog

    catalog = open_catalog(hazard_dir)
    text = catalog.describe(hazard)  # InputError listing the available hazards if unknown
    names = {str(layer.path) for layer in catalog.layers_for(hazard)}
    _echo_problems([p for p in catalog.problems if p.path in names])
    click.echo(text)


@hazards_group.group("import")
def import_group() -> None:
    """Convert third-party hazard datasets into climrisk layer files."""


@import_group.command("aqueduct-floods")
@click.argument("sources", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--out",
    "out_dir",
    required=True,
    type=click.Path(path_type=Path),
    help="Folder for riverine_flood__flood_depth.nc and coastal_flood__flood_depth.nc.",
)
@click.option(
    "--scenario-map",
    default="rcp4p5=ssp126,rcp8p5=ssp370",
    show_default=True,
    help="RCP -> SSP mapping used for the CMIP5 runs (an approximation).",
)
@click.option(
    "--model",
    "models",
    multiple=True,
    help="Riverine GCM to use (repeatable, e.g. --model NorESM1-M); default all given.",
)
@click.option(
    "--subsidence",
    type=click.Choice(["wtsub", "nosub"]),
    default="wtsub",
    show_default=True,
    help="Coastal projections with or without land subsidence.",
)
@click.option(
    "--quantiles",
    default="0.1,0.5,0.9",
    show_default=True,
    help="Quantiles across GCMs when several riverine GCMs are given.",
)
def aqueduct_floods_command(
    sources: tuple[Path, ...],
    out_dir: Path,
    scenario_map: str,
    models: tuple[str, ...],
    subsidence: str,
    quantiles: str,
) -> None:
    """Import WRI Aqueduct Floods v2 GeoTIFFs (files or folders) into contract netCDFs.

    File names must follow WRI's scheme, e.g. inunriver_rcp8p5_00000NorESM1-M_2050_rp00100.tif
    and inuncoast_rcp8p5_wtsub_2050_rp0100_0.tif. Data: CC BY 4.0, World Resources Institute.
    """
    from climrisk.hazard.importers.aqueduct import import_aqueduct_floods, parse_scenario_map

    try:
        qs = tuple(float(q) for q in quantiles.split(",") if q.strip())
    except ValueError:
        raise InputError("--quantiles", f"{quantiles!r} is not a list of numbers") from None
    if not qs or any(not 0 <= q <= 1 for q in qs) or list(qs) != sorted(set(qs)):
        raise InputError("--quantiles", "give ascending quantiles within [0, 1]")
    import_aqueduct_floods(
        list(sources),
        out_dir,
        scenario_map=parse_scenario_map(scenario_map),
        models=list(models) or None,
        subsidence=subsidence,
        quantiles=qs,
        echo=lambda line: click.echo(line, err=line.startswith("note:")),
    )
    sys.stdout.flush()
