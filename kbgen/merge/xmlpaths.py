"""XML paths of many releases -> since when each is accepted, and what the format pages say about it.

A path's schema bound is the first and last ingested release whose schema accepts it. A
"Since" note of a format page is attached to a path when its names resolve to exactly one path
of the page's formats in the same release's schemas; otherwise it is kept unattached with the
reason. When several fit, the section's XML example can choose one (the target's scope): such a
note's method ends in "+example". The documented version of a path comes from the newest release's notes attached to it.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Callable

from kbgen.parse.formatdocs import SinceNote, Target, within
from kbgen.parse.release import ReleaseData
from kbgen.versions import version_key

PAGE_FORMATS = {
    "formatdomain.html": ("domain",), "formatnetwork.html": ("network",), "formatnetworkport.html": ("networkport",),
    "formatstorage.html": ("storagepool", "storagevol"), "formatstorageencryption.html": ("storagevol", "storagepool"),
    "formatnwfilter.html": ("nwfilter", "nwfilterbinding"), "formatsecret.html": ("secret",),
    "formatnode.html": ("nodedev",), "formatcaps.html": ("capabilities",),
    "formatdomaincaps.html": ("domaincapabilities",), "formatstoragecaps.html": ("storagepoolcaps",),
    "formatsnapshot.html": ("domainsnapshot",), "formatcheckpoint.html": ("domaincheckpoint",),
    "formatbackup.html": ("domainbackup",),
}
# Which attachment is the stronger when several notes of one release land on the same path
METHOD_RANK = ("value-list", "dt-term", "table-row", "dd-term", "sentence-literal", "previous-sentence-literal")


def last_step(path: str) -> str:
    head, eq, value = path.partition("=")
    return head.rpartition("/")[2] + eq + value


def steps(path: str) -> list[str]:
    head, eq, value = path.partition("=")
    parts = head.split("/")
    parts[-1] += eq + value
    return parts


class PathIndex:
    """One release's paths of some formats, by their last step."""

    def __init__(self, paths: dict[str, str]):
        self.by_step: dict[str, list[str]] = defaultdict(list)
        for path in paths:
            self.by_step[last_step(path)].append(path)

    def resolve(self, target: Target) -> tuple[str | None, str | None, bool]:
        """(the one path target names, why there is none, whether the target's scope chose it)."""
        keys = (f"@{target.name}={target.value}", f"{target.name}={target.value}") if target.value else (f"@{target.name}", target.name)
        found = [p for key in keys for p in self.by_step.get(key, ()) if _fits(p, target.context)]
        if len(found) == 1:
            return found[0], None, False
        scoped = [p for p in found if _fits(p, target.scope)] if target.scope else []
        if len(scoped) == 1:
            return scoped[0], None, True
        return None, f"{len(found)} schema paths fit" if found else "no schema path fits", False


def _fits(path: str, context: tuple[str, ...]) -> bool:
    return within(tuple(steps(path)[:-1]), context)


def xml_tables(releases: list[ReleaseData], disagree: Callable[[str, str, str, dict], None]) -> dict[str, list[dict]]:
    with_schemas = [r for r in releases if r.schemas]
    if not with_schemas:
        return {"xml_paths": [], "xml_notes": []}
    paths = _path_rows(with_schemas)
    notes = [row for r in releases for row in _note_rows(r, _schema_of(r, with_schemas))]
    _document(paths, notes, disagree)
    return {"xml_paths": list(paths.values()), "xml_notes": notes}


def _schema_of(release: ReleaseData, with_schemas: list[ReleaseData]) -> ReleaseData:
    same = [r for r in with_schemas if r.version == release.version]
    return same[0] if same else with_schemas[-1]


def _path_rows(releases: list[ReleaseData]) -> dict[str, dict]:
    rows: dict[str, dict] = {}
    for release in releases:
        formats, source = release.schemas
        for fmt in formats:
            for p in fmt.paths:
                row = rows.setdefault(p.path, _new_path_row(p.path, fmt.format, p.kind, release.version))
                row["last_release"], row["last_key"] = release.version, version_key(release.version)
                row["schema_origin"] = f"{release.version}:{source.origin}/{fmt.root_file}"
    return rows


def _new_path_row(path: str, fmt: str, kind: str, release: str) -> dict:
    return {
        "path": path, "format": fmt, "kind": kind, "first_release": release, "first_key": version_key(release),
        "last_release": release, "last_key": version_key(release), "schema_origin": "", "since": None, "since_key": None,
        "hypervisors": "", "hypervisor_versions": "", "doc_method": None, "doc_origin": None,
    }


def _note_rows(release: ReleaseData, schema: ReleaseData) -> list[dict]:
    formats = {fmt.format: {p.path: p.kind for p in fmt.paths} for fmt in schema.schemas[0]}
    rows = []
    for notes, source in release.format_docs:
        wanted = {p: k for f in PAGE_FORMATS.get(source.name, ()) for p, k in formats.get(f, {}).items()}
        index = PathIndex(wanted)
        rows.extend(_note_row(release.version, note, source.origin, index, schema.version) for note in notes)
    return rows


def _note_row(release: str, note: SinceNote, origin: str, index: PathIndex, schema_release: str) -> dict:
    path, reason, scoped = index.resolve(note.target) if note.target else (None, note.reason, False)
    return {
        "release": release, "page": note.page, "line": note.line, "since": note.since,
        "since_key": version_key(note.since) if note.since else None,
        "hypervisors": " ".join(note.hypervisors),
        "hypervisor_versions": " ".join(f"{h} {v}" for h, v in note.hypervisor_versions),
        "subject": _subject(note.target), "path": path, "method": (note.method + "+example" * scoped) if path else None, "reason": reason,
        "schema_release": schema_release, "origin": f"{release}:{origin}",
    }


def _subject(target: Target | None) -> str | None:
    if target is None:
        return None
    name = f"{target.name}={target.value}" if target.value else target.name
    return "/".join((*target.context, name))


def _document(paths: dict[str, dict], notes: list[dict], disagree) -> None:
    newest = max((n["release"] for n in notes), key=version_key, default=None)
    best: dict[str, dict] = {}
    for note in notes:
        if note["path"] and note["release"] == newest and note["path"] in paths:
            held = best.get(note["path"])
            if held is None or _rank(note) < _rank(held):
                best[note["path"]] = note
    for path, note in best.items():
        row = paths[path]
        row.update(since=note["since"], since_key=note["since_key"], hypervisors=note["hypervisors"],
                   hypervisor_versions=note["hypervisor_versions"], doc_method=note["method"],
                   doc_origin=f"{note['origin']} line {note['line']}")
        if row["first_key"] < note["since_key"]:
            disagree(path, "xml-since-vs-schema",
                     f"{path}: {note['page']} says since {note['since']}, the {row['first_release']} schema already accepts it",
                     {"docs": note["since"], "schema": row["first_release"]})


def _rank(note: dict) -> tuple[int, bool, int]:
    method, _, scope = note["method"].partition("+")
    return METHOD_RANK.index(method), bool(scope), note["since_key"]
