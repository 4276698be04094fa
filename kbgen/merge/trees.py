"""Merge the source-tree facts of many releases: procedures, symbol sections,
implementations (every name each had in each tree) and flag checks.
"""

from __future__ import annotations

from typing import Callable

from kbgen.checks.source_vs_hvsupport import compare_with_hvsupport
from kbgen.merge.procedures import procedure_rows
from kbgen.parse.tree import TreeFacts
from kbgen.versions import version_key

Disagree = Callable[[str, str, str, dict], None]


def tree_tables(trees: list[TreeFacts], symbols: dict[str, dict], drivers: dict[tuple[str, str], dict], internal: set[str],
                matrices: dict[str, dict[tuple[str, str], tuple[str, str | None]]], disagree: Disagree) -> dict[str, list[dict]]:
    """trees oldest first; symbols, drivers: what is already merged; matrices: hvsupport.html per release."""
    functions = {n for n, s in symbols.items() if s["kind"] == "function"}
    tables = {
        "procedures": procedure_rows(trees, symbols, drivers, functions, internal, disagree),
        "symbol_sections": _sections(trees, symbols, disagree),
        "implementations": _implementations(trees),
        "flag_checks": [_check_row(t.release, key, check) for t in trees for key, check in sorted(t.checks.items())],
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


def _implementations(trees: list[TreeFacts]) -> list[dict]:
    """Every function that implemented an API in some tree, with the first and last tree naming it."""
    rows: dict[tuple[str, str], dict] = {}
    for tree in trees:
        for api, entry in tree.implementations():
            if entry.function and not entry.removed:
                row = rows.setdefault((entry.function, api), {"function": entry.function, "api": api, "first_tree": tree.release})
                row.update(driver=entry.driver, backend=entry.backend or "", last_tree=tree.release,
                           last_key=version_key(tree.release), origin=f"{tree.release}:{tree.origin}")
    return sorted(rows.values(), key=lambda r: (r["function"], r["api"]))


def _check_row(release: str, key: tuple[str, str], check) -> dict:
    api, driver = key
    return {
        "api": api, "driver": driver, "release": release, "function": check.function,
        "known": check.flags is not None, "flags": " ".join(check.flags or ()),
        "via": " ".join(check.via), "performer": check.via[-1] if check.via else check.function, "reason": check.reason,
    }
