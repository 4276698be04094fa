"""Resolving a release's sources into the input files kbgen reads.

Resolving a source (see manifest.py) gives InputFiles: the files kbgen knows by name, each with the place it came
from, so that every figure in the database traces back to a file.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Callable
from urllib.parse import unquote, urlsplit

from kbgen.errors import InputError, KbgenError
from kbgen.inputs.cachedir import discard_dir, publish_dir
from kbgen.inputs.manifest import Release, Source
from kbgen.inputs.sourcetree import TREE_KEY, is_source_tree, is_tarball, unpack_tarball

API_XML_NAMES = ("libvirt-api.xml", "libvirt-qemu-api.xml", "libvirt-lxc-api.xml", "libvirt-admin-api.xml")
HVSUPPORT_NAME = "hvsupport.html"
NEWS_NAME = "news.html"
SOURCE_TREE_NAME = "source-tree"  # an InputFile whose path is a directory holding src/
FORMAT_DOC_NAMES = tuple(f"format{page}.html" for page in (
    "domain", "network", "networkport", "storage", "storageencryption", "nwfilter", "secret", "node", "caps",
    "domaincaps", "storagecaps", "snapshot", "checkpoint", "backup"))
SCHEMAS_NAME = "schemas"  # an InputFile whose path is a directory of RelaxNG schemas (*.rng)
SCHEMA_DIR = "usr/share/libvirt/schemas"
BINDING_NAMES = ("libvirt.py", "libvirt_qemu.py", "libvirt_lxc.py")  # python3-libvirt's, read with ast (parse/pybindings.py)
BINDING_DIR = "usr/lib/python3/dist-packages"
INPUT_NAMES = (*API_XML_NAMES, HVSUPPORT_NAME, NEWS_NAME, *FORMAT_DOC_NAMES, *BINDING_NAMES)
# A package is extracted again when kbgen comes to read more of its files.
_WANTED_KEY = hashlib.sha256(" ".join((*INPUT_NAMES, SCHEMA_DIR)).encode()).hexdigest()[:8]
MEMBERS_LIST = ".members"  # in a package's directory under extracted/: the members taken from it


@dataclass(frozen=True)
class InputFile:
    release: str
    name: str
    path: Path
    origin: str
    sha256: str
    walk: str | None = None  # the clone, for a tree read in a walk over all its release tags


class Resolver:
    """Turns sources into local input files, fetching and unpacking as needed."""

    def __init__(self, fetcher, cache_dir: Path, mirror: Callable[[], str]):
        self.fetcher = fetcher
        self.cache_dir = cache_dir
        self.mirror = mirror

    def release_inputs(self, release: Release) -> list[InputFile]:
        files: dict[str, InputFile] = {}
        for source in release.sources:
            for f in self.source_inputs(release.version, source):
                if f.name in files:
                    raise KbgenError(f"release {release.version}: {f.name} comes from two sources: {files[f.name].origin} and {f.origin}")
                files[f.name] = f
        if not files.keys() & {*API_XML_NAMES, SOURCE_TREE_NAME}:
            raise KbgenError(f"release {release.version}: no libvirt-api.xml and no source tree among its sources")
        return [files[n] for n in (*INPUT_NAMES, SCHEMAS_NAME, SOURCE_TREE_NAME) if n in files]

    def source_inputs(self, version: str, source: Source) -> list[InputFile]:
        if source.kind == "pool":
            url = f"{self.mirror().rstrip('/')}/{source.location.lstrip('/')}"
            local = self.fetcher.fetch(url, sha256=source.sha256)
            return self._file(version, local, source.location, PurePosixPath(source.location).name)
        if source.kind == "url":
            local = self.fetcher.fetch(source.location, sha256=source.sha256)
            return self._file(version, local, source.location, PurePosixPath(unquote(urlsplit(source.location).path)).name)
        if source.kind == "git":
            return [self._git_tag(version, source)]
        return self._path(version, Path(source.location).expanduser(), source.sha256)

    def _path(self, version: str, path: Path, sha256: str | None) -> list[InputFile]:
        if path.is_dir() and is_source_tree(path):
            return [InputFile(version, SOURCE_TREE_NAME, path, str(path), "")]
        if path.is_dir() and is_schema_dir(path):
            return [_schemas(version, path, str(path))]
        if path.is_dir():
            found = [p for p in sorted(path.rglob("*")) if p.name in INPUT_NAMES and p.is_file()]
            schemas = [_schemas(version, path / SCHEMAS_NAME, str(path / SCHEMAS_NAME))] if is_schema_dir(path / SCHEMAS_NAME) else []
            if not found and not schemas:
                raise InputError(path, f"no libvirt input files ({', '.join(INPUT_NAMES)}) in this directory")
            return [self._input(version, p, str(p)) for p in found] + schemas
        if not path.is_file():
            raise InputError(path, "no such file or directory")
        if sha256 and _sha256(path) != sha256:
            raise InputError(path, f"sha256 is {_sha256(path)}, the manifest expects {sha256}")
        return self._file(version, path, str(path), path.name)

    def _file(self, version: str, path: Path, origin: str, name: str) -> list[InputFile]:
        """The input files of path, known by name: a URL's or pool entry's local copy has another name in the cache."""
        if name.endswith(".deb"):
            return self._deb(version, path, name)
        if is_tarball(name):
            digest = _sha256(path)
            tree = unpack_tarball(path, self.cache_dir / "trees" / f"{digest}-{TREE_KEY}")
            return [InputFile(version, SOURCE_TREE_NAME, tree, name, digest)]
        if name not in INPUT_NAMES:
            raise InputError(origin, f"unknown input file name {name!r}; expected one of {', '.join(INPUT_NAMES)}, a .deb or a source tarball")
        return [self._input(version, path, origin, name)]

    def _git_tag(self, version: str, source: Source) -> InputFile:
        from kbgen.inputs.sourcetree import TREE_KEY, tag_commit, unpack_git_tag

        repo, _, tag = source.location.rpartition("#")
        commit = tag_commit(Path(repo), tag)
        tree = unpack_git_tag(Path(repo), commit, self.cache_dir / "trees" / f"git-{commit}-{TREE_KEY}")
        return InputFile(version, SOURCE_TREE_NAME, tree, f"{Path(repo).name}@{tag}", commit, repo if source.walk else None)

    def _deb(self, version: str, deb: Path, deb_name: str) -> list[InputFile]:
        target = self.cache_dir / "extracted" / f"{_sha256(deb)}-{_WANTED_KEY}"
        members = _extracted_members(target)
        if members is None:  # never extracted, or a file of it was removed from the cache since
            discard_dir(target)
            members = _extracted_members(publish_dir(target, lambda partial: _extract_deb(deb, partial)))
        if members is None:
            raise KbgenError(f"{target}: removed from the cache during the build; run the build again")
        inputs = [self._input(version, target / PurePosixPath(m).name, f"{deb_name}:{m}")
                  for m in members if not is_schema_member(m)]
        if any(map(is_schema_member, members)):
            inputs.append(_schemas(version, target / SCHEMAS_NAME, f"{deb_name}:{SCHEMA_DIR}"))
        return inputs

    @staticmethod
    def _input(version: str, path: Path, origin: str, name: str | None = None) -> InputFile:
        return InputFile(version, name or path.name, path, origin, _sha256(path))


def _extract_deb(deb: Path, partial: Path) -> None:
    from kbgen.inputs.debian import deb_members

    members = deb_members(deb, lambda member: _wanted_member(member) or is_schema_member(member))
    if not members:
        raise InputError(deb, "holds none of the libvirt input files")
    try:
        if any(is_schema_member(member) for member in members):
            (partial / SCHEMAS_NAME).mkdir()
        for member, data in members.items():
            (partial / _local_name(member)).write_bytes(data)
        (partial / MEMBERS_LIST).write_text("\n".join(sorted(members)), encoding="utf-8")
    except OSError as err:
        raise KbgenError(f"cannot write to the cache in {partial.parent}: {err}") from None


def _extracted_members(target: Path) -> list[str] | None:
    """The members of an extracted package, or None unless every one of them is there."""
    try:
        members = (target / MEMBERS_LIST).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    return members if all((target / _local_name(m)).is_file() for m in members) else None


def _wanted_member(member: str) -> bool:
    """A file kbgen reads by name; the Python bindings only where python3-libvirt installs them (not its examples)."""
    path = PurePosixPath(member)
    return path.name in INPUT_NAMES and (path.name not in BINDING_NAMES or path.parent.as_posix().lstrip("./") == BINDING_DIR)


def is_schema_member(member: str) -> bool:
    path = PurePosixPath(member)
    return path.parent.as_posix() == SCHEMA_DIR and path.suffix == ".rng"


def is_schema_dir(path: Path) -> bool:
    return (path / "domain.rng").is_file()


def _local_name(member: str) -> str:
    """Where a package member is kept in its extracted directory: schemas together, other files by name."""
    name = PurePosixPath(member).name
    return f"{SCHEMAS_NAME}/{name}" if is_schema_member(member) else name


def _schemas(version: str, directory: Path, origin: str) -> InputFile:
    """A directory of RelaxNG schemas as one input, its sha256 that of its files' names and contents."""
    h = hashlib.sha256()
    for rng in sorted(directory.glob("*.rng")):
        h.update(f"{rng.name} {_sha256(rng)}\n".encode())
    return InputFile(version, SCHEMAS_NAME, directory, origin, h.hexdigest())


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    try:
        with path.open("rb") as f:
            for chunk in iter(lambda: f.read(1 << 20), b""):
                h.update(chunk)
    except OSError as err:
        raise InputError(path, f"cannot read: {err.strerror or err} (was it removed during the build? "
                               "run the build again)") from None
    return h.hexdigest()
