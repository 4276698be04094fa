"""Merge what the source trees say about arguments drivers validate: typed parameters and enum values.

A driver's acceptance of a typed parameter has the bounds of a flag's
(merge/trees.py): no earlier than the parameter macro's version and the
driver's support for the API (`lower`), no later than the first tree whose
virTypedParamsValidate list names it (`upper`), after the last tree before that
whose list was known without it (`after`). Enum arguments the driver validates
(merge/arguments.py) get, per tree, the values its plain comparison accepts, or
none when the check could not be read.
"""

from __future__ import annotations

from kbgen.merge.arguments import VALIDATED
from kbgen.parse.tree import TreeFacts
from kbgen.versions import version_key


def param_check_rows(trees: list[TreeFacts]) -> list[dict]:
    return [
        {"api": api, "driver": driver, "release": t.release, "function": check.function, "known": check.params is not None,
         "params": " ".join(check.params or ()), "via": " ".join(check.via), "reason": check.reason}
        for t in trees for (api, driver), check in sorted(t.params.items())
    ]


def driver_param_rows(trees: list[TreeFacts], symbols: dict[str, dict], drivers: dict[tuple[str, str], dict]) -> list[dict]:
    pairs = sorted({key for tree in trees for key in tree.params})
    return [row for api, driver in pairs for row in _param_bounds(api, driver, trees, symbols, drivers)]


def _param_bounds(api, driver, trees, symbols, drivers) -> list[dict]:
    known = [(i, t.params[(api, driver)].params) for i, t in enumerate(trees)
             if (api, driver) in t.params and t.params[(api, driver)].params is not None]
    first: dict[str, tuple[int, int | None]] = {}
    for n, (i, params) in enumerate(known):
        for param in params:
            first.setdefault(param, (i, known[n - 1][0] if n else None))
    api_since = drivers.get((api, driver), {}).get("since")
    rows = []
    for param, (i, previous) in sorted(first.items()):
        upper, after = trees[i], trees[previous] if previous is not None else None
        lower = max((v for v in (symbols.get(param, {}).get("since"), api_since) if v), key=version_key, default=None)
        exact = lower == upper.release or (after is not None and previous == i - 1 and after.walk is not None and after.walk == upper.walk)
        rows.append({
            "api": api, "driver": driver, "param": param,
            "lower": upper.release if exact else lower,
            "after": None if exact or after is None else after.release,
            "upper": upper.release, "upper_key": version_key(upper.release), "exact": exact,
            "origin": f"{upper.release}:{upper.origin}",
        })
    return rows


def enum_check_rows(trees: list[TreeFacts], links: list[dict], symbols: dict[str, dict]) -> list[dict]:
    """Per tree, for every implementation of a function with a validated enum argument: the values of that enum it accepts."""
    validated = {(link["function"], link["argument"]): link["enum_type"] for link in links if link["role"] == VALIDATED}
    rows = []
    for tree in trees:
        for api, entry in tree.primary():
            if entry.driver == "remote" or not entry.function or entry.removed:
                continue
            for (function, argument), enum_type in sorted(validated.items()):
                if function == api:
                    rows.append(_enum_row(tree, api, entry, argument, _values_of(enum_type, symbols)))
    return rows


def _values_of(enum_type: str, symbols: dict[str, dict]) -> set[str]:
    return {name for name, row in symbols.items() if row["enum_type"] == enum_type and not name.endswith("_LAST")}


def _enum_row(tree: TreeFacts, api: str, entry, argument: str, values: set[str]) -> dict:
    compared = next((c for c in tree.enums.get((api, entry.driver), []) if c.argument == argument), None)
    found = compared if compared and values.intersection(compared.values) else None
    return {
        "api": api, "driver": entry.driver, "argument": argument, "release": tree.release, "function": entry.function,
        "known": found is not None, "values": " ".join(v for v in found.values if v in values) if found else "",
        "via": " ".join(found.via) if found else "",
        "reason": found.where if found else f"no plain comparison of {argument} found within 3 calls",
    }
