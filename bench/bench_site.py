"""Figures for `kbgen site`: build time, page count, size, and what the home and explain pages cost to load.

    python bench/bench_site.py --db /tmp/kb4.sqlite [--runs 3]

Prints figures; asserts nothing. Targets: build <= 10 s, home page plus search
index <= 150 KB gzipped.
"""

from __future__ import annotations

import argparse
import gzip
import tempfile
from pathlib import Path

from kbgen.render.site import render_site
from kbgen.store.reader import default_db_path

HOME_FILES = ("index.html", "search-index.json", "assets/site.css", "assets/site.js")
EXPLAIN_FILES = ("explain.html", "search-index.json", "explain-data.json", "assets/site.css", "assets/site.js", "assets/explain.js")


def gzipped_size(path: Path) -> int:
    return len(gzip.compress(path.read_bytes(), compresslevel=9, mtime=0))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=default_db_path(), help="knowledge base to render (default: %(default)s)")
    parser.add_argument("--runs", type=int, default=3, help="builds to time; the fastest is reported")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        reports = [render_site(args.db, Path(tmp) / "site") for _ in range(args.runs)]
        report = min(reports, key=lambda r: r.seconds)
        print(f"build seconds        {report.seconds:.2f} (fastest of {args.runs}: {', '.join(f'{r.seconds:.2f}' for r in reports)})")
        print(f"pages                {report.pages}")
        print(f"total bytes          {report.bytes_total} ({report.bytes_total / 1e6:.1f} MB)")
        home = print_sizes(report.out, HOME_FILES)
        print(f"home + index gzipped {home / 1024:.1f} KB (target <= 150 KB)")
        print(f"  search-index.js    {gzipped_size(report.out / 'search-index.js') / 1024:7.1f} KB gzipped (loaded instead of the .json from file://)")
        explain = print_sizes(report.out, EXPLAIN_FILES)
        print(f"explain page gzipped {explain / 1024:.1f} KB")
        print(f"  explain-data.js    {gzipped_size(report.out / 'explain-data.js') / 1024:7.1f} KB gzipped (loaded instead of the .json from file://)")


def print_sizes(site: Path, names: tuple[str, ...]) -> int:
    """Print each file's size, plain and gzipped; return the gzipped total."""
    total = 0
    for name in names:
        size = gzipped_size(site / name)
        total += size
        print(f"  {name:<19}{(site / name).stat().st_size:>9} B  {size / 1024:7.1f} KB gzipped")
    return total


if __name__ == "__main__":
    main()
