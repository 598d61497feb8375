"""Uploads and jobs in an embedded SQLite database inside the data folder.

Every call opens its own short connection, so the web server's threads and the worker
processes can all use one :class:`JobStore` on the same file (WAL journal, busy timeout).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

__all__ = ["FINAL_STATES", "JOB_STATES", "Job", "JobStore", "Upload"]

JOB_STATES = ("queued", "running", "done", "failed")
FINAL_STATES = ("done", "failed")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS uploads (
    id TEXT PRIMARY KEY,
    created TEXT NOT NULL,
    filename TEXT NOT NULL,
    stored TEXT NOT NULL,
    size_bytes INTEGER NOT NULL,
    valid INTEGER NOT NULL,
    issue_count INTEGER NOT NULL,
    summary TEXT,
    options TEXT NOT NULL,
    run_file TEXT,
    run_file_name TEXT,
    run_file_issues TEXT
);
CREATE TABLE IF NOT EXISTS jobs (
    id TEXT PRIMARY KEY,
    upload_id TEXT NOT NULL,
    filename TEXT NOT NULL,
    created TEXT NOT NULL,
    updated TEXT NOT NULL,
    status TEXT NOT NULL,
    stage TEXT NOT NULL,
    percent INTEGER NOT NULL,
    message TEXT,
    settings TEXT NOT NULL,
    outputs TEXT,
    summary TEXT
);
CREATE INDEX IF NOT EXISTS jobs_created ON jobs (created);
"""


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _dumps(value: Any) -> str | None:
    return None if value is None else json.dumps(value, default=str, ensure_ascii=False)


def _loads(value: str | None) -> Any:
    return None if value is None else json.loads(value)


@dataclass(frozen=True)
class Upload:
    """One uploaded asset file and its validation outcome."""

    id: str
    created: str
    filename: str
    stored: str
    size_bytes: int
    valid: bool
    issue_count: int
    summary: dict[str, Any] | None
    options: dict[str, Any]
    run_file: str | None
    run_file_name: str | None
    run_file_issues: list[dict[str, Any]] | None


@dataclass(frozen=True)
class Job:
    """One assessment job: its state, progress and, when done, its outputs and key numbers."""

    id: str
    upload_id: str
    filename: str
    created: str
    updated: str
    status: str
    stage: str
    percent: int
    message: str | None
    settings: dict[str, Any]
    outputs: list[str] | None
    summary: dict[str, Any] | None

    @property
    def final(self) -> bool:
        """Whether the job has finished, successfully or not."""
        return self.status in FINAL_STATES


class JobStore:
    """The app's SQLite database (``climrisk.sqlite3`` in the data folder)."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = Path(data_dir)
        self.path = self.data_dir / "climrisk.sqlite3"

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        connection = sqlite3.connect(self.path, timeout=30)
        connection.row_factory = sqlite3.Row
        try:
            with connection:
                yield connection
        finally:
            connection.close()

    def initialise(self) -> None:
        """Create the folder and the tables when missing."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        with self._connect() as db:
            db.execute("PRAGMA journal_mode=WAL")
            db.executescript(_SCHEMA)

    # uploads ---------------------------------------------------------------------------------

    def add_upload(self, upload: Upload) -> None:
        """Record an upload."""
        with self._connect() as db:
            db.execute(
                "INSERT INTO uploads VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                (
                    upload.id, upload.created, upload.filename, upload.stored, upload.size_bytes,
                    int(upload.valid), upload.issue_count, _dumps(upload.summary),
                    _dumps(upload.options), upload.run_file, upload.run_file_name,
                    _dumps(upload.run_file_issues),
                ),
            )

    def get_upload(self, upload_id: str) -> Upload | None:
        """The upload with this id, or ``None``."""
        with self._connect() as db:
            row = db.execute("SELECT * FROM uploads WHERE id = ?", (upload_id,)).fetchone()
        if row is None:
            return None
        return Upload(
            id=row["id"], created=row["created"], filename=row["filename"], stored=row["stored"],
            size_bytes=row["size_bytes"], valid=bool(row["valid"]),
            issue_count=row["issue_count"], summary=_loads(row["summary"]),
            options=_loads(row["options"]) or {}, run_file=row["run_file"],
            run_file_name=row["run_file_name"], run_file_issues=_loads(row["run_file_issues"]),
        )

    # jobs ------------------------------------------------------------------------------------

    def add_job(self, job_id: str, upload: Upload, settings: dict[str, Any]) -> Job:
        """Record a new job in state ``queued``."""
        now = _now()
        with self._connect() as db:
            db.execute(
                "INSERT INTO jobs (id, upload_id, filename, created, updated, status, stage, "
                "percent, settings) VALUES (?,?,?,?,?,?,?,?,?)",
                (job_id, upload.id, upload.filename, now, now, "queued", "queued", 0,
                 _dumps(settings)),
            )
        job = self.get_job(job_id)
        assert job is not None  # noqa: S101 (just inserted)
        return job

    def get_job(self, job_id: str) -> Job | None:
        """The job with this id, or ``None``."""
        with self._connect() as db:
            row = db.execute("SELECT * FROM jobs WHERE id = ?", (job_id,)).fetchone()
        return None if row is None else _job(row)

    def list_jobs(self, limit: int = 200) -> list[Job]:
        """The most recent jobs first."""
        with self._connect() as db:
            rows = db.execute(
                "SELECT * FROM jobs ORDER BY created DESC, rowid DESC LIMIT ?", (limit,)
            ).fetchall()
        return [_job(row) for row in rows]

    def set_progress(self, job_id: str, stage: str, percent: int) -> None:
        """Mark a job running at ``stage``; the percentage never goes down."""
        with self._connect() as db:
            db.execute(
                "UPDATE jobs SET status = 'running', stage = ?, percent = MAX(percent, ?), "
                "updated = ? WHERE id = ? AND status IN ('queued', 'running')",
                (stage, int(percent), _now(), job_id),
            )

    def finish(
        self, job_id: str, outputs: list[str], summary: dict[str, Any], message: str | None = None
    ) -> None:
        """Mark a job done with the files it wrote and its key numbers."""
        with self._connect() as db:
            db.execute(
                "UPDATE jobs SET status = 'done', stage = 'done', percent = 100, outputs = ?, "
                "summary = ?, message = ?, updated = ? WHERE id = ?",
                (_dumps(outputs), _dumps(summary), message, _now(), job_id),
            )

    def fail(self, job_id: str, reason: str, *, only_unfinished: bool = False) -> None:
        """Mark a job failed with a reason a person can read."""
        where = "id = ?" + (" AND status IN ('queued', 'running')" if only_unfinished else "")
        with self._connect() as db:
            db.execute(
                f"UPDATE jobs SET status = 'failed', message = ?, updated = ? WHERE {where}",  # noqa: S608 (fixed text)
                (reason, _now(), job_id),
            )

    def fail_interrupted(self) -> int:
        """Mark jobs left queued or running by a server that stopped as failed; return how many."""
        now = _now()
        with self._connect() as db:
            running = db.execute(
                "UPDATE jobs SET status = 'failed', updated = ?, message = "
                "'the server stopped while this job was running; run it again' "
                "WHERE status = 'running'",
                (now,),
            ).rowcount
            queued = db.execute(
                "UPDATE jobs SET status = 'failed', updated = ?, message = "
                "'the server stopped before this job started; run it again' "
                "WHERE status = 'queued'",
                (now,),
            ).rowcount
        return running + queued


def _job(row: sqlite3.Row) -> Job:
    return Job(
        id=row["id"], upload_id=row["upload_id"], filename=row["filename"],
        created=row["created"], updated=row["updated"], status=row["status"],
        stage=row["stage"], percent=int(row["percent"]), message=row["message"],
        settings=_loads(row["settings"]) or {}, outputs=_loads(row["outputs"]),
        summary=_loads(row["summary"]),
    )
