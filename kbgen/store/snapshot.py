"""The embedded facts snapshot in data/snapshot/: the knowledge base as JSON tables.

It lets `kb` answer right after installation with no network: on first use the
snapshot is written into a SQLite file in the cache (once per snapshot
content) and opened like any other knowledge base. That path is `kb`'s, so
only the standard library is used, and json and zlib only when the file is
written. Each table is one gzip file of JSON lines (`NAME.jsonl.gz`, written
without a timestamp, so the same facts give the same bytes): the message
catalogue and the XML paths alone are megabytes of text.
"""

from __future__ import annotations

import os

from kbgen.errors import KbgenError
from kbgen.paths import committed_path
from kbgen.store.schema import SCHEMA
from kbgen.store.writer import write_database


def snapshot_path() -> str:
    return os.path.join(committed_path("data"), "snapshot")


def snapshot_dir() -> "Path":  # noqa: F821 - pathlib stays off kb's start-up path
    from pathlib import Path

    return Path(snapshot_path())


SUFFIX = ".jsonl.gz"


def write_snapshot(tables: dict[str, list[dict]], directory) -> None:
    """One file per table: the column names, then one JSON array per row and line; files of other tables removed."""
    import gzip
    import json

    os.makedirs(directory, exist_ok=True)
    for stale in os.listdir(directory):  # the uncompressed files of older kbgens, tables no longer in the schema
        if stale.endswith(".jsonl") or stale.endswith(SUFFIX) and stale.removesuffix(SUFFIX) not in SCHEMA:
            os.unlink(os.path.join(directory, stale))
    for name, (columns, _, _) in SCHEMA.items():
        names = list(columns)
        lines = [json.dumps(names)] + [json.dumps([row.get(c) for c in names], ensure_ascii=False) for row in tables.get(name, [])]
        data = gzip.compress(("\n".join(lines) + "\n").encode("utf-8"), compresslevel=9, mtime=0)
        with open(os.path.join(directory, f"{name}{SUFFIX}"), "wb") as f:
            f.write(data)


def read_snapshot(directory) -> dict[str, list[dict]]:
    import json
    import zlib

    tables = {}
    for name in SCHEMA:
        path = os.path.join(directory, f"{name}{SUFFIX}")
        try:
            with open(path, "rb") as f:
                lines = zlib.decompress(f.read(), wbits=31).decode("utf-8").splitlines()
            columns = json.loads(lines[0])
            tables[name] = [dict(zip(columns, json.loads(line), strict=True)) for line in lines[1:]]
        except (OSError, ValueError, IndexError, zlib.error) as err:
            raise KbgenError(f"{path}: the embedded snapshot is damaged or incomplete ({err}); reinstall kbgen or run `kbgen build`") from None
    return tables


def snapshot_database(cache_dir: str, directory: str | None = None) -> str:
    """A SQLite knowledge base made from the snapshot, built on first use."""
    directory = os.fspath(directory or snapshot_path())
    path = os.path.join(cache_dir, f"snapshot-{_snapshot_key(directory)}.sqlite")
    if not os.path.exists(path):
        write_database(path, read_snapshot(directory))
    return path


def _snapshot_key(directory: str) -> str:
    """The files' sizes and times, not their content: `kb` reads nothing more than it needs."""
    parts = []
    for name in SCHEMA:
        try:
            stat = os.stat(os.path.join(directory, f"{name}{SUFFIX}"))
        except OSError:
            raise KbgenError(f"{directory}: the embedded snapshot has no {name}{SUFFIX}; reinstall kbgen or run `kbgen build`") from None
        parts.append(f"{name}:{stat.st_size}:{stat.st_mtime_ns}")
    return f"{_fnv1a(';'.join(parts)):016x}"


def _fnv1a(text: str) -> int:
    """A 64-bit FNV-1a hash: hashlib would cost kb's start-up a few milliseconds."""
    value = 0xCBF29CE484222325
    for byte in text.encode():
        value = ((value ^ byte) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return value
