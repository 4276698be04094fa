"""`kb`: ask the knowledge base. Argument parsing, choosing the database, printing.

Exit status: 0 answered, 1 not found, 2 usage or database error. Only the
standard library is imported on this path (start-up time is part of the
product); `kbgen` lives in build_cli.py.
"""

from __future__ import annotations

import argparse
import os
import sys

from kbgen import __version__
from kbgen.errors import KbgenError

EXIT_OK, EXIT_NOT_FOUND, EXIT_ERROR = 0, 1, 2

KB_EPILOG = """\
examples:
  kb since virDomainUndefineFlags          when was it added; drivers and flags
  kb since VIR_DOMAIN_UNDEFINE_KEEP_TPM    an enum constant: type, value, who takes it
  kb show virDomainUndefineFlags --json    the whole record, for scripts
  kb search 'virDomain*Flags' --limit 5    glob or substring, best matches first
  kb diff 11.3.0 12.8.0                    what arrived between two releases
  kb drivers qemu                          what the qemu driver gained, release by release

The knowledge base is, in order: --db PATH, $KBGEN_DB, the one `kbgen build`
wrote ($XDG_DATA_HOME/kbgen/kb.sqlite), else the snapshot shipped with kbgen.
Exit status: 0 answered, 1 not found, 2 usage or database error.
"""



# --- kb ------------------------------------------------------------------------------


def _common(parser: argparse.ArgumentParser, default=None) -> None:
    parser.add_argument("--db", default=default, metavar="PATH", help="knowledge base file to read")
    parser.add_argument("--json", action="store_true", default=default or False, help="print JSON (see docs/json.md)")


def kb_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kb",
        description="Which libvirt version added an API, flag, constant or macro, and which drivers support it.",
        epilog=KB_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"kb (kbgen) {__version__}")
    _common(parser)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True, prog="kb")  # prog: no terminal probe at start-up
    quiet = argparse.SUPPRESS  # sub-command options must not reset the top-level ones

    p = sub.add_parser("since", help="the release that added each NAME (functions: drivers and flags too)")
    p.add_argument("names", nargs="+", metavar="NAME", help="function, enum constant, macro, typedef, ... (case-insensitive)")
    _common(p, quiet)
    p = sub.add_parser("show", help="everything known about NAME, with sources and conflicts")
    p.add_argument("name", metavar="NAME")
    _common(p, quiet)
    p = sub.add_parser("search", help="names matching a substring or glob (* ? [..]), best first")
    p.add_argument("pattern", metavar="PATTERN")
    p.add_argument("--limit", type=int, default=20, metavar="N", help="at most N results (default 20)")
    _common(p, quiet)
    p = sub.add_parser("diff", help="what was added after release OLD up to NEW, and driver support gained or lost")
    p.add_argument("old", metavar="OLD")
    p.add_argument("new", metavar="NEW")
    _common(p, quiet)
    p = sub.add_parser("drivers", help="all drivers, or what one DRIVER supports and when it gained it")
    p.add_argument("driver", nargs="?", metavar="DRIVER")
    _common(p, quiet)
    return parser


def restore_sigpipe() -> None:
    """`kb ... | head` ends quietly, as other command-line tools do."""
    import signal

    signal.signal(signal.SIGPIPE, signal.SIG_DFL)


def kb_main(argv: list[str] | None = None) -> int:
    restore_sigpipe()
    args = kb_parser().parse_args(argv)
    from kbgen import query, text

    try:
        conn = _open(args.db)
        answers, missing = _kb_answers(args, conn, query)
    except query.BadQuery as err:
        return fail(f"kb: {err}")
    except KbgenError as err:
        return fail(f"kb: {err}")
    if args.json:
        not_found = [{"name": name, "suggestions": suggestions} for name, suggestions in missing]
        if args.command == "since":
            print_json({"results": answers, "not_found": not_found})
        else:
            print_json(answers[0] if answers else {"not_found": not_found})
    else:
        style = text.Style()
        render = getattr(text, args.command)
        for i, answer in enumerate(answers):
            if i:
                print()
            print("\n".join(render(answer, style)))
        for name, suggestions in missing:
            print(text.not_found(name, suggestions), file=sys.stderr)
    return EXIT_NOT_FOUND if missing else EXIT_OK


def _kb_answers(args, conn, query) -> tuple[list | dict, list]:
    """The answers to print and the names not found, as (name, suggestions)."""
    if args.command == "since":
        answers, missing = [], []
        for name in args.names:
            try:
                answers.append(query.since(conn, name))
            except query.NotFound as err:
                missing.append((err.name, err.suggestions))
        return answers, missing
    try:
        if args.command == "show":
            return [query.show(conn, args.name)], []
        if args.command == "search":
            answer = query.search(conn, args.pattern, max(1, args.limit))
            return [answer], ([(args.pattern, [])] if not answer["results"] else [])
        if args.command == "diff":
            return [query.diff(conn, args.old, args.new)], []
        return [query.drivers(conn, args.driver)], []
    except query.NotFound as err:
        return [], [(err.name, err.suggestions)]


def _open(db: str | None):
    from kbgen.db import default_db_path, open_database

    if db is None:
        db = default_db_path()
        if not os.path.exists(db) and not os.environ.get("KBGEN_DB"):
            from kbgen.paths import default_cache_dir
            from kbgen.snapshot import snapshot_database

            db = snapshot_database(default_cache_dir())
    return open_database(db)


def print_json(data) -> None:
    import json

    json.dump(data, sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")


def fail(message: str) -> int:
    print(message, file=sys.stderr)
    return EXIT_ERROR
