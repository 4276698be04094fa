"""A Debian suite's Packages and Sources indexes (deb822 stanzas): where each package's file is."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePosixPath

from kbgen.errors import InputError
from kbgen.versions import is_version

_POOL_PATH = re.compile(r"pool/[A-Za-z0-9._+~/-]+")
_SHA256 = re.compile(r"[0-9a-f]{64}")
_DEBIAN_VERSION = re.compile(r"(?:[0-9]+:)?[0-9A-Za-z.+~-]+")


@dataclass(frozen=True)
class PackageFile:
    package: str
    version: str
    filename: str  # path relative to the mirror, e.g. pool/main/libv/libvirt/...
    sha256: str


def parse_packages_index(text: str, wanted: set[str]) -> list[PackageFile]:
    """The stanzas of the wanted packages, in index order."""
    found = []
    for stanza in text.split("\n\n"):
        fields = _fields(stanza)
        if fields.get("Package") in wanted and {"Version", "Filename", "SHA256"} <= fields.keys():
            found.append(PackageFile(fields["Package"], fields["Version"], fields["Filename"], fields["SHA256"]))
    return found


def orig_tarball(sources_index: str, source: str, upstream: str) -> PackageFile | None:
    """source's SOURCE_UPSTREAM.orig.tar.xz as a Sources index lists it (Directory + Checksums-Sha256), or None."""
    name = f"{source}_{upstream}.orig.tar.xz"
    for stanza in sources_index.split("\n\n"):
        fields = _fields(stanza)
        if fields.get("Package") != source or "Directory" not in fields:
            continue
        for line in fields.get("Checksums-Sha256", "").splitlines():
            digest, _size, filename = (*line.split(), "", "", "")[:3]
            if filename == name:
                return PackageFile(source, fields.get("Version", ""), f"{fields['Directory']}/{name}", digest)
    return None


def _fields(stanza: str) -> dict[str, str]:
    """Field name -> value; a field's continuation lines follow its first line, one a line."""
    fields: dict[str, str] = {}
    key = None
    for line in stanza.splitlines():
        if line[:1] in (" ", "\t") and key:
            fields[key] += "\n" + line.strip()
        elif line[:1] not in (" ", "\t", "") and ":" in line:
            key, _, value = line.partition(":")
            fields[key] = value.strip()
    return fields


def upstream_version(debian_version: str) -> str:
    """'12.8.0-1' -> '12.8.0', '1:7.0.0-3+deb11u3' -> '7.0.0'."""
    return debian_version.split(":", 1)[-1].rsplit("-", 1)[0]


def checked(found: list[PackageFile], origin: str) -> list[PackageFile]:
    """found, if every field a manifest takes from it is what it claims to be; InputError naming origin otherwise."""
    for p in found:
        if not _POOL_PATH.fullmatch(p.filename) or ".." in PurePosixPath(p.filename).parts:
            raise InputError(origin, f"{p.package}: Filename {p.filename!r} is not a relative path under pool/")
        if not _SHA256.fullmatch(p.sha256):
            raise InputError(origin, f"{p.package}: SHA256 {p.sha256!r} is not 64 hexadecimal digits")
        if not is_version(upstream_version(p.version)):
            raise InputError(origin, f"{p.package}: Version {p.version!r} is not a libvirt version")
        if not _DEBIAN_VERSION.fullmatch(p.version):
            raise InputError(origin, f"{p.package}: Version {p.version!r} is not a Debian version")
    return found
