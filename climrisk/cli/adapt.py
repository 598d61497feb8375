"""``climrisk adapt RESULTS_DIR``: benefit-cost of adaptation measures, re-run by the engine."""

from __future__ import annotations

from pathlib import Path

import click

__all__ = ["adapt_command"]


@click.command("adapt")
@click.argument("results_dir", type=click.Path(path_type=Path, file_okay=False, exists=True))
@click.option("--config", "config_path", type=click.Path(path_type=Path, dir_okay=False),
              help="Run file whose [adaptation] table to use (default: the run's own).")
@click.option("--top", type=click.IntRange(min=0),
              help="Assess the catalogue's measures for this many top-risk sites.")
@click.option("--discount-rate", type=click.FloatRange(0, 1, max_open=True),
              help="Real discount rate (default 0.035, UK Green Book).")
@click.option("--no-pdf", is_flag=True, help="Do not render report.pdf again.")
def adapt_command(results_dir: Path, config_path: Path | None, top: int | None,
                  discount_rate: float | None, no_pdf: bool) -> None:
    """Assess adaptation measures for a saved run and write RESULTS_DIR/adaptation.csv.

    Each measure (raise flood protection, dry or wet flood-proofing, elevate critical
    equipment, cyclone hardening, closed-loop cooling) changes the asset attributes the models
    read, and the engine is run again on the assets concerned. The benefit is the avoided annual
    loss (damage, interruption and operating cost), interpolated between the horizons and
    discounted; the benefit-cost ratio sets it against capex plus discounted opex. Without
    [[adaptation.measures]] every fitting measure is assessed for the top-risk sites. The
    report is then rendered again with its recommendation pages.
    """
    from climrisk.adaptation.folder import adapt_folder
    from climrisk.config import config_from_manifest, load_config

    manifest = config_from_manifest(results_dir / "manifest.json") if (
        results_dir / "manifest.json").is_file() else None
    settings = dict(load_config(config_path).adaptation) if config_path else (
        dict(manifest.adaptation) if manifest is not None else {})
    if top is not None:
        settings["top_sites"] = top
    if discount_rate is not None:
        settings["discount_rate"] = discount_rate
    frame = adapt_folder(results_dir, adaptation=settings, config=manifest)
    click.echo(f"wrote {results_dir / 'adaptation.csv'} ({len(frame)} rows, "
               f"{frame['asset_id'].nunique() if len(frame) else 0} assets)")
    if not no_pdf and (results_dir / "report.pdf").is_file():
        from climrisk.cli.report import _run_language
        from climrisk.report.pdf import render_pdf

        click.echo(f"wrote {render_pdf(results_dir, lang=_run_language(results_dir))}")
