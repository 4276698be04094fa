"""The README's command reference, generated from the parsers (run by cog: `make docs`;
`make test` checks that the README matches)."""

from __future__ import annotations

import argparse
import os


def usage() -> str:
    os.environ["COLUMNS"] = "100"  # the same text on every terminal and in CI
    from kbgen.cli.kb import kb_parser
    from kbgen.cli.kbgen import kbgen_parser

    blocks = []
    for prog, parser in (("kb", kb_parser()), ("kbgen", kbgen_parser())):
        blocks.append(_block(f"{prog} --help", parser))
        blocks += [_block(f"{prog} {name} --help", sub) for name, sub in _commands(parser).items()]
    return "\n".join(blocks)


def _commands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


def _block(command: str, parser: argparse.ArgumentParser) -> str:
    return f"<details><summary><code>{command}</code></summary>\n\n```\n{parser.format_help().rstrip()}\n```\n</details>\n"
