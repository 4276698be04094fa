"""The typed parameters a driver's implementation of an API accepts, read from its C source.

An implementation that takes `virTypedParameterPtr params, int nparams` lists
what it accepts in `virTypedParamsValidate(params, nparams, NAME, TYPE, ...,
NULL)`: parameter-name macros (VIR_DOMAIN_BLOCK_IOTUNE_TOTAL_BYTES_SEC), each
followed by its type, sometimes through a `#define` list of the driver's own
(QEMU_MIGRATION_PARAMETERS). Implementations that hand `params` to a helper are
followed a few calls deep; every list found on the way is accepted. Whatever
cannot be read with certainty is reported as unknown, with the reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kbgen.parse.checkflags import CSources, _arguments

_VALIDATE = re.compile(r"\bvirTypedParamsValidate\s*\(")
_SETTER = re.compile(r"\bvirTypedParameterPtr\s+params\b.*\bint\s+nparams\b", re.DOTALL)
_CALL = re.compile(r"\b(\w+)\s*\(")
_PARAM_NAME = re.compile(r"VIR_[A-Z0-9_]+")


@dataclass(frozen=True)
class ParamCheck:
    function: str
    params: tuple[str, ...] | None
    via: tuple[str, ...]
    reason: str


class _UnreadableList(Exception):
    """A virTypedParamsValidate argument list that is not NAME, TYPE pairs ending in NULL."""


def takes_typed_parameters(sources: CSources, function: str) -> bool:
    """Whether function is defined here with `virTypedParameterPtr params, int nparams` (a setter, not a getter)."""
    return bool(_SETTER.search(sources.parameters(function) or ""))


def param_check(sources: CSources, function: str, max_depth: int = 3) -> ParamCheck:
    """The typed parameters `function` accepts, following `params` into callees up to max_depth calls deep."""
    if sources.body(function) is None:
        return ParamCheck(function, None, (), "definition not found in the given sources")
    found = _search(sources, function, (function,), max_depth)
    if found is None:
        return ParamCheck(function, None, (), "no virTypedParamsValidate, and params is not passed to a function that calls it")
    names, chain, reason = found
    return ParamCheck(function, names, chain[1:], reason)


def _search(sources: CSources, name: str, chain: tuple[str, ...], depth: int):
    """(names or None, call chain, reason) from the first function of the chain that validates, or None."""
    body = sources.body(name)
    calls = list(_VALIDATE.finditer(body))
    if calls:
        names, reason = _read_calls(sources, name, calls)
        return names, chain, reason
    for callee in _params_passed_to(body) if depth > 0 else ():
        if sources.body(callee) is not None and callee not in chain:
            found = _search(sources, callee, chain + (callee,), depth - 1)
            if found is not None:
                return found
    return None


def _read_calls(sources: CSources, function: str, calls: list[re.Match]) -> tuple[tuple[str, ...] | None, str]:
    """The names every virTypedParamsValidate call of function lists, or None and why not."""
    body = sources.body(function)
    where = f"virTypedParamsValidate in {sources.location(function, calls[0].start())}"
    names: list[str] = []
    try:
        for call in calls:
            names += _names(sources, _arguments(body, call.end() - 1)[2:])
    except _UnreadableList as err:
        return None, f"{where}: {err}"
    return tuple(dict.fromkeys(names)), where


def _names(sources: CSources, arguments: list[str]) -> list[str]:
    items = _expanded(sources, arguments, set())
    if items[-1:] != ["NULL"]:
        raise _UnreadableList("the list does not end in NULL")
    pairs = items[:-1]
    if len(pairs) % 2:
        raise _UnreadableList("the list is not NAME, TYPE pairs")
    names = pairs[0::2]
    for name in names:
        if not _PARAM_NAME.fullmatch(name):
            raise _UnreadableList(f"parameter name {name or 'a string literal'!r} is not a macro of the API")
    return names


def _expanded(sources: CSources, arguments: list[str], expanding: set[str]) -> list[str]:
    """The arguments with the driver's own list macros (QEMU_MIGRATION_PARAMETERS) replaced by their items."""
    items = []
    for argument in arguments:
        body = sources.macro(argument)
        if body is not None and argument not in expanding and "," in body:
            items += _expanded(sources, _arguments(f"({body})", 0), expanding | {argument})
        else:
            items.append(argument)
    return items


def _params_passed_to(body: str) -> list[str]:
    """Functions called with `params` itself as one of their arguments, in order of appearance."""
    return [call.group(1) for call in _CALL.finditer(body) if "params" in _arguments(body, call.end() - 1)]
