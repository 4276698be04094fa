"""The build's worker pool works under every multiprocessing start method.

Python 3.14 makes forkserver the default on Linux; a worker there is a child of the
fork server, not of the build. `KBGEN_START_METHOD=spawn make test` runs the whole
suite under another method; these tests run one real build under each.
"""

from __future__ import annotations

import multiprocessing
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from test_faults import BUILD, WITH_TREES

ROOT = Path(__file__).resolve().parent.parent
METHODS = [m for m in ("fork", "spawn", "forkserver") if m in multiprocessing.get_all_start_methods()]
TREE_TABLES = ("procedures", "symbol_sections", "implementations", "flag_checks", "driver_flags")


def build(tmp_path: Path, method: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "KBGEN_START_METHOD": method}
    args = ["-q", "--reanalyse", "--db", str(tmp_path / f"{method}.sqlite"), "--cache-dir", str(tmp_path / "cache"), *WITH_TREES]
    return subprocess.run([*BUILD, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def dump(path: Path) -> dict:
    conn = sqlite3.connect(path)
    return {t: sorted(conn.execute(f"SELECT * FROM {t}")) for t in TREE_TABLES}


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="the build uses worker processes only with 2 cores or more")
def test_every_start_method_builds_the_same_knowledge_base(tmp_path):
    dumps = {}
    for method in METHODS:
        result = build(tmp_path, method)
        assert result.returncode == 0, f"{method}: {result.stderr}"
        dumps[method] = dump(tmp_path / f"{method}.sqlite")
    assert all(d["driver_flags"] for d in dumps.values())
    assert all(d == dumps["fork"] for d in dumps.values())


def test_an_unknown_start_method_is_a_clear_error(tmp_path):
    result = build(tmp_path, "teleport")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "$KBGEN_START_METHOD='teleport': not a start method here; use one of" in result.stderr
