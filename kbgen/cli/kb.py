"""`kb`: ask the knowledge base. Argument parsing, choosing the database, printing.

Exit status: 0 answered, 1 not found, 2 usage or database error, 3 `kb check`
found a name that would fail. Only the standard library is imported on this
path (start-up time is part of the product); `kbgen` lives in cli/kbgen.py.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import sys

from kbgen import __version__
from kbgen.cli.console import (
    EXIT_NOT_FOUND,
    EXIT_OK,
    EXIT_WOULD_FAIL,
    fail,
    print_json,
    quiet_broken_pipe,
)
from kbgen.errors import KbgenError

KB_EPILOG = """\
examples:
  kb since virDomainUndefineFlags          when was it added; drivers and flags
  kb since VIR_DOMAIN_UNDEFINE_KEEP_TPM    an enum constant: type, value, who takes it
  kb show virDomainUndefineFlags --json    the whole record, for scripts
  kb search 'virDomain*Flags' --limit 5    glob or substring, best matches first
  kb diff 11.3.0 12.8.0                    what arrived between two releases
  kb drivers qemu                          what the qemu driver gained, release by release
  kb since VIR_DOMAIN_UNDEFINE_KEEP_TPM --driver qemu
                                           when the qemu driver started to accept the flag
  kb proc 261                              which API is remote procedure 261
  kb explain 'error: unknown procedure: 261'
                                           what a libvirt error means and what to do
  kb check --server 0.9.9 --driver qemu virDomainPMSuspendForDuration
                                           will it work against that daemon? if not, the error

The knowledge base is, in order: --db PATH, $KBGEN_DB, the one `kbgen build`
wrote ($XDG_DATA_HOME/kbgen/kb.sqlite), else the snapshot shipped with kbgen.
Exit status: 0 answered, 1 not found (or nothing recognised by explain), 2 usage
or database error, 3 `kb check`: some name would fail (or cannot be told).
"""



# --- kb ------------------------------------------------------------------------------


class _Formatter(argparse.RawDescriptionHelpFormatter):
    """argparse's formatter without its shutil import (about 3 ms of kb's start-up): the width comes from os."""

    def __init__(self, prog: str, **kwargs):
        try:
            columns = os.get_terminal_size(sys.stderr.fileno()).columns
        except (OSError, ValueError):
            columns = 100
        super().__init__(prog, width=max(columns, 60) - 2, **kwargs)


def _common(parser: argparse.ArgumentParser, default=None) -> None:
    parser.add_argument("--db", default=default, metavar="PATH", help="knowledge base file to read")
    parser.add_argument("--json", action="store_true", default=default or False, help="print JSON (see docs/json.md)")


def kb_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kb",
        description="Which libvirt version added an API, flag, constant or macro, and which drivers support it.",
        epilog=KB_EPILOG,
        formatter_class=_Formatter,
    )
    parser.add_argument("--version", action="version", version=f"kb (kbgen) {__version__}")
    _common(parser)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True, prog="kb")  # prog: no terminal probe at start-up
    quiet = argparse.SUPPRESS  # sub-command options must not reset the top-level ones

    p = sub.add_parser("since", formatter_class=_Formatter, help="the release that added each NAME (functions: drivers and flags too)")
    p.add_argument("names", nargs="+", metavar="NAME", help="function, enum constant, macro, typedef, ... (case-insensitive)")
    p.add_argument("--driver", metavar="DRIVER", help="only this driver: its support, and when it started to accept a flag")
    _common(p, quiet)
    p = sub.add_parser("show", formatter_class=_Formatter, help="everything known about NAME, with sources and conflicts")
    p.add_argument("name", metavar="NAME")
    _common(p, quiet)
    p = sub.add_parser("search", formatter_class=_Formatter, help="names matching a substring or glob (* ? [..]), best first")
    p.add_argument("pattern", metavar="PATTERN")
    p.add_argument("--limit", type=int, default=20, metavar="N", help="at most N results (default 20)")
    _common(p, quiet)
    p = sub.add_parser("diff", formatter_class=_Formatter, help="what was added after release OLD up to NEW, and driver support gained or lost")
    p.add_argument("old", metavar="OLD")
    p.add_argument("new", metavar="NEW")
    _common(p, quiet)
    p = sub.add_parser("drivers", formatter_class=_Formatter, help="all drivers, or what one DRIVER supports and when it gained it")
    p.add_argument("driver", nargs="?", metavar="DRIVER")
    _common(p, quiet)
    p = sub.add_parser("conflicts", formatter_class=_Formatter, help="every disagreement between sources found by the build")
    p.add_argument("--kind", metavar="KIND", help="only this kind, e.g. xml-vs-hvsupport, source-vs-hvsupport")
    _common(p, quiet)
    p = sub.add_parser("proc", formatter_class=_Formatter, help="the RPC procedure NUMBER: its API and the release that added it")
    p.add_argument("number", type=int, metavar="NUMBER")
    p.add_argument("--protocol", default="remote", choices=("remote", "qemu", "lxc", "admin"), help="default: remote")
    _common(p, quiet)
    p = sub.add_parser("explain", formatter_class=_Formatter, help="what an error message or version line means, and what to do ('-' reads stdin)")
    p.add_argument("text", nargs="+", metavar="TEXT")
    _common(p, quiet)
    p = sub.add_parser("check", formatter_class=_Formatter, help="whether each NAME works against a daemon of release VERSION (and a driver)")
    p.add_argument("names", nargs="+", metavar="NAME", help="function or flag")
    p.add_argument("--server", required=True, metavar="VERSION", help="the daemon's libvirt release")
    p.add_argument("--driver", metavar="DRIVER", help="the connection's driver, e.g. qemu")
    _common(p, quiet)
    return parser


@quiet_broken_pipe
def main(argv: list[str] | None = None) -> int:
    args = kb_parser().parse_args(argv)
    from kbgen.answers import query
    from kbgen.render import text

    try:
        conn = _open(args.db)
        answers, missing = _kb_answers(args, conn, query)
    except (query.BadQuery, KbgenError) as err:
        return fail(f"kb: {err}")
    except sqlite3.DatabaseError as err:  # a file damaged past its first pages fails only while answering
        return fail(f"kb: {args.db or 'the knowledge base'}: corrupt ({err}); rebuild it with `kbgen build`")
    if args.json:
        not_found = [{"name": name, "suggestions": suggestions} for name, suggestions in missing]
        if args.command in ("since", "check"):
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
    return _exit_status(args.command, answers, missing)


def _exit_status(command: str, answers, missing) -> int:
    empty = {"explain": "findings", "search": "results"}
    if missing or (command in empty and not answers[0][empty[command]]):
        return EXIT_NOT_FOUND
    if command == "check" and any(a["works"] is not True for a in answers):
        return EXIT_WOULD_FAIL
    return EXIT_OK


def _kb_answers(args, conn, query) -> tuple[list | dict, list]:
    """The answers to print and the names not found, as (name, suggestions)."""
    if args.command in ("since", "check"):
        answers, missing = [], []
        for name in args.names:
            try:
                answers.append(_each(args, conn, query, name))
            except query.NotFound as err:
                missing.append((err.name, err.suggestions))
        return answers, missing
    try:
        if args.command == "conflicts":
            return [query.conflicts(conn, args.kind)], []
        if args.command == "proc":
            return [query.proc(conn, args.number, args.protocol)], []
        if args.command == "explain":
            from kbgen.answers.diagnose import explain

            text = sys.stdin.read() if args.text == ["-"] else " ".join(args.text)
            return [{"findings": explain(conn, text)}], []
        if args.command == "show":
            return [query.show(conn, args.name)], []
        if args.command == "search":
            return [query.search(conn, args.pattern, max(1, args.limit))], []
        if args.command == "diff":
            return [query.diff(conn, args.old, args.new)], []
        return [query.drivers(conn, args.driver)], []
    except query.NotFound as err:
        return [], [(err.name, err.suggestions)]


def _each(args, conn, query, name: str) -> dict:
    if args.command == "check":
        from kbgen.answers.diagnose import check

        return check(conn, args.server, args.driver, name)
    return query.since(conn, name, args.driver)


def _open(db: str | None):
    from kbgen.store.reader import default_db_path, open_database

    if db is None:
        db = default_db_path()
        if not os.path.exists(db) and not os.environ.get("KBGEN_DB"):
            from kbgen.paths import default_cache_path
            from kbgen.store.snapshot import snapshot_database

            db = snapshot_database(default_cache_path())
    return open_database(db)
