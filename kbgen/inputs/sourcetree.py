"""libvirt source trees: the files the analysis reads, unpacked from a release
tarball or read from a tag of a git clone (no checkout), into the cache.

Only `src/**/*.{c,h,x,syms}` and `tools/**/*.{c,h}` (virsh) are kept (about 25 MB
for 11.3.0); nothing else of
the archive is written anywhere, and members with absolute or `..` paths, links
and devices are skipped. A tree may hold at most MAX_TREE_BYTES, a file at most
MAX_MEMBER_BYTES, and kbgen decompresses at most MAX_TARBALL_BYTES of a tarball:
a tarball of zeros that unpacks to gigabytes is refused, with its name and the
limit, before the file over the limit is written.

A clone is read as raw objects (`git ls-tree`, `git cat-file --batch`): no
filter driver, `export-subst` or other attribute the clone configures runs.
"""

from __future__ import annotations

import hashlib
import re
import subprocess
import tarfile
import tempfile
from pathlib import Path, PurePosixPath
from typing import IO

from kbgen.errors import InputError, KbgenError
from kbgen.inputs.cachedir import publish_dir
from kbgen.inputs.tarstream import DECOMPRESSION_ERRORS, OverCap, open_tar_stream
from kbgen.versions import is_version, normalise_version

TREE_MARKER = "src/libvirt_public.syms"
TARBALL_SUFFIXES = (".tar.xz", ".tar.gz", ".tgz", ".tar.bz2", ".tar")
# libvirt 11.3.0's src/ holds 23 MB in files of at most 1.5 MB; its whole tarball, 176 MB.
MAX_TREE_BYTES = 512 * 1024 * 1024
MAX_MEMBER_BYTES = 64 * 1024 * 1024
MAX_TARBALL_BYTES = 1024 * 1024 * 1024
CHUNK_SIZE = 1 << 20
_WANTED = re.compile(r"src/.+\.(c|h|x|syms)|tools/.+\.[ch]")
_WANTED_DIRS = ("src", "tools")
# Names the kept set: a tree unpacked when fewer members were kept is not trusted as complete.
TREE_KEY = hashlib.sha256(_WANTED.pattern.encode()).hexdigest()[:8]
_TAG = re.compile(r"v([0-9]+\.[0-9]+\.[0-9]+)")
_LS_TREE_ENTRY = re.compile(r"(100644|100755) blob ([0-9a-f]+) +([0-9]+)\t(.+)", re.DOTALL)  # no links, no submodules
# Nothing a clone's configuration names may fetch from anywhere (a partial clone's lazy fetch).
_GIT_SAFETY = ("-c", "protocol.allow=never", "-c", "core.fsmonitor=false")


def is_source_tree(path: Path) -> bool:
    return (path / TREE_MARKER).is_file()


def is_tarball(name: str) -> bool:
    return name.endswith(TARBALL_SUFFIXES)


def tree_member(name: str, strip_top: bool) -> str | None:
    """The path a tar member gets in the tree, or None if the analysis does not need it or it is unsafe."""
    parts = PurePosixPath(name).parts
    if strip_top:
        parts = parts[1:]
    relative = "/".join(parts)
    if not parts or name.startswith("/") or ".." in parts or not _WANTED.fullmatch(relative):
        return None
    return relative


class _Budget:
    """What one tree may still take; a member over a limit is refused before it is written."""

    def __init__(self, origin: str):
        self.origin = origin
        self.total = 0

    def take(self, relative: str, size: int) -> None:
        if size > MAX_MEMBER_BYTES:
            raise InputError(self.origin, f"{relative} is {size} bytes, more than the {MAX_MEMBER_BYTES} "
                                          "kbgen unpacks per file of a source tree; refusing it")
        self.total += size
        if self.total > MAX_TREE_BYTES:
            raise InputError(self.origin, f"its source files reach {self.total} bytes at {relative}, more than the "
                                          f"{MAX_TREE_BYTES} kbgen unpacks per source tree; refusing it")


def unpack_tree(stream: IO[bytes], target: Path, origin: str, strip_top: bool) -> Path:
    """Unpack the wanted members of a tar stream into target (atomically: built beside it, then renamed)."""
    def fill(partial: Path) -> None:
        _extract_tar(stream, partial, origin, strip_top)
        _check_tree(partial, origin)

    return publish_dir(target, fill)


def unpack_tarball(tarball: Path, target: Path) -> Path:
    try:
        stream = tarball.open("rb")
    except OSError as err:
        raise InputError(tarball, f"cannot read: {err.strerror or err}") from None
    with stream:
        return unpack_tree(stream, target, str(tarball), strip_top=True)


def _check_tree(partial: Path, origin: str) -> None:
    if not is_source_tree(partial):
        raise InputError(origin, f"not a libvirt source tree: no {TREE_MARKER}")


def _extract_tar(stream: IO[bytes], partial: Path, origin: str, strip_top: bool) -> None:
    budget = _Budget(origin)
    try:
        with open_tar_stream(stream, "*", MAX_TARBALL_BYTES) as tar:
            for member in tar:
                relative = tree_member(member.name, strip_top)
                if relative is not None and member.isfile():
                    budget.take(relative, member.size)
                    with tar.extractfile(member) as src:
                        _write(partial / relative, src, member.size)
    except OverCap:
        raise InputError(origin, f"decompresses to more than the {MAX_TARBALL_BYTES} bytes kbgen reads from a "
                                 "source tarball; refusing it") from None
    except (tarfile.TarError, *DECOMPRESSION_ERRORS) as err:
        raise InputError(origin, f"cannot read as a source tarball: {err}") from None


def _write(dest: Path, src: IO[bytes], size: int) -> None:
    """Copy exactly size bytes of src into dest."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    with open(dest, "wb") as out:
        while size:
            chunk = src.read(min(size, CHUNK_SIZE))
            if not chunk:
                raise EOFError("unexpected end of data")
            out.write(chunk)
            size -= len(chunk)


# --- git clones ---------------------------------------------------------------------


def release_tags(repo: Path, pattern: str = "v*") -> list[tuple[str, str]]:
    """(version, tag) for every release tag vX.Y.Z of the clone, oldest first; one tag per release."""
    tags: dict[str, str] = {}
    for tag in _git(repo, "tag", "--list", pattern).split():
        if (match := _TAG.fullmatch(tag)) is None:
            continue
        if not is_version(match[1]):
            raise KbgenError(f"{repo}: tag {tag} is named like a release, but {match[1]} is not a libvirt version "
                             "(at most 9999.999.999); choose the release tags with --tags")
        version = normalise_version(match[1])
        if version in tags:
            raise KbgenError(f"{repo}: tags {tags[version]} and {tag} both name release {version}; "
                             "choose one with --tags")
        tags[version] = tag
    return sorted(tags.items(), key=lambda vt: tuple(int(p) for p in vt[0].split(".")))


def tag_commit(repo: Path, tag: str) -> str:
    return _git(repo, "rev-parse", f"{tag}^{{commit}}").strip()


def unpack_git_tag(repo: Path, commit: str, target: Path) -> Path:
    """The wanted files of commit as the clone stores them: nothing the clone configures runs."""
    origin = f"{repo}@{commit}"

    def fill(partial: Path) -> None:
        _extract_blobs(_wanted_blobs(repo, commit, origin), repo, partial, origin)
        _check_tree(partial, origin)

    return publish_dir(target, fill)


def _extract_blobs(blobs: list[tuple[str, str]], repo: Path, partial: Path, origin: str) -> None:
    with tempfile.TemporaryFile() as ids:
        ids.write(b"".join(f"{oid}\n".encode() for oid, _ in blobs))
        ids.seek(0)
        with subprocess.Popen(["git", *_GIT_SAFETY, "-C", str(repo), "cat-file", "--batch"],
                              stdin=ids, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL) as proc:
            for oid, relative in blobs:
                _write_blob(proc.stdout, oid, partial / relative, origin)
            proc.stdout.close()
            proc.wait()


def _wanted_blobs(repo: Path, commit: str, origin: str) -> list[tuple[str, str]]:
    """(object id, path in the tree) of each wanted regular file of commit, its size checked against the limits."""
    budget = _Budget(origin)
    blobs = []
    for record in _git(repo, "ls-tree", "-r", "-z", "-l", "--full-tree", commit, "--", *_WANTED_DIRS).split("\0"):
        entry = _LS_TREE_ENTRY.fullmatch(record)
        relative = tree_member(entry[4], strip_top=False) if entry else None
        if relative is not None:
            budget.take(relative, int(entry[3]))
            blobs.append((entry[2], relative))
    return blobs


def _write_blob(batch: IO[bytes], oid: str, dest: Path, origin: str) -> None:
    header = batch.readline().split()
    if len(header) != 3 or header[0].decode() != oid or header[1] != b"blob" or not header[2].isdigit():
        raise KbgenError(f"{origin}: git cat-file cannot read object {oid} ({dest.name})")
    try:
        _write(dest, batch, int(header[2]))
    except (OSError, EOFError) as err:
        raise KbgenError(f"{origin}: cannot copy {dest.name} out of the clone: {err}") from None
    batch.read(1)  # the newline after each object


def _git(repo: Path, *args: str) -> str:
    try:
        result = subprocess.run(["git", *_GIT_SAFETY, "-C", str(repo), *args], capture_output=True, text=True,
                                errors="surrogateescape", check=False)
    except FileNotFoundError:
        raise KbgenError("git is not installed; it is needed to read a libvirt clone") from None
    if result.returncode != 0:
        raise KbgenError(f"{repo}: git {' '.join(args)}: {result.stderr.strip() or 'failed'}")
    return result.stdout
