"""``python -m climrisk.web``: the same as ``climrisk serve``."""

import sys

import click

from climrisk.cli.serve import serve_command
from climrisk.errors import ClimriskError


def _main() -> None:
    try:
        serve_command.main(prog_name="python -m climrisk.web", standalone_mode=False)
    except click.exceptions.Exit as exit_:
        sys.exit(exit_.exit_code)
    except click.ClickException as exc:
        click.echo(f"error: {exc.format_message()}", err=True)
        sys.exit(2)
    except ClimriskError as exc:
        click.echo(str(exc) if str(exc).startswith("error:") else f"error: {exc}", err=True)
        sys.exit(exc.exit_status)


if __name__ == "__main__":
    _main()
