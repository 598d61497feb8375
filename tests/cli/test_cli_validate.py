"""The command line: exit statuses, one-line errors on stderr, no traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "climrisk", *args],
        capture_output=True,
        text=True,
        cwd=cwd or REPO,
        check=False,
    )


def test_help_and_version():
    result = run("--help")
    assert result.returncode == 0
    for command in ("validate", "hazards"):
        assert command in result.stdout
    version = run("--version")
    assert version.returncode == 0
    assert "climrisk" in version.stdout


def test_validate_sample_portfolio_prints_summary():
    result = run("validate", "assets/sample_portfolio.csv")
    assert result.returncode == 0, result.stderr
    assert "assets valid" in result.stdout
    assert "data_center" in result.stdout
    assert "Assets by country" in result.stdout


def test_validate_bad_file_exit_2_exact_line(tmp_path):
    bad = tmp_path / "assets.csv"
    rows = "\n".join(f"A{i},office,10,20" for i in range(1, 7))
    bad.write_text("asset_id,asset_type,latitude,longitude\n" + rows + "\nA7,office,123.4,120\n")
    result = run("validate", str(bad), cwd=tmp_path)
    assert result.returncode == 2
    assert (
        result.stderr == "error: assets.csv, row 7, column latitude: 123.4 is outside [-90, 90]\n"
    )
    assert result.stdout == ""
    assert sorted(p.name for p in tmp_path.iterdir()) == ["assets.csv"]


def test_many_problems_listing_is_capped_with_count(tmp_path):
    bad = tmp_path / "many.csv"
    rows = "\n".join(f"A{i},office,{100 + i},20" for i in range(1, 81))
    bad.write_text("asset_id,asset_type,latitude,longitude\n" + rows + "\n")
    result = run("validate", str(bad))
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 51
    assert lines[-1] == "error: ... and 30 more problems (80 in all)"
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    "content",
    [b"", b"\x00\x01\x02binary", b"asset_id,asset_type\n", "名稱\n值\n".encode("gb18030")],
)
def test_unreadable_inputs_exit_2_without_traceback(tmp_path, content):
    path = tmp_path / "x.csv"
    path.write_bytes(content)
    result = run("validate", str(path))
    assert result.returncode == 2
    assert result.stderr.startswith("error: x.csv")
    assert "Traceback" not in result.stderr


def test_missing_file_and_bad_option():
    missing = run("validate", "does-not-exist.csv")
    assert missing.returncode == 2
    assert missing.stderr == "error: does-not-exist.csv: file not found\n"
    bad_option = run("validate", "--nope", "x.csv")
    assert bad_option.returncode == 2
    assert bad_option.stderr.startswith("error: ")
