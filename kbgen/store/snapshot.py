"""The embedded facts snapshot in data/snapshot/: the knowledge base as JSON tables.

It lets `kb` answer right after installation with no network: on first use the
snapshot is written into a SQLite file in the cache (once per snapshot
content: reader.snapshot_database, on kb's start-up path) and opened like any
other knowledge base; reading it here uses only the standard library. Each table is one gzip file of JSON lines (`NAME.jsonl.gz`, written
without a timestamp, so the same facts give the same bytes): the message
catalogue and the XML paths alone are megabytes of text.
"""

from __future__ import annotations

import os

from kbgen.errors import KbgenError
from kbgen.store.reader import SUFFIX, snapshot_directory
from kbgen.store.schema import PROSE_TABLES, SCHEMA


def snapshot_dir() -> "Path":  # noqa: F821 - pathlib stays off kb's start-up path
    from pathlib import Path

    return Path(snapshot_directory())


def _exported() -> list[str]:
    return [name for name in SCHEMA if name not in PROSE_TABLES]


def write_snapshot(tables: dict[str, list[dict]], directory) -> None:
    """One file per table but the prose ones (PROSE_TABLES): the column names, then one JSON array per row and line; files of other tables removed."""
    import gzip
    import json

    os.makedirs(directory, exist_ok=True)
    for stale in os.listdir(directory):  # the uncompressed files of older kbgens, tables no longer in the schema
        if stale.endswith(".jsonl") or stale.endswith(SUFFIX) and stale.removesuffix(SUFFIX) not in _exported():
            os.unlink(os.path.join(directory, stale))
    for name in _exported():
        names = list(SCHEMA[name][0])
        lines = [json.dumps(names)] + [json.dumps([row.get(c) for c in names], ensure_ascii=False) for row in tables.get(name, [])]
        data = gzip.compress(("\n".join(lines) + "\n").encode("utf-8"), compresslevel=9, mtime=0)
        with open(os.path.join(directory, f"{name}{SUFFIX}"), "wb") as f:
            f.write(data)


def read_snapshot(directory) -> dict[str, list[dict]]:
    import json
    import zlib

    tables = {name: [] for name in PROSE_TABLES}
    for name in _exported():
        path = os.path.join(directory, f"{name}{SUFFIX}")
        try:
            with open(path, "rb") as f:
                lines = zlib.decompress(f.read(), wbits=31).decode("utf-8").splitlines()
            columns = json.loads(lines[0])
            tables[name] = [dict(zip(columns, json.loads(line), strict=True)) for line in lines[1:]]
        except (OSError, ValueError, IndexError, zlib.error) as err:
            raise KbgenError(f"{path}: the embedded snapshot is damaged or incomplete ({err}); reinstall kbgen or run `kbgen build`") from None
    return tables
