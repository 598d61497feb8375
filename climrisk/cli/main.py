"""Entry point of the ``climrisk`` command: command groups, exceptions to exit statuses.

Exit status: 0 success; 2 the input is invalid (nothing written); 1 anything else. Errors are
printed to stderr one line each; no traceback for anything a user can cause.
"""

from __future__ import annotations

import errno
import os
import signal
import sys
import traceback
import warnings

import click

from climrisk.cli.assess import assess_command
from climrisk.cli.diff import diff_command
from climrisk.cli.hazards import hazards_group
from climrisk.cli.init import init_command
from climrisk.cli.report import report_command
from climrisk.cli.serve import serve_command
from climrisk.cli.text import one_line
from climrisk.cli.validate import validate_command
from climrisk.errors import ClimriskError, InputError

__all__ = ["cli", "main"]

_MAX_LISTED_ISSUES = 50
_FILE_ERRORS = {errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM,
                errno.ENOENT, errno.ENOTDIR, errno.EISDIR, errno.EEXIST, errno.ENAMETOOLONG}
def _echo(text: str) -> None:
    click.echo(one_line(text), err=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(None, "--version", "-V", package_name="climrisk", prog_name="climrisk")
def cli() -> None:
    """Climate risk scenario assessment for a company's own sites.

    Physical hazards under SSP1-2.6 and SSP3-7.0, transition risks and opportunities on IEA STEPS
    and NZE pathways, and IFRS S2 / TCFD style risk matrices and reports.
    """


cli.add_command(validate_command)
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
        _echo(str(issue))
    if len(issues) > _MAX_LISTED_ISSUES:
        _echo(
            f"error: ... and {len(issues) - _MAX_LISTED_ISSUES} more problems "
            f"({len(issues)} in all)"
        )


def _terminate(signum: int, frame: object) -> None:
    """SIGTERM as Ctrl-C: unwind, so staging folders and temporary files are removed."""
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> None:
    """Run the command line and exit with the contract's status."""
    debug = "CLIMRISK_DEBUG" in os.environ
    if not debug:  # library warnings are not the user's business; problems are reported by us
        warnings.simplefilter("ignore")
    try:
        signal.signal(signal.SIGTERM, _terminate)
    except ValueError:  # not the main thread (embedded use)
        pass
    try:
        status = cli.main(args=argv, prog_name="climrisk", standalone_mode=False)
        if isinstance(status, int) and status != 0:  # click returns Exit codes in this mode
            sys.exit(status)
    except click.exceptions.Exit as exit_:
        sys.exit(exit_.exit_code)
    except click.exceptions.Abort:
        _echo("error: interrupted")
        sys.exit(1)
    except click.ClickException as exc:  # usage errors: bad option, missing argument
        _echo(f"error: {exc.format_message()}")
        sys.exit(2)
    except InputError as exc:
        report_input_error(exc)
        sys.exit(2)
    except ClimriskError as exc:
        _echo(f"error: {exc}")
        sys.exit(exc.exit_status)
    except KeyboardInterrupt:
        _echo("error: interrupted")
        sys.exit(1)
    except OSError as exc:  # a file or folder the user named: full disk, read-only, no access
        if exc.errno not in _FILE_ERRORS:
            _internal(exc, debug)
        if debug:
            traceback.print_exc()
        where = exc.filename or "output"
        _echo(f"error: {where}: {exc.strerror or exc}")
        sys.exit(2)
    except Exception as exc:  # a bug: keep one line, the detail only when asked
        _internal(exc, debug)
    sys.exit(0)


def _internal(exc: BaseException, debug: bool) -> None:
    _echo(f"error: internal error: {type(exc).__name__}: {exc}")
    if debug:
        traceback.print_exc()
    sys.exit(1)
