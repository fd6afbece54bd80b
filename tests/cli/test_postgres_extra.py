"""Without the PostgreSQL driver, a postgresql store fails in one line that names the extra to install.

The driver is hidden from a real ``hotline status`` process (``sys.modules["psycopg"] = None`` makes
its import fail as if it were not installed); nothing is contacted.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
WITHOUT_DRIVER = "import sys; sys.modules['psycopg'] = None; from crawler.cli import main; main()"


def test_missing_driver_names_the_postgres_extra(tmp_path: Path) -> None:
    config = tmp_path / "hotline.toml"
    config.write_text('store = "postgresql+psycopg://hotline@127.0.0.1:9/hotline"\n', encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "HOTLINE_CONFIG": str(config)}
    done = subprocess.run(
        [sys.executable, "-c", WITHOUT_DRIVER, "status"],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        cwd=tmp_path,
    )
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    (line,) = done.stderr.strip().splitlines()
    assert "database driver missing" in line and "pip install 'hotline[postgres]'" in line


def test_the_postgres_extra_installs_psycopg() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert any(dep.startswith("psycopg[binary]") for dep in project["optional-dependencies"]["postgres"])
