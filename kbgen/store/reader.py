"""Reading the knowledge base: where it is, and opening it read-only.

Only the standard library: this is `kb`'s start-up path.
"""

from __future__ import annotations

import os
import sqlite3

from kbgen.errors import KbgenError
from kbgen.store.schema import SCHEMA, SCHEMA_VERSION


def default_db_path() -> str:
    """$KBGEN_DB, else $XDG_DATA_HOME/kbgen/kb.sqlite (where `kbgen build` writes by default)."""
    if os.environ.get("KBGEN_DB"):
        return os.environ["KBGEN_DB"]
    base = os.environ.get("XDG_DATA_HOME") or os.path.join(os.path.expanduser("~"), ".local", "share")
    return os.path.join(base, "kbgen", "kb.sqlite")


def open_database(path) -> sqlite3.Connection:
    """Open a knowledge base read-only; KbgenError if it is missing, foreign or corrupt."""
    if os.path.isdir(path):
        raise KbgenError(f"{path}: is a directory, not a knowledge base file; pass the .sqlite file (--db PATH)")
    if not os.path.isfile(path):
        raise KbgenError(f"{path}: no knowledge base there; run `kbgen build` (or pass --db)")
    if not os.access(path, os.R_OK):
        raise KbgenError(f"{path}: cannot read the knowledge base (permission denied)")
    try:
        conn = sqlite3.connect(f"file:{uri_path(path)}?mode=ro", uri=True)
        conn.row_factory = sqlite3.Row
        row = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        tables = {name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    except sqlite3.DatabaseError as err:
        raise KbgenError(f"{path}: not a kbgen knowledge base ({err})") from None
    if row is None or row[0] != SCHEMA_VERSION:
        found = row[0] if row else "none"
        raise KbgenError(f"{path}: knowledge base schema {found}, this kbgen reads {SCHEMA_VERSION}; rebuild it with `kbgen build`")
    missing = [table for table in SCHEMA if table not in tables]
    if missing:
        raise KbgenError(f"{path}: not a complete kbgen knowledge base (no table {', '.join(missing)}); rebuild it with `kbgen build`")
    return conn


def uri_path(path) -> str:
    """path as the path of an SQLite `file:` URI: absolute, with the URI's own characters escaped.

    Unescaped, `kb%41.sqlite` would open kbA.sqlite and `#` or `?` would end the path.
    """
    path = os.path.abspath(os.fspath(path))
    for char, code in (("%", "%25"), ("?", "%3F"), ("#", "%23")):
        path = path.replace(char, code)
    return "/" + path.lstrip("/")  # "//host/..." would be read as an authority


# --- the embedded snapshot (data/snapshot/, see snapshot.py), as kb opens it ----------------------

SUFFIX = ".jsonl.gz"  # each table of the snapshot: gzip JSON lines


def snapshot_directory() -> str:
    from kbgen.paths import committed_path

    return os.path.join(committed_path("data"), "snapshot")


def snapshot_database(cache_dir: str, directory: str | None = None) -> str:
    """A SQLite knowledge base made from the snapshot, built on first use."""
    directory = os.fspath(directory or snapshot_directory())
    path = os.path.join(cache_dir, f"snapshot-{_snapshot_key(directory)}.sqlite")
    if not os.path.exists(path):
        from kbgen.store.snapshot import (
            read_snapshot,  # once per snapshot: not on every kb's start-up
        )
        from kbgen.store.writer import write_database

        write_database(path, read_snapshot(directory))
    return path


def _snapshot_key(directory: str) -> str:
    """The directory's and its meta file's size and time, not the content: `kb` reads nothing more than it needs.

    write_snapshot rewrites every file, meta (with its build time) among them, and an install
    writes them all anew, so these two change whenever the snapshot does.
    """
    try:
        stats = [os.stat(directory), os.stat(os.path.join(directory, f"meta{SUFFIX}"))]
    except OSError:
        raise KbgenError(f"{directory}: the embedded snapshot has no meta{SUFFIX}; reinstall kbgen or run `kbgen build`") from None
    return f"{_fnv1a(';'.join(f'{st.st_size}:{st.st_mtime_ns}:{st.st_ino}' for st in stats)):016x}"


def _fnv1a(text: str) -> int:
    """A 64-bit FNV-1a hash: hashlib would cost kb's start-up a few milliseconds."""
    value = 0xCBF29CE484222325
    for byte in text.encode():
        value = ((value ^ byte) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return value
