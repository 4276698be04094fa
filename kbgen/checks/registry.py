"""The registry of disagreement checks: every kind of disagreement the build can
report, declared once with what it means (browser-compat-data's lint pattern).

The merge reports through Disagreements.add, which refuses a kind that is not
declared here; the declarations are stored in the knowledge base, so that `kb
conflicts --kind` can tell an unknown kind from one that found nothing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass


@dataclass(frozen=True)
class Check:
    kind: str
    description: str


CHECKS: dict[str, Check] = {c.kind: c for c in (
    Check("symbol-vanished", "a symbol of an older release is missing from the newest one (libvirt never removes public symbols)"),
    Check("kind-changed", "a symbol's kind (function, enum, macro, ...) differs between releases"),
    Check("module-changed", "a symbol's module (libvirt, libvirt-qemu, ...) differs between releases"),
    Check("version-changed", "a symbol's version attribute in the API XML differs between releases"),
    Check("xml-vs-hvsupport", "the API XML and hvsupport.html's Version column give a function different versions"),
    Check("driver-since-changed", "hvsupport.html gives a driver's support for an API different versions across releases"),
    Check("driver-vanished", "a driver's support for an API is in an older hvsupport.html, missing from the newest, with no removal"),
    Check("duplicate-cell", "hvsupport.html lists the same (API, driver) cell twice with different contents"),
    Check("release-date-changed", "two releases' news.html give one libvirt release different dates"),
    Check("procedure-renamed", "an RPC procedure number has different names in different source trees"),
    Check("backend-vs-hvsupport", "a backend of a driver (interface's netcf, ...) has an API earlier than hvsupport.html says"),
    Check("procedure-order", "an RPC procedure's dating evidence (its API, the remote driver, the order of the numbers) does not agree"),
    Check("syms-vs-xml", "the public symbol file's version section and the API XML give a symbol different versions"),
    Check("driver-missing", "a driver is in the driver tables of a source tree but not in that release's hvsupport.html, or the reverse"),
    Check("source-vs-hvsupport", "a driver table entry of a source tree and that release's hvsupport.html disagree about an API"),
    Check("xml-since-vs-schema", "a format page says an XML element, attribute or value arrived in a release after one whose schema already accepts it"),
)}


class UnknownCheck(ValueError):
    pass


class Disagreements:
    """The disagreements one build found, as rows for the `disagreements` table."""

    def __init__(self) -> None:
        self.rows: list[dict] = []

    def add(self, subject: str, kind: str, detail: str, values: dict) -> None:
        if kind not in CHECKS:
            raise UnknownCheck(f"disagreement kind {kind!r} is not declared in kbgen/checks/registry.py")
        self.rows.append({"subject": subject, "kind": kind, "detail": detail, "values": json.dumps(values, sort_keys=True)})


def check_rows() -> list[dict]:
    """The registry as rows for the `checks` table."""
    return [{"kind": c.kind, "description": c.description} for c in CHECKS.values()]
