"""libvirt source trees: the files the analysis reads, unpacked from a release
tarball or read from a tag of a git clone (no checkout), into the cache.

Only `src/**/*.{c,h,x,syms}` is kept (about 23 MB for 11.3.0); nothing else of
the archive is written anywhere, and members with absolute or `..` paths, links
and devices are skipped.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tarfile
from pathlib import Path, PurePosixPath

from kbgen.errors import InputError, KbgenError

TREE_MARKER = "src/libvirt_public.syms"
TARBALL_SUFFIXES = (".tar.xz", ".tar.gz", ".tgz", ".tar.bz2", ".tar")
_WANTED = re.compile(r"src/.+\.(c|h|x|syms)")
_TAG = re.compile(r"v(\d+\.\d+\.\d+)")


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


def unpack_tree(stream, target: Path, origin: str, strip_top: bool) -> Path:
    """Unpack the wanted members of a tar stream into target (atomically: built beside it, then renamed)."""
    if target.is_dir():
        return target
    partial = target.with_name(target.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    try:
        with tarfile.open(fileobj=stream, mode="r|*") as tar:
            for member in tar:
                relative = tree_member(member.name, strip_top)
                if relative is None or not member.isfile():
                    continue
                dest = partial / relative
                dest.parent.mkdir(parents=True, exist_ok=True)
                with tar.extractfile(member) as src, open(dest, "wb") as out:
                    shutil.copyfileobj(src, out)
    except (tarfile.TarError, EOFError, OSError) as err:
        shutil.rmtree(partial, ignore_errors=True)
        raise InputError(origin, f"cannot read as a source tarball: {err}") from None
    if not is_source_tree(partial):
        shutil.rmtree(partial, ignore_errors=True)
        raise InputError(origin, f"not a libvirt source tree: no {TREE_MARKER}")
    os.replace(partial, target)
    return target


def unpack_tarball(tarball: Path, target: Path) -> Path:
    with tarball.open("rb") as stream:
        return unpack_tree(stream, target, str(tarball), strip_top=True)


# --- git clones ---------------------------------------------------------------------


def release_tags(repo: Path, pattern: str = "v*") -> list[tuple[str, str]]:
    """(version, tag) for every release tag vX.Y.Z of the clone, oldest first."""
    out = _git(repo, "tag", "--list", pattern)
    tags = [(m.group(1), tag) for tag in out.split() if (m := _TAG.fullmatch(tag))]
    return sorted(tags, key=lambda vt: tuple(int(p) for p in vt[0].split(".")))


def tag_commit(repo: Path, tag: str) -> str:
    return _git(repo, "rev-parse", f"{tag}^{{commit}}").strip()


def unpack_git_tag(repo: Path, commit: str, target: Path) -> Path:
    if target.is_dir():
        return target
    with subprocess.Popen(["git", "-C", str(repo), "archive", "--format=tar", commit, "src"],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE) as proc:
        tree = unpack_tree(proc.stdout, target, f"{repo}@{commit}", strip_top=False)
        if proc.wait() != 0:
            shutil.rmtree(tree, ignore_errors=True)
            raise KbgenError(f"{repo}: git archive {commit} failed: {proc.stderr.read().decode(errors='replace').strip()}")
    return tree


def _git(repo: Path, *args: str) -> str:
    try:
        result = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, check=False)
    except FileNotFoundError:
        raise KbgenError("git is not installed; it is needed to read a libvirt clone") from None
    if result.returncode != 0:
        raise KbgenError(f"{repo}: git {' '.join(args)}: {result.stderr.strip() or 'failed'}")
    return result.stdout
