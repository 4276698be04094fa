"""libvirt's driver tables: which driver implements which API, since when.

`src/driver-*.h` declare one struct per driver group whose fields are the
entry points (`virDrvDomainUndefineFlags domainUndefineFlags;` is the field for
virDomainUndefineFlags). Each driver fills such a struct in its source file,
one field a line, with the release that added it in a comment:

    static virHypervisorDriver qemuHypervisorDriver = {
        .domainUndefineFlags = qemuDomainUndefineFlags, /* 0.9.4 */
        .connectDomainXMLFromNative = NULL, /* 0.6.4 - 5.5.0 */

These are the inputs libvirt's own hvsupport.html is generated from, and the
rules below (which files, how a driver is named) are the ones it follows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePosixPath

from kbgen.errors import InputError
from kbgen.versions import is_version

DRIVER_HEADERS = (
    "src/driver-hypervisor.h",
    "src/driver-interface.h",
    "src/driver-network.h",
    "src/driver-nodedev.h",
    "src/driver-nwfilter.h",
    "src/driver-secret.h",
    "src/driver-storage.h",
)

_NOT_API_GROUPS = {"virStateDriver", "virStreamDriver"}
_STRUCT = re.compile(r"^struct\s+_(vir\w*Driver)\s*\{(.*?)^\};", re.DOTALL | re.MULTILINE)
_FIELD = re.compile(r"^\s*virDrv(\w+)\s+(\w+)\s*;", re.MULTILINE)
_TABLE = re.compile(r"^\s*(?:static\s+)?(vir\w*Driver)\s+(?:\w+|NAME\(\w+\))\s*=\s*\{")
_ENTRY = re.compile(r"\s*\.(\w+)\s*=\s*(.*?)\s*,?\s*(?:/\*(.*?)\*/)?\s*")
_SPAN = re.compile(r"\s*([\d.]+)\s*(?:-\s*([\d.]+)\s*)?")
_SKIPPED_FIELDS = {"name", "no"}
_TABLE_SUFFIXES = ("driver.c", "common.c", "tmpl.c", "monitor.c", "udev.c")
_NODE_DEVICE = "node_device_"


@dataclass(frozen=True)
class TableEntry:
    driver: str
    group: str
    field: str
    function: str | None
    since: str | None
    removed: str | None
    path: str
    line: int
    backend: str | None = None  # interface_backend_netcf.c: "netcf"
    listed: bool = True  # in a file hvsupport.html's generator reads (see hvsupport_lists)


def parse_driver_fields(text: str, path: str) -> dict[str, dict[str, str]]:
    """group ('virHypervisorDriver') -> {field ('domainUndefineFlags'): API ('virDomainUndefineFlags')}."""
    groups = {
        group: {field: f"vir{name}" for name, field in _FIELD.findall(body)}
        for group, body in _STRUCT.findall(text)
        if group not in _NOT_API_GROUPS
    }
    if not groups:
        raise InputError(path, "no 'struct _vir...Driver { ... };' found: not one of libvirt's src/driver-*.h headers")
    return groups


def hvsupport_lists(path: str) -> bool:
    """Whether libvirt's hvsupport generator reads driver tables from this file.

    It reads only some file names: vbox's network and storage tables (vbox_network.c,
    vbox_storage.c) and the interface driver's netcf backend are not on its page.
    """
    name = PurePosixPath(path).name
    return name.endswith(_TABLE_SUFFIXES) and not name.endswith("vbox_driver.c")


def may_hold_tables(text: str) -> bool:
    """A cheap test before the line-by-line read: every driver table is `vir...Driver NAME = {`."""
    return "Driver" in text and "= {" in text


def backend_name(path: str) -> str | None:
    """'src/interface/interface_backend_netcf.c' -> 'netcf'; None for a driver's own file."""
    stem = PurePosixPath(path).stem
    return stem.split("_backend_", 1)[1] if "_backend_" in stem else None


def driver_name(path: str) -> str:
    """'src/qemu/qemu_driver.c' -> 'qemu', 'src/node_device/node_device_udev.c' -> 'udev'."""
    stem = PurePosixPath(path).stem
    if stem.startswith(_NODE_DEVICE):
        return stem.removeprefix(_NODE_DEVICE)
    return stem.split("_", 1)[0]


def parse_driver_tables(text: str, path: str, groups: set[str]) -> list[TableEntry]:
    """The entries of every table in one source file whose struct is one of `groups`."""
    entries: list[TableEntry] = []
    group = None
    for number, line in enumerate(text.splitlines(), 1):
        if group is None:
            match = _TABLE.match(line)
            group = match.group(1) if match and match.group(1) in groups else None
        elif line.strip().startswith("}"):
            group = None
        elif line.strip().startswith("."):
            entry = _entry(path, number, line, driver_name(path), group)
            if entry is not None:
                entries.append(entry)
    return entries


def _entry(path: str, number: int, line: str, driver: str, group: str) -> TableEntry | None:
    match = _ENTRY.fullmatch(line)
    if match is None:
        raise InputError(path, f"line {number}: cannot read driver table entry {line.strip()!r}")
    field, value, comment = match.groups()
    if field in _SKIPPED_FIELDS:
        return None
    if not value.isidentifier():
        raise InputError(path, f"line {number}: {field} is set to {value!r}, expected a function name or NULL")
    since, removed = _span(comment)
    function = None if value == "NULL" else value
    if (function is None) != (removed is not None):
        raise InputError(path, f"line {number}: {field}: a field is NULL exactly when its comment gives a removal ('/* 0.6.4 - 5.5.0 */')")
    return TableEntry(driver, group, field, function, since, removed, path, number, backend_name(path), hvsupport_lists(path))


def _span(comment: str | None) -> tuple[str | None, str | None]:
    """'0.9.4' -> ('0.9.4', None), '0.6.4 - 5.5.0' -> ('0.6.4', '5.5.0'); anything else (TBD) -> no version:
    the entry is implemented, its version is not stated."""
    match = _SPAN.fullmatch(comment or "")
    if match is None or not all(is_version(v) for v in match.groups() if v is not None):
        return None, None
    return match.groups()
