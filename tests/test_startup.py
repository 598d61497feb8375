"""A fast start: the command line imports its heavy libraries only when a command needs them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
_HEAVY = ("pandas", "geopandas", "numpy", "xarray", "pyarrow", "rich", "matplotlib", "numba",
          "dask", "reportlab", "fastapi", "climrisk.portfolio", "climrisk.engine")


def _python(code: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                          timeout=120, check=False)


def test_help_imports_no_heavy_library():
    done = _python(
        "import json, sys\n"
        "from climrisk.cli.main import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        f"print(json.dumps([m for m in {list(_HEAVY)!r} if m in sys.modules]))\n"
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.strip().splitlines()
    assert json.loads(lines[-1]) == []
    for command in ("validate", "assess", "hazards", "diff", "init", "report", "serve"):
        assert any(line.strip().startswith(command) for line in lines), command


def test_version_is_read_on_use():
    done = _python("from climrisk.cli.main import main\nmain(['--version'])")
    assert done.returncode == 0 and done.stdout.startswith("climrisk, version ")


def test_serve_without_the_web_extra_names_it(tmp_path):
    done = _python(
        "import sys\nsys.modules['uvicorn'] = None  # as if the web extra were not installed\n"
        "from climrisk.cli.main import main\n"
        f"main(['serve', '--data-dir', {str(tmp_path)!r}])"
    )
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [
        "error: climrisk serve needs the web extra (uvicorn is missing): "
        "pip install 'climrisk[web]'"
    ]
