"""Debian specifics: the archive mirror named by apt's sources, and reading a .deb."""

from __future__ import annotations

import io
import lzma
import os
import re
import tarfile
from collections.abc import Callable, Iterator
from pathlib import Path, PurePosixPath
from typing import BinaryIO, NamedTuple

from kbgen.errors import InputError, KbgenError
from kbgen.inputs.tarstream import DECOMPRESSION_ERRORS, OverCap, open_tar_stream

MIRROR_ENV = "KBGEN_DEBIAN_MIRROR"
# The most kbgen decompresses from a package's data.tar, and so holds of its wanted members
# in memory; libvirt-doc's data.tar is about 9 MB, libvirt-dev's 2 MB (libvirt-api.xml: 1.2 MB).
MAX_PACKAGE_BYTES = 64 * 1024 * 1024
# A suite's Packages or Sources index: bookworm's main/binary-amd64 Packages is 50 MB decompressed.
MAX_INDEX_BYTES = 256 * 1024 * 1024
_CHUNK_SIZE = 1 << 20
_TAR_COMPRESSIONS = ("", "gz", "bz2", "xz")

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
    if compression not in _TAR_COMPRESSIONS:
        raise InputError(
            deb_path, f"{member} uses a compression this Python cannot read (unknown compression type {compression!r})"
        )
    found: dict[str, bytes] = {}
    try:
        with open_tar_stream(data, compression, MAX_PACKAGE_BYTES) as tar:
            for info in tar:
                path = _safe_path(info)
                if path is not None and wanted(path):
                    _check_package_size(deb_path, member, path, info.size, sum(map(len, found.values())))
                    found[path] = _read_member(tar.extractfile(info), info.size)
    except OverCap:
        raise InputError(deb_path, f"{member} decompresses to more than the {MAX_PACKAGE_BYTES} bytes kbgen reads "
                                   "from a package; refusing it") from None
    except (tarfile.TarError, *DECOMPRESSION_ERRORS) as err:
        raise InputError(deb_path, f"corrupt {member}: {err}") from err
    return found


def _read_member(member: BinaryIO, size: int) -> bytearray:
    """The member's bytes, read into one buffer of its size (reading it whole would take three times that)."""
    data = bytearray(size)
    view, done = memoryview(data), 0
    while done < size and (count := member.readinto(view[done:done + _CHUNK_SIZE])):
        done += count
    if done < size:
        raise EOFError(f"unexpected end of data after {done} of {size} bytes")
    return data


def _check_package_size(deb_path: Path, member: str, path: str, size: int, before: int) -> None:
    """Refuse the next member before it is read if it would take the package over MAX_PACKAGE_BYTES."""
    if before + size > MAX_PACKAGE_BYTES:
        after = f" after {before} bytes of other members" if before else ""
        raise InputError(deb_path, f"{member}: {path} is {size} bytes{after}, more than the "
                                   f"{MAX_PACKAGE_BYTES} kbgen reads from a package; refusing it")


def read_xz_index(path: Path, origin: str, what: str = "a Packages index") -> str:
    """A suite's Packages.xz or Sources.xz index as text, decompressed a piece at a time up to MAX_INDEX_BYTES."""
    decompressor, text = lzma.LZMADecompressor(), bytearray()
    try:
        with path.open("rb") as f:
            while not decompressor.eof:
                data = f.read(_CHUNK_SIZE) if decompressor.needs_input else b""
                if decompressor.needs_input and not data:
                    raise InputError(origin, "truncated xz data")
                text += decompressor.decompress(data, max_length=_CHUNK_SIZE)
                if len(text) > MAX_INDEX_BYTES:
                    raise InputError(origin, f"decompresses to more than the {MAX_INDEX_BYTES} bytes kbgen reads "
                                             f"from {what}; refusing it")
    except lzma.LZMAError as err:
        raise InputError(origin, f"not xz data: {err}") from None
    except OSError as err:
        raise InputError(path, f"cannot read: {err.strerror or err}") from None
    return text.decode("utf-8", "replace")


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
