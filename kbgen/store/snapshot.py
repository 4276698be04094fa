"""The embedded facts snapshot in data/snapshot/: the knowledge base as JSON tables.

It lets `kb` answer right after installation with no network: on first use the
snapshot is written into a SQLite file in the cache (once per snapshot
content) and opened like any other knowledge base.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from kbgen.paths import committed_dir
from kbgen.store.schema import SCHEMA
from kbgen.store.writer import write_database


def snapshot_dir() -> Path:
    return committed_dir("data") / "snapshot"


def write_snapshot(tables: dict[str, list[dict]], directory: Path) -> None:
    """One file per table: the column names, then one JSON array per row and line."""
    directory.mkdir(parents=True, exist_ok=True)
    for name, (columns, _, _) in SCHEMA.items():
        names = list(columns)
        lines = [json.dumps(names)] + [json.dumps([row.get(c) for c in names], ensure_ascii=False) for row in tables.get(name, [])]
        (directory / f"{name}.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")


def read_snapshot(directory: Path) -> dict[str, list[dict]]:
    tables = {}
    for name in SCHEMA:
        lines = (directory / f"{name}.jsonl").read_text(encoding="utf-8").splitlines()
        columns = json.loads(lines[0])
        tables[name] = [dict(zip(columns, json.loads(line), strict=True)) for line in lines[1:]]
    return tables


def snapshot_database(cache_dir: Path, directory: Path | None = None) -> Path:
    """A SQLite knowledge base made from the snapshot, built on first use."""
    directory = directory or snapshot_dir()
    digest = hashlib.sha256()
    for name in SCHEMA:  # the files' size and time, not their content: `kb` reads nothing more than it needs
        stat = (directory / f"{name}.jsonl").stat()
        digest.update(f"{name}:{stat.st_size}:{stat.st_mtime_ns};".encode())
    path = cache_dir / f"snapshot-{digest.hexdigest()[:16]}.sqlite"
    if not path.exists():
        write_database(path, read_snapshot(directory))
    return path
