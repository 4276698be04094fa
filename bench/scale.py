"""How kbgen scales: builds at 1x, 10x and 100x the size of libvirt 12.8.0.

    python bench/scale.py                  # scales 1 10 100, site at 10x
    python bench/scale.py --scales 1 10    # quicker

For each scale, bench/synth.py writes four releases of synthetic inputs (both
generations of the API XML, hvsupport.html), then this script runs, each in its
own subprocess so that resource.getrusage(RUSAGE_CHILDREN) gives that run's peak
memory alone:
  - `kbgen build --input ...` (wall time, the build's own time, peak RSS),
  - at 10x `kbgen site` (time, output size, peak RSS),
then `kb since NAME` 21 times against every scale's database, interleaved, for
the median latency (and a name that is not there: the suggestion path). It
prints the figures and the ratios (growth of the build time, 100x against 1x
query latency); it asserts nothing. About 2 minutes and 1.4 GB of memory at 100x.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import synth

KB = "import sys; from kbgen.cli.kb import main; sys.exit(main(sys.argv[1:]))"
KBGEN = "import sys; from kbgen.cli.kbgen import main; sys.exit(main(sys.argv[1:]))"
# Runs a command and reports its wall time and peak RSS (KiB on Linux) as JSON on stdout.
MEASURE = """
import json, resource, subprocess, sys, time
start = time.monotonic()
done = subprocess.run(sys.argv[1:], stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=False)
seconds = time.monotonic() - start
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps({"rc": done.returncode, "seconds": seconds, "peak_kib": peak,
                  "stdout": done.stdout.decode(errors="replace"), "stderr": done.stderr.decode(errors="replace")[-2000:]}))
"""


def measured(*command: str) -> dict:
    out = subprocess.run([sys.executable, "-c", MEASURE, *command], capture_output=True, text=True, check=True).stdout
    result = json.loads(out)
    if result["rc"] not in (0, 1):
        raise SystemExit(f"{' '.join(command[:6])} ...: exit {result['rc']}\n{result['stderr']}")
    return result


def kb_latencies(dbs: dict[float, Path], name: str, runs: int) -> dict[float, float]:
    """Median wall time of `kb since NAME` against each database, runs interleaved so that drift hits all alike."""
    times: dict[float, list[float]] = {scale: [] for scale in dbs}
    for _ in range(runs):
        for scale, db in dbs.items():
            start = time.perf_counter()
            subprocess.run([sys.executable, "-c", KB, "--db", str(db), "since", name], capture_output=True, check=False)
            times[scale].append(time.perf_counter() - start)
    return {scale: statistics.median(t) for scale, t in times.items()}


def probe_name() -> str:
    """A function with flags that hvsupport lists at scale 1; the same name exists at every scale."""
    universe = synth.Universe(1)
    listed = {api for rows in universe.rows.values() for api, _, linked, cells in rows if linked and cells}
    return next(s.name for s in universe.symbols["libvirt"] if s.kind == "function" and s.flags_type and s.name in listed)


def run_scale(work: Path, scale: float, site: bool) -> dict:
    inputs = work / f"x{scale:g}"
    start = time.monotonic()
    dirs = synth.generate(inputs, scale)
    generated = time.monotonic() - start
    size = sum(p.stat().st_size for d in dirs.values() for p in d.iterdir())
    db = work / f"kb-x{scale:g}.sqlite"
    args = [arg for release, d in dirs.items() for arg in ("--input", f"{release}={d}")]
    build = measured(sys.executable, "-c", KBGEN, "build", "-q", "--json", "--db", str(db), "--cache-dir", str(work / "cache"), *args)
    report = json.loads(build["stdout"])
    figures = {
        "scale": scale, "db": db, "input_mb": size / 1e6, "generate_s": generated,
        "build_s": build["seconds"], "build_internal_s": report["seconds"], "build_peak_mb": build["peak_kib"] / 1024,
        "symbols": report["counts"]["symbols"], "driver_support": report["counts"]["driver_support"],
        "db_mb": db.stat().st_size / 1e6,
    }
    if site:
        out = work / f"site-x{scale:g}"
        rendered = measured(sys.executable, "-c", KBGEN, "site", "--json", "--db", str(db), "--out", str(out))
        summary = json.loads(rendered["stdout"])
        figures.update(site_s=rendered["seconds"], site_peak_mb=rendered["peak_kib"] / 1024,
                       site_pages=summary["pages"], site_mb=summary["bytes"] / 1e6)
        shutil.rmtree(out, ignore_errors=True)
    shutil.rmtree(inputs, ignore_errors=True)
    return figures


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="kbgen build, kb since and kbgen site at N times the size of libvirt 12.8.0")
    parser.add_argument("--scales", type=float, nargs="+", default=[1, 10, 100])
    parser.add_argument("--site-scale", type=float, default=10, help="render the site at this scale (0: never)")
    parser.add_argument("--runs", type=int, default=21, help="kb since runs per scale (median)")
    parser.add_argument("--work", type=Path, help="working directory (default: a temporary one, removed)")
    args = parser.parse_args(argv)
    work = args.work or Path(tempfile.mkdtemp(prefix="kbgen-scale-"))
    results = {}
    try:
        for scale in args.scales:
            f = run_scale(work, scale, site=scale == args.site_scale)
            results[scale] = f
            print(f"{scale:>5g}x  input {f['input_mb']:7.1f} MB  build {f['build_s']:7.2f} s (in kbgen {f['build_internal_s']:6.2f} s)"
                  f"  peak {f['build_peak_mb']:7.1f} MB  db {f['db_mb']:6.1f} MB  {f['symbols']} symbols, {f['driver_support']} driver rows")
            if "site_s" in f:
                print(f"        kbgen site: {f['site_s']:.1f} s, {f['site_pages']} pages, {f['site_mb']:.1f} MB, peak {f['site_peak_mb']:.0f} MB")
            sys.stdout.flush()
        name = probe_name()
        dbs = {scale: f["db"] for scale, f in results.items()}
        since = kb_latencies(dbs, name, args.runs)
        missing = kb_latencies(dbs, name + "Typo", max(3, args.runs // 4))
        peak = measured(sys.executable, "-c", KB, "--db", str(dbs[max(dbs)]), "since", name)["peak_kib"] / 1024
        print(f"kb since {name} (median of {args.runs}, interleaved): "
              + ", ".join(f"{scale:g}x {since[scale] * 1000:.1f} ms" for scale in dbs)
              + f"; peak {peak:.0f} MB at {max(dbs):g}x")
        print("kb since a name that is not there (suggestions): " + ", ".join(f"{scale:g}x {missing[scale] * 1000:.0f} ms" for scale in dbs))
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    lo, hi = min(results), max(results)
    if hi > lo:
        a, b = results[lo], results[hi]
        print(f"{hi:g}x / {lo:g}x: build {b['build_s'] / a['build_s']:.1f}x wall, {b['build_internal_s'] / a['build_internal_s']:.1f}x in kbgen"
              f" (linear: {hi / lo:g}x); kb since {since[hi] / since[lo]:.2f}x (target <= 1.5);"
              f" a name not there {missing[hi] / missing[lo]:.1f}x")
        print("build seconds per 1x of input (in kbgen): " + ", ".join(f"{s:g}x {r['build_internal_s'] / s:.2f}" for s, r in sorted(results.items())))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
