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


def _parse_quantiles(quantiles: str) -> tuple[float, ...]:
    try:
        qs = tuple(float(q) for q in quantiles.split(",") if q.strip())
    except ValueError:
        raise InputError("--quantiles", f"{quantiles!r} is not a list of numbers") from None
    if not qs or any(not 0 <= q <= 1 for q in qs) or list(qs) != sorted(set(qs)):
        raise InputError("--quantiles", "give ascending quantiles within [0, 1]")
    return qs


def _echo_line(line: str) -> None:
    click.echo(line, err=line.startswith("note:"))


def _parse_epochs(text: str | None) -> dict[str, tuple[int, int]] | None:
    if not text:
        return None
    epochs: dict[str, tuple[int, int]] = {}
    for part in text.split(","):
        label, sep, span = part.partition("=")
        first, dash, last = span.partition("-")
        if not sep or not dash or not first.strip().isdigit() or not last.strip().isdigit():
            raise InputError("--epochs", f"{part!r} is not of the form LABEL=YYYY-YYYY")
        epochs[label.strip()] = (int(first), int(last))
    return epochs


@import_group.command("cmip6-daily")
@click.argument("sources", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--out", "out_dir", required=True, type=click.Path(path_type=Path),
              help="Folder for the heat, cold and drought layer files.")
@click.option("--scenario", "scenarios", multiple=True,
              help="SSP experiment to use (repeatable, e.g. --scenario ssp126); default all.")
@click.option("--model", "models", multiple=True,
              help="Model to use (repeatable, name as in the file names); default all given.")
@click.option("--indicator", "indicators", multiple=True,
              help="Indicator id (repeatable, e.g. days_above_35c); default all available.")
@click.option("--quantiles", default="0.1,0.5,0.9", show_default=True,
              help="Quantiles across models when several models are given.")
@click.option("--epochs", default=None,
              help="Non-contract epoch periods, e.g. baseline=1985-2014,2030=2015-2044,"
                   "2050=2035-2064 (the default).")
@click.option("--regrid", type=click.Choice(["nearest", "bilinear"]), default=None,
              help="Interpolate models on other grids onto the first model's grid "
                   "(default: mixed grids are an error).")
def cmip6_daily_command(sources: tuple[Path, ...], out_dir: Path, scenarios: tuple[str, ...],
                        models: tuple[str, ...], indicators: tuple[str, ...], quantiles: str,
                        epochs: str | None, regrid: str | None) -> None:
    """Import daily tasmax/tasmin/pr netCDFs (NEX-GDDP-CMIP6, ISIMIP3b, CMIP6) with xclim.

    Writes days above 35 degC, cooling/heating degree days (base 18 degC), days below -10 degC,
    consecutive dry days, frost days, ice days and the maximum 5-day precipitation (Rx5day),
    averaged over each epoch, quantiles across models. Names like
    tasmax_day_ACCESS-CM2_ssp370_r1i1p1f1_gn_2050.nc or
    gfdl-esm4_r1i1p1f1_w5e5_ssp370_pr_global_daily_2041_2050.nc.
    """
    from climrisk.hazard.importers.cmip6_daily import import_cmip6_daily

    import_cmip6_daily(list(sources), out_dir, scenarios=list(scenarios) or None,
                       models=list(models) or None, indicators=list(indicators) or None,
                       quantiles=_parse_quantiles(quantiles), epochs=_parse_epochs(epochs),
                       regrid=regrid, echo=_echo_line)
    sys.stdout.flush()


@import_group.command("aqueduct-water")
@click.argument("sources", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--out", "out_dir", required=True, type=click.Path(path_type=Path),
              help="Folder for water_stress__water_stress_ratio.nc.")
@click.option("--basins", type=click.Path(path_type=Path), default=None,
              help="HydroBASINS level-6 polygons with pfaf_id (GeoPackage or shapefile).")
@click.option("--resolution", type=float, default=0.25, show_default=True,
              help="Output grid spacing [degrees].")
@click.option("--scenario-map", default="opt=ssp126,bau=ssp370,pes=ssp585", show_default=True,
              help="Aqueduct 4.0 scenario -> SSP mapping.")
def aqueduct_water_command(sources: tuple[Path, ...], out_dir: Path, basins: Path | None,
                           resolution: float, scenario_map: str) -> None:
    """Import WRI Aqueduct 4.0 water stress (baseline + future CSV) onto a grid.

    SOURCES are Aqueduct40_baseline_annual_y2023m07d05.csv and
    Aqueduct40_future_annual_y2023m07d05.csv (or their folder). Data: CC BY 4.0, WRI.
    """
    from climrisk.hazard.importers._common import parse_mapping
    from climrisk.hazard.importers.aqueduct_water import (
        DEFAULT_SCENARIO_MAP,
        import_aqueduct_water,
    )

    mapping = parse_mapping(scenario_map, DEFAULT_SCENARIO_MAP, "--scenario-map",
                            "opt|bau|pes=sspXYZ")
    import_aqueduct_water(list(sources), out_dir, basins=basins, resolution=resolution,
                          scenario_map=mapping, echo=_echo_line)
    sys.stdout.flush()


@import_group.command("storm")
@click.argument("sources", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--out", "out_dir", required=True, type=click.Path(path_type=Path),
              help="Folder for tropical_cyclone__max_wind_speed.nc.")
@click.option("--scenario", "scenarios", multiple=True,
              help="Scenario label(s) for STORM's SSP5-8.5 future (repeatable; default ssp370, "
                   "an approximation).")
@click.option("--model", "models", multiple=True,
              help="Future model to use (repeatable, e.g. --model EC-Earth3P-HR); default all.")
@click.option("--return-periods", default=None,
              help="Return periods to keep, e.g. 10,100,1000 (default the contract's 10, 20, "
                   "50, 100, 200, 500, 1000).")
@click.option("--quantiles", default="0.1,0.5,0.9", show_default=True,
              help="Quantiles across future models when several are given.")
def storm_command(sources: tuple[Path, ...], out_dir: Path, scenarios: tuple[str, ...],
                  models: tuple[str, ...], return_periods: str | None, quantiles: str) -> None:
    """Import STORM tropical-cyclone return-period GeoTIFFs (files or folders).

    Names like STORM_FIXED_RETURN_PERIODS_constant_100_YR_RP.tif (present) and
    STORM_FIXED_RETURN_PERIODS_EC-Earth3P-HR_100_YR_RP.tif (future). 10-minute winds become
    1-minute winds (/ 0.88, WMO/TD-No. 1555). Data: CC0, Bloemendaal et al.
    """
    from climrisk.hazard.importers.storm import import_storm

    rps = None
    if return_periods:
        try:
            rps = [float(r) for r in return_periods.split(",") if r.strip()]
        except ValueError:
            raise InputError("--return-periods",
                             f"{return_periods!r} is not a list of numbers") from None
    import_storm(list(sources), out_dir, scenarios=list(scenarios) or ("ssp370",),
                 models=list(models) or None, return_periods=rps,
                 quantiles=_parse_quantiles(quantiles), echo=_echo_line)
    sys.stdout.flush()


@import_group.command("fwi")
@click.argument("sources", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--out", "out_dir", required=True, type=click.Path(path_type=Path),
              help="Folder for wildfire__days_fwi_above_30.nc.")
@click.option("--scenario", "scenarios", multiple=True,
              help="SSP experiment to use (repeatable, e.g. --scenario ssp126); default all.")
@click.option("--model", "models", multiple=True,
              help="Model to use (repeatable, name as in the file names); default all given.")
@click.option("--threshold", type=float, default=30.0, show_default=True,
              help="Count days with FWI above this value (the contract indicator uses 30).")
@click.option("--quantiles", default="0.1,0.5,0.9", show_default=True,
              help="Quantiles across models when several models are given.")
@click.option("--epochs", default=None,
              help="Non-contract epoch periods, e.g. baseline=1985-2014,2030=2015-2044,"
                   "2050=2035-2064 (the default).")
def fwi_command(sources: tuple[Path, ...], out_dir: Path, scenarios: tuple[str, ...],
                models: tuple[str, ...], threshold: float, quantiles: str,
                epochs: str | None) -> None:
    """Import daily CMIP6 Fire Weather Index netCDFs (Quilcaille et al. 2023).

    Counts days per year with FWI > 30, averages each epoch, quantiles across models. Names
    like fwi_day_MPI-ESM1-2-HR_ssp370_r1i1p1f1_gn_20150101-20641231.nc or
    fwi_day_MPI-ESM1-2-HR_historical_r1i1p1f1_gn.nc. Data: CC BY 4.0, ETH Zurich.
    """
    from climrisk.hazard.importers.fwi import import_fwi

    import_fwi(list(sources), out_dir, scenarios=list(scenarios) or None,
               models=list(models) or None, threshold=threshold,
               quantiles=_parse_quantiles(quantiles), epochs=_parse_epochs(epochs),
               echo=_echo_line)
    sys.stdout.flush()


@import_group.command("cds-indices")
@click.argument("sources", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--out", "out_dir", required=True, type=click.Path(path_type=Path),
              help="Folder for the layer files (drought__consecutive_dry_days.nc).")
@click.option("--scenario", "scenarios", multiple=True,
              help="SSP experiment to use (repeatable, ssp126 or ssp1_2_6); default all.")
@click.option("--model", "models", multiple=True,
              help="Model to use (repeatable, CMIP6 source_id); default all given.")
@click.option("--quantiles", default="0.1,0.5,0.9", show_default=True,
              help="Quantiles across models when several models are given.")
@click.option("--epochs", default=None,
              help="Non-contract epoch periods, e.g. baseline=1985-2014,2030=2015-2044,"
                   "2050=2035-2064 (the default).")
def cds_indices_command(sources: tuple[Path, ...], out_dir: Path, scenarios: tuple[str, ...],
                        models: tuple[str, ...], quantiles: str, epochs: str | None) -> None:
    """Import Copernicus CDS sis-extreme-indices-cmip6 yearly ETCCDI netCDFs.

    cddETCCDI becomes drought__consecutive_dry_days (epoch means, quantiles across models);
    indices without a contract indicator are skipped. Names like
    cddETCCDI_yr_ACCESS-CM2_historical_r1i1p1f1_no-base_v20191108_1850-2014_v2-0.nc.
    Data: C3S, CC BY 4.0 (see the CDS dataset licence).
    """
    from climrisk.hazard.importers.cds_indices import import_cds_indices

    import_cds_indices(list(sources), out_dir, scenarios=list(scenarios) or None,
                       models=list(models) or None, quantiles=_parse_quantiles(quantiles),
                       epochs=_parse_epochs(epochs), echo=_echo_line)
    sys.stdout.flush()
