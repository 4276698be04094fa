"""The Python bindings: python3-libvirt's modules read with ast, and the names users type resolved to C symbols."""

from __future__ import annotations

import json
import sqlite3

import pytest
from conftest import FIXTURES, NEW, OLD

from kbgen.answers import query
from kbgen.answers.bindings import resolve
from kbgen.cli.kb import main as kb_main
from kbgen.errors import InputError
from kbgen.parse import pybindings
from kbgen.parse.pybindings import parse_bindings


@pytest.fixture(scope="module")
def conn(fixture_db):
    c = sqlite3.connect(fixture_db)
    c.row_factory = sqlite3.Row
    return c


def test_methods_functions_and_constants_are_read_with_the_c_function_each_calls():
    found = {b.name: b for b in parse_bindings(FIXTURES / "release-new" / "libvirt.py")}
    assert found["virDomain.undefineFlags"].c_symbol == "virDomainUndefineFlags"
    assert found["virDomain.undefineFlags"].kind == "method"
    assert found["libvirt.open"].c_symbol == "virConnectOpen" and found["libvirt.open"].kind == "function"
    assert found["libvirt.VIR_DOMAIN_UNDEFINE_NVRAM"].c_symbol == "VIR_DOMAIN_UNDEFINE_NVRAM"
    # the first C call in source order, even inside if/else
    assert found["virConnect.domainEventRegisterAny"].c_symbol == "virConnectDomainEventRegisterAny"
    assert found["virDomain.connect"].c_symbol is None  # pure Python
    assert "virConnect._private" not in found and "virDomain.__init__" not in found


def test_qemu_module_functions_call_libvirtmod_qemu():
    found = {b.name: b.c_symbol for b in parse_bindings(FIXTURES / "release-new" / "libvirt_qemu.py")}
    assert found == {"libvirt_qemu.qemuMonitorCommand": "virDomainQemuMonitorCommand",
                     "libvirt_qemu.VIR_DOMAIN_QEMU_MONITOR_COMMAND_HMP": "VIR_DOMAIN_QEMU_MONITOR_COMMAND_HMP"}


def test_the_file_is_parsed_never_run(tmp_path):
    hostile = tmp_path / "libvirt.py"
    hostile.write_text(f"open({str(tmp_path / 'ran')!r}, 'w').write('x')\nraise SystemExit(3)\n"
                       "class virDomain(object):\n    def create(self):\n        return libvirtmod.virDomainCreate(self._o)\n")
    assert [b.name for b in parse_bindings(hostile)] == ["virDomain.create"]
    assert not (tmp_path / "ran").exists()


@pytest.mark.parametrize("text", ["def broken(:\n", "\xff\xfe not utf-8"])
def test_unreadable_files_are_input_errors(tmp_path, text):
    bad = tmp_path / "libvirt.py"
    bad.write_bytes(text.encode("latin-1"))
    with pytest.raises(InputError):
        parse_bindings(bad)


def test_the_input_size_is_bounded(tmp_path, monkeypatch):
    big = tmp_path / "libvirt.py"
    big.write_text("VIR_X = 1\n" * 100)
    monkeypatch.setattr(pybindings, "MAX_BYTES", 500)
    with pytest.raises(InputError, match="MB is no libvirt bindings file"):
        parse_bindings(big)


def test_each_binding_has_its_first_and_last_ingested_release(fixture_tables):
    rows = {r["name"]: r for r in fixture_tables["bindings"]}
    assert (rows["virDomain.undefineFlags"]["first_release"], rows["virDomain.undefineFlags"]["last_release"]) == (OLD, NEW)
    assert rows["virDomain.pMSuspendForDuration"]["first_release"] == NEW  # the binding lags virDomainPMSuspendForDuration
    assert {r["release"]: r["methods"] for r in fixture_tables["binding_releases"]} == {OLD: 4, NEW: 8}  # libvirtError.get_error_code is one


@pytest.mark.parametrize("typed, binding, how", [
    ("dom.undefineFlags", "virDomain.undefineFlags", "binding"),
    ("virDomain.undefineFlags", "virDomain.undefineFlags", "binding"),
    ("domain.pMSuspendForDuration", "virDomain.pMSuspendForDuration", "binding"),
    ("libvirt.VIR_DOMAIN_UNDEFINE_NVRAM", "libvirt.VIR_DOMAIN_UNDEFINE_NVRAM", "binding"),
    ("libvirt_qemu.qemuMonitorCommand", "libvirt_qemu.qemuMonitorCommand", "binding"),
    ("pMSuspendForDuration", "virDomain.pMSuspendForDuration", "method name"),
    ("Domain.UndefineFlags", "Domain.UndefineFlags", "go rule"),
    ("DOMAIN_UNDEFINE_NVRAM", "DOMAIN_UNDEFINE_NVRAM", "go rule"),
])
def test_names_users_type_resolve_to_the_c_symbol(conn, typed, binding, how):
    found = resolve(conn, typed)
    assert (found["binding"], found["matched_by"]) == (binding, how)


def test_kb_since_shows_the_c_name_its_version_and_the_first_binding_release(conn):
    answer = query.since(conn, "dom.pMSuspendForDuration")
    assert answer["name"] == "virDomainPMSuspendForDuration"
    assert (answer["typed_as"]["first_release"], answer["typed_as"]["oldest_ingested"]) == (NEW, OLD)


def test_a_method_in_several_classes_is_said_to_be_ambiguous(conn):
    found = resolve(conn, "undefineFlags")
    assert found["binding"] == "virDomain.undefineFlags"  # the one calling a public symbol first
    assert found["ambiguous"] and found["candidates"] == [{"binding": "virConnect.undefineFlags", "c_symbol": "virConnectUndefineFlags"}]


def test_go_names_are_said_to_be_matched_by_rule(fixture_db, capsys):
    assert kb_main(["--db", str(fixture_db), "since", "Domain.UndefineFlags"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("virDomainUndefineFlags ")
    assert "matched by the Go module's naming rule, not read from the module" in out


def test_unknown_receivers_and_names_stay_not_found(conn):
    assert resolve(conn, "dom.noSuchMethod") is None
    assert resolve(conn, "Domain.NoSuchThing") is None
    with pytest.raises(query.NotFound):
        query.since(conn, "conn.noSuchMethod")


def test_kb_search_lists_binding_names(fixture_db, capsys):
    assert kb_main(["--db", str(fixture_db), "search", "--json", "dom.undefine"]) == 0
    found = json.loads(capsys.readouterr().out)["bindings"]
    assert [(b["binding"], b["c_symbol"]) for b in found] == [("virDomain.undefineFlags", "virDomainUndefineFlags")]
