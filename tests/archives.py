"""Archives built in memory for tests and fuzzing: tarballs, `ar` archives, .deb packages."""

from __future__ import annotations

import io
import tarfile
from pathlib import Path

API_DIR = "usr/share/libvirt/api"
DOC_DIR = "usr/share/doc/libvirt-doc/html"


def tar_bytes(members: dict[str, bytes], compression: str = "xz",
              links: dict[str, tuple[bytes, str]] | None = None, directories: tuple[str, ...] = ()) -> bytes:
    """A tarball of directories, regular files, and links: name -> (tarfile.SYMTYPE or LNKTYPE, target)."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode=f"w:{compression}") as tar:
        for name in directories:
            info = tarfile.TarInfo(name)
            info.type = tarfile.DIRTYPE
            tar.addfile(info)
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
        for name, (kind, target) in (links or {}).items():
            info = tarfile.TarInfo(name)
            info.type, info.linkname = kind, target
            tar.addfile(info)
    return buffer.getvalue()


def ar_bytes(members: list[tuple[str, bytes]]) -> bytes:
    out = [b"!<arch>\n"]
    for name, data in members:
        out += [f"{name:<16}{0:<12}{0:<6}{0:<6}{'100644':<8}{len(data):<10}`\n".encode(), data, b"\n" if len(data) % 2 else b""]
    return b"".join(out)


def deb_bytes(data_tar: bytes, data_name: str = "data.tar.xz") -> bytes:
    control = tar_bytes({"./control": b"Package: libvirt-dev\n"})
    return ar_bytes([("debian-binary", b"2.0\n"), ("control.tar.xz", control), (data_name, data_tar)])


def release_deb(release: Path, compression: str = "xz") -> bytes:
    """A .deb holding a fixture release's files where Debian's libvirt-dev and libvirt-doc put them."""
    members = {f"./{API_DIR}/{p.name}": p.read_bytes() for p in sorted(release.glob("*.xml"))}
    members[f"./{DOC_DIR}/hvsupport.html"] = (release / "hvsupport.html").read_bytes()
    return deb_bytes(tar_bytes(members, compression), f"data.tar.{compression}")


def tree_tarball(tree: Path, compression: str = "xz", top: str = "libvirt-1.0.0", extra: dict[str, bytes] | None = None) -> bytes:
    """A release tarball of a fixture source tree, under one top directory, plus extra members."""
    members = {f"{top}/{p.relative_to(tree)}": p.read_bytes() for p in sorted(tree.rglob("*")) if p.is_file()}
    return tar_bytes({**members, **(extra or {})}, compression)
