"""``climrisk serve``: the web page and JSON API for uploads, jobs and downloads."""

from __future__ import annotations

import ipaddress
import logging
from pathlib import Path

import click

from climrisk.errors import ClimriskError

__all__ = ["serve_command"]


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on (localhost only by default).")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535),
              help="Port to listen on.")
@click.option("--data-dir", type=click.Path(path_type=Path, file_okay=False),
              default=Path("climrisk-data"), show_default=True,
              help="Folder for the job database, uploads and job results.")
@click.option("--hazards", type=click.Path(path_type=Path, file_okay=False, exists=True),
              help="Hazard folder for every job (default: the run file's, else the embedded "
                   "reference pack).")
@click.option("--config", "config_path",
              type=click.Path(path_type=Path, dir_okay=False, exists=True),
              help="Server run file (TOML): the defaults of every job.")
@click.option("--token", envvar="CLIMRISK_TOKEN", show_envvar=True,
              help="Shared token protecting every page and API call.")
@click.option("--allowed-host", "allowed_hosts", multiple=True, metavar="NAME",
              help="A further host name browsers may use to reach the server (repeatable); "
                   "requests to any other name get 400. IP addresses and localhost always "
                   "work.")
@click.option("--max-upload-mb", default=50.0, show_default=True, type=click.FloatRange(min=0.001),
              help="Largest upload accepted [MB].")
@click.option("--max-rows", default=1_000_000, show_default=True, type=click.IntRange(min=1),
              help="Most asset rows accepted in one file.")
@click.option("--workers", default=1, show_default=True, type=click.IntRange(min=1),
              help="Assessments run at the same time (one process each).")
def serve_command(
    host: str,
    port: int,
    data_dir: Path,
    hazards: Path | None,
    config_path: Path | None,
    token: str | None,
    allowed_hosts: tuple[str, ...],
    max_upload_mb: float,
    max_rows: int,
    workers: int,
) -> None:
    """Start the web app: upload an asset file, see its problems, assess it, download results.

    Open http://HOST:PORT/ in a browser; the JSON API is described at /docs and /openapi.json.
    Jobs and their results are kept in --data-dir across restarts.
    """
    try:
        import uvicorn

        from climrisk.web import WebSettings, create_app
    except ModuleNotFoundError as exc:  # the web extra is not installed
        if (exc.name or "").split(".")[0] == "climrisk":
            raise
        raise ClimriskError(
            f"climrisk serve needs the web extra ({exc.name} is missing): "
            "pip install 'climrisk[web]'"
        ) from None

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: "
                        "%(message)s")
    if not _is_loopback(host) and not token:
        click.echo(
            f"warning: listening on {host} without a token; anyone who can reach this address "
            "can upload and run jobs (set --token or CLIMRISK_TOKEN)",
            err=True,
        )
    settings = WebSettings(
        data_dir=data_dir.resolve(),
        hazards=hazards.resolve() if hazards else None,
        config=config_path.resolve() if config_path else None,
        token=token or None,
        max_upload_bytes=int(max_upload_mb * 1024 * 1024),
        max_rows=max_rows,
        workers=workers,
        host=host,
        allowed_hosts=allowed_hosts,
    )
    app = create_app(settings)
    click.echo(f"climrisk web on http://{host}:{port}/ (data in {settings.data_dir})", err=True)
    uvicorn.run(app, host=host, port=port, log_level="info", proxy_headers=False,
                server_header=False)
