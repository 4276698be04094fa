"""The Python bindings of every ingested release as rows: each binding name, its C symbol, its first and last release."""

from __future__ import annotations

from kbgen.parse.release import ReleaseData
from kbgen.versions import version_key


def binding_tables(releases: list[ReleaseData]) -> dict[str, list[dict]]:
    """releases: oldest first. One row per binding name; the C symbol as the newest release having it calls it."""
    read = [r for r in releases if r.bindings]
    if not read:
        return {}
    rows: dict[str, dict] = {}
    counts = []
    for release in read:
        key = version_key(release.version)
        methods = 0
        for bindings, f in release.bindings:
            for b in bindings:
                row = rows.get(b.name)
                if row is None:
                    row = rows[b.name] = {"name": b.name, "module": b.module, "class_name": b.cls, "member": b.member,
                                          "kind": b.kind, "first_release": release.version, "first_key": key}
                row.update(c_symbol=b.c_symbol, last_release=release.version, last_key=key,
                           origin=f"{f.origin}:{b.line}")
                methods += b.kind == "method"
        counts.append({"release": release.version, "methods": methods,
                       "functions": sum(b.kind == "function" for bs, _ in release.bindings for b in bs),
                       "constants": sum(b.kind == "constant" for bs, _ in release.bindings for b in bs)})
    return {"bindings": sorted(rows.values(), key=lambda r: r["name"]), "binding_releases": counts}
