"""The knowledge base file: its schema, the atomic writer, and the read-only opener.

The schema is documented column by column in docs/schema.md (a test keeps the
two in step). Writing uses sqlite-utils; reading uses only the standard
library's sqlite3, because `kb` start-up time matters.
"""

from __future__ import annotations

import os
import sqlite3

from kbgen.errors import KbgenError

SCHEMA_VERSION = "1"

# table -> (columns with SQLite types, primary key, indexes)
SCHEMA: dict[str, tuple[dict[str, type], tuple[str, ...], list[tuple[str, ...]]]] = {
    "meta": ({"key": str, "value": str}, ("key",), []),
    "releases": (
        {"version": str, "version_key": int, "suite": str, "symbols": int, "has_hvsupport": bool, "has_source": bool},
        ("version",),
        [],
    ),
    "inputs": ({"release": str, "name": str, "origin": str, "sha256": str}, ("release", "name"), []),
    "symbols": (
        {
            "name": str, "kind": str, "module": str, "file": str, "enum_type": str, "value": str,
            "has_flags": bool, "since": str, "since_key": int, "since_exact": bool,
            "since_source": str, "since_origin": str, "first_release": str, "last_release": str,
        },
        ("name",),
        [("kind",), ("since_key",), ("enum_type",), ("module",)],
    ),
    "flag_links": ({"function": str, "enum_type": str}, ("function", "enum_type"), [("enum_type",)]),
    "driver_support": (
        {
            "api": str, "driver": str, "driver_group": str, "since": str, "since_key": int,
            "removed_in": str, "removed_key": int, "public": bool, "origin": str,
        },
        ("api", "driver"),
        [("driver",), ("since_key",)],
    ),
    "matrix_apis": (
        {"api": str, "driver_group": str, "version": str, "version_key": int, "linked": bool, "origin": str},
        ("api",),
        [],
    ),
    "disagreements": ({"subject": str, "kind": str, "detail": str, "values": str}, (), [("subject",)]),
    "procedures": (
        {
            "protocol": str, "number": int, "name": str, "api": str, "label": str, "since": str, "since_key": int,
            "since_exact": bool, "since_source": str, "first_tree": str, "origin": str,
        },
        ("protocol", "number"),
        [("api",)],
    ),
    "symbol_sections": (
        {"symbol": str, "module": str, "section": str, "version": str, "origin": str},
        ("module", "symbol"),
        [("section",)],
    ),
    "implementations": ({"function": str, "driver": str, "api": str, "origin": str}, ("function", "api"), [("api",)]),
    "flag_checks": (
        {"api": str, "driver": str, "release": str, "function": str, "known": bool, "flags": str, "via": str, "reason": str},
        ("api", "driver", "release"),
        [],
    ),
    "driver_flags": (
        {
            "api": str, "driver": str, "flag": str, "lower": str, "after": str, "upper": str, "upper_key": int,
            "exact": bool, "origin": str,
        },
        ("api", "driver", "flag"),
        [("flag",)],
    ),
}


def default_db_path() -> str:
    """$KBGEN_DB, else $XDG_DATA_HOME/kbgen/kb.sqlite (where `kbgen build` writes by default)."""
    if os.environ.get("KBGEN_DB"):
        return os.environ["KBGEN_DB"]
    base = os.environ.get("XDG_DATA_HOME") or os.path.join(os.path.expanduser("~"), ".local", "share")
    return os.path.join(base, "kbgen", "kb.sqlite")


def write_database(path, tables: dict[str, list[dict]]) -> None:
    """Write all tables into a new file next to `path`, then rename it over `path`.

    A failure at any point leaves the previous database as it was.
    """
    from pathlib import Path

    import sqlite_utils

    path = Path(path)
    tmp = path.with_name(_TEMP_NAME.format(name=path.name, pid=os.getpid()))
    db = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.unlink(missing_ok=True)
        db = sqlite_utils.Database(tmp)
        # A private file, renamed into place only once complete and fsynced (below): a rollback journal and a
        # sync after every batch of rows would protect nothing, and they made a 100x build's write 2.5 times slower.
        db.execute("PRAGMA journal_mode = OFF")
        db.execute("PRAGMA synchronous = OFF")
        for name, (columns, pk, indexes) in SCHEMA.items():
            table = db[name]
            table.create(columns, pk=list(pk) if len(pk) > 1 else (pk[0] if pk else None), not_null=set(pk))
            table.insert_all(tables.get(name, []), batch_size=1000)
            for columns_ in indexes:
                table.create_index(list(columns_))
        db.execute("CREATE INDEX symbols_name_nocase ON symbols(name COLLATE NOCASE)")
        db.conn.commit()
        db.conn.close()
        with open(tmp, "rb") as f:
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException as err:
        if db is not None:
            db.conn.close()
        for leftover in (tmp, f"{tmp}-journal"):
            _unlink_quietly(leftover)
        if isinstance(err, (sqlite3.OperationalError, OSError)):  # disk full, read-only directory, ...
            raise KbgenError(f"{path}: cannot write the knowledge base ({err}); the previous one is unchanged") from None
        raise


# A write goes to ".kb.sqlite.<pid>.tmp" beside the database (sqlite may add "-journal").
_TEMP_NAME = ".{name}.{pid}.tmp"


def remove_stale_temp_files(path) -> list[str]:
    """Delete the temp files that killed writes of `path` left behind; the names removed.

    Only files of processes that no longer exist are touched, so a write in progress
    (this process's or another's) keeps its file.
    """
    import re

    directory, name = os.path.split(os.fspath(path))
    directory = directory or "."
    pattern = re.compile(rf"\.{re.escape(name)}\.(\d+)\.tmp(?:-journal|-wal|-shm)?")
    try:
        candidates = sorted(os.listdir(directory))
    except OSError:
        return []
    removed = []
    for candidate in candidates:
        match = pattern.fullmatch(candidate)
        if match and not _process_exists(int(match.group(1))):
            _unlink_quietly(os.path.join(directory, candidate))
            removed.append(candidate)
    return removed


def _process_exists(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except (ProcessLookupError, OverflowError):
        return False
    except PermissionError:  # someone else's process
        return True
    return pid > 0


def _unlink_quietly(path) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


def open_database(path) -> sqlite3.Connection:
    """Open a knowledge base read-only; KbgenError if it is missing, foreign or corrupt."""
    if os.path.isdir(path):
        raise KbgenError(f"{path}: is a directory, not a knowledge base file; pass the .sqlite file (--db PATH)")
    if not os.path.isfile(path):
        raise KbgenError(f"{path}: no knowledge base there; run `kbgen build` (or pass --db)")
    if not os.access(path, os.R_OK):
        raise KbgenError(f"{path}: cannot read the knowledge base (permission denied)")
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
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
