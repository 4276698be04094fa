"""Checks source-vs-hvsupport and driver-missing: each source tree's driver tables
against the hvsupport.html of the same release.
"""

from __future__ import annotations

from typing import Callable

from kbgen.parse.tree import TreeFacts
from kbgen.versions import version_key

Disagree = Callable[[str, str, str, dict], None]

# hvsupport.html is generated from the driver tables plus these rules of its generator;
# applying them to the tables makes the comparison like for like.
OPEN_AUTH_FLOOR, CREATE_LINUX_FLOOR = "0.4.0", "0.0.3"
MIGRATE_PREPARES = ("virDomainMigratePrepare", "virDomainMigratePrepare2", "virDomainMigratePrepare3")


def table_support(tree: TreeFacts, known_apis: set[str]) -> dict[tuple[str, str], tuple[str | None, str | None]]:
    """(api, driver) -> (since, removed) as the driver tables of TREE give it, with the page's derived rows."""
    support = {(api, e.driver): (e.since, e.removed) for api, e in tree.implementations() if e.listed and api in known_apis}
    for driver in sorted({d for _, d in support}):
        _derive_rows(support, driver)
    return support


def _derive_rows(support: dict, driver: str) -> None:
    opened = support.get(("virConnectOpen", driver))
    if opened and opened[0]:
        support[("virConnectOpenReadOnly", driver)] = opened
        support[("virConnectOpenAuth", driver)] = (max(opened[0], OPEN_AUTH_FLOOR, key=version_key), None)
    created = support.get(("virDomainCreateXML", driver))
    if created and created[0]:
        support[("virDomainCreateLinux", driver)] = (max(created[0], CREATE_LINUX_FLOOR, key=version_key), None)
    prepare = next((v for (api, d), v in support.items() if d == driver and api in MIGRATE_PREPARES), None)
    if prepare and ("virDomainMigrate", driver) not in support:
        support[("virDomainMigrate", driver)] = (prepare[0], None)


def compare_with_hvsupport(tree: TreeFacts, known_apis: set[str], matrix: dict, disagree: Disagree) -> None:
    source = table_support(tree, known_apis)
    in_source, in_page = {d for _, d in source}, {d for _, d in matrix}
    for driver in sorted(in_source ^ in_page):
        present, absent = ("the driver tables", "hvsupport.html") if driver in in_source else ("hvsupport.html", "the driver tables")
        disagree(driver, "driver-missing", f"driver {driver}: {present} of {tree.release} list it, {absent} of that release do not",
                 {"release": tree.release, "present_in": present})
    shared = in_source & in_page
    for key in sorted(k for k in source.keys() | matrix.keys() if k[1] in shared):
        ours, theirs = source.get(key), matrix.get(key)
        if ours != theirs:
            subject = f"{key[0]} / {key[1]}"
            disagree(subject, "source-vs-hvsupport",
                     f"{subject}: the driver table of {tree.release} says {_span(ours)}, its hvsupport.html says {_span(theirs)}",
                     {"source": list(ours) if ours else None, "hvsupport": list(theirs) if theirs else None})


def _span(value) -> str:
    if value is None:
        return "nothing"
    since, removed = value
    if since is None:
        return "an entry without a version"
    return f"{since} - {removed}" if removed else since
