"""Driver support as libvirt builds it: every driver table of the source trees, backends included.

hvsupport.html is generated from some of the driver tables only. It misses vbox's
network and storage tables (vbox_network.c, vbox_storage.c) and the interface
driver's netcf backend (it shows the udev backend's versions), and it leaves out
entries whose version is `/* TBD */` (implemented, version not stated). The
newest tree holding each (API, driver, backend) gives a `driver_tables` row; the
(API, driver) pairs hvsupport.html lacks become driver support rows from the
tables, and where a backend has an API earlier than hvsupport.html says, the
driver's support starts with that backend (reported as backend-vs-hvsupport).
"""

from __future__ import annotations

from typing import Callable

from kbgen.parse.hvsupport import group_name
from kbgen.parse.tree import TreeFacts
from kbgen.versions import version_key

Disagree = Callable[[str, str, str, dict], None]


def table_rows(trees: list[TreeFacts], public: set[str]) -> list[dict]:
    """One row per (API, driver, backend): its entry in the newest tree that has it."""
    rows: dict[tuple[str, str, str], dict] = {}
    first_tree: dict[tuple[str, str, str], str] = {}
    for tree in trees:
        for api, entry in tree.implementations():
            key = (api, entry.driver, entry.backend or "")
            first_tree.setdefault(key, tree.release)
            rows[key] = {
                "api": api, "driver": entry.driver, "backend": entry.backend or "", "driver_group": group_name(entry.group),
                "since": entry.since, "removed_in": entry.removed, "listed": entry.listed, "public": api in public,
                "first_tree": first_tree[key], "tree": tree.release, "origin": f"{tree.release}:{tree.origin}:{_relative(entry.path)}:{entry.line}",
            }
    return [rows[key] for key in sorted(rows)]


def complete_support(tables: list[dict], drivers: dict[tuple[str, str], dict], disagree: Disagree) -> list[dict]:
    """New driver_support rows for the pairs hvsupport.html lacks; earlier backends update the rows it has."""
    by_pair: dict[tuple[str, str], list[dict]] = {}
    for row in tables:
        if row["public"] and row["driver"] != "remote":
            by_pair.setdefault((row["api"], row["driver"]), []).append(row)
    added = []
    for (api, driver), entries in sorted(by_pair.items()):
        if (api, driver) in drivers:
            _earlier_backend(drivers[(api, driver)], entries, disagree)
        elif (row := _support_row(api, driver, entries)) is not None:
            added.append(row)
    return added


def _support_row(api: str, driver: str, entries: list[dict]) -> dict | None:
    live = [e for e in entries if not e["removed_in"]] or entries
    stated = [e for e in live if e["since"]]
    first = min(stated, key=lambda e: version_key(e["since"])) if stated else min(live, key=lambda e: version_key(e["first_tree"]))
    since, exact = (first["since"], True) if stated else (first["first_tree"], False)
    removed = first["removed_in"] if all(e["removed_in"] for e in entries) else None
    return {
        "api": api, "driver": driver, "driver_group": first["driver_group"], "since": since, "since_key": version_key(since),
        "since_exact": exact, "removed_in": removed, "removed_key": version_key(removed) if removed else None,
        "public": True, "origin": first["origin"],
    }


def _earlier_backend(row: dict, entries: list[dict], disagree: Disagree) -> None:
    earlier = [e for e in entries if e["since"] and e["backend"] and version_key(e["since"]) < row["since_key"]]
    if not earlier:
        return
    first = min(earlier, key=lambda e: version_key(e["since"]))
    subject = f"{row['api']} / {row['driver']}"
    disagree(subject, "backend-vs-hvsupport",
             f"{subject}: hvsupport.html says {row['since']}; the {first['backend']} backend has it from {first['since']}",
             {"hvsupport": row["since"], first["backend"]: first["since"]})
    row.update(since=first["since"], since_key=version_key(first["since"]), origin=first["origin"])


def _relative(path: str) -> str:
    return path[path.rindex("/src/") + 1:] if "/src/" in path else path
