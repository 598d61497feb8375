"""Units of the web app: formula neutralisation, streaming limits, options, the job store."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from climrisk.config import RunConfig
from climrisk.web.options import build_config, options_from_form, options_from_request
from climrisk.web.safety import FORMULA_PREFIXES, display_name, is_id, neutralise_cell, new_id
from climrisk.web.settings import WebSettings
from climrisk.web.store import JobStore, Upload
from climrisk.web.uploads import ASSET_SUFFIXES, UploadRejected, receive_form

BOUNDARY = "b0und4ry"


@given(st.text(max_size=40))
def test_neutralised_text_never_starts_like_a_formula(text):
    out = neutralise_cell(text)
    if out.startswith(FORMULA_PREFIXES):
        float(out)  # only plain numbers such as -3.5 may keep their sign
    assert out in (text, "'" + text)


@given(st.floats(allow_nan=False, allow_infinity=False) | st.integers())
def test_numbers_pass_unchanged(value):
    assert neutralise_cell(value) == value
    assert neutralise_cell(str(value)) == str(value)


@pytest.mark.parametrize(
    ("cell", "expected"),
    [("=1+2", "'=1+2"), ("+cmd", "'+cmd"), ("-2+3", "'-2+3"), ("@SUM(A1)", "'@SUM(A1)"),
     ("\tx", "'\tx"), ("\rx", "'\rx"), ("-3.5", "-3.5"), ("+1e5", "+1e5"), ("a=b", "a=b"),
     ("", "")],
)
def test_neutralise_known_cells(cell, expected):
    assert neutralise_cell(cell) == expected


def test_ids_and_display_names():
    ident = new_id()
    assert is_id(ident) and len(ident) == 32 and new_id() != ident
    assert not is_id("../" + ident[3:]) and not is_id(ident.upper())
    assert display_name("../../a/b.csv") == "b.csv"
    assert display_name("C:\\x\\y.csv") == "y.csv"
    assert display_name("a\x00b\x1f.csv") == "ab.csv"
    assert display_name("") == "upload"
    assert len(display_name("x" * 500)) == 120


def _multipart(parts: list[tuple[str, str | None, bytes]]) -> bytes:
    out = b""
    for name, filename, content in parts:
        disposition = f'form-data; name="{name}"' + (
            f'; filename="{filename}"' if filename is not None else "")
        out += (f"--{BOUNDARY}\r\nContent-Disposition: {disposition}\r\n\r\n").encode()
        out += content + b"\r\n"
    return out + f"--{BOUNDARY}--\r\n".encode()


def _receive(body_chunks, folder: Path, max_bytes: int = 10_000, max_rows: int = 100):
    consumed = []

    async def stream():
        for chunk in body_chunks:
            consumed.append(len(chunk))
            yield chunk

    async def run():
        return await receive_form(
            f"multipart/form-data; boundary={BOUNDARY}", None, stream(), folder,
            file_fields={"file": ("assets", ASSET_SUFFIXES)},
            max_bytes=max_bytes, max_rows=max_rows,
        )

    return asyncio.run(run()), consumed


def test_receive_form_stores_under_a_generated_name(tmp_path):
    body = _multipart([("lang", None, b"en"), ("file", "../../x.csv", b"a,b\n1,2\n"),
                       ("other", "y.csv", b"dropped")])
    form, _ = _receive([body], tmp_path / "up")
    assert form.fields == {"lang": ["en"]}
    item = form.files["file"]
    assert item.path == tmp_path / "up" / "assets.csv" and item.filename == "x.csv"
    assert item.path.read_bytes() == b"a,b\n1,2\n" and item.size_bytes == 8 and item.lines == 2
    assert sorted(p.name for p in (tmp_path / "up").iterdir()) == ["assets.csv"]


def test_size_limit_stops_reading_the_stream(tmp_path):
    """An endless upload is refused after about the limit, not read to the end."""
    head = (f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; "
            f"filename=\"big.csv\"\r\n\r\n").encode()

    def endless():
        yield head
        for _ in range(10_000):
            yield b"x" * 1000 + b"\n"

    with pytest.raises(UploadRejected) as caught:
        _receive(endless(), tmp_path / "up", max_bytes=20_000, max_rows=10**9)
    assert caught.value.status == 413
    assert "larger than the upload limit" in caught.value.message
    assert not (tmp_path / "up" / "assets.csv").exists()


def test_row_limit_stops_reading_the_stream(tmp_path):
    head = (f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; "
            f"filename=\"rows.csv\"\r\n\r\n").encode()
    consumed = []

    def rows():
        yield head
        for i in range(1000):
            consumed.append(i)
            yield f"A{i},office,1,2\n".encode()

    with pytest.raises(UploadRejected) as caught:
        _receive(rows(), tmp_path / "up", max_bytes=10**9, max_rows=50)
    assert "more than 50 rows" in caught.value.message
    assert len(consumed) < 60


def test_form_options_keep_only_changes():
    base = RunConfig()
    same = {"scenarios": ["ssp126", "ssp370"], "pathway_scenarios": ["steps", "nze"],
            "horizon_short": ["2027"], "horizon_mid": ["2031"], "horizon_long": ["2050"],
            "lang": ["en"], "pdf": ["on"]}
    from climrisk.run import pdf_available

    expected = {} if pdf_available() else {"pdf": True}
    assert options_from_form(same, base) == expected
    changed = {**same, "scenarios": ["ssp370"], "horizon_mid": ["2035"], "lang": ["zh-Hans"]}
    options = options_from_form(changed, base)
    assert options["scenarios"] == ["ssp370"] and options["horizons"] == {"mid": 2035}
    assert options["lang"] == "zh-Hans"


def test_request_options_and_config(tmp_path, pack):
    options = options_from_request({"scenarios": "ssp370", "horizons": {"long": 2045},
                                    "pdf": False})
    settings = WebSettings(data_dir=tmp_path, hazards=pack, allowed_hosts=("testserver",))
    config, notes = build_config(settings, options)
    assert config.scenarios == ("ssp370",)
    assert config.horizons == {"short": 2027, "mid": 2031, "long": 2045}
    assert config.hazards == pack and config.pdf is False and notes == []
    if "cache_dir" in RunConfig.__dataclass_fields__:
        assert config.cache_dir == tmp_path / "cache"
    run_file = tmp_path / "run.toml"
    run_file.write_text('lang = "zh-Hant"\nscenarios = ["ssp126"]\n')
    config, _ = build_config(settings, {}, run_file)
    assert config.lang == "zh-Hant" and config.scenarios == ("ssp126",)
    assert config.hazards == pack  # the server's, whatever the run file says


def test_store_round_trip_and_interrupted_jobs(tmp_path):
    store = JobStore(tmp_path)
    store.initialise()
    item = Upload(id=new_id(), created="2026-01-01T00:00:00+00:00", filename="a.csv",
                  stored="assets.csv", size_bytes=3, valid=True, issue_count=0,
                  summary={"assets": 1}, options={"lang": "en"}, run_file=None,
                  run_file_name=None, run_file_issues=None)
    store.add_upload(item)
    assert store.get_upload(item.id) == item
    job = store.add_job(new_id(), item, {"pdf": False})
    assert (job.status, job.stage, job.percent) == ("queued", "queued", 0)
    store.set_progress(job.id, "sample hazards", 20)
    store.set_progress(job.id, "starting", 2)  # never goes back
    job = store.get_job(job.id)
    assert (job.status, job.stage, job.percent) == ("running", "starting", 20)
    assert store.fail_interrupted() == 1
    assert store.get_job(job.id).status == "failed"
    store.finish(job.id, ["manifest.json"], {"assets": 1})
    done = store.get_job(job.id)
    assert done.final and done.outputs == ["manifest.json"] and done.summary == {"assets": 1}
    store.fail(done.id, "late", only_unfinished=True)
    assert store.get_job(done.id).status == "done"
    assert [j.id for j in store.list_jobs()] == [done.id]
