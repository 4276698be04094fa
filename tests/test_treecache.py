"""The tree-facts cache: a rebuild reads each tree's facts from it; a damaged entry is analysed again."""

from __future__ import annotations

import contextlib
import io
import json
import sqlite3
from pathlib import Path

from archives import tree_tarball
from conftest import FIXTURES

from kbgen.cli.kbgen import main as kbgen_main

TREE_TABLES = ("procedures", "symbol_sections", "implementations", "flag_checks", "driver_flags")


def tarballs(tmp_path: Path) -> list[str]:
    old, new = tmp_path / "libvirt_7.0.0.orig.tar.xz", tmp_path / "libvirt_12.8.0.orig.tar.xz"
    old.write_bytes(tree_tarball(FIXTURES / "srctree-old", top="libvirt-7.0.0"))
    new.write_bytes(tree_tarball(FIXTURES / "srctree", top="libvirt-12.8.0"))
    return ["--input", f"7.0.0={FIXTURES / 'release-old'}", "--input", f"7.0.0={old}",
            "--input", f"12.8.0={FIXTURES / 'release-new'}", "--input", f"12.8.0={new}"]


def build(tmp_path: Path, inputs: list[str], *extra: str) -> tuple[dict, str]:
    out, err = io.StringIO(), io.StringIO()
    db = tmp_path / "kb.sqlite"
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = kbgen_main(["build", "--json", "--db", str(db), "--cache-dir", str(tmp_path / "cache"), *inputs, *extra])
    assert code == 0, err.getvalue()
    conn = sqlite3.connect(db)
    tables = {t: sorted(conn.execute(f"SELECT * FROM {t}")) for t in TREE_TABLES}
    return {"trees": json.loads(out.getvalue())["trees"], "tables": tables}, err.getvalue()


def entries(tmp_path: Path) -> list[Path]:
    return sorted((tmp_path / "cache" / "tree-facts").glob("*.json"))


def test_a_rebuild_reads_the_tree_facts_from_the_cache(tmp_path):
    inputs = tarballs(tmp_path)
    cold, _ = build(tmp_path, inputs)
    warm, _ = build(tmp_path, inputs)
    assert cold["trees"] == {"analysed": 2, "from_cache": 0}
    assert warm["trees"] == {"analysed": 0, "from_cache": 2}
    assert warm["tables"] == cold["tables"] and cold["tables"]["driver_flags"]
    assert len(entries(tmp_path)) == 2


def test_reanalyse_ignores_the_cache(tmp_path):
    inputs = tarballs(tmp_path)
    build(tmp_path, inputs)
    again, _ = build(tmp_path, inputs, "--reanalyse")
    assert again["trees"] == {"analysed": 2, "from_cache": 0}


def test_a_damaged_entry_is_detected_and_analysed_again(tmp_path):
    inputs = tarballs(tmp_path)
    cold, _ = build(tmp_path, inputs)
    entry = entries(tmp_path)[0]
    data = bytearray(entry.read_bytes())
    data[len(data) // 2] ^= 0x20  # one flipped bit inside the JSON payload
    entry.write_bytes(bytes(data))
    rebuilt, err = build(tmp_path, inputs)
    assert f"{entry}: damaged tree-facts cache entry (content does not match its sha256)" in err
    assert rebuilt["trees"] == {"analysed": 1, "from_cache": 1}
    assert rebuilt["tables"] == cold["tables"]


def test_an_entry_that_is_not_json_or_not_facts_is_analysed_again(tmp_path):
    inputs = tarballs(tmp_path)
    cold, _ = build(tmp_path, inputs)
    import hashlib

    for entry, payload in zip(entries(tmp_path), (b"{not json", b'{"release": "7.0.0"}'), strict=True):
        entry.write_bytes(hashlib.sha256(payload).hexdigest().encode() + b"\n" + payload)
    rebuilt, err = build(tmp_path, inputs)
    assert err.count("damaged tree-facts cache entry") == 2
    assert rebuilt["tables"] == cold["tables"]
