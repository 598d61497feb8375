"""Request and response shapes of the JSON API (they make the OpenAPI document)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

__all__ = ["FileOut", "IssueOut", "JobIn", "JobOut", "UploadOut"]


class IssueOut(BaseModel):
    """One problem in an uploaded file (rows are 1-based data rows, header excluded)."""

    row: int | None = None
    column: str | None = None
    value: str | None = None
    message: str


class UploadOut(BaseModel):
    """An uploaded asset file and its validation."""

    upload_id: str
    filename: str
    size_bytes: int
    created: str
    valid: bool = Field(description="True when the asset file and the run file have no problem")
    issue_count: int = Field(description="Problems in the asset file (all of them)")
    issues: list[IssueOut] = Field(description="The problems, capped at 1,000 (see issues_csv)")
    issues_truncated: bool
    summary: dict[str, Any] | None = Field(
        None, description="Assets by type and country, total value, defaults applied"
    )
    run_file: str | None = None
    run_file_issues: list[IssueOut] = []
    options: dict[str, Any] = {}
    links: dict[str, str] = {}


class JobIn(BaseModel):
    """Start an assessment of a valid upload; omitted options keep the run file's or defaults."""

    upload_id: str
    scenarios: list[str] | None = Field(None, examples=[["ssp126", "ssp370"]])
    pathway_scenarios: list[str] | None = Field(None, examples=[["steps", "nze"]])
    horizons: dict[str, int] | None = Field(
        None, examples=[{"short": 2027, "mid": 2031, "long": 2050}]
    )
    lang: str | None = Field(None, examples=["en"])
    pdf: bool | None = None


class FileOut(BaseModel):
    """A file of a finished job."""

    name: str
    size_bytes: int
    url: str


class JobOut(BaseModel):
    """An assessment job: queued, running (stage and percent), done or failed (message)."""

    job_id: str
    upload_id: str
    filename: str
    status: str = Field(description="queued, running, done or failed")
    stage: str
    percent: int
    message: str | None = Field(None, description="Failure reason, or notes on a finished job")
    created: str
    updated: str
    settings: dict[str, Any]
    summary: dict[str, Any] | None = None
    files: list[FileOut] = []
    links: dict[str, str] = {}
