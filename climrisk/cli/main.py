"""Entry point of the ``climrisk`` command: command groups, exceptions to exit statuses.

Exit status: 0 success; 2 the input is invalid (nothing written); 1 anything else. Errors are
printed to stderr one line each; no traceback for anything a user can cause.
"""

from __future__ import annotations

import sys
import traceback

import click

from climrisk import __version__
from climrisk.cli.adapt import adapt_command
from climrisk.cli.assess import assess_command
from climrisk.cli.diff import diff_command
from climrisk.cli.hazards import hazards_group
from climrisk.cli.init import init_command
from climrisk.cli.report import report_command
from climrisk.cli.serve import serve_command
from climrisk.cli.validate import validate_command
from climrisk.errors import ClimriskError, InputError

__all__ = ["cli", "main"]

_MAX_LISTED_ISSUES = 50


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", "-V", prog_name="climrisk")
def cli() -> None:
    """Climate risk scenario assessment for a company's own sites.

    Physical hazards under SSP1-2.6 and SSP3-7.0, transition risks and opportunities on IEA STEPS
    and NZE pathways, and IFRS S2 / TCFD style risk matrices and reports.
    """


cli.add_command(validate_command)
cli.add_command(adapt_command)
cli.add_command(assess_command)
cli.add_command(hazards_group)
cli.add_command(diff_command)
cli.add_command(init_command)
cli.add_command(report_command)
cli.add_command(serve_command)


def report_input_error(error: InputError) -> None:
    """Print every issue of an input error on stderr, one line each, capped with a count."""
    issues = error.issues
    for issue in issues[:_MAX_LISTED_ISSUES]:
        click.echo(str(issue), err=True)
    if len(issues) > _MAX_LISTED_ISSUES:
        click.echo(
            f"error: ... and {len(issues) - _MAX_LISTED_ISSUES} more problems "
            f"({len(issues)} in all)",
            err=True,
        )


def main(argv: list[str] | None = None) -> None:
    """Run the command line and exit with the contract's status."""
    try:
        status = cli.main(args=argv, prog_name="climrisk", standalone_mode=False)
        if isinstance(status, int) and status != 0:  # click returns Exit codes in this mode
            sys.exit(status)
    except click.exceptions.Exit as exit_:
        sys.exit(exit_.exit_code)
    except click.exceptions.Abort:
        click.echo("error: aborted", err=True)
        sys.exit(1)
    except click.ClickException as exc:  # usage errors: bad option, missing argument
        click.echo(f"error: {exc.format_message()}", err=True)
        sys.exit(2)
    except InputError as exc:
        report_input_error(exc)
        sys.exit(2)
    except ClimriskError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(exc.exit_status)
    except KeyboardInterrupt:
        click.echo("error: interrupted", err=True)
        sys.exit(1)
    except Exception as exc:  # a bug: keep one line, the detail only when asked
        click.echo(f"error: internal error: {type(exc).__name__}: {exc}", err=True)
        if "CLIMRISK_DEBUG" in __import__("os").environ:
            traceback.print_exc()
        sys.exit(1)
    sys.exit(0)
