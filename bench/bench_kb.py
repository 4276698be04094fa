"""Benchmark `kb since` start-up and `kbgen build` from cached inputs; prints figures.

Baseline measured in the same run: `python3 -c "import sqlite3"` (the floor any
Python CLI that reads SQLite pays). Targets (issue #2): kb since <= 2x the
baseline; kbgen build of all four releases from the cache <= 5 s (API XML and
hvsupport.html; the source-tree analysis of issue #4 is timed separately).

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


def seconds(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def median_seconds(cmd: list[str], runs: int) -> float:
    return statistics.median(seconds(cmd) for _ in range(runs))


def interleaved_medians(cmds: list[list[str]], runs: int) -> list[float]:
    """Run the commands in turn, `runs` rounds: each sees the same machine load as the others."""
    times = [[] for _ in cmds]
    for _ in range(runs):
        for cmd, bucket in zip(cmds, times):
            bucket.append(seconds(cmd))
    return [statistics.median(bucket) for bucket in times]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=21)
    args = parser.parse_args()
    # As pip does at install time, so that start-up is measured without compiling
    # sources (this environment may set PYTHONDONTWRITEBYTECODE).
    compileall.compile_dir(Path(__file__).resolve().parent.parent / "kbgen", quiet=1)
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "kb.sqlite"
        packages_only = Path(tmp) / "releases.toml"
        packages_only.write_text(_without_tarballs(load_manifest_text()))
        build = [str(BIN / "kbgen"), "build", "--offline", "--quiet", "--db", str(db)]
        build_s = median_seconds([*build, "--manifest", str(packages_only)], max(3, args.runs // 7))
        trees_s = median_seconds(build, 3)
        baseline, since, search = interleaved_medians([
            [sys.executable, "-c", "import sqlite3"],
            [str(BIN / "kb"), "--db", str(db), "since", "virDomainUndefineFlags"],
            [str(BIN / "kb"), "--db", str(db), "search", "undefine"],
        ], args.runs)
    print(f"python3 -c 'import sqlite3' median   {baseline * 1000:7.1f} ms  (baseline, {args.runs} runs interleaved with kb's)")
    print(f"kb since virDomainUndefineFlags median {since * 1000:7.1f} ms  = {since / baseline:.2f}x baseline (target <= 2x)")
    print(f"kb search undefine median             {search * 1000:7.1f} ms  = {search / baseline:.2f}x baseline")
    print(f"kbgen build --offline (4 releases)     {build_s:7.2f} s   (target <= 5 s; API XML + hvsupport.html)")
    print(f"  ... with 3 source trees analysed       {trees_s:7.2f} s   ({os.cpu_count()} cores)")


def load_manifest_text() -> str:
    from kbgen.inputs.manifest import default_manifest

    return default_manifest().read_text()


def _without_tarballs(manifest: str) -> str:
    return "\n".join(line for line in manifest.splitlines() if ".orig.tar." not in line) + "\n"


if __name__ == "__main__":
    main()
