"""Python binding names on the site: the bindings calling each C symbol (symbol pages) and in the search data.

Bindings are read only from the ingested python3-libvirt releases, the oldest of them the first: a binding whose
first_release is that one may be older, so the pages say "in every ingested release from X", never "added in X".
"""

from __future__ import annotations

import sqlite3

from kbgen.answers.bindings import RECEIVERS, oldest_binding_release


def binding_facts(conn: sqlite3.Connection) -> dict:
    """of: C symbol -> its bindings (name, kind, module, first and last release); releases: the ingested ones, oldest first."""
    of: dict[str, list[dict]] = {}
    for r in conn.execute("SELECT name, module, kind, c_symbol, first_release, last_release FROM bindings"
                          " WHERE c_symbol IS NOT NULL ORDER BY c_symbol, kind != 'method', name"):
        of.setdefault(r["c_symbol"], []).append(dict(r))
    releases = [r[0] for r in conn.execute(
        "SELECT release FROM binding_releases JOIN releases ON version = release ORDER BY version_key")]
    return {"of": of, "releases": releases, "oldest": oldest_binding_release(conn)}


def binding_search(facts: dict, position: dict[str, int]) -> dict:
    """The search box's binding data, each pointing at a row of `symbols` by its index there.

    py: [symbol, binding name] of methods and functions; pyconsts: module -> symbols whose constant is
    MODULE.NAME (the C name); receivers: the variable names programs give each class's objects (conn -> virConnect).
    """
    names, constants = [], {}
    for symbol, rows in facts["of"].items():
        if symbol not in position:
            continue
        for b in rows:
            if b["kind"] == "constant" and b["name"] == f"{b['module']}.{symbol}":
                constants.setdefault(b["module"], []).append(position[symbol])
            else:
                names.append([position[symbol], b["name"]])
    return {"py": sorted(names), "pyconsts": {m: sorted(v) for m, v in sorted(constants.items())}, "receivers": dict(sorted(RECEIVERS.items()))}
