"""Fixtures for the web tests: a synthetic hazard pack, app factories, upload and wait helpers."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from climrisk.testing.synthetic import write_synthetic_pack
from climrisk.web import WebSettings, create_app

REPO = Path(__file__).resolve().parents[2]
SMALL = REPO / "assets" / "sample_portfolio_small.csv"
HEADER = "asset_id,asset_type,latitude,longitude"


@pytest.fixture(scope="session")
def pack(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A synthetic global hazard pack (2-degree cells; illustrative values)."""
    folder = tmp_path_factory.mktemp("pack")
    write_synthetic_pack(folder, resolution_deg=2.0)
    return folder


@pytest.fixture
def make_client(pack: Path, tmp_path: Path) -> Iterator[Callable[..., TestClient]]:
    """Build an app on a data folder (default: this test's) and return its test client."""
    clients: list[TestClient] = []

    def make(data_dir: Path | None = None, **settings: Any) -> TestClient:
        settings.setdefault("executor", "thread")
        settings.setdefault("hazards", pack)
        settings.setdefault("allowed_hosts", ("testserver",))
        app = create_app(WebSettings(data_dir=data_dir or tmp_path / "data", **settings))
        client = TestClient(app, raise_server_exceptions=False)
        client.__enter__()
        clients.append(client)
        return client

    yield make
    for client in reversed(clients):
        client.__exit__(None, None, None)


@pytest.fixture
def client(make_client: Callable[..., TestClient]) -> TestClient:
    """A test client with default limits, jobs in a worker thread."""
    return make_client()


def upload(
    client: TestClient,
    name: str,
    content: bytes,
    *,
    run_file: tuple[str, bytes] | None = None,
    url: str = "/api/uploads",
    data: dict[str, Any] | None = None,
    **kwargs: Any,
) -> Any:
    """POST a file (and optionally a run file) as multipart/form-data."""
    files: dict[str, tuple[str, bytes, str]] = {"file": (name, content, "application/octet-stream")}
    if run_file is not None:
        files["run_file"] = (run_file[0], run_file[1], "application/toml")
    return client.post(url, files=files, data=data or {}, **kwargs)


def wait_for(client: TestClient, job_id: str, timeout: float = 120.0, **kwargs: Any) -> dict:
    """Poll a job until it is done or failed; return its JSON."""
    deadline = time.monotonic() + timeout
    while True:
        job = client.get(f"/api/jobs/{job_id}", **kwargs).json()
        if job["status"] in ("done", "failed"):
            return job
        if time.monotonic() > deadline:
            raise AssertionError(f"job {job_id} still {job['status']} after {timeout} s: {job}")
        time.sleep(0.1)


def table_rows(html: str, table_id: str) -> list[list[str]]:
    """The cell texts of an HTML table, row by row (header row first)."""
    from html.parser import HTMLParser

    class _Parser(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.inside = 0
            self.rows: list[list[str]] = []
            self.cell: list[str] | None = None

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            if tag == "table" and ("id", table_id) in attrs:
                self.inside = 1
            elif self.inside and tag == "table":
                self.inside += 1
            elif self.inside and tag == "tr":
                self.rows.append([])
            elif self.inside and tag in ("td", "th"):
                self.cell = []

        def handle_endtag(self, tag: str) -> None:
            if self.inside and tag in ("td", "th") and self.cell is not None:
                self.rows[-1].append(" ".join("".join(self.cell).split()))
                self.cell = None
            elif self.inside and tag == "table":
                self.inside -= 1

        def handle_data(self, data: str) -> None:
            if self.inside and self.cell is not None:
                self.cell.append(data)

    parser = _Parser()
    parser.feed(html)
    return parser.rows
