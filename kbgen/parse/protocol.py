"""libvirt's RPC protocol definitions (remote_protocol.x and its siblings).

Each file declares an `enum <protocol>_procedure` that numbers the procedures
a client sends over the wire (`REMOTE_PROC_DOMAIN_PM_SUSPEND_FOR_DURATION = 261`).
An old daemon answers a newer client with `unknown procedure: 261`, so the
number is what links that error back to the public API the procedure carries.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kbgen.errors import InputError

PROTOCOL_FILES = {
    "remote": "src/remote/remote_protocol.x",
    "qemu": "src/remote/qemu_protocol.x",
    "lxc": "src/remote/lxc_protocol.x",
    "admin": "src/admin/admin_protocol.x",
}

# protocol -> (prefix of its API names, word its API names carry that the procedure names lack)
_API_SHAPE = {
    "qemu": ("vir", "Qemu"),
    "lxc": ("vir", "Lxc"),
    "admin": ("virAdm", ""),
}

_COMMENT = re.compile(r"/\*.*?\*/|//[^\n]*", re.DOTALL)
_ENTRY = re.compile(r"\s*(\w+)\s*=\s*([0-9]{1,10})\s*")  # XDR procedure numbers are 32-bit


@dataclass(frozen=True)
class Procedure:
    protocol: str
    number: int
    name: str


def parse_protocol(text: str, path: str, protocol: str) -> list[Procedure]:
    """The entries of `enum <protocol>_procedure { ... }`, in file order."""
    body = _enum_body(text, path, protocol)
    prefix = f"{protocol.upper()}_PROC_"
    procedures: list[Procedure] = []
    numbers: dict[int, str] = {}
    for item in filter(str.strip, body.split(",")):
        procedure = _entry(path, protocol, prefix, item)
        if procedure.number in numbers:
            raise InputError(path, f"procedure number {procedure.number} is used by both {numbers[procedure.number]} and {procedure.name}")
        numbers[procedure.number] = procedure.name
        procedures.append(procedure)
    if not procedures:
        raise InputError(path, f"enum {protocol}_procedure has no procedures")
    return procedures


def _enum_body(text: str, path: str, protocol: str) -> str:
    text = _COMMENT.sub(" ", text)
    match = re.search(rf"\benum\s+{re.escape(protocol)}_procedure\s*\{{([^}}]*)\}}", text)
    if match is None:
        raise InputError(path, f"no 'enum {protocol}_procedure {{ ... }}' found: not libvirt's {protocol} protocol definition")
    return match.group(1)


def _entry(path: str, protocol: str, prefix: str, item: str) -> Procedure:
    match = _ENTRY.fullmatch(item)
    if match is None:
        raise InputError(path, f"enum {protocol}_procedure: {' '.join(item.split())!r} is not 'NAME = NUMBER'")
    name, number = match.groups()
    if not name.startswith(prefix):
        raise InputError(path, f"enum {protocol}_procedure: {name} does not start with {prefix}")
    return Procedure(protocol=protocol, number=int(number), name=name)


_CALLED = re.compile(r"\b((?:REMOTE|QEMU|LXC|ADMIN)_PROC_[A-Z0-9_]+)\b")


def called_procedures(code: str) -> list[str]:
    """The procedure names a piece of C code refers to (`call(conn, priv, 0, REMOTE_PROC_X, ...)`), in order."""
    return list(dict.fromkeys(_CALLED.findall(code)))


def procedure_api(proc: Procedure, api_names: set[str]) -> str | None:
    """The public API whose call this procedure carries, or None (events, migration steps, auth...)."""
    return _match(proc, api_names)


def procedure_label(proc: Procedure, api: str | None, internal_names: set[str]) -> str:
    """'api', 'event' (a message the daemon sends), 'internal' (a migration step...) or 'other'."""
    if api is not None:
        return "api"
    words = set(_words(proc))
    if "EVENT" in words and not words & {"REGISTER", "DEREGISTER"}:
        return "event"
    if _match(proc, internal_names) is not None:
        return "internal"
    return "other"


def _match(proc: Procedure, names: set[str]) -> str | None:
    prefix, marker = _API_SHAPE.get(proc.protocol, ("vir", ""))
    wanted = _key(prefix + "".join(_words(proc)))
    for name in names:
        if name.startswith(prefix) and marker in name and _key(name.replace(marker, "", 1)) == wanted:
            return name
    return None


def _words(proc: Procedure) -> list[str]:
    return proc.name.removeprefix(f"{proc.protocol.upper()}_PROC_").split("_")


def _key(name: str) -> str:
    return name.replace("_", "").lower()
