"""`kb`'s command line, declared once: argparse is built from it (help, errors, the
README's usage blocks), and a fast parser reads the common well-formed forms from
it without importing argparse.

argparse and the `re`, `gettext` and locale look-ups it brings are about a third
of kb's start-up; most invocations are a command and a few names. The fast
parser accepts only what it can read exactly as argparse would (a test checks
that on generated command lines) and hands everything else, `--help` and every
error included, to argparse.
"""

from __future__ import annotations

import os
import sys

from kbgen import __version__


def _pos(dest, metavar, help=None, nargs=None, type=None):
    return {"dest": dest, "metavar": metavar, "help": help, "nargs": nargs, "type": type}


def _opt(flag, metavar=None, help=None, type=None, default=None, choices=None, required=False, store_true=False):
    return {"flag": flag, "dest": flag[2:].replace("-", "_"), "metavar": metavar, "help": help, "type": type,
            "default": default, "choices": choices, "required": required, "store_true": store_true}


GLOBAL_OPTIONS = (
    _opt("--db", metavar="PATH", help="knowledge base file to read"),
    _opt("--json", help="print JSON (see docs/json.md)", store_true=True),
)

# command -> (help, arguments)
COMMANDS: dict[str, tuple[str, tuple[dict, ...]]] = {
    "since": ("the release that added each NAME (functions: drivers and flags too)", (
        _pos("names", "NAME", "function, enum constant, macro, typedef, ... (case-insensitive)", nargs="+"),
        _opt("--driver", metavar="DRIVER", help="only this driver: its support, and when it started to accept a flag"),
        _opt("--api", metavar="API", help="with --driver, of a flag: only this function taking it (default: every one)"),
    )),
    "show": ("everything known about NAME, with sources and conflicts", (
        _pos("name", "NAME"),
    )),
    "search": ("names matching a substring or glob (* ? [..]), best first", (
        _pos("pattern", "PATTERN"),
        _opt("--limit", metavar="N", help="at most N results (default 20)", type=int, default=20),
    )),
    "diff": ("what was added after release OLD up to NEW, and driver support gained or lost", (
        _pos("old", "OLD"),
        _pos("new", "NEW"),
    )),
    "drivers": ("all drivers, or what one DRIVER supports and when it gained it", (
        _pos("driver", "DRIVER", nargs="?"),
    )),
    "conflicts": ("every disagreement between sources found by the build", (
        _opt("--kind", metavar="KIND", help="only this kind, e.g. xml-vs-hvsupport, source-vs-hvsupport"),
    )),
    "proc": ("the RPC procedure NUMBER: its API and the release that added it", (
        _pos("number", "NUMBER", type=int),
        _opt("--protocol", help="default: remote", default="remote", choices=("remote", "qemu", "lxc", "admin")),
    )),
    "explain": ("what an error message or version line means, and what to do ('-' reads stdin)", (
        _pos("text", "TEXT", nargs="+"),
    )),
    "check": ("whether each NAME, or an XML document, works against a daemon of release VERSION (and a driver)", (
        _pos("names", "NAME", "function or flag", nargs="*"),
        _opt("--server", metavar="VERSION", help="the daemon's libvirt release", required=True),
        _opt("--driver", metavar="DRIVER", help="the connection's driver, e.g. qemu"),
        _opt("--api", metavar="API", help="of a flag: only the function it is passed to (default: every one taking it)"),
        _opt("--xml", metavar="FILE", help="an XML document (domain, network, pool, ...; '-' reads stdin): what that release's schemas refuse"),
    )),
    "virsh": ("the APIs, flags and fallbacks of a virsh command line; all commands without one", (
        _opt("--driver", metavar="DRIVER", help="the connection's driver: per-driver support and the oldest daemon that works"),
        _pos("words", "COMMAND [ARG...]", "a virsh command and its arguments, as typed after `virsh`", nargs="..."),
    )),
}


class Args:
    """What parse_args returns: the same attributes as argparse's Namespace."""

    def __init__(self, **values):
        self.__dict__.update(values)


def parse_args(argv: list[str] | None, description: str, epilog: str) -> Args:
    argv = sys.argv[1:] if argv is None else list(argv)
    fast = fast_parse(argv)
    if fast is not None:
        return fast
    return Args(**vars(build_parser(description, epilog).parse_args(argv)))


# --- the fast path -------------------------------------------------------------------


def fast_parse(argv: list[str]) -> Args | None:
    """The parsed command line, or None when argparse must read it."""
    values = {o["dest"]: o["default"] if not o["store_true"] else False for o in GLOBAL_OPTIONS}
    rest = _read_options(argv, {o["flag"]: o for o in GLOBAL_OPTIONS}, values, stop_at_positional=True)
    if not rest or rest[0] not in COMMANDS:
        return None
    command, arguments = rest[0], COMMANDS[rest[0]][1]
    options = {o["flag"]: o for o in (*GLOBAL_OPTIONS, *(a for a in arguments if "flag" in a))}
    values.update({a["dest"]: a["default"] for a in arguments if "flag" in a})
    remainder = any(a.get("nargs") == "..." for a in arguments)
    positionals = _read_options(rest[1:], options, values, stop_at_positional=remainder)
    if positionals is None or any(values.get(a["dest"]) is None for a in arguments if a.get("required")):
        return None
    if not _assign(positionals, [a for a in arguments if "flag" not in a], values):
        return None
    return Args(command=command, **values)


def _read_options(tokens: list[str], options: dict, values: dict, stop_at_positional: bool) -> list[str] | None:
    """Fill values from the options in tokens; the positionals (one contiguous run), or None."""
    positionals: list[str] = []
    positionals_ended = False
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if not token.startswith("-") or token == "-":
            if stop_at_positional:
                return tokens[i:]
            if positionals and positionals_ended:
                return None
            positionals.append(token)
            positionals_ended = False
            i += 1
            continue
        option = options.get(token)
        if option is None:
            return None
        positionals_ended = bool(positionals)
        if option["store_true"]:
            values[option["dest"]] = True
            i += 1
            continue
        if i + 1 >= len(tokens) or tokens[i + 1].startswith("-"):
            return None
        value = _convert(option, tokens[i + 1])
        if value is None:
            return None
        values[option["dest"]] = value
        i += 2
    return [] if stop_at_positional else positionals


def _convert(argument: dict, text: str):
    if argument.get("choices") and text not in argument["choices"]:
        return None
    if argument["type"] is int:
        return int(text) if text.isascii() and text.isdigit() else None
    return text


def _assign(positionals: list[str], arguments: list[dict], values: dict) -> bool:
    for argument in arguments:
        nargs = argument["nargs"]
        if nargs == "...":
            values[argument["dest"]], positionals = positionals, []
        elif nargs in ("+", "*"):
            if not positionals and nargs == "+":
                return False
            values[argument["dest"]], positionals = positionals, []
        elif nargs == "?":
            values[argument["dest"]] = positionals.pop(0) if positionals else None
        else:
            if not positionals or (value := _convert(argument, positionals.pop(0))) is None:
                return False
            values[argument["dest"]] = value
    return not positionals


# --- argparse, for help and errors ------------------------------------------------------


def build_parser(description: str, epilog: str):
    import argparse

    formatter = _formatter(argparse)
    parser = argparse.ArgumentParser(prog="kb", description=description, epilog=epilog, formatter_class=formatter)
    parser.add_argument("--version", action="version", version=f"kb (kbgen) {__version__}")
    for option in GLOBAL_OPTIONS:
        _add(parser, option)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True, prog="kb")  # prog: no terminal probe
    for command, (help_, arguments) in COMMANDS.items():
        p = sub.add_parser(command, formatter_class=formatter, help=help_)
        for argument in arguments:
            _add(p, argument)
        for option in GLOBAL_OPTIONS:  # also after the command; SUPPRESS: not resetting the ones before it
            _add(p, dict(option, default=argparse.SUPPRESS))
    return parser


def _add(parser, argument: dict) -> None:
    if "flag" not in argument:
        kwargs = {k: argument[k] for k in ("metavar", "help", "nargs", "type") if argument[k] is not None}
        parser.add_argument(argument["dest"], **kwargs)
    elif argument["store_true"]:
        parser.add_argument(argument["flag"], action="store_true", help=argument["help"],
                            **({"default": argument["default"]} if argument["default"] is not None else {}))
    else:
        kwargs = {k: argument[k] for k in ("metavar", "help", "type", "default", "choices") if argument[k] is not None}
        parser.add_argument(argument["flag"], required=argument["required"], **kwargs)


def _formatter(argparse):
    class Formatter(argparse.RawDescriptionHelpFormatter):
        """argparse's formatter without its shutil import: the width comes from $COLUMNS or os."""

        def __init__(self, prog: str, **kwargs):
            try:
                columns = int(os.environ.get("COLUMNS") or os.get_terminal_size(sys.stderr.fileno()).columns)
            except (OSError, ValueError):
                columns = 100
            super().__init__(prog, width=max(columns, 60) - 2, **kwargs)

    return Formatter
