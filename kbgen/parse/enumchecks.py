"""The values a driver accepts for an enum argument it validates at run time, read from its C source.

Some arguments are enum values that the driver checks itself (a PM suspend
`target`, an interface-address `source`). Where the check is a plain comparison
of the argument with constants, `switch (target) { case VIR_...: }` or
`if (target != VIR_... && ...)`, those constants are the values it accepts;
an implementation that hands the argument to a helper is followed a few calls
deep. Anything else (a range check, a lookup table) leaves the values unknown.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kbgen.parse.checkflags import CSources, _arguments

_CALL = re.compile(r"\b(\w+)\s*\(")
_SCALAR = re.compile(r"\b(?:unsigned\s+)?int\s+(\w+)\s*$")
_NOT_ENUMS = frozenset({"flags", "nparams", "maxparams"})


@dataclass(frozen=True)
class EnumCheck:
    function: str
    argument: str
    values: tuple[str, ...]
    via: tuple[str, ...]
    where: str


def enum_checks(sources: CSources, function: str, max_depth: int = 3) -> list[EnumCheck]:
    """For each int argument of function that it (or a callee it passes the argument to) compares with constants."""
    checks = []
    for argument in _scalar_arguments(sources.parameters(function) or ""):
        found = _search(sources, function, argument, (function,), max_depth)
        if found is not None:
            values, chain, where = found
            checks.append(EnumCheck(function, argument, values, chain[1:], where))
    return checks


def _scalar_arguments(parameters: str) -> list[str]:
    names = [m.group(1) for p in parameters.split(",") if (m := _SCALAR.search(p.strip()))]
    return [n for n in names if n not in _NOT_ENUMS]


def _search(sources: CSources, name: str, argument: str, chain: tuple[str, ...], depth: int):
    body = sources.body(name)
    values, offset = _compared_constants(body, argument)
    if values:
        return values, chain, sources.location(name, offset)
    for call in _CALL.finditer(body) if depth > 0 else ():
        arguments = _arguments(body, call.end() - 1)
        callee = call.group(1)
        if argument in arguments and sources.body(callee) is not None and callee not in chain:
            renamed = _parameter_at(sources.parameters(callee), arguments.index(argument))
            found = renamed and _search(sources, callee, renamed, chain + (callee,), depth - 1)
            if found:
                return found
    return None


def _compared_constants(body: str, argument: str) -> tuple[tuple[str, ...], int]:
    """Constants argument is switched on or compared with (== or !=), and where the first comparison is."""
    name = re.escape(argument)
    found: dict[str, int] = {}
    for switch in re.finditer(rf"\bswitch\s*\(\s*(?:\([^()]*\)\s*)?{name}\s*\)\s*{{", body):
        for label in re.finditer(r"\bcase\s+(VIR_[A-Z0-9_]+)\s*:", _first_level(body, switch.end() - 1)):
            found.setdefault(label.group(1), switch.start())
    for comparison in re.finditer(rf"\b{name}\s*[!=]=\s*(VIR_[A-Z0-9_]+)\b", body):
        found.setdefault(comparison.group(1), comparison.start())
    return tuple(found), min(found.values(), default=0)


def _first_level(body: str, open_brace: int) -> str:
    """The text of the block opening at open_brace, with nested blocks left out."""
    depth, kept = 0, []
    for char in body[open_brace:]:
        depth += char == "{"
        if depth == 1 and char not in "{}":
            kept.append(char)
        depth -= char == "}"
        if depth == 0:
            break
    return "".join(kept)


def _parameter_at(parameters: str | None, index: int) -> str | None:
    names = [m.group(1) for p in (parameters or "").split(",") if (m := re.search(r"(\w+)\s*$", p.strip()))]
    return names[index] if index < len(names) else None
