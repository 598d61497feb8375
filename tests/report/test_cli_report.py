"""``climrisk report RESULTS_DIR [--lang] [--out]`` through click's test runner."""

from __future__ import annotations

import shutil
from pathlib import Path

import pypdf
from click.testing import CliRunner

from climrisk.cli.report import report_command


def _copy(results_dir: Path, tmp_path: Path) -> Path:
    folder = tmp_path / "run"
    shutil.copytree(results_dir, folder)
    return folder


def test_writes_report_pdf_in_results_dir(results_dir: Path, tmp_path: Path) -> None:
    folder = _copy(results_dir, tmp_path)
    result = CliRunner().invoke(report_command, [str(folder)])
    assert result.exit_code == 0, result.output
    pdf = folder / "report.pdf"
    assert pdf.exists() and str(pdf) in result.output
    assert pdf.read_bytes().startswith(b"%PDF-")
    assert [p.name for p in folder.iterdir() if p.name.startswith(".")] == []  # no temp file
    assert "Executive summary" in pypdf.PdfReader(pdf).pages[2].extract_text()


def test_lang_and_out(results_dir: Path, rendered: dict[str, Path], tmp_path: Path) -> None:
    out = tmp_path / "board" / "bericht.pdf"
    result = CliRunner().invoke(report_command,
                                [str(results_dir), "--lang", "zh-Hant", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_bytes() == rendered["zh-Hant"].read_bytes()
    assert not (results_dir / "report.pdf").exists()


def test_bad_language_exit_2(results_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "x.pdf"
    result = CliRunner().invoke(report_command, [str(results_dir), "--lang", "fr",
                                                 "--out", str(out)])
    assert result.exit_code == 2
    assert "fr" in result.output
    assert not out.exists()


def test_missing_file_exit_2(results_dir: Path, tmp_path: Path) -> None:
    folder = _copy(results_dir, tmp_path)
    (folder / "physical_matrix.csv").unlink()
    result = CliRunner().invoke(report_command, [str(folder)])
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("error: physical_matrix.csv")
    assert not (folder / "report.pdf").exists()


def test_missing_folder_exit_2(tmp_path: Path) -> None:
    result = CliRunner().invoke(report_command, [str(tmp_path / "nowhere")])
    assert result.exit_code == 2
    assert "nowhere" in result.output
