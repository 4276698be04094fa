"""`kbgen build` end to end: the phases in order.

inputs (resolve and fetch) -> parse (each release's files; each source tree, on
every core, through the tree-facts cache) -> merge (facts and disagreements)
-> store (written atomically, under a lock).
"""

from __future__ import annotations

import multiprocessing
import os
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

from kbgen import __version__
from kbgen.errors import KbgenError
from kbgen.inputs.manifest import Release
from kbgen.inputs.sources import Resolver
from kbgen.lock import exclusive
from kbgen.merge.releases import merge
from kbgen.parse.release import ReleaseData, flag_apis, read_release
from kbgen.parse.tree import TreeFacts, analyse_tree
from kbgen.store.schema import SCHEMA_VERSION
from kbgen.store.writer import remove_stale_temp_files, writable_target, write_database
from kbgen.treecache import TreeCache
from kbgen.versions import version_key


@dataclass
class BuildReport:
    path: Path
    releases: list[str]
    counts: dict[str, int]
    disagreements: list[dict]
    seconds: float
    flag_coverage: tuple[str, int, int] | None  # (newest tree, flag masks determined, pairs) of (flag-taking API, driver)
    trees_analysed: int = 0
    trees_cached: int = 0


def flag_coverage(checks: list[dict]) -> tuple[str, int, int] | None:
    if not checks:
        return None
    newest = max({c["release"] for c in checks}, key=version_key)
    in_newest = [c for c in checks if c["release"] == newest]
    return newest, sum(1 for c in in_newest if c["known"]), len(in_newest)


def build_tables(releases: list[Release], resolver: Resolver, say: Callable[[str], None] = lambda _: None,
                 cache: TreeCache | None = None) -> dict[str, list[dict]]:
    parsed = []
    for release in sorted(releases, key=lambda r: version_key(r.version)):
        files = resolver.release_inputs(release)
        say(f"release {release.version}: {', '.join(f.name for f in files)}")
        parsed.append(read_release(release.version, files, release.suite))
    trees = analyse_trees(parsed, cache, say)
    tables = merge(parsed, trees)
    tables["meta"] = meta_rows(tables)
    return tables


def analyse_trees(releases: list[ReleaseData], cache: TreeCache | None, say: Callable[[str], None]) -> list[TreeFacts]:
    """The facts of every release's source tree: from the cache when it holds them, else analysed on every core."""
    apis = flag_apis(releases)
    jobs = {r.version: (r.version, r.tree.path, r.tree.origin, apis, r.tree.walk) for r in releases if r.tree}
    facts: dict[str, TreeFacts] = {}
    for r in releases:
        if r.tree and cache is not None and (cached := cache.get(r.tree, apis, say)) is not None:
            facts[r.version] = cached
    todo = [job for version, job in jobs.items() if version not in facts]
    if todo:
        say(f"analysing {len(todo)} source tree(s): {', '.join(job[0] for job in todo)}")
    for tree in _analyse_all(todo):
        facts[tree.release] = tree
        if cache is not None:
            cache.put(next(r.tree for r in releases if r.version == tree.release), apis, tree)
    return [facts[v] for v in jobs]


def _analyse_all(jobs: list[tuple]) -> list[TreeFacts]:
    """Each tree is independent and the work is CPU-bound: one process per core.

    Works under every multiprocessing start method (fork, spawn, forkserver): workers
    receive only picklable arguments and import what they need.
    """
    workers = min(len(jobs), os.cpu_count() or 1)
    if workers < 2:
        return [analyse_tree(*job) for job in jobs]
    try:
        with ProcessPoolExecutor(workers, mp_context=_start_method(), initializer=_end_with_build, initargs=(os.getpid(),)) as pool:
            return list(pool.map(analyse_tree, *zip(*jobs)))
    except BrokenProcessPool as err:
        raise KbgenError(f"a worker analysing the source trees ended abruptly ({err}); the previous knowledge base is unchanged") from None


START_METHOD_ENV = "KBGEN_START_METHOD"


def _start_method():
    """Python's default, or $KBGEN_START_METHOD (fork, spawn, forkserver)."""
    method = os.environ.get(START_METHOD_ENV) or None
    try:
        return multiprocessing.get_context(method)
    except ValueError:
        raise KbgenError(f"${START_METHOD_ENV}={method!r}: not a start method here; use one of "
                         f"{', '.join(multiprocessing.get_all_start_methods())}") from None


def _end_with_build(build_pid: int) -> None:
    """A worker ends when the build is killed, instead of waiting on the pool's queue forever (Linux).

    Under forkserver the worker's parent is the fork server, not the build, so the
    check is that the build process still exists.
    """
    try:
        import ctypes
        import signal

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # 1: PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
    try:
        os.kill(build_pid, 0)
    except ProcessLookupError:  # the build died before the line above ran
        os._exit(1)
    except PermissionError:
        pass


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


def build_database(path: Path, releases: list[Release], resolver: Resolver, say: Callable[[str], None] = lambda _: None,
                   cache: TreeCache | None = None) -> BuildReport:
    start = time.monotonic()
    path = Path(writable_target(path))
    with build_lock(path):
        remove_stale_temp_files(path)  # left by builds that were killed while writing
        tables = build_tables(releases, resolver, say, cache)
        write_database(path, tables)
    return BuildReport(
        path=path,
        releases=[r["version"] for r in tables["releases"]],
        counts={name: len(rows) for name, rows in tables.items()},
        disagreements=tables["disagreements"],
        seconds=time.monotonic() - start,
        flag_coverage=flag_coverage(tables.get("flag_checks", [])),
        trees_analysed=cache.misses if cache else 0,
        trees_cached=cache.hits if cache else 0,
    )


def build_lock(path: Path):
    """One build per database at a time: a second one fails at once with a clear message."""
    return exclusive(path, f"{path}: cannot create the knowledge base's directory or lock file",
                     f"{path}: another kbgen build is writing this database; wait for it to finish")
