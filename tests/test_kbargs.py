"""kb's fast command-line parser reads exactly what argparse reads, or leaves the line to argparse."""

from __future__ import annotations

import argparse

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kbgen.cli import kbargs
from kbgen.cli.kb import kb_parser

WORDS = st.sampled_from(["virDomainUndefineFlags", "qemu", "9.0.0", "261", "-", "x y", "0x40", "٣", "-5", "--", "-h",
                         "--help", "--dri", "--json", "--db", "--driver", "--limit", "--kind", "--protocol", "--server",
                         "remote", "lxc", "12", "", "since", "show", "search", "diff", "drivers", "conflicts", "proc",
                         "explain", "check", "nosuch", "--version", "--nosuch"])


def argparse_result(argv: list[str]) -> dict | None:
    try:
        return vars(kb_parser().parse_args(argv))
    except SystemExit:
        return None


@settings(max_examples=3000, deadline=None)
@given(st.lists(WORDS, max_size=7))
def test_the_fast_parser_agrees_with_argparse_or_defers(argv):
    fast = kbargs.fast_parse(argv)
    if fast is not None:
        assert vars(fast) == argparse_result(argv), argv


COMMON = [
    ["since", "virDomainUndefineFlags"],
    ["since", "VIR_DOMAIN_UNDEFINE_KEEP_TPM", "virDomainQemuMonitorCommand", "--driver", "qemu"],
    ["--json", "since", "virDomainUndefineFlags"],
    ["since", "--json", "virDomainUndefineFlags"],
    ["--db", "kb.sqlite", "show", "virDomainUndefineFlags"],
    ["search", "virDomain*Flags", "--limit", "3"],
    ["diff", "11.3.0", "12.8.0"],
    ["drivers"],
    ["drivers", "qemu"],
    ["conflicts", "--kind", "syms-vs-xml"],
    ["proc", "261"],
    ["proc", "3", "--protocol", "qemu"],
    ["explain", "-"],
    ["explain", "error: unknown procedure: 261"],
    ["check", "--server", "0.9.9", "--driver", "qemu", "virDomainPMSuspendForDuration"],
]


@pytest.mark.parametrize("argv", COMMON, ids=" ".join)
def test_the_common_command_lines_take_the_fast_path(argv):
    fast = kbargs.fast_parse(argv)
    assert fast is not None and vars(fast) == argparse_result(argv)


@pytest.mark.parametrize("argv", [["--help"], ["since", "-h"], ["since"], ["proc", "x"], ["proc", "1", "--protocol", "nosuch"],
                                  ["check", "virDomainCreate"], ["since", "a", "--driver"], ["--dri", "qemu"],
                                  ["since", "a", "--dri", "qemu"], ["nosuch"], [], ["since", "a", "--driver", "qemu", "b"]])
def test_help_errors_and_abbreviations_are_left_to_argparse(argv):
    assert kbargs.fast_parse(argv) is None


def test_every_command_is_in_the_argparse_parser():
    sub = next(a for a in kb_parser()._actions if isinstance(a, argparse._SubParsersAction))
    assert list(sub.choices) == list(kbargs.COMMANDS)
