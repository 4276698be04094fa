"""Where a knowledge base is written and read: odd paths, non-regular files, links, and inspection."""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import FIXTURES

from kbgen.cli.kb import main as kb_main
from kbgen.cli.kbgen import main as kbgen_main
from kbgen.store.writer import write_database

ROOT = Path(__file__).resolve().parent.parent
INPUTS = ["--input", f"7.0.0={FIXTURES / 'release-old'}", "--input", f"12.8.0={FIXTURES / 'release-new'}"]
ANSWER = "virDomainUndefineFlags  function (libvirt-domain)  added in 0.9.4"


def run(main, *args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(args))
    return code, out.getvalue(), err.getvalue()


def build(db: Path, tmp_path: Path) -> tuple[int, str, str]:
    return run(kbgen_main, "build", "-q", "--db", str(db), "--cache-dir", str(tmp_path / "cache"), *INPUTS)


# --- kbgen build --db: what it may replace -------------------------------------------------


@pytest.mark.parametrize("kind", ["directory", "fifo", "socket"])
def test_build_refuses_to_replace_what_is_not_a_regular_file(tmp_path, kind):
    target = tmp_path / "kb.sqlite"
    if kind == "directory":
        target.mkdir()
    elif kind == "fifo":
        os.mkfifo(target)
    else:
        import socket

        sock = socket.socket(socket.AF_UNIX)
        sock.bind(str(target))
    before = target.lstat()
    code, _, err = build(target, tmp_path)
    assert code == 2 and "Traceback" not in err
    assert f"{target}: exists and is not a regular file; refusing to replace it" in err
    assert target.lstat().st_ino == before.st_ino and stat.S_IFMT(target.lstat().st_mode) == stat.S_IFMT(before.st_mode)


def test_build_refuses_dev_null(tmp_path):
    code, _, err = build(Path("/dev/null"), tmp_path)
    assert code == 2 and "/dev/null: exists and is not a regular file" in err
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_build_refuses_a_link_to_a_device(tmp_path):
    link = tmp_path / "kb.sqlite"
    link.symlink_to("/dev/null")
    code, _, err = build(link, tmp_path)
    assert code == 2 and f"{link} (a link to /dev/null): exists and is not a regular file" in err
    assert link.is_symlink() and stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_a_link_is_followed_and_stays_a_link(tmp_path):
    real = tmp_path / "store" / "kb.sqlite"
    real.parent.mkdir()
    real.write_bytes(b"")
    link = tmp_path / "kb.sqlite"
    link.symlink_to(real)
    code, _, err = build(link, tmp_path)
    assert code == 0, err
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert run(kb_main, "--db", str(link), "since", "virDomainUndefineFlags")[1].startswith(ANSWER)


# --- the path in SQLite's URI -----------------------------------------------------------------


@pytest.mark.parametrize("name", ["kb%41.sqlite", "kb#1.sqlite", "kb?mode=rw.sqlite", "kb%3F.sqlite", "a b.sqlite"])
def test_any_file_name_is_opened_as_itself(tmp_path, fixture_db, name):
    db = tmp_path / name
    shutil.copy(fixture_db, db)
    (tmp_path / "kbA.sqlite").write_bytes(b"not this one")
    before = sorted(p.name for p in tmp_path.iterdir())
    code, out, err = run(kb_main, "--db", str(db), "since", "virDomainUndefineFlags")
    assert code == 0 and out.startswith(ANSWER), err
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # no stray file created


def test_an_xdg_data_home_with_a_hash_works(tmp_path, fixture_db):
    data = tmp_path / "data#home"
    (data / "kbgen").mkdir(parents=True)
    shutil.copy(fixture_db, data / "kbgen" / "kb.sqlite")
    env = {k: v for k, v in os.environ.items() if k != "KBGEN_DB"}
    env["XDG_DATA_HOME"] = str(data)
    result = subprocess.run([sys.executable, "-m", "kbgen", "since", "virDomainUndefineFlags"], env=env, capture_output=True,
                            text=True, cwd=ROOT)
    assert result.returncode == 0 and result.stdout.startswith(ANSWER), result.stderr


# --- kbgen inspect ------------------------------------------------------------------------------


def test_inspect_a_knowledge_base_that_matches_the_schema(fixture_db):
    code, out, _ = run(kbgen_main, "inspect", "--db", str(fixture_db))
    assert code == 0
    assert "matches the schema" in out and "  symbols " in out


def test_inspect_names_every_difference_from_the_schema(tmp_path, fixture_tables):
    db = tmp_path / "kb.sqlite"
    write_database(db, fixture_tables)
    conn = sqlite3.connect(db)
    conn.execute("DROP TABLE checks")
    conn.execute("ALTER TABLE symbols ADD COLUMN extra TEXT")
    conn.execute("DROP INDEX idx_driver_flags_bit")
    conn.commit()
    conn.close()
    code, out, _ = run(kbgen_main, "inspect", "--db", str(db), "--json")
    assert code == 2
    import json

    problems = json.loads(out)["problems"]
    assert "table checks: missing" in problems
    assert "table symbols: column extra not in the schema" in problems
    assert "table driver_flags: no index on (bit)" in problems


def test_inspect_refuses_what_is_not_sqlite(tmp_path):
    db = tmp_path / "kb.sqlite"
    db.write_bytes(b"garbage" * 100)
    code, _, err = run(kbgen_main, "inspect", "--db", str(db))
    assert code == 2 and "not a readable SQLite file" in err and "Traceback" not in err
