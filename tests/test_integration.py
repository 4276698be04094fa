"""The knowledge base built from the real Debian packages of all four releases.

Downloads about 8 MB into the kbgen cache on first run ($KBGEN_CACHE_DIR or
~/.cache/kbgen); later runs use the cache.
"""

import json

import pytest
from lxml import etree

from kbgen.build import build_database
from kbgen.cli.kb import main as kb_main
from kbgen.inputs.manifest import load_manifest
from kbgen.inputs.sources import API_XML_NAMES
from kbgen.paths import default_cache_dir
from kbgen.store.reader import open_database

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def real(tmp_path_factory):
    from kbgen.inputs.debian import find_mirror
    from kbgen.inputs.http import Fetcher
    from kbgen.inputs.sources import Resolver

    cache = default_cache_dir()
    resolver = Resolver(Fetcher(cache, progress=False), cache, find_mirror)
    path = tmp_path_factory.mktemp("real") / "kb.sqlite"
    report = build_database(path, load_manifest(), resolver)
    inputs = {r.version: resolver.release_inputs(r) for r in load_manifest()}
    return path, report, inputs


def since(db, capsys, name):
    assert kb_main(["--db", str(db), "since", "--json", name]) == 0
    return json.loads(capsys.readouterr().out)["results"][0]


def test_all_four_releases_are_ingested(real):
    _, report, _ = real
    assert report.releases == ["7.0.0", "9.0.0", "11.3.0", "12.8.0"]
    assert report.counts["symbols"] == 2533


def test_undefine_flags(real, capsys):
    answer = since(real[0], capsys, "virDomainUndefineFlags")
    assert answer["since"] == {"version": "0.9.4", "exact": True}
    drivers = {d["driver"]: d["since"] for d in answer["drivers"]}
    assert {k: drivers[k] for k in ("qemu", "vz", "bhyve", "hyperv", "ch")} == {
        "qemu": "0.9.4", "vz": "1.2.10", "bhyve": "5.6.0", "hyperv": "7.1.0", "ch": "7.5.0"}
    flags = {c["name"]: c["since"]["version"] for c in answer["flags"][0]["constants"]}
    assert len(flags) == 7 and flags["VIR_DOMAIN_UNDEFINE_KEEP_TPM"] == "8.9.0"


def test_keep_tpm(real, capsys):
    answer = since(real[0], capsys, "VIR_DOMAIN_UNDEFINE_KEEP_TPM")
    assert (answer["since"]["version"], answer["enum_type"]) == ("8.9.0", "virDomainUndefineFlagsValues")


def test_pm_suspend_for_duration(real, capsys):
    assert since(real[0], capsys, "virDomainPMSuspendForDuration")["since"] == {"version": "0.9.10", "exact": True}


def test_domain_xml_from_native_was_dropped_by_qemu(real, capsys):
    qemu = next(d for d in since(real[0], capsys, "virConnectDomainXMLFromNative")["drivers"] if d["driver"] == "qemu")
    assert (qemu["since"], qemu["removed_in"]) == ("0.6.4", "5.5.0")


def test_qemu_monitor_command_is_in_the_qemu_module(real, capsys):
    answer = since(real[0], capsys, "virDomainQemuMonitorCommand")
    assert (answer["module"], answer["file"]) == ("qemu", "libvirt-qemu")


def test_every_symbol_of_12_8_0_has_exactly_its_xml_version(real):
    db, _, inputs = real
    expected = {}
    for f in inputs["12.8.0"]:
        if f.name in API_XML_NAMES:
            for el in etree.parse(str(f.path)).getroot().find("symbols"):
                expected[el.get("name")] = el.get("version")
    conn = open_database(db)
    stored = dict(conn.execute("SELECT name, since FROM symbols WHERE since_source = 'xml-version'"))
    assert len(expected) == 2533 and stored == expected


def test_every_figure_names_an_input_that_was_read(real):
    conn = open_database(real[0])
    inputs = {f"{r}:{o}" for r, o in conn.execute("SELECT release, origin FROM inputs")}
    origins = {o for (o,) in conn.execute("SELECT since_origin FROM symbols UNION SELECT origin FROM driver_support")}
    assert origins <= inputs


def test_the_disagreements_found_in_real_data(real):
    _, report, _ = real
    others = [(d["subject"], d["kind"]) for d in report.disagreements if d["kind"] != "source-vs-hvsupport"]
    assert others == [("virDomainFDAssociate / remote", "driver-since-changed"), ("virConnectAuthPtrDefault", "syms-vs-xml")]


# --- source trees (7.0.0, 9.0.0 and 11.3.0 come with Debian's .orig.tar.xz) -----------------


def test_proc_261_is_pm_suspend_for_duration(real, capsys):
    assert kb_main(["--db", str(real[0]), "proc", "--json", "261"]) == 0
    answer = json.loads(capsys.readouterr().out)
    assert (answer["api"], answer["since"]["version"], answer["name"]) == (
        "virDomainPMSuspendForDuration", "0.9.10", "REMOTE_PROC_DOMAIN_PM_SUSPEND_FOR_DURATION")


def test_qemu_accepts_all_seven_undefine_flags_in_11_3_0(real):
    conn = open_database(real[0])
    flags = conn.execute(
        "SELECT flags FROM flag_checks WHERE api = 'virDomainUndefineFlags' AND driver = 'qemu' AND release = '11.3.0'").fetchone()[0]
    assert sorted(flags.split()) == sorted(
        f"VIR_DOMAIN_UNDEFINE_{n}" for n in ("MANAGED_SAVE", "SNAPSHOTS_METADATA", "NVRAM", "KEEP_NVRAM", "CHECKPOINTS_METADATA", "TPM", "KEEP_TPM"))


def test_the_version_mismatch_scenario(real, capsys):
    assert kb_main(["--db", str(real[0]), "check", "--json", "--server", "0.9.9", "--driver", "qemu", "virDomainPMSuspendForDuration"]) == 3
    result = json.loads(capsys.readouterr().out)["results"][0]
    assert (result["works"], result["error"], result["works_from"]) == (False, "unknown procedure: 261", {"version": "0.9.10", "exact": True})


def test_flag_masks_are_determined_for_most_driver_pairs(real):
    conn = open_database(real[0])
    known, total = conn.execute("SELECT SUM(known), COUNT(*) FROM flag_checks WHERE release = '11.3.0'").fetchone()
    assert known / total >= 0.85


def test_driver_tables_agree_with_hvsupport_but_for_known_cases(real):
    conn = open_database(real[0])
    rows = conn.execute("SELECT subject, detail FROM disagreements WHERE kind IN ('source-vs-hvsupport', 'driver-missing')").fetchall()
    explained = [s for s, d in rows if s.startswith(("virConnectOpenAuth / ", "virConnectOpenReadOnly / ")) and "hvsupport.html says nothing" in d
                 and ("of 7.0.0" in d or "of 9.0.0" in d)]
    tbd = [s for s, d in rows if s == "virDomainReboot / bhyve" and "an entry without a version" in d]
    assert len(explained) == 74 and len(tbd) == 3 and len(rows) == len(explained) + len(tbd)
