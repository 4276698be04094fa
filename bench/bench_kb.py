"""Benchmark `kb since` start-up and `kbgen build` from cached inputs; prints figures.

Baselines measured in the same run:
- `python3 -c "import sqlite3"` (the floor any Python CLI that reads SQLite pays), against
  `kb since virDomainUndefineFlags` on both of its paths: the database `kbgen build` wrote,
  and the embedded snapshot only (a fresh HOME with nothing built; its first run, which
  writes the snapshot's SQLite file, is reported separately). Target: <= 1.5x each.
- a cold build of the four releases (every source tree analysed) against a warm rebuild
  (tree facts from the tree-facts cache). Target: warm <= 0.5x cold.

usage: python bench/bench_kb.py [--runs N]
Needs the inputs in the kbgen cache (run `make` once).
"""

from __future__ import annotations

import argparse
import compileall
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BIN = Path(sys.executable).parent


def seconds(cmd: list[str], env: dict | None = None) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    return time.perf_counter() - start


def interleaved_medians(cmds: list[list[str]], runs: int, envs: list[dict | None] | None = None) -> list[float]:
    """Run the commands in turn, `runs` rounds: each sees the same machine load as the others."""
    envs = envs or [None] * len(cmds)
    times = [[] for _ in cmds]
    for _ in range(runs):
        for cmd, env, bucket in zip(cmds, envs, times, strict=True):
            bucket.append(seconds(cmd, env))
    return [statistics.median(bucket) for bucket in times]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=21)
    args = parser.parse_args()
    # As pip does at install time, so that start-up is measured without compiling
    # sources (this environment may set PYTHONDONTWRITEBYTECODE).
    compileall.compile_dir(Path(__file__).resolve().parent.parent / "kbgen", quiet=1)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        cache = private_cache(tmp / "cache")
        db = tmp / "data" / "kbgen" / "kb.sqlite"
        build = [str(BIN / "kbgen"), "build", "--offline", "--quiet", "--db", str(db), "--cache-dir", str(cache)]
        cold_s, warm_s = interleaved_medians([[*build, "--reanalyse"], build], max(3, args.runs // 7))
        built_env = env_with(HOME=str(tmp / "home-built"), XDG_DATA_HOME=str(tmp / "data"))
        snapshot_env = env_with(HOME=str(tmp / "home-snapshot"))
        since = [str(BIN / "kb"), "since", "virDomainUndefineFlags"]
        first_run_s = seconds(since, snapshot_env)
        baseline, built, snapshot = interleaved_medians([
            [sys.executable, "-c", "import sqlite3"], since, since,
        ], args.runs, envs=[None, built_env, snapshot_env])
    print(f"python3 -c 'import sqlite3' median       {baseline * 1000:7.1f} ms  (baseline, {args.runs} runs interleaved with kb's)")
    print(f"kb since, built database median          {built * 1000:7.1f} ms  = {built / baseline:.2f}x baseline (target <= 1.5x)")
    print(f"kb since, snapshot only median           {snapshot * 1000:7.1f} ms  = {snapshot / baseline:.2f}x baseline (target <= 1.5x)")
    print(f"  its first run (writes the snapshot db) {first_run_s * 1000:7.1f} ms  = {first_run_s / baseline:.2f}x baseline (once per install)")
    print(f"kbgen build, cold (3 trees analysed)     {cold_s:7.2f} s   (baseline; {os.cpu_count()} cores)")
    print(f"kbgen build, warm (tree-facts cache)     {warm_s:7.2f} s   = {warm_s / cold_s:.2f}x cold (target <= 0.5x)")


def private_cache(target: Path) -> Path:
    """The user's download cache, shared read-only by links, with a tree-facts cache of our own."""
    source = Path(os.environ.get("KBGEN_CACHE_DIR") or Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "kbgen")
    target.mkdir(parents=True)
    for name in ("http", "extracted", "trees"):
        if (source / name).is_dir():
            (target / name).symlink_to(source / name)
    return target


def env_with(**values: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("KBGEN_DB", "XDG_DATA_HOME", "XDG_CACHE_HOME", "KBGEN_CACHE_DIR")}
    return {**env, **values}


if __name__ == "__main__":
    main()
