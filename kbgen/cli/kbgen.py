"""`kbgen`: fetch the inputs and build the knowledge base (and its snapshot).

Exit status: 0 built, 2 an input, download or write failed (the previous
knowledge base is left as it was), or a usage error.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from kbgen import __version__
from kbgen.cli.console import (
    EXIT_ERROR,
    EXIT_NOT_FOUND,
    EXIT_OK,
    fail,
    print_json,
    terminal_output,
)
from kbgen.errors import KbgenError

KBGEN_EPILOG = """\
examples:
  kbgen build                          fetch the releases in data/releases.toml, build the knowledge base
  kbgen build --offline                the same from the download cache only
  kbgen build --input 12.8.0=/usr/share/libvirt/api --db kb.sqlite
                                       build from files you have (a directory, file, .deb or URL)
  kbgen build --git ~/src/libvirt      add every release tag of a libvirt clone as a source tree
  kbgen refresh                        rebuild and rewrite the embedded snapshot in data/snapshot

Downloads are cached in $KBGEN_CACHE_DIR (default $XDG_CACHE_HOME/kbgen). Debian
packages come from the mirror that this machine's apt sources name, or from
$KBGEN_DEBIAN_MIRROR. Exit status: 0 built, 2 an input, download or write failed
(the previous knowledge base is left as it was).
"""


def kbgen_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kbgen",
        description="Build the libvirt API knowledge base from real libvirt inputs.",
        epilog=KBGEN_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"kbgen {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name, help_ in (
        ("build", "fetch inputs and build the knowledge base (atomically replaces the old one)"),
        ("fetch", "download the inputs of every release into the cache, build nothing"),
        ("refresh", "build, then rewrite the embedded snapshot (data/snapshot)"),
    ):
        p = sub.add_parser(name, help=help_)
        _source_options(p)
        if name != "fetch":
            p.add_argument("--db", type=Path, metavar="PATH", help="where to write the knowledge base (default: $KBGEN_DB or $XDG_DATA_HOME/kbgen/kb.sqlite)")
        if name == "build":
            p.add_argument("--or-snapshot", action="store_true",
                           help="if an input cannot be downloaded, install the embedded snapshot as the knowledge base instead of failing")
        if name == "refresh":
            p.add_argument("--snapshot-dir", type=Path, metavar="DIR", help="where to write the snapshot (default: data/snapshot of this kbgen)")
        p.add_argument("--json", action="store_true", help="print the summary as JSON")
    p = sub.add_parser("site", help="render the knowledge base as a static, searchable site")
    p.add_argument("--db", type=Path, metavar="PATH", help="knowledge base to render (default: $KBGEN_DB or $XDG_DATA_HOME/kbgen/kb.sqlite)")
    p.add_argument("--out", type=Path, default=Path("site"), metavar="DIR", help="output directory, replaced atomically (default: ./site)")
    p.add_argument("--base-url", default="", metavar="URL", help="absolute URL prefix for sitemap.xml (default: relative)")
    p.add_argument("--json", action="store_true", help="print the summary as JSON")
    p = sub.add_parser("inspect", help="what a knowledge base file holds (rows per table), checked against this kbgen's schema")
    p.add_argument("--db", type=Path, metavar="PATH", help="knowledge base to inspect (default: $KBGEN_DB or $XDG_DATA_HOME/kbgen/kb.sqlite)")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p = sub.add_parser("debian-lookup", help="print the manifest entry for the libvirt a Debian suite has now: its packages and source tarball (exit 1 if it lacks one)")
    p.add_argument("suite", metavar="SUITE", help="bullseye, bookworm, trixie, sid, ...")
    p.add_argument("--cache-dir", type=Path, metavar="DIR", help="download cache (default: $KBGEN_CACHE_DIR or $XDG_CACHE_HOME/kbgen)")
    p.add_argument("--offline", action="store_true", help="use only the cached index")
    p.add_argument("--quiet", "-q", action="store_true", help="no progress messages")
    return parser


def _source_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--manifest", type=Path, metavar="FILE", help="release manifest (default: data/releases.toml)")
    p.add_argument("--input", action="append", default=[], metavar="VERSION=PATH|URL",
                   help="use this file, directory, .deb or URL for release VERSION instead of the manifest (repeatable)")
    p.add_argument("--git", type=Path, metavar="CLONE",
                   help="also read every release tag (vX.Y.Z) of this libvirt clone as a source tree (raw blobs: no checkout, nothing the clone configures runs)")
    p.add_argument("--tags", default="v*", metavar="GLOB", help="with --git: only tags matching GLOB (default v*: all, which makes flag versions exact)")
    p.add_argument("--cache-dir", type=Path, metavar="DIR", help="download cache (default: $KBGEN_CACHE_DIR or $XDG_CACHE_HOME/kbgen)")
    p.add_argument("--offline", action="store_true", help="use only what is in the cache; say what is missing")
    p.add_argument("--quiet", "-q", action="store_true", help="no progress messages")
    p.add_argument("--reanalyse", action="store_true",
                   help="analyse every source tree again instead of reading its facts from the tree-facts cache (which is then refreshed)")


@terminal_output
def main(argv: list[str] | None = None) -> int:
    args = kbgen_parser().parse_args(argv)
    try:
        commands = {"build": _cmd_build, "fetch": _cmd_fetch, "refresh": _cmd_refresh, "site": _cmd_site, "inspect": _cmd_inspect,
                    "debian-lookup": _cmd_debian_lookup}
        return commands[args.command](args)
    except KbgenError as err:
        return fail(f"kbgen {args.command}: {err}")
    except KeyboardInterrupt:
        return fail(f"kbgen {args.command}: interrupted; the previous knowledge base is unchanged")


def _say(args):
    return (lambda _: None) if args.quiet else (lambda message: print(message, file=sys.stderr))


def _cache_dir(args) -> Path:
    from kbgen.paths import default_cache_dir

    return args.cache_dir or default_cache_dir()


def _resolver(args):
    from kbgen.inputs.debian import find_mirror
    from kbgen.inputs.http import Fetcher
    from kbgen.inputs.sources import Resolver

    fetcher = Fetcher(_cache_dir(args), offline=args.offline, progress=None if not args.quiet else False, warn=_say(args))
    return Resolver(fetcher, _cache_dir(args), find_mirror)


def _tree_cache(args):
    from kbgen.treecache import TreeCache

    return TreeCache(_cache_dir(args) / "tree-facts", read=not args.reanalyse)


def _releases(args):
    from kbgen.inputs.manifest import (
        load_manifest,
        merge_releases,
        releases_from_git,
        releases_from_specs,
    )

    named = releases_from_specs(args.input) if args.input else load_manifest(args.manifest)
    return merge_releases(named, releases_from_git(args.git, args.tags)) if args.git else named


def _cmd_fetch(args) -> int:
    resolver, releases = _resolver(args), _releases(args)
    listing = {r.version: [{"name": f.name, "origin": f.origin, "path": str(f.path)} for f in resolver.release_inputs(r)] for r in releases}
    if args.json:
        print_json("fetch", {"inputs": listing})
    else:
        for version, files in listing.items():
            print(f"{version}: " + ", ".join(f["name"] for f in files))
    return EXIT_OK


def _cmd_build(args) -> int:
    from kbgen.build import build_database
    from kbgen.errors import FetchError
    from kbgen.store.reader import default_db_path

    path = Path(args.db or default_db_path())
    try:
        report = build_database(path, _releases(args), _resolver(args), _say(args), _tree_cache(args))
    except FetchError as err:
        if not args.or_snapshot:
            raise
        return _install_snapshot(path, err)
    _print_report(args, report)
    return EXIT_OK


def _install_snapshot(path: Path, err: Exception) -> int:
    from kbgen.store.snapshot import read_snapshot, snapshot_dir
    from kbgen.store.writer import write_database

    print(f"kbgen build: {err}", file=sys.stderr)
    write_database(path, read_snapshot(snapshot_dir()))
    print(f"kbgen build: installed the embedded snapshot as {path} instead (facts as of its releases; rerun with network to rebuild)", file=sys.stderr)
    return EXIT_OK


def _cmd_refresh(args) -> int:
    from kbgen.build import build_tables
    from kbgen.store.snapshot import snapshot_dir, write_snapshot
    from kbgen.store.writer import write_database

    tables = build_tables(_releases(args), _resolver(args), _say(args), _tree_cache(args))
    target = args.snapshot_dir or snapshot_dir()
    write_snapshot(tables, target)
    if args.db:
        write_database(args.db, tables)
    counts = {name: len(rows) for name, rows in tables.items()}
    if args.json:
        print_json("refresh", {"snapshot": str(target), "database": str(args.db) if args.db else None, "counts": counts})
    else:
        print(f"snapshot written to {target}: " + ", ".join(f"{k} {n}" for k, n in counts.items()), file=sys.stderr)
    return EXIT_OK


SHOWN_PER_KIND = 5
SHOWN_VALUES = 200  # characters of a disagreement's values in the summary; `kb conflicts` prints them whole


def _print_report(args, report) -> None:
    if args.json:
        print_json("build", {
            "database": str(report.path), "releases": report.releases, "counts": report.counts,
            "disagreements": [d | {"values": json.loads(d["values"])} for d in report.disagreements], "seconds": round(report.seconds, 3),
            "flag_coverage": dict(zip(("tree", "determined", "pairs"), report.flag_coverage, strict=True)) if report.flag_coverage else None,
            "trees": {"analysed": report.trees_analysed, "from_cache": report.trees_cached},
        })
        return
    counts = report.counts
    print(f"built {report.path} in {report.seconds:.1f} s from releases {', '.join(report.releases)}")
    if report.trees_analysed or report.trees_cached:
        print(f"  source trees: {report.trees_analysed} analysed, {report.trees_cached} from the tree-facts cache")
    print(f"  {counts['symbols']} symbols, {counts['flag_links']} function-flag links, "
          f"{counts['driver_support']} driver support entries, {counts['matrix_apis']} hvsupport rows")
    if report.flag_coverage:
        tree, known, pairs = report.flag_coverage
        print(f"  source trees: {counts['procedures']} RPC procedures, {counts['driver_flags']} driver-flag-bit versions; "
              f"flag masks determined for {known} of {pairs} (API, driver) pairs in {tree} ({100 * known / pairs:.1f}%)")
    print(f"  {len(report.disagreements)} disagreement(s) between sources" + (":" if report.disagreements else ""))
    by_kind: dict[str, list[dict]] = {}
    for d in report.disagreements:
        by_kind.setdefault(d["kind"], []).append(d)
    for kind, items in by_kind.items():
        print(f"    {kind}: {len(items)}")
        for d in items[:SHOWN_PER_KIND]:
            values = d["values"] if len(d["values"]) <= SHOWN_VALUES else d["values"][:SHOWN_VALUES] + " ..."
            print(f"      {d['detail']}: {values}")
        if len(items) > SHOWN_PER_KIND:
            print(f"      ... {len(items) - SHOWN_PER_KIND} more: kb conflicts --kind {kind}")


def _cmd_site(args) -> int:
    from kbgen.render.site import render_site
    from kbgen.store.reader import default_db_path

    report = render_site(Path(args.db or default_db_path()), args.out, base_url=args.base_url)
    summary = {"out": str(report.out), "pages": report.pages, "bytes": report.bytes_total, "seconds": report.seconds}
    if args.json:
        print_json("site", summary)
    else:
        print(f"rendered {report.pages} pages ({report.bytes_total / 1e6:.1f} MB) into {report.out} in {report.seconds:.1f} s")
    return EXIT_OK


def _cmd_inspect(args) -> int:
    from kbgen.store.inspect import inspect_database
    from kbgen.store.reader import default_db_path

    path = Path(args.db or default_db_path())
    if not path.is_file():
        raise KbgenError(f"{path}: no knowledge base there; run `kbgen build` (or pass --db)")
    report = inspect_database(path)
    if args.json:
        print_json("inspect", report)
    else:
        print(f"{report['database']}: schema {report['schema_version']} (this kbgen writes {report['expected_schema_version']})")
        for table, rows in report["tables"].items():
            print(f"  {table:<18} {rows:>7} rows")
        print("\n".join(f"  problem: {p}" for p in report["problems"]) or "  matches the schema")
    same = not report["problems"] and report["schema_version"] == report["expected_schema_version"]
    return EXIT_OK if same else EXIT_ERROR


def _cmd_debian_lookup(args) -> int:
    """Print a [[release]] entry for the libvirt of a suite; exit 1 (after saying what) if the suite lacks a file."""
    from kbgen.inputs.debian_suite import lookup_suite
    from kbgen.inputs.manifest import manifest_entry
    from kbgen.versions import normalise_version

    entry = lookup_suite(_resolver(args), args.suite)
    print(manifest_entry(normalise_version(entry.version), args.suite, [(f.filename, f.sha256) for f in entry.files],
                         entry.notes))
    for missing in entry.missing:
        print(f"kbgen debian-lookup: suite {args.suite} lacks {missing}", file=sys.stderr)
    return EXIT_NOT_FOUND if entry.missing else EXIT_OK
