"""The embedded snapshot: a faithful copy of the tables, and `kb` answering from it with no database built."""

import gzip
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

from kbgen.store.reader import snapshot_database
from kbgen.store.schema import PROSE_TABLES
from kbgen.store.snapshot import (
    read_snapshot,
    snapshot_dir,
    write_snapshot,
)

ROOT = Path(__file__).parent.parent


def test_round_trip_keeps_every_row(tmp_path, fixture_tables):
    write_snapshot(fixture_tables, tmp_path)
    again = read_snapshot(tmp_path)
    for table, rows in fixture_tables.items():
        if table in PROSE_TABLES:
            assert rows and again[table] == []  # the prose never goes into the snapshot
        else:
            assert again[table] == [{k: r.get(k) for k in again[table][0]} for r in rows] if rows else again[table] == []


def test_snapshot_database_is_built_once(tmp_path, fixture_tables):
    write_snapshot(fixture_tables, tmp_path / "snap")
    first = snapshot_database(tmp_path / "cache", tmp_path / "snap")
    mtime = os.stat(first).st_mtime_ns
    assert snapshot_database(tmp_path / "cache", tmp_path / "snap") == first
    assert os.stat(first).st_mtime_ns == mtime


def kb_env(tmp_path) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "KBGEN_DB"}
    env.update(XDG_DATA_HOME=str(tmp_path / "data"), KBGEN_CACHE_DIR=str(tmp_path / "cache"))
    return env


def test_kb_answers_from_the_committed_snapshot_without_a_database(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "kbgen", "since", "--json", "virDomainUndefineFlags"],
        capture_output=True, text=True, env=kb_env(tmp_path), cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)["results"][0]
    assert answer["since"] == {"version": "0.9.4", "exact": True, "date": "2011-08-03"} and {"qemu", "ch"} <= {d["driver"] for d in answer["drivers"]}


def test_committed_snapshot_holds_facts_only():
    for path in snapshot_dir().glob("*.jsonl.gz"):
        text = gzip.decompress(path.read_bytes()).decode()
        assert "<![CDATA[" not in text and "info=" not in text
    columns = json.loads(gzip.decompress((snapshot_dir() / "symbols.jsonl.gz").read_bytes()).decode().splitlines()[0])
    assert "info" not in columns and "description" not in columns


def test_the_same_facts_give_the_same_snapshot_bytes(tmp_path, fixture_tables):
    write_snapshot(fixture_tables, tmp_path / "a")
    write_snapshot(fixture_tables, tmp_path / "b")
    assert all((tmp_path / "a" / p.name).read_bytes() == p.read_bytes() for p in (tmp_path / "b").iterdir())


def test_uncompressed_files_and_tables_that_are_gone_are_removed(tmp_path, fixture_tables):
    (tmp_path / "old_table.jsonl").write_text("[]\n")
    (tmp_path / "symbols.jsonl").write_text("[]\n")
    write_snapshot(fixture_tables, tmp_path)
    assert not (tmp_path / "old_table.jsonl").exists() and not (tmp_path / "symbols.jsonl").exists()
    assert (tmp_path / "symbols.jsonl.gz").exists()


def test_a_built_wheel_carries_the_data_and_answers(tmp_path):
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(tmp_path), str(ROOT)],
                   check=True, capture_output=True)
    wheel = next(tmp_path.glob("kbgen-*.whl"))
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
        zf.extractall(tmp_path / "site")
    assert {"kbgen/data/releases.toml", "kbgen/data/snapshot/symbols.jsonl.gz"} <= names
    env = dict(kb_env(tmp_path), PYTHONPATH=str(tmp_path / "site"))
    result = subprocess.run([sys.executable, "-m", "kbgen", "since", "VIR_DOMAIN_UNDEFINE_KEEP_TPM"],
                            capture_output=True, text=True, env=env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "added in 8.9.0" in result.stdout
