"""Merge the source-tree facts of many releases: procedures, symbol sections,
implementations, and the release from which each driver accepts each flag.

A driver's support for a flag is known as bounds: no earlier than the flag's
own version and the driver's support for the API (`lower`), no later than the
first ingested tree in which the driver accepts it (`upper`), and after the
last tree before that in which the driver's mask was known without it
(`after`). When the bounds meet, or `after` and `upper` are adjacent tags of
one git clone, the version is exact.
"""

from __future__ import annotations

from typing import Callable

from kbgen.checks.source_vs_hvsupport import compare_with_hvsupport
from kbgen.merge.procedures import procedure_rows
from kbgen.parse.tree import TreeFacts
from kbgen.versions import version_key

Disagree = Callable[[str, str, str, dict], None]


def tree_tables(trees: list[TreeFacts], symbols: dict[str, dict], drivers: dict[tuple[str, str], dict],
                flag_types: dict[str, set[str]], internal: set[str],
                matrices: dict[str, dict[tuple[str, str], tuple[str, str | None]]], disagree: Disagree) -> dict[str, list[dict]]:
    """trees oldest first; symbols, drivers, flag_types (function -> enum types): what is already merged;
    matrices: hvsupport.html per release."""
    functions = {n for n, s in symbols.items() if s["kind"] == "function"}
    tables = {
        "procedures": procedure_rows(trees, symbols, drivers, functions, internal, disagree),
        "symbol_sections": _sections(trees, symbols, disagree),
        "implementations": _implementations(trees[-1]) if trees else [],
        "flag_checks": [_check_row(t.release, key, check) for t in trees for key, check in sorted(t.checks.items())],
        "driver_flags": _driver_flags(trees, symbols, drivers, flag_types),
    }
    for tree in trees:
        if tree.release in matrices:
            compare_with_hvsupport(tree, functions | internal, matrices[tree.release], disagree)
    return tables


# --- public symbol files ---------------------------------------------------------------


def _sections(trees, symbols, disagree) -> list[dict]:
    rows: dict[tuple[str, str], dict] = {}
    for tree in trees:
        for section in tree.sections:
            for name in section.symbols:
                rows[(section.module, name)] = {
                    "symbol": name, "module": section.module, "section": section.section,
                    "version": section.version, "origin": f"{tree.release}:{tree.origin}",
                }
    for row in rows.values():
        symbol = symbols.get(row["symbol"])
        if symbol and symbol["since_exact"] and symbol["since"] != row["version"]:
            disagree(row["symbol"], "syms-vs-xml",
                     f"{row['symbol']}: the public symbol file puts it in {row['section']}, the API XML says {symbol['since']}",
                     {"syms": row["version"], "xml": symbol["since"]})
    return sorted(rows.values(), key=lambda r: (r["module"], r["symbol"]))


# --- implementations and flags ---------------------------------------------------------


def _implementations(tree: TreeFacts) -> list[dict]:
    rows = {}
    for api, entry in tree.implementations():
        if entry.function and not entry.removed:
            rows[(entry.function, api)] = {"function": entry.function, "driver": entry.driver, "backend": entry.backend or "",
                                           "api": api, "origin": f"{tree.release}:{tree.origin}"}
    return sorted(rows.values(), key=lambda r: (r["function"], r["api"]))


def _check_row(release: str, key: tuple[str, str], check) -> dict:
    api, driver = key
    return {
        "api": api, "driver": driver, "release": release, "function": check.function,
        "known": check.flags is not None, "flags": " ".join(check.flags or ()),
        "via": " ".join(check.via), "reason": check.reason,
    }


def _driver_flags(trees, symbols, drivers, flag_types) -> list[dict]:
    aliases = FlagAliases(symbols, flag_types)
    pairs = sorted({key for tree in trees for key in tree.checks})
    return [row for api, driver in pairs for row in _flag_bounds(api, driver, trees, symbols, drivers, aliases)]


class FlagAliases:
    """Flag constants defined as other constants (VIR_DOMAIN_DEVICE_MODIFY_LIVE = VIR_DOMAIN_AFFECT_LIVE), from `alias_of`.

    A driver's mask often names the other constant; the function's own constant is accepted all the same.
    """

    def __init__(self, symbols: dict[str, dict], flag_types: dict[str, set[str]]):
        enums = {name: row for name, row in symbols.items() if row["kind"] == "enum"}
        self._target = {name: row["alias_of"] for name, row in enums.items() if row["alias_of"]}
        self._constants = {
            api: [name for name, row in enums.items() if row["enum_type"] in types] for api, types in flag_types.items()
        }

    def canonical(self, name: str) -> str:
        return self._target.get(name, name)

    def accepted(self, api: str, mask: tuple[str, ...]) -> tuple[str, ...]:
        """The mask's names plus the function's own constants that stand for one of them."""
        targets = {self.canonical(flag) for flag in mask}
        own = [c for c in self._constants.get(api, []) if c not in mask and self.canonical(c) in targets]
        return (*mask, *own)


def _flag_bounds(api, driver, trees, symbols, drivers, aliases: FlagAliases) -> list[dict]:
    known = [(i, aliases.accepted(api, t.checks[(api, driver)].flags)) for i, t in enumerate(trees)
             if (api, driver) in t.checks and t.checks[(api, driver)].flags is not None]
    first: dict[str, tuple[int, int | None]] = {}  # flag -> (tree accepting it first, previous tree with a known mask)
    for n, (i, flags) in enumerate(known):
        for flag in flags:
            first.setdefault(flag, (i, known[n - 1][0] if n else None))
    api_since = drivers.get((api, driver), {}).get("since")
    rows = []
    for flag, (i, previous) in sorted(first.items()):
        upper, after = trees[i], trees[previous] if previous is not None else None
        lower = max((v for v in (symbols.get(flag, {}).get("since"), api_since) if v), key=version_key, default=None)
        exact = lower == upper.release or (after is not None and previous == i - 1 and _same_git_walk(after, upper))
        rows.append({
            "api": api, "driver": driver, "flag": flag,
            "lower": upper.release if exact else lower,
            "after": None if exact or after is None else after.release,
            "upper": upper.release, "upper_key": version_key(upper.release), "exact": exact,
            "origin": f"{upper.release}:{upper.origin}",
        })
    return rows


def _same_git_walk(older: TreeFacts, newer: TreeFacts) -> bool:
    # Neighbouring trees of one walk over every release tag of a clone are consecutive releases.
    return older.walk is not None and older.walk == newer.walk
