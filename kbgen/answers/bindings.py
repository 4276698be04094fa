"""Names a user types in a language binding, resolved to the C symbol they call.

Python names are read from the bindings table (python3-libvirt's libvirt.py, libvirt_qemu.py, libvirt_lxc.py):
`getDomainCapabilities`, `conn.getDomainCapabilities`, `virConnect.getDomainCapabilities`, `dom.undefineFlags`,
`libvirt.VIR_DOMAIN_UNDEFINE_NVRAM`, `libvirt_qemu.qemuMonitorCommand`. Go names follow a fixed rule of libvirt's Go
module (`Domain.UndefineFlags` -> virDomainUndefineFlags, `DOMAIN_UNDEFINE_NVRAM` -> VIR_DOMAIN_UNDEFINE_NVRAM); they
are matched by that rule, not read from the module.

Only the standard library is imported here: this is `kb`'s start-up path.
"""

from __future__ import annotations

import sqlite3

MODULES = ("libvirt", "libvirt_qemu", "libvirt_lxc")
# The variable names programs commonly give each binding class's objects.
RECEIVERS = {
    "conn": "virConnect", "connection": "virConnect", "c": "virConnect", "hv": "virConnect", "hypervisor": "virConnect",
    "dom": "virDomain", "domain": "virDomain", "vm": "virDomain", "guest": "virDomain", "d": "virDomain",
    "pool": "virStoragePool", "storagepool": "virStoragePool", "sp": "virStoragePool",
    "vol": "virStorageVol", "volume": "virStorageVol",
    "net": "virNetwork", "network": "virNetwork",
    "port": "virNetworkPort", "netport": "virNetworkPort",
    "iface": "virInterface", "interface": "virInterface", "intf": "virInterface",
    "dev": "virNodeDevice", "nodedev": "virNodeDevice", "device": "virNodeDevice",
    "secret": "virSecret", "sec": "virSecret",
    "nwfilter": "virNWFilter", "filter": "virNWFilter", "nwf": "virNWFilter", "binding": "virNWFilterBinding",
    "stream": "virStream", "st": "virStream",
    "snap": "virDomainSnapshot", "snapshot": "virDomainSnapshot",
    "checkpoint": "virDomainCheckpoint", "cp": "virDomainCheckpoint",
}
# Classes first when a bare method name is in several: the ones programs use most.
_CLASS_ORDER = ("virConnect", "virDomain", "virStoragePool", "virStorageVol", "virNetwork")


def resolve(conn: sqlite3.Connection, typed: str) -> dict | None:
    """The binding answer for TYPED (docs/json.md BINDING), or None when it names no binding and fits no Go rule."""
    name = typed.strip()
    if not name or len(name) > 200:
        return None
    module, rest = _module_prefix(name)
    owner, _, member = rest.rpartition(".")
    if not member or "." in owner:
        return None
    rows = []
    if owner and owner.startswith("vir"):
        rows = _rows(conn, "name = ?", (rest,))
    elif owner and owner.lower() in RECEIVERS:
        rows = _rows(conn, "name = ?", (f"{RECEIVERS[owner.lower()]}.{member}",))
    elif not owner and module:
        rows = _rows(conn, "name = ?", (f"{module}.{member}",))
    oldest = {"oldest_ingested": oldest_binding_release(conn)}
    if rows:
        return _answer(typed, rows[0], "binding", []) | oldest
    go = _go_rule(conn, module, owner, member)
    if go:
        return go | {"typed": typed, "binding": rest} | oldest
    rows = _rows(conn, "member = ? AND c_symbol IS NOT NULL", (member,))
    if module:  # the module's own first; another module's when it has none (a name imported from the wrong one)
        rows = [r for r in rows if r["module"] == module] or rows
    rows = sorted(rows, key=lambda r: not _is_symbol(conn, r["c_symbol"]))  # calling a public symbol first
    if not rows:
        return None
    how = "method name" if not owner else f"method name; receiver {owner!r} is no known variable name"
    return _answer(typed, rows[0], how, rows[1:]) | oldest


def _is_symbol(conn, name: str) -> bool:
    return conn.execute("SELECT 1 FROM symbols WHERE name = ?", (name,)).fetchone() is not None


def _module_prefix(name: str) -> tuple[str | None, str]:
    for module in MODULES:
        if name.startswith(module + "."):
            return module, name[len(module) + 1:]
    return None, name


def _rows(conn, where: str, params: tuple) -> list:
    rows = conn.execute(f"SELECT * FROM bindings WHERE {where}", params).fetchall()
    order = {c: i for i, c in enumerate(_CLASS_ORDER)}
    return sorted(rows, key=lambda r: (r["c_symbol"] is None, order.get(r["class_name"], len(order)), r["name"]))


def _answer(typed: str, row, how: str, others: list) -> dict:
    return {
        "typed": typed, "binding": row["name"], "language": "python", "module": row["module"], "kind": row["kind"],
        "c_symbol": row["c_symbol"], "first_release": row["first_release"], "last_release": row["last_release"],
        "matched_by": how, "ambiguous": bool(others), "candidates": [{"binding": r["name"], "c_symbol": r["c_symbol"]} for r in others],
    }


def _go_rule(conn, module: str | None, owner: str, member: str) -> dict | None:
    """libvirt's Go module: type T's method M calls virTM; constant NAME is VIR_NAME."""
    if module or not member[:1].isupper():
        return None
    if owner:
        if not owner[:1].isupper() or owner.startswith("vir"):
            return None
        c_name = f"vir{owner}{member}"
    elif member.isupper() and not member.startswith("VIR_"):
        c_name = f"VIR_{member}"
    else:
        return None
    row = conn.execute("SELECT name FROM symbols WHERE name = ?", (c_name,)).fetchone()
    if row is None:
        return None
    return {"typed": None, "binding": None, "language": "go", "module": None, "kind": "method" if owner else "constant",
            "c_symbol": row["name"], "first_release": None, "last_release": None,
            "matched_by": "go rule", "ambiguous": False, "candidates": []}


def oldest_binding_release(conn: sqlite3.Connection) -> str | None:
    row = conn.execute("SELECT release FROM binding_releases ORDER BY (SELECT version_key FROM releases WHERE version = release)"
                       " LIMIT 1").fetchone()
    return row["release"] if row else None


def search_bindings(conn: sqlite3.Connection, pattern: str, limit: int) -> list[dict]:
    """Binding names containing PATTERN (case-insensitive), exact member names first; or the one name PATTERN resolves to."""
    found = resolve(conn, pattern)
    owner, dot, member = pattern.rpartition(".")
    if dot and owner.lower() in RECEIVERS:  # conn.listAll: the methods of virConnect
        pattern = f"{RECEIVERS[owner.lower()]}.{member}"
    escaped = pattern.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    rows = conn.execute(
        "SELECT * FROM bindings WHERE c_symbol IS NOT NULL AND (member = :text COLLATE NOCASE OR name LIKE :infix ESCAPE '\\')"
        " ORDER BY member = :text COLLATE NOCASE DESC, length(name), name LIMIT :limit",
        {"text": pattern, "infix": f"%{escaped}%", "limit": limit}).fetchall()
    results = [] if found is None else [_result(found)]
    seen = {found["binding"]} if found else set()
    results += [_result(_answer(pattern, r, "substring", [])) for r in rows if r["name"] not in seen]
    return results[:limit]


def _result(b: dict) -> dict:
    return {"binding": b["binding"], "language": b["language"], "c_symbol": b["c_symbol"], "first_release": b["first_release"],
            "matched_by": b["matched_by"]}
