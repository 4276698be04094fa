"""`kb since PATH`, XML paths in `kb search` and `kb check --xml FILE` on the hand-written fixtures (7.0.0 and 12.8.0 schemas)."""

from __future__ import annotations

import json

import pytest

from kbgen.answers import xmlpaths
from kbgen.versions import version_key

DOMAIN = "<domain type='kvm'><cpu migratable='on'/><devices>{}</devices></domain>"


@pytest.fixture
def document(tmp_path):
    def write(text: str, name: str = "vm.xml") -> str:
        path = tmp_path / name
        path.write_text(text)
        return str(path)

    return write


def test_a_documented_value_is_exact_from_the_docs_with_its_schema_bound_and_hypervisor(kb):
    code, out, _ = kb("--json", "since", "domain/devices/disk/@type=vhostuser")
    answer = json.loads(out)["results"][0]
    assert code == 0 and answer["since"]["version"] == "7.1.0" and answer["since_source"] == "docs"
    assert answer["schema_since"] | {"span": None} == {"lower": None, "after": "7.0.0", "upper": "12.8.0", "exact": False, "span": None}
    assert answer["documented"]["method"] == "value-list" and answer["documented"]["agrees"]
    assert [h["driver"] for h in answer["hypervisors"]] == ["qemu"]


def test_a_path_without_a_note_is_a_schema_bound_with_its_documented_ancestor(kb):
    code, out, _ = kb("since", "domain/devices/disk/@type=file")
    assert code == 0
    assert "added ≤ 7.0.0 (first seen)" in out and "accepted by the 7.0.0 schema, the oldest ingested" in out
    assert "its ancestor domain/devices/disk/@type is documented since 0.0.3" in out


def test_quotes_and_a_leading_slash_are_read_and_symbols_still_answer(kb):
    code, out, _ = kb("--json", "since", "/domain/devices/disk/@type='nvme'", "virDomainUndefineFlags")
    results = json.loads(out)["results"]
    assert code == 0 and results[0]["path"] == "domain/devices/disk/@type=nvme" and results[1]["name"] == "virDomainUndefineFlags"


def test_a_path_in_no_schema_is_not_found_with_paths_sharing_its_last_step(kb):
    code, _, err = kb("since", "domain/disk/@type=nvme")
    assert code == 1 and "in no ingested XML schema; did you mean domain/devices/disk/@type=nvme" in err
    code, _, err = kb("since", "domain/devices/disk/@type=vhostusr")
    assert code == 1 and "did you mean domain/devices/disk/@type=vhostuser" in err


def test_search_finds_paths_by_any_part(kb):
    code, out, _ = kb("--json", "search", "vhostuser")
    answer = json.loads(out)
    assert code == 0 and [p["path"] for p in answer["paths"]] == ["domain/devices/disk/@type=vhostuser"]
    code, out, _ = kb("search", "*/@migratable")
    assert code == 0 and "XML paths" in out and "domain/cpu/@migratable" in out


def test_check_xml_names_a_value_newer_than_the_server_and_exits_3(kb, document):
    code, out, _ = kb("check", "--server", "7.0.0", "--xml", document(DOMAIN.format("<disk type='vhostuser'/>")))
    assert code == 3 and "fails" in out
    assert "domain/devices/disk/@type=vhostuser  at /domain/devices[1]/disk[1]/@type" in out
    assert "documented since 7.1.0 (not in the 7.0.0 schema; in 12.8.0's)" in out


def test_check_xml_passes_what_the_release_accepts(kb, document):
    xml = DOMAIN.format("<disk type='vhostuser'><backingStore><backingStore/></backingStore></disk>")
    xml = xml.replace("<devices>", "<metadata><x:app xmlns:x='urn:x'><x:y/></x:app></metadata><devices>")
    code, out, _ = kb("--json", "check", "--server", "12.8.0", "--xml", document(xml))
    answer = json.loads(out)["results"][0]
    assert code == 0 and answer["works"] is True and answer["findings"] == [] and answer["format"] == "domain"


def test_check_xml_refuses_what_no_schema_has_and_the_other_hypervisors_values(kb, document):
    code, out, _ = kb("--json", "check", "--server", "12.8.0", "--driver", "lxc",
                      "--xml", document(DOMAIN.format("<disk type='vhostuser'/><floppy/><disk type='odd'/>")))
    findings = {f["path"]: f for f in json.loads(out)["results"][0]["findings"]}
    assert code == 3
    assert findings["domain/devices/floppy"]["works"] is False and "unknown to every ingested schema" in findings["domain/devices/floppy"]["reason"]
    assert findings["domain/devices/disk/@type=vhostuser"]["works"] is None
    assert json.loads(out)["results"][0]["unlisted_values"] == ["domain/devices/disk/@type=odd"]


@pytest.mark.parametrize(("text", "message"), [
    ("<!DOCTYPE domain [<!ENTITY x 'y'>]><domain type='kvm'>&x;</domain>", "has a DOCTYPE or ENTITY declaration"),
    ("<domain type='kvm'><devices></domain>", "not well-formed XML (mismatched tag: line 1"),
    ("<zone/>", "the root element <zone> is no libvirt format"),
])
def test_check_xml_reads_safely_and_names_the_file(kb, document, text, message):
    path = document(text)
    code, _, err = kb("check", "--server", "7.0.0", "--xml", path)
    assert code == 2 and f"kb: {path}: {message}" in err


def test_check_xml_caps_the_size(kb, document, monkeypatch):
    monkeypatch.setattr(xmlpaths, "MAX_DOCUMENT", 10)
    path = document(DOMAIN.format(""))
    code, _, err = kb("check", "--server", "7.0.0", "--xml", path)
    assert code == 2 and path in err and "larger than" in err


def test_check_needs_a_name_or_a_document(kb):
    code, _, err = kb("check", "--server", "7.0.0")
    assert code == 2 and "give a NAME" in err


def test_a_release_between_two_schemas_lies_within_the_bound():
    bound = xmlpaths.schema_bound({"first_release": "11.3.0"}, ["7.0.0", "9.0.0", "11.3.0"])
    assert bound == {"lower": None, "after": "9.0.0", "upper": "11.3.0", "exact": False}
    assert [xmlpaths._arrived(bound, version_key(v)) for v in ("9.0.0", "10.0.0", "11.3.0")] == [False, None, True]


def test_ancestors_go_from_the_attribute_of_a_value_outwards():
    assert xmlpaths.ancestors("domain/devices/disk/@type=a/b") == ["domain/devices/disk/@type", "domain/devices/disk", "domain/devices", "domain"]


def test_a_path_in_another_case_is_found_as_stored(kb):
    code, out, _ = kb("--json", "since", "DOMAIN/Devices/disk/@TYPE=vhostuser")
    assert code == 0 and json.loads(out)["results"][0]["path"] == "domain/devices/disk/@type=vhostuser"


def test_search_counts_every_path_and_returns_the_best_first(kb):
    _, out, _ = kb("--json", "search", "disk", "--limit", "500")
    every = json.loads(out)
    _, out, _ = kb("--json", "search", "disk", "--limit", "2")
    limited = json.loads(out)
    assert every["paths_total"] == len(every["paths"]) > 2
    assert limited["paths_total"] == every["paths_total"] and limited["paths"] == every["paths"][:2]


def statements(fixture_db, ask) -> list[str]:
    """The SQL statements (parameters bound) that ASK(conn) runs on the fixture knowledge base."""
    from kbgen.store.reader import open_database

    conn, run = open_database(fixture_db), []
    conn.set_trace_callback(run.append)
    try:
        ask(conn)
        return [sql for sql in run if sql.lstrip().upper().startswith("SELECT") or sql.lstrip().upper().startswith("WITH")]
    finally:
        conn.close()


def full_scans(fixture_db, sql: str) -> list[str]:
    from kbgen.store.reader import open_database

    conn = open_database(fixture_db)
    try:
        return [row[3] for row in conn.execute("EXPLAIN QUERY PLAN " + sql) if row[3].startswith("SCAN xml_paths")]
    finally:
        conn.close()


@pytest.mark.parametrize("path", ["domain/devices/disk/@type=vhostuser", "domain/devices/disk/@type=file", "domain"])
def test_since_path_reads_xml_paths_by_index_only(fixture_db, path):
    run = statements(fixture_db, lambda conn: xmlpaths.since_path(conn, path))
    assert any("xml_paths" in sql for sql in run)
    assert {sql: full_scans(fixture_db, sql) for sql in run} == {sql: [] for sql in run}


def test_check_xml_asks_as_many_queries_for_a_larger_document(fixture_db, document):
    small = document(DOMAIN.format("<disk type='file'/>"), "small.xml")
    large = document(DOMAIN.format("<disk type='file'/><disk type='vhostuser'/><disk type='nvme'/><floppy/>")
                     .replace("<devices>", "<metadata/><devices>"), "large.xml")
    counts = [len(statements(fixture_db, lambda conn, f=f: xmlpaths.check_xml(conn, "7.0.0", None, f))) for f in (small, large)]
    assert counts[0] == counts[1]


def test_schema_releases_are_those_of_some_path_oldest_first(fixture_db):
    from kbgen.store.reader import open_database

    conn = open_database(fixture_db)
    try:
        ends = {r for row in conn.execute("SELECT first_release, last_release FROM xml_paths") for r in row}
        assert xmlpaths.schema_releases(conn) == sorted(ends, key=version_key) == ["7.0.0", "12.8.0"]
    finally:
        conn.close()
