"""The dynamic linker's `version `LIBVIRT_x' not found`: a version node of libvirt's symbol files, or one that never existed;
and LIBVIRT_PRIVATE_x, which only mixed packages of different releases miss. Standard library only (`kb`'s start-up path)."""

from __future__ import annotations

import sqlite3

from kbgen.versions import version_key

LIBRARIES = {"libvirt": "libvirt.so", "qemu": "libvirt-qemu.so", "lxc": "libvirt-lxc.so", "admin": "libvirt-admin.so"}


def version_nodes(conn: sqlite3.Connection, module: str, version: str) -> list[str] | None:
    """MODULE's version nodes, oldest first; None when VERSION lies past the newest ingested release (no telling)."""
    newest = conn.execute("SELECT version FROM releases ORDER BY version_key DESC LIMIT 1").fetchone()
    if newest is None or version_key(version) > version_key(newest[0]):
        return None
    rows = conn.execute("SELECT DISTINCT section, version FROM symbol_sections WHERE module = ?", (module,))
    return [section for section, _ in sorted(rows, key=lambda r: version_key(r[1]))]


def no_such_node(section: str, module: str, version: str, nodes: list[str]) -> dict:
    before = [n for n in nodes if version_key(n.rpartition("_")[2]) < version_key(version)][-1:]
    after = [n for n in nodes if version_key(n.rpartition("_")[2]) > version_key(version)][:1]
    near = ", ".join(before + after) or "none known"
    return {
        "kind": "unknown-version-node", "section": section, "nearest": before + after,
        "meaning": f"no libvirt release defined {section} in {LIBRARIES[module]}'s symbol file (the nodes around it: {near}): "
                   "the program was not built against a released libvirt, or the text was altered",
        "advice": "rebuild the program against the installed libvirt, and check the name in the message",
    }


def private_symbols(conn: sqlite3.Connection, version: str) -> dict:
    return {
        "version": version,
        "meaning": f"a libvirt component (libvirtd, virsh, a driver module, libvirt-qemu.so ...) needs LIBVIRT_PRIVATE_{version}, "
                   f"the private symbols only libvirt.so {version} itself has: packages of different libvirt releases are "
                   "installed together; this is no API gap",
        "advice": f"install every libvirt package from one release ({version}, or upgrade them all together)",
    }
