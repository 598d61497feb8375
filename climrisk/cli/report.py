"""``climrisk report RESULTS_DIR``: render the board-committee PDF again from saved results."""

from __future__ import annotations

import json
from pathlib import Path

import click

from climrisk.errors import InputError

__all__ = ["report_command"]

_LANGUAGES = ("en", "zh-Hant", "zh-Hans")


def _run_language(results_dir: Path) -> str:
    """The language the run was configured with (``manifest.json``), else English."""
    try:
        manifest = json.loads((results_dir / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return "en"
    lang = (manifest.get("configuration") or {}).get("lang") if isinstance(manifest, dict) else None
    return lang if lang in _LANGUAGES else "en"


@click.command("report")
@click.argument("results_dir", type=click.Path(path_type=Path, file_okay=False))
@click.option(
    "--lang",
    type=click.Choice(_LANGUAGES),
    help="Report language (default: the run's language, else en).",
)
@click.option(
    "--out",
    type=click.Path(path_type=Path, dir_okay=False),
    help="PDF to write (default RESULTS_DIR/report.pdf).",
)
def report_command(results_dir: Path, lang: str | None, out: Path | None) -> None:
    """Render the board-committee PDF report from a saved results folder.

    RESULTS_DIR is the output folder of `climrisk assess` (asset_results.parquet,
    physical_matrix.csv, transition_matrix.csv, manifest.json). The PDF is written to a
    temporary file beside the target and renamed, so a failed render leaves nothing behind.
    """
    from climrisk.report.pdf import render_pdf

    try:
        written = render_pdf(results_dir, lang=lang or _run_language(results_dir), out=out)
    except InputError as exc:
        for issue in exc.issues:
            click.echo(str(issue), err=True)
        raise click.exceptions.Exit(2) from None
    click.echo(f"wrote {written}")
