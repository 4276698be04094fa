"""Figures for the XML facts: paths per ingested release and format, the time to build them, and `kb since PATH`.

    python bench/bench_xml.py [--db PATH] [--runs N]

- paths per format in each ingested release's schemas (as parsed from the cached inputs), and the distinct paths
  of the knowledge base (the union over the releases);
- the time to build the XML facts in-process from a warm cache (the inputs already downloaded and extracted; the
  first, untimed round warms it): parsing the schemas and the format pages, then merging them (merge/xmlpaths.py's
  xml_tables); the fastest of --runs rounds;
- `kb since domain/devices/disk/@type=vhostuser` against `kb since virDomainUndefineFlags` (medians of --kb-runs
  runs interleaved in the same process, as bench/bench_kb.py measures), as a ratio; `kb search disk` (symbols and
  paths) with them.

Prints figures; asserts nothing. Needs the inputs in the kbgen cache (run `make` once).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

from bench_kb import BIN, interleaved_medians

from kbgen.answers.xmlpaths import schema_releases
from kbgen.inputs.debian import find_mirror
from kbgen.inputs.http import Fetcher
from kbgen.inputs.manifest import load_manifest
from kbgen.inputs.sources import FORMAT_DOC_NAMES, SCHEMAS_NAME, Resolver
from kbgen.merge.xmlpaths import xml_tables
from kbgen.parse.release import read_release
from kbgen.paths import default_cache_dir
from kbgen.store.reader import default_db_path, open_database
from kbgen.versions import version_key

XML_PATH = "domain/devices/disk/@type=vhostuser"
SYMBOL = "virDomainUndefineFlags"


def xml_inputs() -> dict[str, list]:
    """Release -> its schemas and format pages, from the cache (offline)."""
    cache = default_cache_dir()
    resolver = Resolver(Fetcher(cache, offline=True, progress=False, warn=lambda _: None), cache, find_mirror)
    releases = sorted(load_manifest(), key=lambda r: version_key(r.version))
    return {r.version: [f for f in resolver.release_inputs(r) if f.name == SCHEMAS_NAME or f.name in FORMAT_DOC_NAMES] for r in releases}


def build_once(inputs: dict[str, list]) -> tuple[float, float, list, dict]:
    """Parse every release's XML inputs, then merge them: (parse seconds, merge seconds, parsed releases, tables)."""
    started = time.perf_counter()
    parsed = [read_release(version, files) for version, files in inputs.items()]
    parsed_at = time.perf_counter()
    tables = xml_tables(parsed, lambda *_: None)
    return parsed_at - started, time.perf_counter() - parsed_at, parsed, tables


def print_paths(parsed: list, db: Path) -> None:
    per_release = {r.version: Counter({fmt.format: len(fmt.paths) for fmt in r.schemas[0]}) for r in parsed if r.schemas}
    conn = open_database(db)
    try:
        distinct = Counter(dict(conn.execute("SELECT format, count(*) FROM xml_paths GROUP BY format")))
        kinds = dict(conn.execute("SELECT kind, count(*) FROM xml_paths GROUP BY kind"))
        in_db = schema_releases(conn)
    finally:
        conn.close()
    versions = list(per_release)
    print(f"xml paths per format and ingested release (schemas parsed from the cache); the knowledge base's {db} has {', '.join(in_db)}")
    print(f"  {'format':<20}" + "".join(f"{v:>9}" for v in versions) + f"{'distinct':>10}")
    for fmt in sorted(set(distinct) | {f for c in per_release.values() for f in c}):
        print(f"  {fmt:<20}" + "".join(f"{per_release[v][fmt]:>9}" for v in versions) + f"{distinct[fmt]:>10}")
    print(f"  {'all':<20}" + "".join(f"{sum(per_release[v].values()):>9}" for v in versions) + f"{sum(distinct.values()):>10}")
    print("  distinct by kind: " + ", ".join(f"{kinds[k]} {k}s" for k in sorted(kinds)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", type=Path, default=default_db_path(), help="knowledge base for `kb since` and the distinct paths")
    parser.add_argument("--runs", type=int, default=5, help="build rounds (the fastest is reported)")
    parser.add_argument("--kb-runs", type=int, default=21, help="runs of each kb command (medians)")
    args = parser.parse_args()
    inputs = xml_inputs()
    build_once(inputs)  # warms the cache: every input extracted
    rounds = [build_once(inputs) for _ in range(args.runs)]
    parse_s, merge_s, parsed, tables = min(rounds, key=lambda r: r[0] + r[1])
    print_paths(parsed, args.db)
    print(f"xml facts build, warm cache (fastest of {args.runs}) {parse_s + merge_s:7.2f} s  = parse {parse_s:.2f} s"
          f" (schemas and {sum(len(f) - 1 for f in inputs.values())} format pages of {len(inputs)} releases) + merge {merge_s:.2f} s"
          f" ({len(tables['xml_paths'])} paths, {len(tables['xml_notes'])} notes)")
    kb = [str(BIN / "kb"), "--db", str(args.db)]
    xml_s, symbol_s, search_s = interleaved_medians([[*kb, "since", XML_PATH], [*kb, "since", SYMBOL], [*kb, "search", "disk"]],
                                                     args.kb_runs)
    print(f"kb since {XML_PATH} median {xml_s * 1000:7.1f} ms")
    print(f"kb since {SYMBOL} median {' ' * (len(XML_PATH) - len(SYMBOL))}{symbol_s * 1000:7.1f} ms"
          f"  (XML path / symbol = {xml_s / symbol_s:.2f}x; {args.kb_runs} runs each, interleaved)")
    print(f"kb search disk median {' ' * (len(XML_PATH) - 5)}{search_s * 1000:7.1f} ms  (symbols and XML paths)")


if __name__ == "__main__":
    sys.exit(main())
