"""Settings of the web app: data folder, server-side inputs, limits and the shared token."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

__all__ = ["DEFAULT_MAX_ROWS", "DEFAULT_MAX_UPLOAD_BYTES", "WebSettings"]

DEFAULT_MAX_UPLOAD_BYTES = 50 * 1024 * 1024
DEFAULT_MAX_ROWS = 1_000_000


@dataclass(frozen=True)
class WebSettings:
    """Everything the web app needs to know about its server.

    Parameters
    ----------
    data_dir
        Folder for the SQLite database, uploads and one folder per job (created if missing).
    hazards
        Server-side hazard folder (default: the run file's, else the embedded reference pack).
        Clients never give a path.
    config
        Server-side TOML run file whose values are the defaults of every job.
    token
        Shared token; when set, every page and API call needs it.
    max_upload_bytes
        Largest accepted upload [bytes], enforced while the upload streams in.
    max_rows
        Most data rows accepted in one asset file.
    workers
        Assessments run at the same time, each in its own process.
    executor
        ``"process"`` (a worker process per job, the default) or ``"thread"`` (a worker thread,
        for tests).
    host
        Address or name the server is bound to; a name here is an allowed ``Host``.
    allowed_hosts
        Further host names requests may be addressed to (``Host`` header). IP literals and
        ``localhost`` always pass; any other name is refused with 400 (DNS-rebinding guard).
    """

    data_dir: Path
    hazards: Path | None = None
    config: Path | None = None
    token: str | None = None
    max_upload_bytes: int = DEFAULT_MAX_UPLOAD_BYTES
    max_rows: int = DEFAULT_MAX_ROWS
    workers: int = 1
    executor: str = "process"
    host: str = "127.0.0.1"
    allowed_hosts: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.executor not in ("process", "thread"):
            raise ValueError("executor must be 'process' or 'thread'")
        if self.max_upload_bytes <= 0 or self.max_rows <= 0 or self.workers <= 0:
            raise ValueError("limits and workers must be positive")
        object.__setattr__(self, "data_dir", Path(self.data_dir))
        object.__setattr__(self, "allowed_hosts", tuple(self.allowed_hosts))

    def host_names(self) -> tuple[str, ...]:
        """Every host name (besides IP literals and localhost) requests may be addressed to."""
        return (self.host, *self.allowed_hosts)
