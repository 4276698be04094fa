"""The release manifest (data/releases.toml), --input specs and git tags: which
sources make up each release.

A release is a libvirt version plus sources. A source is a Debian package on the
mirror, a URL, a local path (file, directory, .deb, tarball) or a git tag.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from kbgen.errors import InputError, KbgenError
from kbgen.paths import committed_dir
from kbgen.versions import is_version

SOURCE_KINDS = ("pool", "url", "path", "git")

@dataclass(frozen=True)
class Source:
    kind: str
    location: str
    sha256: str | None = None
    walk: bool = False  # a git tag read as part of a walk over every release tag of its clone


@dataclass(frozen=True)
class Release:
    version: str
    sources: tuple[Source, ...]
    suite: str | None = None


def default_manifest() -> Path:
    return committed_dir("data") / "releases.toml"


def load_manifest(path: Path | None = None) -> list[Release]:
    path = path or default_manifest()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as err:
        raise InputError(path, f"cannot read the manifest: {err.strerror or err}") from None
    except tomllib.TOMLDecodeError as err:
        raise InputError(path, f"not valid TOML: {err}") from None
    entries = data.get("release")
    if not isinstance(entries, list) or not entries:
        raise InputError(path, "no [[release]] entries")
    releases = [_release(path, entry) for entry in entries]
    versions = [r.version for r in releases]
    if len(set(versions)) != len(versions):
        raise InputError(path, "a release is listed twice")
    return releases


def _release(path: Path, entry: dict) -> Release:
    version = entry.get("version")
    if not isinstance(version, str) or not is_version(version):
        raise InputError(path, f"release version {version!r} is not a libvirt version")
    sources = entry.get("sources")
    if not isinstance(sources, list) or not sources:
        raise InputError(path, f"release {version} has no sources")
    return Release(version, tuple(_source(path, version, s) for s in sources), entry.get("suite"))


def _source(path: Path, version: str, entry) -> Source:
    kinds = [k for k in SOURCE_KINDS if isinstance(entry, dict) and k in entry]
    if len(kinds) != 1:
        raise InputError(path, f"release {version}: each source needs exactly one of {', '.join(SOURCE_KINDS)}: {entry!r}")
    return Source(kinds[0], str(entry[kinds[0]]), entry.get("sha256"))


def parse_input_spec(spec: str) -> tuple[str, Source]:
    """'12.8.0=/usr/share/libvirt/api' or '12.8.0=https://.../hvsupport.html' -> (version, Source)."""
    version, sep, location = spec.partition("=")
    if not sep or not is_version(version) or not location:
        raise KbgenError(f"--input {spec!r}: expected VERSION=PATH-OR-URL, e.g. 12.8.0=/usr/share/libvirt/api")
    kind = "url" if location.startswith(("http://", "https://")) else "path"
    return version, Source(kind, location)


def releases_from_specs(specs: list[str]) -> list[Release]:
    grouped: dict[str, list[Source]] = {}
    for spec in specs:
        version, source = parse_input_spec(spec)
        grouped.setdefault(version, []).append(source)
    return [Release(v, tuple(s)) for v, s in grouped.items()]


def releases_from_git(repo: Path, pattern: str = "v*") -> list[Release]:
    """One source-tree-only release per release tag of a libvirt clone."""
    from kbgen.inputs.sourcetree import release_tags

    return [Release(version, (Source("git", f"{repo}#{tag}", walk=pattern == "v*"),)) for version, tag in release_tags(repo, pattern)]


def merge_releases(*groups: list[Release]) -> list[Release]:
    """Releases of the same version from several places become one release with all their sources."""
    merged: dict[str, list[Source]] = {}
    suites: dict[str, str | None] = {}
    for release in (r for group in groups for r in group):
        merged.setdefault(release.version, []).extend(release.sources)
        suites[release.version] = suites.get(release.version) or release.suite
    return [Release(v, tuple(s), suites[v]) for v, s in merged.items()]
