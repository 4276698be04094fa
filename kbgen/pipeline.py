"""`kbgen build` end to end: resolve sources, parse, merge, write atomically."""

from __future__ import annotations

import fcntl
import time
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

from kbgen import __version__
from kbgen.build import merge, read_release
from kbgen.db import SCHEMA_VERSION, remove_stale_temp_files, write_database
from kbgen.errors import KbgenError
from kbgen.sources import Release, Resolver
from kbgen.versions import version_key


@dataclass
class BuildReport:
    path: Path
    releases: list[str]
    counts: dict[str, int]
    disagreements: list[dict]
    seconds: float
    flag_coverage: tuple[str, int, int] | None  # (newest tree, flag masks determined, pairs) of (flag-taking API, driver)


def flag_coverage(checks: list[dict]) -> tuple[str, int, int] | None:
    if not checks:
        return None
    newest = max({c["release"] for c in checks}, key=version_key)
    in_newest = [c for c in checks if c["release"] == newest]
    return newest, sum(1 for c in in_newest if c["known"]), len(in_newest)


def build_tables(releases: list[Release], resolver: Resolver, say: Callable[[str], None] = lambda _: None) -> dict[str, list[dict]]:
    data = []
    for release in releases:
        files = resolver.release_inputs(release)
        say(f"release {release.version}: {', '.join(f.name for f in files)}")
        data.append(read_release(release.version, files, release.suite))
    tables = merge(data)
    tables["meta"] = meta_rows(tables)
    return tables


def meta_rows(tables: dict[str, list[dict]]) -> list[dict]:
    versions = [r["version"] for r in sorted(tables["releases"], key=lambda r: r["version_key"])]
    meta = {
        "schema_version": SCHEMA_VERSION,
        "kbgen_version": __version__,
        "built_at": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "releases": " ".join(versions),
        "newest_release": versions[-1],
    }
    return [{"key": k, "value": v} for k, v in meta.items()]


def build_database(path: Path, releases: list[Release], resolver: Resolver, say: Callable[[str], None] = lambda _: None) -> BuildReport:
    start = time.monotonic()
    with build_lock(path):
        remove_stale_temp_files(path)  # left by builds that were killed while writing
        tables = build_tables(releases, resolver, say)
        write_database(path, tables)
    return BuildReport(
        path=path,
        releases=[r["version"] for r in tables["releases"]],
        counts={name: len(rows) for name, rows in tables.items()},
        disagreements=tables["disagreements"],
        seconds=time.monotonic() - start,
        flag_coverage=flag_coverage(tables.get("flag_checks", [])),
    )


@contextmanager
def build_lock(path: Path):
    """One build per database at a time: a second one fails at once with a clear message."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        lock = open(path.with_name(f".{path.name}.lock"), "w")
    except OSError as err:
        raise KbgenError(f"{path}: cannot create the knowledge base's directory or lock file ({err})") from None
    with lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise KbgenError(f"{path}: another kbgen build is writing this database; wait for it to finish") from None
        yield
