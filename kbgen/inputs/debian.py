"""Debian specifics: the archive mirror named by apt's sources, and reading a .deb."""

from __future__ import annotations

import io
import os
import re
import tarfile
from collections.abc import Callable, Iterator
from pathlib import Path, PurePosixPath
from typing import BinaryIO, NamedTuple

from kbgen.errors import InputError, KbgenError

MIRROR_ENV = "KBGEN_DEBIAN_MIRROR"
# Members are read into memory; libvirt's largest input (libvirt-api.xml) is about 1.2 MB,
# so anything near this size is a decompression bomb, not a libvirt package.
MAX_MEMBER_BYTES = 256 * 1024 * 1024
_TAR_COMPRESSIONS = ("", "gz", "bz2", "xz")  # what tarfile's stream mode ("r|gz") reads

_DEBIAN_SUITE = re.compile(
    r"(buster|bullseye|bookworm|trixie|forky|duke|sid|experimental"
    r"|oldoldstable|oldstable|stable|testing|unstable)"
    r"(-updates|-backports|-backports-sloppy|-proposed-updates)?"
)
_ONE_LINE = re.compile(r"(?P<type>\S+)\s+(?:\[[^\]]*\]\s+)?(?P<uri>\S+)\s+(?P<suite>\S+).*")
_DISABLED = {"no", "false", "off", "0", "disable"}


class _AptEntry(NamedTuple):
    types: list[str]
    uris: list[str]
    suites: list[str]
    enabled: bool = True

    def is_debian_archive(self) -> bool:
        return (
            self.enabled
            and any(t in ("deb", "deb-src") for t in self.types)
            and any(_DEBIAN_SUITE.fullmatch(suite) for suite in self.suites)
        )


def apt_mirrors(sources_dir: Path = Path("/etc/apt")) -> list[str]:
    """Debian archive base URLs named by the machine's apt sources, best first."""
    mirrors: list[str] = []
    for entry in _apt_entries(Path(sources_dir)):
        if not entry.is_debian_archive():
            continue
        for uri in entry.uris:
            base = uri.rstrip("/")
            if base.startswith(("http://", "https://")) and base not in mirrors:
                mirrors.append(base)
    return mirrors


def find_mirror(sources_dir: Path = Path("/etc/apt")) -> str:
    """$KBGEN_DEBIAN_MIRROR if set, else the first of apt_mirrors()."""
    if override := os.environ.get(MIRROR_ENV, "").strip():
        return override.rstrip("/")
    mirrors = apt_mirrors(sources_dir)
    if not mirrors:
        raise KbgenError(
            f"no Debian archive mirror found in the apt sources under {sources_dir}; "
            f"set {MIRROR_ENV} to the base URL of a Debian mirror "
            "(the directory that holds dists/ and pool/)"
        )
    return mirrors[0]


def _apt_entries(sources_dir: Path) -> Iterator[_AptEntry]:
    parts = sources_dir / "sources.list.d"
    files = [sources_dir / "sources.list"]
    if parts.is_dir():
        files += sorted(p for p in parts.iterdir() if p.suffix in (".list", ".sources"))
    for path in files:
        if not path.is_file():
            continue
        try:
            text = path.read_text(errors="replace")
        except OSError as err:
            raise InputError(path, f"cannot read apt sources: {err.strerror}") from err
        yield from _deb822_entries(text) if path.suffix == ".sources" else _one_line_entries(text)


def _one_line_entries(text: str) -> Iterator[_AptEntry]:
    for line in text.splitlines():
        match = _ONE_LINE.fullmatch(line.split("#", 1)[0].strip())
        if match:
            yield _AptEntry([match["type"]], [match["uri"]], [match["suite"]])


def _deb822_entries(text: str) -> Iterator[_AptEntry]:
    for stanza in re.split(r"\n[ \t]*\n", text):
        fields = _deb822_fields(stanza)
        if fields:
            yield _AptEntry(
                types=fields.get("types", "").split(),
                uris=fields.get("uris", "").split(),
                suites=fields.get("suites", "").split(),
                enabled=fields.get("enabled", "yes").strip().lower() not in _DISABLED,
            )


def _deb822_fields(stanza: str) -> dict[str, str]:
    """Field name (lower case) -> value; continuation lines are joined to their field."""
    fields: dict[str, str] = {}
    name = None
    for line in stanza.splitlines():
        if line.startswith("#"):
            continue
        if line[:1].isspace() and name:
            fields[name] += "\n" + line.strip()
        elif ":" in line:
            name, value = line.split(":", 1)
            name = name.strip().lower()
            fields[name] = value.strip()
    return fields


def deb_members(deb_path: Path, wanted: Callable[[str], bool]) -> dict[str, bytes]:
    """Read a .deb with the standard library only and return its wanted regular files.

    Keys are member paths as in the data tarball, without the leading "./".
    Members with absolute paths or ".." components are never returned.
    """
    try:
        with open(deb_path, "rb") as deb:
            name, size = _find_data_member(deb, deb_path)
            return _read_data_tar(_Bounded(deb, size), name, wanted, deb_path)
    except OSError as err:
        raise InputError(deb_path, f"cannot read: {err.strerror or err}") from err


def _find_data_member(deb: BinaryIO, deb_path: Path) -> tuple[str, int]:
    """Position deb at the start of its data.tar* member; return that member's name and size."""
    if deb.read(8) != b"!<arch>\n":
        raise InputError(deb_path, "not a Debian package (no ar archive header)")
    while header := deb.read(60):
        if len(header) < 60 or header[58:60] != b"`\n":
            raise InputError(deb_path, "corrupt ar archive (bad member header)")
        name = header[:16].decode("ascii", "replace").rstrip(" /")
        size_field = header[48:58].strip()
        if not size_field.isdigit():
            raise InputError(deb_path, f"corrupt ar archive (bad size for member {name!r})")
        size = int(size_field)
        if name.startswith("data.tar"):
            available = os.fstat(deb.fileno()).st_size - deb.tell()
            if available < size:
                raise InputError(deb_path, f"truncated: {name} has {available} of {size} bytes")
            return name, size
        deb.seek(size + size % 2, os.SEEK_CUR)
    raise InputError(deb_path, "no data.tar member: not a binary Debian package")


def _read_data_tar(
    data: BinaryIO, member: str, wanted: Callable[[str], bool], deb_path: Path
) -> dict[str, bytes]:
    compression = member.removeprefix("data.tar").removeprefix(".")
    if compression not in _TAR_COMPRESSIONS:  # tarfile takes "r|gz :" apart itself and fails with a ValueError
        raise InputError(
            deb_path, f"{member} uses a compression this Python cannot read (unknown compression type {compression!r})"
        )
    found: dict[str, bytes] = {}
    try:
        with tarfile.open(fileobj=data, mode=f"r|{compression}") as tar:
            for info in tar:
                path = _safe_path(info)
                if path is not None and wanted(path):
                    if info.size > MAX_MEMBER_BYTES:
                        raise InputError(
                            deb_path,
                            f"{member}: {path} is {info.size} bytes, more than the "
                            f"{MAX_MEMBER_BYTES} kbgen reads from a package; refusing it",
                        )
                    found[path] = tar.extractfile(info).read()
    except tarfile.CompressionError as err:
        raise InputError(
            deb_path, f"{member} uses a compression this Python cannot read ({err})"
        ) from err
    except (tarfile.TarError, EOFError) as err:
        raise InputError(deb_path, f"corrupt {member}: {err}") from err
    return found


def _safe_path(info: tarfile.TarInfo) -> str | None:
    """The member's path without "./", or None for non-regular or escaping members."""
    if not info.isreg():
        return None
    path = PurePosixPath(info.name)
    if path.is_absolute() or ".." in path.parts or not path.parts:
        return None
    return path.as_posix()


class _Bounded(io.RawIOBase):
    """A read-only view of the next size bytes of a file."""

    def __init__(self, file: BinaryIO, size: int):
        self._file = file
        self._left = size

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:
        view = memoryview(buffer)[: self._left]
        count = self._file.readinto(view) if len(view) else 0
        self._left -= count
        return count
