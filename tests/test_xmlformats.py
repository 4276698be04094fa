"""RelaxNG paths, format pages' Since notes and their merge, on the hand-written fixtures."""

from __future__ import annotations

import pytest
from conftest import FIXTURES

from kbgen.errors import InputError
from kbgen.parse.formatdocs import parse_format_doc
from kbgen.parse.rng import parse_schemas


def paths(release: str) -> dict[str, str]:
    (fmt,) = parse_schemas(FIXTURES / release / "schemas")
    return {p.path: p.kind for p in fmt.paths}


def test_refs_includes_and_values_resolve_into_paths():
    found = paths("release-new")
    assert found["domain/devices/disk/@type=vhostuser"] == "value"
    assert found["domain/cpu/@migratable"] == "attribute"
    assert found["domain/cpu/@migratable=on"] == "value"
    assert found["domain/metadata/*"] == "element"


def test_recursion_stops_at_the_first_repetition():
    assert "domain/devices/disk/backingStore" in paths("release-old")
    assert "domain/devices/disk/backingStore/backingStore" not in paths("release-old")


def test_a_doctype_is_refused(tmp_path):
    (tmp_path / "domain.rng").write_text('<!DOCTYPE g [<!ENTITY a "b">]><grammar xmlns="http://relaxng.org/ns/structure/1.0"/>')
    with pytest.raises(InputError, match="DOCTYPE"):
        parse_schemas(tmp_path)


def test_notes_record_how_they_were_attached():
    notes = {(n.line, n.since): n for n in parse_format_doc(FIXTURES / "release-new" / "formatdomain.html")}
    assert notes[(17, "6.0.0")].method == "value-list" and notes[(17, "6.0.0")].target.value == "nvme"
    assert notes[(17, "7.1.0")].hypervisor_versions == (("qemu", "5.0"),)
    assert notes[(7, "1.2.3")].method == "dt-term"
    assert notes[(19, "9.9.9")].target is None and notes[(19, "9.9.9")].reason == "2 names in the sentence before"
    assert notes[(25, "1.0.0")].hypervisors == ("libxl",) and notes[(25, "1.0.0")].target is None


def test_documented_versions_and_schema_bounds_merge(fixture_tables):
    rows = {r["path"]: r for r in fixture_tables["xml_paths"]}
    assert (rows["domain/devices/disk/@type=vhostuser"]["first_release"], rows["domain/devices/disk/@type=vhostuser"]["since"]) == ("12.8.0", "7.1.0")
    assert rows["domain/devices/disk/@type=nvme"]["doc_method"] == "value-list"
    kinds = [d["subject"] for d in fixture_tables["disagreements"] if d["kind"] == "xml-since-vs-schema"]
    assert kinds == ["domain/devices/disk/backingStore"]
