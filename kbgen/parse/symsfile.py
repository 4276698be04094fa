"""libvirt's linker version scripts for its public libraries (libvirt_public.syms ...).

Each section is named after the release that added its symbols, and a symbol
never moves: `LIBVIRT_0.9.4 { global: virDomainUndefineFlags; ... } LIBVIRT_0.9.3;`
is the authoritative "added in 0.9.4" for every symbol in it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kbgen.errors import InputError
from kbgen.versions import is_version

SYMS_FILES = {
    "libvirt": "src/libvirt_public.syms",
    "qemu": "src/libvirt_qemu.syms",
    "lxc": "src/libvirt_lxc.syms",
    "admin": "src/admin/libvirt_admin_public.syms",
}

_HEADER = re.compile(r"(\w+?)_(\d+\.\d+\.\d+)\s*\{")
_END = re.compile(r"\}\s*([\w.]*)\s*;")
_SYMBOL = re.compile(r"(\w+)\s*;")


@dataclass(frozen=True)
class SymsSection:
    module: str
    section: str
    version: str
    symbols: tuple[str, ...]


def section_prefix(module: str) -> str:
    """'libvirt' -> 'LIBVIRT', 'qemu' -> 'LIBVIRT_QEMU'."""
    return "LIBVIRT" if module == "libvirt" else f"LIBVIRT_{module.upper()}"


def _private(module: str) -> str:
    return section_prefix(module) + "_PRIVATE"


def parse_syms(text: str, path: str, module: str) -> list[SymsSection]:
    """The public sections of one syms file, in file order; private sections are skipped."""
    sections: list[SymsSection] = []
    open_section: tuple[str, str] | None = None
    symbols: list[str] = []
    for number, line in enumerate(text.splitlines(), 1):
        line = line.split("#", 1)[0].strip()
        if not line or line in ("global:", "*;") or line.startswith("local:"):
            continue
        where = f"line {number}"
        if open_section is None:
            open_section = _header(path, module, where, line)
            symbols = []
        elif _END.fullmatch(line):
            if not open_section[0].startswith(_private(module)):
                sections.append(SymsSection(module, *open_section, tuple(symbols)))
            open_section = None
        elif symbol := _SYMBOL.fullmatch(line):
            symbols.append(symbol.group(1))
        else:
            raise InputError(path, f"{where}: {line!r} is neither a symbol nor the end of section {open_section[0]}")
    if open_section is not None:
        raise InputError(path, f"section {open_section[0]} is never closed")
    return sections


def _header(path: str, module: str, where: str, line: str) -> tuple[str, str]:
    match = _HEADER.fullmatch(line)
    if match is None:
        raise InputError(path, f"{where}: {line!r} is not a section header such as '{section_prefix(module)}_1.2.3 {{'")
    name, version = match.groups()
    if not is_version(version):
        raise InputError(path, f"{where}: section {name}_{version}: {version!r} is not a libvirt version (MAJOR.MINOR.MICRO)")
    if name not in (section_prefix(module), _private(module)):
        raise InputError(path, f"{where}: section {name}_{version} does not belong to {module}'s syms file ({section_prefix(module)}_...)")
    return f"{name}_{version}", version
