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
from kbgen.versions import version_key

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
    assert answer["since"] == {"version": "0.9.4", "exact": True, "date": "2011-08-03"}
    drivers = {d["driver"]: d["since"]["version"] for d in answer["drivers"]}
    assert {k: drivers[k] for k in ("qemu", "vz", "bhyve", "hyperv", "ch")} == {
        "qemu": "0.9.4", "vz": "1.2.10", "bhyve": "5.6.0", "hyperv": "7.1.0", "ch": "7.5.0"}
    flags = {c["name"]: c["since"]["version"] for c in answer["flags"][0]["constants"]}
    assert len(flags) == 7 and flags["VIR_DOMAIN_UNDEFINE_KEEP_TPM"] == "8.9.0"


def test_keep_tpm(real, capsys):
    answer = since(real[0], capsys, "VIR_DOMAIN_UNDEFINE_KEEP_TPM")
    assert (answer["since"]["version"], answer["enum_type"]) == ("8.9.0", "virDomainUndefineFlagsValues")


def test_pm_suspend_for_duration(real, capsys):
    assert since(real[0], capsys, "virDomainPMSuspendForDuration")["since"] == {"version": "0.9.10", "exact": True, "date": "2012-02-13"}


def test_domain_xml_from_native_was_dropped_by_qemu(real, capsys):
    qemu = next(d for d in since(real[0], capsys, "virConnectDomainXMLFromNative")["drivers"] if d["driver"] == "qemu")
    assert (qemu["since"]["version"], qemu["removed_in"]) == ("0.6.4", "5.5.0")


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
    origins = {o for (o,) in conn.execute("SELECT since_origin FROM symbols UNION SELECT origin FROM driver_support"
                                           " UNION SELECT origin FROM release_dates UNION SELECT origin FROM driver_tables")}
    # A figure from a source tree names the file and line inside the tree input: TREE-INPUT:src/...:LINE.
    assert {o for o in origins if not any(o == i or o.startswith(f"{i}:src/") for i in inputs)} == set()


def test_the_disagreements_found_in_real_data(real):
    _, report, _ = real
    found: dict[str, list[str]] = {}
    for d in report.disagreements:
        found.setdefault(d["kind"], []).append(d["subject"])
    assert found.pop("driver-since-changed") == ["virDomainFDAssociate / remote"]
    assert found.pop("syms-vs-xml") == ["virConnectAuthPtrDefault"]
    assert len(found.pop("source-vs-hvsupport")) == 77
    # The netcf backend has nine interface APIs before the udev backend that hvsupport.html shows.
    assert sorted(found.pop("backend-vs-hvsupport")) == sorted(f"{api} / interface" for api in (
        "virConnectListAllInterfaces", "virConnectListDefinedInterfaces", "virConnectListInterfaces",
        "virConnectNumOfDefinedInterfaces", "virConnectNumOfInterfaces", "virInterfaceGetXMLDesc", "virInterfaceIsActive",
        "virInterfaceLookupByMACString", "virInterfaceLookupByName"))
    # Dating evidence of procedures set aside: remote driver comments older than the API (282, 297), APIs renamed
    # or numbered against the order (10, 75), and the admin API that the symbol file puts at 2.0.0 (18).
    assert sorted(found.pop("procedure-order")) == sorted([
        "admin procedure 18 (virAdmServerUpdateTlsFiles)", "remote procedure 10 (virDomainCreateXML)",
        "remote procedure 101 (virNodeGetCellsFreeMemory)", "remote procedure 102 (virNodeGetFreeMemory)",
        "remote procedure 282 (virStoragePoolListAllVolumes)", "remote procedure 297 (virNodeDeviceLookupSCSIHostByWWN)",
        "remote procedure 316 (virConnectDomainEventRegisterAny)", "remote procedure 317 (virConnectDomainEventDeregisterAny)",
        "remote procedure 75 (virConnectFindStoragePoolSources)"])
    # Format pages dating a path after a schema that already accepts it (formatdomain.html's hyperv: "since 11.3.0")
    # (filesystem/readonly: a conditional since, "with virtiofs"); disk/transient and filesystem/binary were notes
    # attached to the wrong path, refused since their paragraphs name something else
    assert sorted(found.pop("xml-since-vs-schema")) == [
        "domain/devices/filesystem/readonly", "domain/devices/memory/source/nodemask",
        "domain/features/hyperv", "volume/target/encryption/@engine"]
    assert found == {}


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
    assert (result["works"], result["error"], result["works_from"]) == (False, "unknown procedure: 261", {"version": "0.9.11", "exact": True, "date": "2012-04-03"})


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


# --- facts at the right grain (issue "Facts at the right grain") --------------------------------


def test_a_driver_accepts_a_bit_under_every_name_with_bounds_that_never_invert(real, capsys):
    qemu = answer(real, capsys, "since", "virDomainSetVcpu")["results"][0]["flags_by_driver"][0]
    assert [(b["bit"], b["names"], b["since"]["lower"], b["since"]["upper"]) for b in qemu["bits"]] == [
        (1, ["VIR_DOMAIN_SETVCPU_AFFECT_LIVE", "VIR_DOMAIN_AFFECT_LIVE"], "3.1.0", "7.0.0"),
        (2, ["VIR_DOMAIN_SETVCPU_AFFECT_CONFIG", "VIR_DOMAIN_AFFECT_CONFIG"], "3.1.0", "7.0.0")]
    rows = open_database(real[0]).execute("SELECT lower, upper FROM driver_flags WHERE lower IS NOT NULL").fetchall()
    assert rows and all(version_key(lower) <= version_key(upper) for lower, upper in rows)


def test_a_flag_named_after_its_bit_was_accepted_works_against_an_older_daemon(real, capsys):
    assert kb_main(["--db", str(real[0]), "check", "--json", "--server", "10.0.0", "--driver", "qemu", "VIR_DOMAIN_SETVCPU_AFFECT_LIVE"]) == 0
    result = json.loads(capsys.readouterr().out)["results"][0]
    assert (result["works"], result["error"]) == (True, None)
    assert result["works_from"]["upper"] == "7.0.0" and "headers of 12.4.0" in result["reason"]


def test_a_flag_of_many_apis_is_checked_per_api_and_never_blames_a_function_the_daemon_lacks(real, capsys):
    assert kb_main(["--db", str(real[0]), "check", "--json", "--server", "0.9.0", "--driver", "qemu", "VIR_DOMAIN_AFFECT_LIVE"]) == 3
    result = json.loads(capsys.readouterr().out)["results"][0]
    verdicts = {f["function"]: f for f in result["functions"]}
    assert len(verdicts) == 28 and result["works"] is False
    assert (verdicts["virDomainAddIOThread"]["works"], verdicts["virDomainAddIOThread"]["error"]) == (False, "unknown procedure: 355")
    assert verdicts["virDomainSetMemoryParameters"]["works"] is None  # bit 0x1 between 0.8.5 and 7.0.0
    assert not any("qemuDomainAddIOThread" in (f["error"] or "") for f in result["functions"])
    one = answer(real, capsys, "check", "--server", "0.9.0", "--driver", "qemu", "--api", "virDomainSetMemoryParameters",
                 "VIR_DOMAIN_AFFECT_LIVE")["results"][0]
    assert [f["function"] for f in one["functions"]] == ["virDomainSetMemoryParameters"] and one["works"] is None


def test_since_a_flag_for_a_driver_answers_per_api(real, capsys):
    found = answer(real, capsys, "since", "VIR_DOMAIN_AFFECT_CONFIG", "--driver", "qemu")["results"][0]["driver_acceptance"]
    assert len(found) == 28 and all(v["status"] == "accepted" for v in found)
    only = answer(real, capsys, "since", "VIR_DOMAIN_AFFECT_CONFIG", "--driver", "qemu", "--api", "virDomainDelThrottleGroup")
    [verdict] = only["results"][0]["driver_acceptance"]
    assert (verdict["since"]["lower"], verdict["since"]["upper"]) == ("11.2.0", "11.3.0")


@pytest.mark.parametrize("flag, api", [
    ("VIR_DOMAIN_BLOCK_COPY_TARGET_ZEROED", "virDomainBlockCopy"),
    ("VIR_DOMAIN_BACKUP_BEGIN_PRESERVE_SHUTDOWN_DOMAIN", "virDomainBackupBegin"),
])
def test_a_flag_newer_than_the_newest_analysed_source_is_unknown_not_rejected(real, capsys, flag, api):
    [verdict] = answer(real, capsys, "since", flag, "--driver", "qemu")["results"][0]["driver_acceptance"]
    assert (verdict["function"], verdict["status"], verdict["tree"]) == (api, "past-sources", "11.3.0")
    assert kb_main(["--db", str(real[0]), "check", "--server", "12.8.0", "--driver", "qemu", flag]) == 4
    out = capsys.readouterr().out
    assert "cannot tell" in out and "unknown (newest analysed source: 11.3.0)" in out and "fails" not in out


def test_check_predicts_the_message_of_the_function_performing_the_check(real, capsys):
    result = answer(real, capsys, "check", "--server", "9.0.0", "--driver", "qemu", "VIR_DOMAIN_BACKUP_BEGIN_PRESERVE_SHUTDOWN_DOMAIN")
    assert result["results"][0]["error"] == "invalid argument: unsupported flags (0x2) in function qemuBackupBegin"


def test_explain_recognises_the_function_performing_the_check(real, capsys):
    [finding] = answer(real, capsys, "explain", "error: invalid argument: unsupported flags (0x2) in function qemuBackupBegin")["findings"]
    assert (finding["driver"], finding["api"]) == ("qemu", "virDomainBackupBegin")
    [flag] = finding["flags"]
    assert (flag["flag"], flag["status"], flag["tree"]) == ("VIR_DOMAIN_BACKUP_BEGIN_PRESERVE_SHUTDOWN_DOMAIN", "past-sources", "11.3.0")


def test_implementations_and_performing_functions_of_every_tree_are_kept(real):
    conn = open_database(real[0])
    first = {r[0] for r in conn.execute("SELECT DISTINCT first_tree FROM implementations")}
    assert first == {"7.0.0", "9.0.0", "11.3.0"}
    helpers = conn.execute("SELECT COUNT(*) FROM flag_checks WHERE performer != function AND release = '11.3.0'").fetchone()[0]
    assert helpers > 50



def answer(real, capsys, *args: str):
    kb_main(["--db", str(real[0]), *args, "--json"])
    return json.loads(capsys.readouterr().out)


@pytest.mark.parametrize("number, protocol, api, since", [
    (282, "remote", "virStoragePoolListAllVolumes", {"version": "0.10.2", "exact": True, "date": "2012-09-24"}),
    (297, "remote", "virNodeDeviceLookupSCSIHostByWWN", {"version": "1.0.3", "exact": True, "date": "2013-03-05"}),
    (126, "remote", "virConnectNumOfInterfaces", {"version": "0.6.4", "exact": True, "date": "2009-05-29"}),
    (10, "remote", "virDomainCreateXML", {"version": "0.3.0", "exact": True, "date": "2007-07-09"}),
    (316, "remote", "virConnectDomainEventRegisterAny", {"lower": "1.2.1", "after": None, "upper": "1.2.3", "exact": False, "span": 3}),
    (317, "remote", "virConnectDomainEventDeregisterAny", {"lower": "1.2.1", "after": None, "upper": "1.2.3", "exact": False, "span": 3}),
    (18, "admin", "virAdmServerUpdateTlsFiles", {"lower": "3.0.0", "after": None, "upper": "7.0.0", "exact": False, "span": 45}),
    (3, "qemu", "virDomainQemuAgentCommand", {"version": "0.10.0", "exact": True, "date": "2012-08-29"}),
])
def test_procedures_are_dated_by_evidence(real, capsys, number, protocol, api, since):
    found = answer(real, capsys, "proc", str(number), "--protocol", protocol)
    assert (found["api"], found["since"]) == (api, since)


def test_procedures_are_only_appended(real):
    conn = open_database(real[0])
    for protocol in ("remote", "qemu", "lxc", "admin"):
        rows = conn.execute("SELECT number, COALESCE(lower, since) AS low, since FROM procedures WHERE protocol = ? ORDER BY number",
                            (protocol,)).fetchall()
        lows, highs = [version_key(r["low"]) for r in rows], [version_key(r["since"]) for r in rows]
        assert all(max(lows[:i + 1]) <= min(highs[i:]) for i in range(len(rows))), protocol


def test_every_release_of_news_html_is_dated(real):
    dates = dict(open_database(real[0]).execute("SELECT version, date FROM release_dates"))
    assert len(dates) == 229 and (dates["0.0.1"], dates["0.9.4"], dates["0.9.10"], dates["0.9.11"], dates["12.8.0"]) == (
        "2005-12-19", "2011-08-03", "2012-02-13", "2012-04-03", "2026-10-01")


def test_vbox_network_and_storage_tables_count(real, capsys):
    found = answer(real, capsys, "check", "--server", "11.3.0", "--driver", "vbox", "virNetworkCreate", "virStorageVolCreateXML")
    assert [(r["works"], r["works_from"]) for r in found["results"]] == [
        (True, {"version": "0.6.4", "exact": True, "date": "2009-05-29"}), (True, {"version": "0.7.1", "exact": True, "date": "2009-09-15"})]


def test_the_interface_driver_has_two_backends(real, capsys):
    found = answer(real, capsys, "since", "virConnectNumOfInterfaces", "--driver", "interface")
    interface = found["results"][0]["drivers"][0]
    assert interface["since"] == {"version": "0.7.0", "exact": True, "date": "2009-08-05"}
    assert [(b["backend"], b["since"]["version"]) for b in interface["backends"]] == [("netcf", "0.7.0"), ("udev", "1.0.0")]
    netcf_only = answer(real, capsys, "since", "virInterfaceChangeBegin", "--driver", "interface")["results"][0]["drivers"]
    assert [(d["driver"], d["since"]["version"]) for d in netcf_only] == [("interface", "0.9.2")]


def test_a_tbd_entry_is_implemented_with_its_version_unstated(real, capsys):
    bhyve = answer(real, capsys, "since", "virDomainReboot", "--driver", "bhyve")["results"][0]["drivers"]
    assert bhyve[0]["since"] == {"lower": None, "after": None, "upper": "7.0.0", "exact": False, "span": None}


@pytest.mark.parametrize("driver", ["QEMU", "Qemu"])
def test_driver_names_in_any_case(real, capsys, driver):
    found = answer(real, capsys, "check", "--server", "10.0.0", "--driver", driver, "virDomainCreate")
    assert found["results"][0]["works"] is True and found["results"][0]["driver"] == "qemu"


@pytest.mark.parametrize("driver", ["kvm", "nosuch"])
def test_unknown_driver_names_are_usage_errors(real, capsys, driver):
    assert kb_main(["--db", str(real[0]), "check", "--server", "10.0.0", "--driver", driver, "virDomainCreate"]) == 2
    assert "no such driver in this knowledge base" in capsys.readouterr().err


def since_for(db, capsys, name, *options):
    assert kb_main(["--db", str(db), "since", "--json", name, *options]) == 0
    return json.loads(capsys.readouterr().out)["results"][0]


def test_typed_parameter_lists_are_found_per_tree(real):
    conn = open_database(real[0])
    counts = {r: (k, n) for r, k, n in conn.execute("SELECT release, SUM(known), COUNT(*) FROM param_checks GROUP BY release")}
    assert counts == {"7.0.0": (52, 53), "9.0.0": (58, 59), "11.3.0": (59, 60)}


def test_group_name_typed_parameter_by_driver(real, capsys):
    answer = since_for(real[0], capsys, "VIR_DOMAIN_BLOCK_IOTUNE_GROUP_NAME", "--driver", "qemu")
    assert answer["macro_value"] == "group_name"
    assert [t["name"] for t in answer["taken_by_params"]] == ["virDomainSetBlockIoTune", "virDomainSetThrottleGroup"]
    verdicts = {v["function"]: (v["status"], {k: v["since"][k] for k in ("lower", "after", "upper", "exact")})
                for v in answer["param_acceptance"]}
    assert verdicts["virDomainSetBlockIoTune"] == ("accepted", {"lower": "3.0.0", "after": None, "upper": "7.0.0", "exact": False})
    everyone = since_for(real[0], capsys, "VIR_DOMAIN_BLOCK_IOTUNE_GROUP_NAME")
    assert {(v["driver"], v["function"]) for v in everyone["param_acceptance"]} == {
        ("qemu", "virDomainSetBlockIoTune"), ("test", "virDomainSetBlockIoTune"), ("qemu", "virDomainSetThrottleGroup")}


def test_a_typed_parameter_newer_than_the_sources_is_unknown(real, capsys):
    answer = since_for(real[0], capsys, "VIR_DOMAIN_IOTHREAD_POLL_WEIGHT", "--driver", "qemu")
    assert [(v["function"], v["status"], v["tree"]) for v in answer["param_acceptance"]] == [
        ("virDomainSetIOThreadParams", "past-sources", "11.3.0")]


def test_set_block_io_tune_lists_the_iotune_parameters(real, capsys):
    answer = since_for(real[0], capsys, "virDomainSetBlockIoTune")
    qemu = next(d for d in answer["params_by_driver"] if d["driver"] == "qemu")
    assert qemu["known"] and qemu["via"] == ["qemuDomainValidateBlockIoTune"] and len(qemu["params"]) == 20
    assert all(p["param"].startswith("VIR_DOMAIN_BLOCK_IOTUNE_") for p in qemu["params"])


def test_event_ids_are_taken_by_their_register_function(real, capsys):
    answer = since_for(real[0], capsys, "VIR_DOMAIN_EVENT_ID_MEMORY_FAILURE")
    assert answer["value"] == 25
    assert [(t["name"], t["argument"], t["role"]) for t in answer["taken_as_argument"]] == [
        ("virConnectDomainEventRegisterAny", "eventID", "event-id")]
    conn = open_database(real[0])
    assert dict(conn.execute("SELECT function, enum_type FROM argument_links WHERE role = 'event-id'").fetchall()) == {
        "virConnectDomainEventRegisterAny": "virDomainEventID", "virConnectNetworkEventRegisterAny": "virNetworkEventID",
        "virConnectNodeDeviceEventRegisterAny": "virNodeDeviceEventID", "virConnectSecretEventRegisterAny": "virSecretEventID",
        "virConnectStoragePoolEventRegisterAny": "virStoragePoolEventID"}


def test_pm_suspend_targets_are_validated_by_the_driver(real, capsys):
    answer = since_for(real[0], capsys, "virDomainPMSuspendForDuration")
    [target] = answer["validated_arguments"]
    values = {d["driver"]: d["accepted_values"] for d in target["drivers"]}
    assert values == {"libxl": ["VIR_NODE_SUSPEND_TARGET_MEM"], "qemu": [
        "VIR_NODE_SUSPEND_TARGET_MEM", "VIR_NODE_SUSPEND_TARGET_DISK", "VIR_NODE_SUSPEND_TARGET_HYBRID"]}
    hybrid = since_for(real[0], capsys, "VIR_NODE_SUSPEND_TARGET_HYBRID", "--driver", "libxl")
    assert [(v["function"], v["status"]) for v in hybrid["value_acceptance"]] == [("virDomainPMSuspendForDuration", "rejected")]


def test_interface_address_sources_by_driver(real, capsys):
    answer = since_for(real[0], capsys, "virDomainInterfaceAddresses")
    values = {d["driver"]: d["accepted_values"] for d in answer["validated_arguments"][0]["drivers"]}
    assert values["esx"] == ["VIR_DOMAIN_INTERFACE_ADDRESSES_SRC_AGENT"]
    assert values["test"] is None  # validated at run time, values not determined


# --- every release, dated ---------------------------------------------------------------------------


def test_since_shows_the_date_of_the_release(real, capsys):
    assert kb_main(["--db", str(real[0]), "since", "virDomainUndefineFlags"]) == 0
    assert capsys.readouterr().out.splitlines()[0].endswith("added in 0.9.4, 2011-08-03")


@pytest.mark.parametrize("server", ["9.0.0-4+deb12u2", "9.0.0-10.el9_2", "v9.0.0", "9000000"])
def test_server_versions_as_users_paste_them(real, capsys, server):
    result = answer(real, capsys, "check", "--server", server, "--driver", "qemu", "virDomainUndefineFlags")["results"][0]
    assert (result["server"], result["works"]) == ("9.0.0", True)
    assert {k: result["server_release"][k] for k in ("given", "date", "status")} == {"given": server, "date": "2023-01-16", "status": "released"}


def test_a_libvir_version_number_names_its_release(real, capsys):
    result = answer(real, capsys, "check", "--server", "10006000", "virDomainPMSuspendForDuration")["results"][0]
    assert (result["server"], result["server_release"]["date"], result["works"]) == ("10.6.0", "2024-08-05", True)


@pytest.mark.parametrize(("server", "warning", "code", "verdict"), [
    ("0.9.99", "0.9.99 was never released (the known releases around it are 0.9.13 and 0.10.0)", 0, ": works"),
    ("99.0.0", "99.0.0 lies past the newest known release, 12.8.0", 4, ": cannot tell"),  # as of 12.8.0 it works; later, unknown
])
def test_a_release_outside_the_knowledge_base_is_answered_with_a_warning(real, capsys, server, warning, code, verdict):
    assert kb_main(["--db", str(real[0]), "check", "--server", server, "--driver", "qemu", "virDomainPMSuspendForDuration"]) == code
    out, err = capsys.readouterr()
    assert verdict in out and warning in err and "the answer is outside the knowledge base" in err


def test_diff_between_two_releases_that_were_not_ingested(real, capsys):
    found = answer(real, capsys, "diff", "0.9.9", "0.9.11")
    assert found["window"] == [{"version": "0.9.10", "date": "2012-02-13"}, {"version": "0.9.11", "date": "2012-04-03"}]
    assert "virDomainPMSuspendForDuration" in found["added"]["function"]["libvirt"] and found["counts"]["function"] == 10
    qemu = {c["api"]: (c["version"], c["date"]) for c in found["drivers_gained"]["qemu"]}
    assert qemu["virDomainPMSuspendForDuration"] == ("0.9.11", "2012-04-03")


def test_a_bound_is_counted_in_releases(real, capsys):
    assert kb_main(["--db", str(real[0]), "since", "virDomainUndefineFlags", "--driver", "qemu"]) == 0
    assert "between 0.9.4 and 7.0.0 (104 releases)" in capsys.readouterr().out


def kb_json(db, capsys, *argv):
    code = kb_main(["--db", str(db), argv[0], "--json", *argv[1:]])
    return code, json.loads(capsys.readouterr().out)


def test_virsh_undefine_managed_save(real, capsys):
    _, answer = kb_json(real[0], capsys, "virsh", "--driver", "qemu", "undefine", "--managed-save")
    assert [(f["name"], f["since"]["version"]) for f in answer["flag_options"]] == [("VIR_DOMAIN_UNDEFINE_MANAGED_SAVE", "0.9.4")]
    assert {(f["api"], f["instead_of"]) for f in answer["fallbacks"]} == {
        ("virDomainManagedSaveRemove", "virDomainUndefineFlags"), ("virDomainUndefine", "virDomainUndefineFlags")}
    assert answer["works_from"]["version"] == "0.9.4"


def test_virsh_dompmsuspend(real, capsys):
    _, answer = kb_json(real[0], capsys, "virsh", "--driver", "qemu", "dompmsuspend", "dom", "hybrid")
    assert "virDomainPMSuspendForDuration" in [a["api"] for a in answer["apis"]]
    assert [v["name"] for v in answer["value_options"]] == ["VIR_NODE_SUSPEND_TARGET_HYBRID"]
    assert answer["works_from"]["version"] == "0.9.11"


def test_check_a_virsh_command_line(real, capsys):
    code, answer = kb_json(real[0], capsys, "check", "--server", "0.9.9", "--driver", "qemu", "--",
                           "virsh", "dompmsuspend", "dom", "hybrid")
    assert code == 3
    assert [(r["name"], r["error"]) for r in answer["results"]] == [
        ("virDomainPMSuspendForDuration", "unknown procedure: 261"), ("VIR_NODE_SUSPEND_TARGET_HYBRID", "unknown procedure: 261")]
    code, answer = kb_json(real[0], capsys, "check", "--server", "11.3.0", "--driver", "libxl", "--",
                           "virsh", "dompmsuspend", "dom", "hybrid")
    assert code == 3  # libxl's check of the target accepts only VIR_NODE_SUSPEND_TARGET_MEM
    assert [(r["name"], r["works"]) for r in answer["results"]] == [
        ("virDomainPMSuspendForDuration", True), ("VIR_NODE_SUSPEND_TARGET_HYBRID", False)]


def test_check_past_the_newest_analysed_tree_cannot_tell(real, capsys):
    """12.8.0 is ingested but its source tree is not: whether qemu still accepts a flag there is unknown."""
    code, answer = kb_json(real[0], capsys, "check", "--server", "12.8.0", "--driver", "qemu", "VIR_DOMAIN_UNDEFINE_KEEP_TPM")
    assert code == 4 and answer["results"][0]["reason"] == "unknown past the newest analysed tree (11.3.0); accepted there"
    code, answer = kb_json(real[0], capsys, "check", "--server", "12.8.0", "--driver", "qemu", "VIR_NODE_SUSPEND_TARGET_HYBRID",
                           "--api", "virDomainPMSuspendForDuration")
    assert code == 4 and answer["results"][0]["reason"].endswith("accepts VIR_NODE_SUSPEND_TARGET_HYBRID; unknown past 11.3.0")


def test_check_a_virsh_command_line_counts_virsh_s_fallbacks(real, capsys):
    """undefine calls virDomainUndefineFlags and, on a daemon without it, virDomainManagedSaveRemove + virDomainUndefine;
    --managed-save needs the newer API (the older ones take no flags)."""
    code, answer = kb_json(real[0], capsys, "check", "--server", "0.9.0", "--driver", "qemu", "--", "virsh", "undefine", "dom")
    flags_api = next(r for r in answer["results"] if r["name"] == "virDomainUndefineFlags")
    assert code == 0 and flags_api["works"] is True and "virsh falls back to" in flags_api["reason"]
    code, answer = kb_json(real[0], capsys, "check", "--server", "0.9.0", "--driver", "qemu", "--",
                           "virsh", "undefine", "--managed-save", "dom")
    assert code == 3 and next(r for r in answer["results"] if r["name"] == "virDomainUndefineFlags")["works"] is False


def test_check_typed_parameters_of_the_drivers_internal_migration_entry_points(real, capsys):
    """Migration's typed parameters are validated in the drivers' Begin3Params ... entry points, which no header declares."""
    code, answer = kb_json(real[0], capsys, "check", "--server", "9.0.0", "--driver", "qemu", "VIR_MIGRATE_PARAM_DISKS_URI")
    assert code == 0 and answer["results"][0]["works"] is True
    assert "virDomainMigrateBegin3Params" in [f["function"] for f in answer["results"][0]["functions"]]
    code, answer = kb_json(real[0], capsys, "check", "--server", "0.9.0", "--driver", "qemu", "VIR_MIGRATE_PARAM_DISKS_URI")
    assert code == 3 and answer["results"][0]["works_from"]["version"] == "1.1.0"  # the entry points came with 1.1.0
    code, answer = kb_json(real[0], capsys, "check", "--server", "9.0.0", "--driver", "esx", "VIR_MIGRATE_PARAM_DISKS_URI")
    assert code == 3 and answer["results"][0]["failure"] == "not-supported"
    code, answer = kb_json(real[0], capsys, "check", "--server", "11.0.0", "--driver", "qemu", "VIR_DOMAIN_SAVE_PARAM_PARALLEL_CHANNELS")
    assert code == 3 and answer["results"][0]["works_from"]["lower"] == "11.2.0"


def test_since_xml_paths(real, capsys):
    nvme = since(real[0], capsys, "domain/devices/disk/@type=nvme")
    assert (nvme["since"]["version"], nvme["since_source"], nvme["documented"]["method"]) == ("6.0.0", "docs", "value-list")
    assert nvme["first_release"] == "7.0.0" and nvme["schema_since"]["after"] is None
    vhostuser = since(real[0], capsys, "domain/devices/disk/@type=vhostuser")
    assert (vhostuser["since"]["version"], vhostuser["schema_since"]["after"], vhostuser["schema_since"]["upper"]) == ("7.1.0", "7.0.0", "9.0.0")
    intel = since(real[0], capsys, "domain/devices/iommu/@model=intel")
    assert intel["since_source"] == "schema" and intel["documented"] is None
    assert {k: intel["since"][k] for k in ("lower", "after", "upper", "exact")} == {"lower": None, "after": None, "upper": "7.0.0", "exact": False}
    vdpa = since(real[0], capsys, "domain/devices/disk/@type=vhostvdpa")
    assert vdpa["since"]["version"] == "9.8.0" and vdpa["hypervisors"] == [{"driver": "qemu", "hypervisor_version": "8.1.0"}]


def test_check_a_domain_xml_using_a_newer_disk_type(real, capsys, tmp_path):
    vm = tmp_path / "vm.xml"
    vm.write_text("<domain type='kvm'><name>vm</name><memory unit='KiB'>1048576</memory><os><type arch='x86_64'>hvm</type></os>"
                  "<devices><disk type='vhostuser' device='disk'><driver name='qemu' type='raw'/>"
                  "<source type='unix' path='/tmp/vhost-blk.sock'><reconnect enabled='yes' timeout='10'/></source>"
                  "<target dev='vda' bus='virtio'/></disk><iommu model='intel'/></devices></domain>")
    assert kb_main(["--db", str(real[0]), "check", "--server", "7.0.0", "--driver", "qemu", "--xml", str(vm)]) == 3
    out = capsys.readouterr().out
    assert "domain/devices/disk/@type=vhostuser  at /domain/devices[1]/disk[1]/@type" in out
    assert "documented since 7.1.0 (not in the 7.0.0 schema; in 9.0.0's)" in out
    assert kb_main(["--db", str(real[0]), "check", "--server", "9.0.0", "--driver", "qemu", "--xml", str(vm)]) == 0


def explained(db, capsys, text):
    assert kb_main(["--db", str(db), "explain", "--json", text]) == 0
    return json.loads(capsys.readouterr().out)["findings"]


def test_message_templates_per_tree(real):
    from kbgen.merge.messages import message_key

    conn = open_database(real[0])
    rows = conn.execute("SELECT template, first_tree, last_tree FROM messages").fetchall()
    per_tree = {tree: len({message_key(t) for t, first, last in rows if version_key(first) <= version_key(tree) <= version_key(last)})
                for tree in ("7.0.0", "9.0.0", "11.3.0")}
    assert per_tree == {"7.0.0": 7842, "9.0.0": 7721, "11.3.0": 7705}
    prefixes = dict(conn.execute("SELECT code, text_info FROM error_codes").fetchall())
    assert prefixes["VIR_ERR_OPERATION_INVALID"] == "Requested operation is not valid: %1$s"
    assert prefixes["VIR_ERR_NO_SUPPORT"] == "this function is not supported by the connection driver: %1$s"


@pytest.mark.parametrize("text, expected", [
    ("internal error: unable to execute QEMU command 'x': y",
     ("VIR_ERR_INTERNAL_ERROR", "internal error:", "qemu", "qemuMonitorJSONCheckErrorFull", "hypervisor-error")),
    ("error: Requested operation is not valid: domain is not running",
     ("VIR_ERR_OPERATION_INVALID", "Requested operation is not valid:", "conf", "virDomainObjCheckActive", "object-state")),
    ("this function is not supported by the connection driver: storage pool does not support changing of volume capacity",
     ("VIR_ERR_NO_SUPPORT", "this function is not supported by the connection driver:", "storage", "storageVolResize", "driver-lacks")),
    ("error: Failed to connect socket to '/var/run/libvirt/virtnetworkd-sock': No such file or directory",
     ("VIR_ERR_SYSTEM_ERROR", None, "rpc", "virNetSocketNewConnectUNIX", "daemon-not-running")),
    ("error: unsupported configuration: USB redirection is not supported by this version of QEMU",
     ("VIR_ERR_CONFIG_UNSUPPORTED", "unsupported configuration:", "qemu", "qemuValidateDomainRedirdevDef", "hypervisor-capability")),
])
def test_real_messages_are_explained_from_the_catalogue(real, capsys, text, expected):
    found = explained(real[0], capsys, text)
    assert [(f["code"], f["prefix"], f["component"], f["function"], f["problem"]) for f in found] == [expected]


def test_a_message_names_the_api_it_came_through(real, capsys):
    found = explained(real[0], capsys, "storage pool does not support changing of volume capacity")
    assert found[0]["apis"] == ["virStorageVolResize"]
    assert "virtnetworkd.socket" in explained(real[0], capsys, "Failed to connect socket to '/var/run/libvirt/virtnetworkd-sock'")[0]["advice"]


def test_a_python_binding_s_missing_method_names_its_c_symbol_and_release(real, capsys):
    text = "AttributeError: 'virConnect' object has no attribute 'baselineHypervisorCPU'"
    [found] = explained(real[0], capsys, text)
    assert (found["kind"], found["c_symbol"], found["matched_by"]) == ("binding-attribute", "virConnectBaselineHypervisorCPU", "bindings table")
    assert (found["since"]["version"], found["first_release"], found["needed"]) == ("4.4.0", found["oldest_ingested"], "4.4.0")
    assert "added in libvirt 4.4.0" in found["meaning"] and "in every ingested release from" in found["meaning"]
    assert found["advice"].startswith("install libvirt-python 4.4.0 or later")


def test_a_text_without_a_message_names_its_symbols(real, capsys):
    found = explained(real[0], capsys, "ERROR: failed virDomainFDAssociate")
    assert [(f["kind"], f["name"], f["since"]["version"]) for f in found] == [("symbol", "virDomainFDAssociate", "9.0.0")]


# --- issue 11: messages, one verdict from a transcript, kb check ------------------------------

DOMPMSUSPEND_SESSION = """$ virsh -c qemu:///system version --daemon
Compiled against library: libvirt 0.9.10
Using library: libvirt 0.9.10
Using API: QEMU 0.9.10
Running hypervisor: QEMU 1.0.0
Running against daemon: 0.9.9
$ virsh -c qemu:///system dompmsuspend dom hybrid
error: Domain dom could not be suspended
error: unknown procedure: 261
"""


def test_an_unknown_event_id_names_the_event_and_its_release(real, capsys):
    found = explained(real[0], capsys, "error: internal error: unsupported event ID 25")[0]
    assert (found["kind"], found["event"], found["since"]["version"]) == ("unsupported-event", "VIR_DOMAIN_EVENT_ID_MEMORY_FAILURE", "6.9.0")
    assert found["registered_with"] == ["virConnectDomainEventRegisterAny"] and "upgrade the daemon to libvirt 6.9.0" in found["advice"]


def test_a_refused_typed_parameter_names_its_macro_release_and_drivers(real, capsys):
    found = explained(real[0], capsys, "error: argument unsupported: parameter 'group_name' not supported")[0]
    macro = next(m for m in found["macros"] if m["name"] == "VIR_DOMAIN_BLOCK_IOTUNE_GROUP_NAME")
    assert macro["since"]["version"] == "3.0.0"
    assert {(a["driver"], a["function"]) for a in macro["accepted"]} >= {("qemu", "virDomainSetBlockIoTune"), ("test", "virDomainSetBlockIoTune")}


def test_private_symbols_mean_mixed_packages_and_a_node_that_never_existed_says_so(real, capsys):
    private = explained(real[0], capsys, "/usr/sbin/libvirtd: /lib64/libvirt.so.0: version `LIBVIRT_PRIVATE_9.0.0' not found")[0]
    assert private["kind"] == "private-symbol-version" and "no API gap" in private["meaning"]
    never = explained(real[0], capsys, "version `LIBVIRT_QEMU_2.0.0' not found")[0]
    assert (never["kind"], never["nearest"]) == ("unknown-version-node", ["LIBVIRT_QEMU_1.2.3", "LIBVIRT_QEMU_8.2.0"])


@pytest.mark.parametrize(("text", "driver", "api", "undecoded"), [
    ("unsupported flags (0x4) in function qemuBackupBegin", "qemu", "virDomainBackupBegin", 4),
    ("unsupported flags (0x10) in function storageVolumeCreateXML", "storage", "virStorageVolCreateXML", 0x10),
])
def test_flags_of_a_helper_or_an_older_name_with_the_undecoded_bits_in_the_text(real, capsys, text, driver, api, undecoded):
    found = explained(real[0], capsys, text)[0]
    assert (found["driver"], found["api"], found["undecoded"]) == (driver, api, undecoded)
    assert f"{undecoded:#x} is no known flag of {api}" in found["meaning"] and "every decoded flag" not in found["advice"]
    assert kb_main(["--db", str(real[0]), "explain", text]) == 0
    assert f"{undecoded:#x}: no flag of {api}" in capsys.readouterr().out


def test_unknown_procedure_of_the_program_the_api_names(real, capsys):
    found = explained(real[0], capsys, "Call to virDomainQemuAgentCommand failed: unknown procedure: 3")[0]
    assert (found["procedure"]["protocol"], found["procedure"]["api"], found["procedure"]["since"]["version"]) == (
        "qemu", "virDomainQemuAgentCommand", "0.10.0")


def test_one_verdict_from_a_virsh_session(real, capsys, monkeypatch):
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO(DOMPMSUSPEND_SESSION))
    assert kb_main(["--db", str(real[0]), "explain", "--json", "-"]) == 0
    error, versions = json.loads(capsys.readouterr().out)["findings"]
    assert "the qemu driver implements it from 0.9.11: a 0.9.10 daemon would still refuse it" in error["meaning"]
    assert error["advice"] == "upgrade the daemon to libvirt 0.9.11 or later"
    assert (versions["daemon"], versions["client"], versions["hypervisor"], versions["driver"]) == ("0.9.9", "0.9.10", "QEMU 1.0.0", "qemu")
    assert {r["since"]["version"] for r in versions["refused"]} == {"0.9.10"} and all(r["procedure_number"] for r in versions["refused"])


def test_the_test_driver_runs_inside_the_client(real, capsys):
    text = "virsh -c test:///default undefine test --keep-tpm\nerror: unsupported flags (0x40) in function testDomainUndefineFlags"
    found = explained(real[0], capsys, text)[0]
    assert "test driver runs inside the client" in found["meaning"]


@pytest.mark.parametrize(("driver", "works_from"), [("qemu", "0.9.11"), ("lxc", None)])
def test_check_works_from_the_driver_s_release(real, capsys, driver, works_from):
    assert kb_main(["--db", str(real[0]), "check", "--json", "--server", "0.9.9", "--driver", driver, "virDomainPMSuspendForDuration"]) == 3
    result = json.loads(capsys.readouterr().out)["results"][0]
    assert (result["error"], result["failure"], result["error_code"]) == ("unknown procedure: 261", "unknown-procedure", "VIR_ERR_NO_SUPPORT")
    assert (result["works_from"] or {}).get("version") == works_from


def test_check_a_flag_against_a_daemon_older_than_its_api(real, capsys):
    assert kb_main(["--db", str(real[0]), "check", "--json", "--server", "0.9.3", "--driver", "qemu", "VIR_DOMAIN_UNDEFINE_MANAGED_SAVE"]) == 3
    result = json.loads(capsys.readouterr().out)["results"][0]
    assert (result["works"], result["error"], result["failure"]) == (False, "unknown procedure: 231", "unknown-procedure")


def test_check_exit_codes_separate_would_fail_from_cannot_tell(real, capsys):
    assert kb_main(["--db", str(real[0]), "check", "--server", "7.0.0", "--driver", "qemu", "VIR_MIGRATE_PARALLEL"]) == 4
    out = capsys.readouterr().out
    assert "cannot tell" in out and "(None)" not in out and "implementation of" not in out


def test_since_a_python_binding_name(real, capsys):
    answer = since(real[0], capsys, "conn.getDomainCapabilities")
    assert (answer["name"], answer["since"]["version"]) == ("virConnectGetDomainCapabilities", "1.2.7")
    typed = answer["typed_as"]
    assert (typed["binding"], typed["matched_by"], typed["first_release"], typed["oldest_ingested"]) == (
        "virConnect.getDomainCapabilities", "binding", "7.0.0", "7.0.0")
    lag = since(real[0], capsys, "dom.messages")  # the C API is 7.1.0; the first ingested binding having it is 9.0.0's
    assert (lag["name"], lag["since"]["version"], lag["typed_as"]["first_release"]) == ("virDomainGetMessages", "7.1.0", "9.0.0")
    go = since(real[0], capsys, "Domain.UndefineFlags")
    assert (go["name"], go["typed_as"]["matched_by"]) == ("virDomainUndefineFlags", "go rule")
    qemu = since(real[0], capsys, "libvirt_qemu.qemuMonitorCommand")
    assert qemu["name"] == "virDomainQemuMonitorCommand"


def test_binding_counts_per_release(real):
    db = open_database(real[0])
    counts = {r["release"]: (r["methods"], r["functions"], r["constants"]) for r in db.execute("SELECT * FROM binding_releases")}
    assert counts == {"7.0.0": (453, 28, 1141), "9.0.0": (470, 29, 1203), "11.3.0": (478, 29, 1400), "12.8.0": (479, 29, 1493)}
