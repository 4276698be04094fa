"""The release manifest (data/releases.toml), --input specs and git tags: which
sources make up each release.

A release is a libvirt version plus sources. A source is a Debian package on the
mirror, a URL, a local path (file, directory, .deb, tarball) or a git tag.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from kbgen.errors import InputError, KbgenError
from kbgen.paths import committed_dir
from kbgen.versions import is_version, normalise_version

SOURCE_KINDS = ("pool", "url", "path", "git")
_SHA256 = re.compile(r"[0-9a-fA-F]{64}")
_TOML_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"}

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
    _refuse_twice_listed(path, entries, releases)
    return releases


def _refuse_twice_listed(path: Path, entries: list[dict], releases: list[Release]) -> None:
    spelled: dict[str, str] = {}
    for entry, release in zip(entries, releases, strict=True):
        if release.version in spelled:
            raise InputError(path, f"release {release.version} is listed twice"
                                   f" (as {spelled[release.version]!r} and {entry['version']!r})")
        spelled[release.version] = entry["version"]


def _release(path: Path, entry) -> Release:
    if not isinstance(entry, dict):
        raise InputError(path, f"a [[release]] entry is {entry!r}, not a table")
    version = entry.get("version")
    if not isinstance(version, str) or not is_version(version):
        raise InputError(path, f"release version {version!r} is not a libvirt version")
    version = normalise_version(version)
    sources, suite = entry.get("sources"), entry.get("suite")
    if not isinstance(sources, list) or not sources:
        raise InputError(path, f"release {version} has no sources")
    if suite is not None and not isinstance(suite, str):
        raise InputError(path, f"release {version}: suite {suite!r} is not a string")
    return Release(version, tuple(_source(path, version, s) for s in sources), suite)


def _source(path: Path, version: str, entry) -> Source:
    kinds = [k for k in SOURCE_KINDS if isinstance(entry, dict) and k in entry]
    if len(kinds) != 1:
        raise InputError(path, f"release {version}: each source needs exactly one of {', '.join(SOURCE_KINDS)}: {entry!r}")
    location, sha256 = entry[kinds[0]], entry.get("sha256")
    if not isinstance(location, str) or not location:
        raise InputError(path, f"release {version}: {kinds[0]} {location!r} is not a non-empty string")
    if sha256 is not None and not (isinstance(sha256, str) and _SHA256.fullmatch(sha256)):
        raise InputError(path, f"release {version}: sha256 {sha256!r} of {location} is not 64 hexadecimal digits")
    return Source(kinds[0], location, sha256.lower() if sha256 else None)


def parse_input_spec(spec: str) -> tuple[str, Source]:
    """'12.8.0=/usr/share/libvirt/api' or '12.8.0=https://.../hvsupport.html' -> (version, Source)."""
    version, sep, location = spec.partition("=")
    if not sep or not is_version(version) or not location:
        raise KbgenError(f"--input {spec!r}: expected VERSION=PATH-OR-URL, e.g. 12.8.0=/usr/share/libvirt/api")
    kind = "url" if location.startswith(("http://", "https://")) else "path"
    return normalise_version(version), Source(kind, location)


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


def manifest_entry(version: str, suite: str, pools: list[tuple[str, str]], comments: tuple[str, ...] | list[str] = ()) -> str:
    """A [[release]] entry of (pool path, sha256) sources that load_manifest reads back as exactly these values.

    comments come first, a "# " line each, with their control characters replaced by spaces.
    """
    lines = ["# " + "".join(" " if c < " " or c == "\x7f" else c for c in comment) for comment in comments]
    lines += ["[[release]]", f"version = {toml_string(version)}", f"suite = {toml_string(suite)}", "sources = ["]
    lines += [f"  {{ pool = {toml_string(pool)}, sha256 = {toml_string(sha256)} }}," for pool, sha256 in pools]
    return "\n".join([*lines, "]"])


def toml_string(text: str) -> str:
    """text as a TOML basic string: quotes, backslashes and control characters escaped."""
    return '"' + "".join(_TOML_ESCAPES.get(c) or (f"\\u{ord(c):04x}" if c < " " or c == "\x7f" else c) for c in text) + '"'
