"""``climrisk diff OLD_RESULTS NEW_RESULTS``: what changed between two runs."""

from __future__ import annotations

import sys
from pathlib import Path

import click

__all__ = ["diff_command"]


@click.command("diff")
@click.argument("old_results", type=click.Path(path_type=Path, file_okay=False))
@click.argument("new_results", type=click.Path(path_type=Path, file_okay=False))
@click.option(
    "--out",
    type=click.Path(path_type=Path, dir_okay=False),
    default=Path("diff.csv"),
    show_default=True,
    help="CSV file of every change.",
)
@click.option("--show", default=20, show_default=True, help="Changes listed on screen per kind.")
def diff_command(old_results: Path, new_results: Path, out: Path, show: int) -> None:
    """Compare two results folders and list what changed.

    Assets added or removed, scores up or down, and matrix cells that became material or
    stopped being material. Every change is written to --out as CSV.
    """
    from rich.console import Console
    from rich.table import Table

    from climrisk.compare import diff_runs
    from climrisk.report.tables import write_csv_fast

    changes = diff_runs(old_results, new_results)
    console = Console(highlight=False, width=None if sys.stdout.isatty() else 140)
    counts = changes["change"].value_counts()
    summary = Table(title=f"{old_results} -> {new_results}", title_justify="left")
    summary.add_column("change")
    summary.add_column("count", justify="right")
    for change, count in counts.items():
        summary.add_row(str(change), str(count))
    console.print(summary if len(counts) else "no changes")
    for change in ("became_material", "no_longer_material", "score_up", "score_down"):
        subset = changes[changes["change"] == change].head(show)
        if subset.empty:
            continue
        table = Table(title=change, title_justify="left")
        shown = [c for c in subset.columns if subset[c].notna().any() and c != "change"]
        for column in shown:
            table.add_column(column)
        for row in subset[shown].itertuples(index=False):
            table.add_row(*("" if pd_isna(v) else str(v) for v in row))
        console.print(table)
    _write_atomically(changes, out, write_csv_fast)
    console.print(f"wrote {len(changes)} changes to {out}")


def _write_atomically(changes, out: Path, write) -> None:
    """Write the CSV beside ``out``, then rename: a full disk leaves no empty or partial file."""
    import contextlib
    import os

    out = Path(out)
    if out.is_dir():
        from climrisk.errors import InputError

        raise InputError(out, "is a folder; --out names the CSV file to write", column="--out",
                         kind="option")
    temporary = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    try:
        write(changes, temporary)
        os.replace(temporary, out)
    except BaseException:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise


def pd_isna(value: object) -> bool:
    """True for None, NaN and <NA>."""
    import pandas as pd

    return bool(pd.isna(value))
