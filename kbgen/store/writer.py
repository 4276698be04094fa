"""Writing the knowledge base: a new file beside the old one, renamed over it only when complete."""

from __future__ import annotations

import os
import sqlite3

from kbgen.errors import KbgenError
from kbgen.store.schema import SCHEMA


def write_database(path, tables: dict[str, list[dict]]) -> None:
    """Write all tables into a new file next to `path`, then rename it over `path`.

    A failure at any point leaves the previous database as it was. Standard library
    only: `kb` writes the embedded snapshot through here on its first run.
    """
    path = writable_target(path)
    directory, name = os.path.split(path)
    tmp = os.path.join(directory, _TEMP_NAME.format(name=name, pid=os.getpid()))
    conn = None
    try:
        os.makedirs(directory or ".", exist_ok=True)
        _unlink_quietly(tmp)
        conn = sqlite3.connect(tmp)
        # A private file, renamed into place only once complete and fsynced (below): a rollback journal and a
        # sync after every batch of rows would protect nothing, and they made a 100x build's write 2.5 times slower.
        conn.execute("PRAGMA journal_mode = OFF")
        conn.execute("PRAGMA synchronous = OFF")
        for table, (columns, pk, indexes) in SCHEMA.items():
            _create_table(conn, table, columns, pk, indexes)
            _insert(conn, table, list(columns), tables.get(table, []))
        conn.execute("CREATE INDEX symbols_name_nocase ON symbols(name COLLATE NOCASE)")
        conn.commit()
        conn.close()
        with open(tmp, "rb") as f:
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException as err:
        if conn is not None:
            conn.close()
        for leftover in (tmp, f"{tmp}-journal"):
            _unlink_quietly(leftover)
        if isinstance(err, (sqlite3.OperationalError, OSError)):  # disk full, read-only directory, ...
            raise KbgenError(f"{path}: cannot write the knowledge base ({err}); the previous one is unchanged") from None
        raise


SQL_TYPES = {str: "TEXT", int: "INTEGER", bool: "INTEGER", float: "FLOAT"}


def _create_table(conn: sqlite3.Connection, table: str, columns: dict[str, type], pk: tuple[str, ...], indexes) -> None:
    single_pk = pk[0] if len(pk) == 1 else None
    defs = [f"[{c}] {SQL_TYPES[t]}" + (" PRIMARY KEY" if c == single_pk else " NOT NULL" if c in pk else "")
            for c, t in columns.items()]
    if len(pk) > 1:
        defs.append(f"PRIMARY KEY ({', '.join(f'[{c}]' for c in pk)})")
    conn.execute(f"CREATE TABLE [{table}] ({', '.join(defs)})")
    for cols in indexes:
        conn.execute(f"CREATE INDEX [idx_{table}_{'_'.join(cols)}] ON [{table}] ({', '.join(f'[{c}]' for c in cols)})")


def _insert(conn: sqlite3.Connection, table: str, columns: list[str], rows: list[dict]) -> None:
    known = set(columns)
    for row in rows:
        if not row.keys() <= known:
            raise ValueError(f"table {table}: rows carry columns the schema does not have: {sorted(row.keys() - known)}")
    placeholders = ", ".join("?" * len(columns))
    conn.executemany(f"INSERT INTO [{table}] VALUES ({placeholders})", ([row.get(c) for c in columns] for row in rows))


def writable_target(path) -> str:
    """The file a write of path replaces: path itself, or the file a symlink at path points to.

    Anything that exists there and is not a regular file (a directory, a device such as
    /dev/null, a FIFO, a socket) is refused: renaming over it would replace it.
    """
    target = os.path.realpath(os.fspath(path))
    if os.path.exists(target) and not os.path.isfile(target):
        shown = f"{path} (a link to {target})" if target != os.path.abspath(os.fspath(path)) else os.fspath(path)
        raise KbgenError(f"{shown}: exists and is not a regular file; refusing to replace it with a knowledge base (choose another --db)")
    return target


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
