"""`kb`: ask the knowledge base. Argument parsing, choosing the database, printing.

Exit status: 0 answered, 1 not found, 2 usage or database error, 3 `kb check`
found a name that would fail, 4 `kb check` found none that would but some it cannot tell. Only the standard library is imported on this
path (start-up time is part of the product); `kbgen` lives in cli/kbgen.py.
"""

from __future__ import annotations

import os
import sqlite3
import sys

from kbgen.cli import kbargs
from kbgen.cli.console import (
    EXIT_CANNOT_TELL,
    EXIT_NOT_FOUND,
    EXIT_OK,
    EXIT_WOULD_FAIL,
    fail,
    json_text,
    let_style_through,
    terminal_output,
    visible_data,
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
  kb since domain/devices/disk/@type=vhostuser
                                           an XML element, attribute or value: since which release
  kb check --server 7.0.0 --driver qemu --xml vm.xml
                                           what in a domain (network, pool, ...) XML that daemon refuses

The knowledge base is, in order: --db PATH, $KBGEN_DB, the one `kbgen build`
wrote ($XDG_DATA_HOME/kbgen/kb.sqlite), else the snapshot shipped with kbgen.
Exit status: 0 answered, 1 not found (or nothing recognised by explain), 2 usage
or database error, 3 `kb check`: some name would fail, 4 `kb check`: none would
fail but some cannot be told (a bound around the release, a mask not read).
"""



DESCRIPTION = "Which libvirt version added an API, flag, constant or macro, and which drivers support it."


def kb_parser():
    """The argparse parser of kb (help, errors, the README's usage blocks)."""
    return kbargs.build_parser(DESCRIPTION, KB_EPILOG)


@terminal_output
def main(argv: list[str] | None = None) -> int:
    args = kbargs.parse_args(argv, DESCRIPTION, KB_EPILOG)
    from kbgen.answers import query
    from kbgen.answers.known_releases import KnownReleases
    from kbgen.render import text

    conn = None
    try:
        conn = _open(args.db)
        answers, missing = _kb_answers(args, conn, query)
        KnownReleases.load(conn).dated(answers)
        out, err = _json(args.command, answers, missing) if args.json else _text(args.command, answers, missing, text)
        err = _outside(answers, text) + err
    except (query.BadQuery, KbgenError) as error:
        return fail(f"kb: {error}")
    except sqlite3.DatabaseError as error:  # a file damaged past its first pages fails only while answering
        return fail(f"kb: {_db_path(args, conn)}: corrupt ({error}); rebuild it with `kbgen build`")
    except UnicodeEncodeError as error:  # SQLite takes only UTF-8: an argument with bytes that are not
        return fail(f"kb: {error.object!r} is not UTF-8 text")
    except (AttributeError, KeyError, TypeError, ValueError) as error:  # e.g. a NULL since, which no build writes
        return fail(f"kb: {_db_path(args, conn)}: cannot answer from this knowledge base ({type(error).__name__}: {error}): "
                    "it is damaged, or kb has a bug; rebuild it with `kbgen build`, and report the error if it stays")
    if out:
        print(out)
    for line in err:
        print(line, file=sys.stderr)
    return _exit_status(args.command, answers, missing)


def _json(command: str, answers, missing) -> tuple[str, list[str]]:
    not_found = [{"name": name, "suggestions": suggestions} for name, suggestions in missing]
    if command in ("since", "check"):
        return json_text(command, {"results": answers, "not_found": not_found}), []
    return json_text(command, answers[0] if answers else {"not_found": not_found}), []


def _text(command: str, answers, missing, text) -> tuple[str, list[str]]:
    """What to print on stdout and stderr; the renderers get the answers escaped (console.visible_data)."""
    style = text.Style()
    let_style_through(style.on)
    render = getattr(text, command)
    out = "\n\n".join("\n".join(render(answer, style)) for answer in visible_data(answers))
    return out, [text.not_found(name, visible_data(suggestions)) for name, suggestions in missing]


def _outside(answers, text) -> list[str]:
    """Warnings, once each, for the releases given that the knowledge base does not know (never released, or too new)."""
    given = [a[key] for a in answers for key in ("server_release", "from_release", "to_release") if key in a]
    return list(dict.fromkeys(f"kb: warning: {warning}" for release in visible_data(given) if (warning := text.outside(release))))


def _db_path(args, conn) -> str:
    return conn.execute("PRAGMA database_list").fetchone()[2] if conn else args.db or "the knowledge base"


def _exit_status(command: str, answers, missing) -> int:
    empty = {"explain": ("findings",), "search": ("results", "paths", "bindings")}
    if missing or (command in empty and not any(answers[0][key] for key in empty[command])):
        return EXIT_NOT_FOUND
    if command == "check" and any(a["works"] is False for a in answers):
        return EXIT_WOULD_FAIL
    if command == "check" and any(a["works"] is None for a in answers):
        return EXIT_CANNOT_TELL
    return EXIT_OK


def _kb_answers(args, conn, query) -> tuple[list | dict, list]:
    """The answers to print and the names not found, as (name, suggestions)."""
    if args.command == "virsh" or args.command == "check" and args.names[:1] == ["virsh"]:
        return _virsh_answers(args, conn, query)
    if args.command in ("since", "check"):
        answers, missing = [], []
        args.driver = query.known_driver(conn, args.driver)
        if args.command == "check" and not args.names and not args.xml:
            raise query.BadQuery("check: give a NAME (function or flag), or --xml FILE")
        for name in args.names:
            try:
                answers.append(_each(args, conn, query, name))
            except query.NotFound as err:
                missing.append((err.name, err.suggestions))
        if args.command == "check" and args.xml:
            from kbgen.answers.xmlpaths import check_xml

            answers.append(check_xml(conn, args.server, args.driver, args.xml))
        return answers, missing
    try:
        if args.command == "conflicts":
            return [query.conflicts(conn, args.kind)], []
        if args.command == "proc":
            return [query.proc(conn, args.number, args.protocol)], []
        if args.command == "explain":
            from kbgen.answers.diagnose import explain_lines, read_lines

            lines = read_lines(_stdin()) if args.text == ["-"] else " ".join(args.text).split("\n")
            return [explain_lines(conn, lines)], []
        if args.command == "show":
            return [query.show(conn, args.name)], []
        if args.command == "search":
            return [query.search(conn, args.pattern, max(1, args.limit))], []
        if args.command == "diff":
            return [query.diff(conn, args.old, args.new)], []
        return [query.drivers(conn, args.driver)], []
    except query.NotFound as err:
        return [], [(err.name, err.suggestions)]


def _virsh_answers(args, conn, query) -> tuple[list, list]:
    """`kb virsh WORDS`, or `kb check ... -- virsh WORDS`: each API and flag the command line needs, checked."""
    from kbgen.answers import virsh

    uri_driver, words = virsh.command_line(args.words if args.command == "virsh" else args.names)
    driver = query.known_driver(conn, args.driver or uri_driver)
    try:
        if not words and args.command == "check":
            raise query.BadQuery("check -- virsh: name a virsh command (`kb virsh` lists them)")
        if not words:
            return [virsh.commands(conn)], []
        answer = virsh.virsh(conn, words, driver)
    except query.NotFound as err:
        return [], [(err.name, err.suggestions)]
    if args.command == "virsh":
        return [answer], []
    from kbgen.answers.diagnose import check

    return virsh.check_line(conn, answer, lambda conn, name, api: check(conn, args.server, driver, name, api or args.api)), []


def _stdin():
    """Standard input as UTF-8 text, a byte that is not UTF-8 read as U+FFFD."""
    if hasattr(sys.stdin, "reconfigure"):
        sys.stdin.reconfigure(encoding="utf-8", errors="replace")
    return sys.stdin


def _each(args, conn, query, name: str) -> dict:
    if args.command == "check":
        from kbgen.answers.diagnose import check

        return check(conn, args.server, args.driver, name, args.api)
    if "/" in name:  # an XML path; answers/xmlpaths is imported only then: kb's start-up
        from kbgen.answers import xmlpaths

        return xmlpaths.since_path(conn, name)
    return query.since(conn, name, args.driver, args.api)


def _open(db: str | None):
    from kbgen.store.reader import default_db_path, open_database, snapshot_database

    if db is None:
        db = default_db_path()
        if not os.path.exists(db) and not os.environ.get("KBGEN_DB"):
            from kbgen.paths import default_cache_path

            db = snapshot_database(default_cache_path())
    return open_database(db)
