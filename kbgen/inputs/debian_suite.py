"""What a Debian suite has now of the files a release's manifest entry pins (`kbgen debian-lookup`)."""

from __future__ import annotations

from dataclasses import dataclass, field

from kbgen.errors import FetchError, KbgenError
from kbgen.parse.packages_index import (
    PackageFile,
    checked,
    orig_tarball,
    parse_packages_index,
    upstream_version,
)

SOURCE = "libvirt"
DEV_DOC = ("libvirt-dev", "libvirt-doc")
# Debian moved usr/share/libvirt/schemas/*.rng from libvirt0 (7.0.0, 9.0.0) to libvirt-common (11.3.0 and later);
# when in between is not known, and a suite may move them again, so the package is decided by its file list:
# the first of these that the suite has and whose .deb ships a schema. libvirt-common comes first, as it is the
# smaller download and the one that holds them today.
SCHEMA_PACKAGES = ("libvirt-common", "libvirt0")
BINDINGS = "python3-libvirt"  # source package libvirt-python, which has its own version numbering
PACKAGES = {*DEV_DOC, *SCHEMA_PACKAGES, BINDINGS}


@dataclass
class SuiteEntry:
    version: str  # libvirt's upstream version in the suite, as its Debian version writes it
    files: list[PackageFile] = field(default_factory=list)  # in the manifest's order
    missing: list[str] = field(default_factory=list)  # what the suite lacks, and why
    notes: list[str] = field(default_factory=list)  # comments for the entry


def lookup_suite(resolver, suite: str) -> SuiteEntry:
    """The pool path and sha256 of each file of a manifest entry for the libvirt that suite has now."""
    base = f"{resolver.mirror().rstrip('/')}/dists/{suite}/main"
    packages_url = f"{base}/binary-amd64/Packages.xz"
    found = _first_of_each(checked(parse_packages_index(_index(resolver, packages_url), PACKAGES), packages_url))
    libvirt = next((found[p] for p in (*DEV_DOC, *SCHEMA_PACKAGES) if p in found), None)
    if libvirt is None:
        names = ", ".join((*DEV_DOC, *SCHEMA_PACKAGES))
        raise KbgenError(f"{packages_url}: none of {names} in suite {suite}")
    entry = SuiteEntry(upstream_version(libvirt.version))
    for name in DEV_DOC:
        _add(entry, _same_release(found, name, entry.version, packages_url))
    _add(entry, _schema_package(resolver, found, entry.version, packages_url))
    _add(entry, _orig_tarball(resolver, f"{base}/source/Sources.xz", entry.version))
    _add(entry, _bindings(found, entry, packages_url))
    return entry


def _add(entry: SuiteEntry, result: PackageFile | str) -> None:
    if isinstance(result, str):
        entry.missing.append(result)
    else:
        entry.files.append(result)


def _first_of_each(files: list[PackageFile]) -> dict[str, PackageFile]:
    found: dict[str, PackageFile] = {}
    for f in files:
        found.setdefault(f.package, f)
    return found


def _same_release(found: dict[str, PackageFile], name: str, version: str, url: str) -> PackageFile | str:
    """The package, if the suite has it built from libvirt `version`; else why not."""
    if name not in found:
        return f"{name}: not in {url}"
    if upstream_version(found[name].version) != version:
        return f"{name}: {url} has version {found[name].version}, not one of libvirt {version}"
    return found[name]


def _schema_package(resolver, found: dict[str, PackageFile], version: str, url: str) -> PackageFile | str:
    from kbgen.inputs.debian import deb_members
    from kbgen.inputs.sources import SCHEMA_DIR, is_schema_member

    candidates = [found[p] for p in SCHEMA_PACKAGES if isinstance(_same_release(found, p, version, url), PackageFile)]
    for package in candidates:
        try:
            deb = resolver.fetcher.fetch(_pool_url(resolver, package), sha256=package.sha256)
        except FetchError as err:
            return f"{SCHEMA_DIR}/*.rng: cannot tell which package ships them: {err}"
        if deb_members(deb, is_schema_member):
            return package
    if not candidates:
        return f"{SCHEMA_DIR}/*.rng: no {' or '.join(SCHEMA_PACKAGES)} of libvirt {version} in {url}"
    return f"{SCHEMA_DIR}/*.rng: in none of {', '.join(p.filename for p in candidates)}"


def _orig_tarball(resolver, url: str, version: str) -> PackageFile | str:
    name = f"{SOURCE}_{version}.orig.tar.xz"
    try:
        index = _index(resolver, url, "a Sources index")
    except FetchError as err:
        return f"{name}: {err}"
    tarball = orig_tarball(index, SOURCE, version)
    if tarball is None:
        return f"{name}: not in {url}"
    try:  # a mirror may list a tarball it does not have; the build downloads it anyway, and finds it in the cache
        resolver.fetcher.fetch(_pool_url(resolver, checked([tarball], url)[0]), sha256=tarball.sha256)
    except FetchError as err:
        return f"{name}: listed in {url}, but {err}"
    return tarball


def _bindings(found: dict[str, PackageFile], entry: SuiteEntry, url: str) -> PackageFile | str:
    if BINDINGS not in found:
        return f"{BINDINGS}: not in {url}"
    bindings = found[BINDINGS]
    differs = upstream_version(bindings.version) != entry.version
    entry.notes.append(f"{BINDINGS} {bindings.version}" + (f": not libvirt's version {entry.version} (the bindings "
                                                           "are released on their own)" if differs else ""))
    return bindings


def _index(resolver, url: str, what: str = "a Packages index") -> str:
    from kbgen.inputs.debian import read_xz_index

    return read_xz_index(resolver.fetcher.fetch(url), url, what)


def _pool_url(resolver, package: PackageFile) -> str:
    """The URL Resolver.source_inputs fetches for a pool entry, so a build finds the .deb in the cache."""
    return f"{resolver.mirror().rstrip('/')}/{package.filename.lstrip('/')}"
