"""Source-tree answers on the fixture knowledge base: kb proc, since --driver, check, explain, conflicts."""

import json

import pytest

from kbgen.cli.kb import main as kb_main


def test_proc_maps_a_number_to_its_api_and_release(kb):
    code, out, _ = kb("proc", "261")
    assert code == 0
    assert out.splitlines()[:3] == [
        "remote procedure 261  REMOTE_PROC_DOMAIN_PM_SUSPEND_FOR_DURATION",
        "  api      virDomainPMSuspendForDuration",
        "  added    0.9.10",
    ]
    assert "src/remote/remote_protocol.x" in out


@pytest.mark.parametrize("number, label", [(107, "event"), (214, "internal"), (66, "other")])
def test_procedures_without_an_api_are_labelled(kb, number, label):
    data = json.loads(kb("proc", "--json", str(number))[1])
    assert (data["api"], data["label"]) == (None, label)
    # No API of its own: bounded by the order of the numbers, as procedure 231 is in the remote driver from 0.9.4.
    assert data["since"] == {"lower": None, "after": None, "upper": "0.9.4", "exact": False, "span": None}
    assert data["since_source"] == "order"


def test_unknown_procedure_number(kb):
    code, _, err = kb("proc", "9999")
    assert code == 1 and "ends at 261" in err


def test_since_a_flag_for_one_driver_gives_bounds(kb):
    code, out, _ = kb("since", "VIR_DOMAIN_UNDEFINE_NVRAM", "--driver", "fake")
    assert code == 0
    assert "  accepted virDomainUndefineFlags (fake): after 7.0.0, by 12.8.0" in out


def test_since_a_flag_a_driver_does_not_check(kb):
    data = json.loads(kb("since", "--json", "VIR_DOMAIN_UNDEFINE_KEEP_TPM", "--driver", "fake")[1])
    assert data["results"][0]["driver_acceptance"] == [{
        "function": "virDomainUndefineFlags", "driver": "fake", "bit": 64, "status": "rejected", "since": None, "bit_since": None,
        "bit_names": [], "tree": "12.8.0", "performer": "fakeDomainUndefineFlags",
        "reason": data["results"][0]["driver_acceptance"][0]["reason"]}]


def test_since_a_function_json_has_flags_by_driver(kb):
    fake = json.loads(kb("since", "--json", "virDomainUndefineFlags")[1])["results"][0]["flags_by_driver"][0]
    assert fake["driver"] == "fake" and fake["function"] == "fakeDomainUndefineFlags" and fake["known"]
    assert [(b["bit"], b["names"], b["since"]) for b in fake["bits"]] == [
        (1, ["VIR_DOMAIN_UNDEFINE_MANAGED_SAVE"], {"lower": "0.9.9", "after": None, "upper": "7.0.0", "exact": False, "span": 6}),
        (4, ["VIR_DOMAIN_UNDEFINE_NVRAM"], {"lower": "0.9.9", "after": "7.0.0", "upper": "12.8.0", "exact": False, "span": 4})]


def test_check_against_an_older_daemon_fails_with_unknown_procedure(kb):
    code, out, _ = kb("check", "--server", "0.9.9", "--driver", "qemu", "virDomainPMSuspendForDuration")
    assert code == 3
    assert out.splitlines() == [
        "virDomainPMSuspendForDuration against libvirt 0.9.9 (2012-01-07), driver qemu: fails",
        "  error    error: unknown procedure: 261",
        "  why      virDomainPMSuspendForDuration was added in 0.9.10, 2012-02-13; the qemu driver implements it from 0.9.11",
        "  works    from 0.9.11, 2012-04-03",
    ]


def test_check_a_driver_that_implements_it_later(kb):
    data = json.loads(kb("check", "--json", "--server", "0.9.10", "--driver", "qemu", "virDomainPMSuspendForDuration")[1])
    result = data["results"][0]
    assert (result["works"], result["works_from"]) == (False, {"version": "0.9.11", "exact": True, "date": "2012-04-03"})
    assert result["error"] == "this function is not supported by the connection driver: virDomainPMSuspendForDuration"


def test_check_a_dropped_api(kb):
    result = json.loads(kb("check", "--json", "--server", "6.0.0", "--driver", "qemu", "virConnectDomainXMLFromNative")[1])["results"][0]
    assert result["works"] is False and "dropped it in 5.5.0" in result["reason"]


def test_check_flags_against_a_driver(kb):
    code, out, _ = kb("check", "--server", "12.8.0", "--driver", "fake", "VIR_DOMAIN_UNDEFINE_MANAGED_SAVE", "VIR_DOMAIN_UNDEFINE_KEEP_TPM")
    assert code == 3
    assert "VIR_DOMAIN_UNDEFINE_MANAGED_SAVE against libvirt 12.8.0 (2026-10-01), driver fake: works" in out
    assert "error: invalid argument: unsupported flags (0x40) in function fakeDomainUndefineFlags" in out
    inside = json.loads(kb("check", "--json", "--server", "9.0.0", "--driver", "fake", "VIR_DOMAIN_UNDEFINE_NVRAM")[1])["results"][0]
    assert inside["works"] is None and "lies within those bounds" in inside["reason"]
    before = json.loads(kb("check", "--json", "--server", "7.0.0", "--driver", "fake", "VIR_DOMAIN_UNDEFINE_NVRAM")[1])["results"][0]
    assert before["works"] is False


def test_check_a_flag_for_one_api_and_a_usage_error_for_an_api_not_taking_it(kb):
    result = json.loads(kb("check", "--json", "--server", "12.8.0", "--driver", "fake", "--api", "virdomainundefineflags",
                           "VIR_DOMAIN_UNDEFINE_MANAGED_SAVE")[1])["results"][0]
    assert result["works"] is True and [f["function"] for f in result["functions"]] == ["virDomainUndefineFlags"]
    code, _, err = kb("check", "--server", "12.8.0", "--driver", "fake", "--api", "virDomainCreate", "VIR_DOMAIN_UNDEFINE_MANAGED_SAVE")
    assert code == 2 and "VIR_DOMAIN_UNDEFINE_MANAGED_SAVE is taken by virDomainUndefineFlags" in err


def test_since_a_flag_for_one_api(kb):
    data = json.loads(kb("since", "--json", "VIR_DOMAIN_UNDEFINE_NVRAM", "--driver", "fake", "--api", "virDomainUndefineFlags")[1])
    assert [v["function"] for v in data["results"][0]["driver_acceptance"]] == ["virDomainUndefineFlags"]


def test_check_all_working_exits_0_and_bad_version_exits_2(kb):
    assert kb("check", "--server", "12.8.0", "--driver", "qemu", "virDomainUndefineFlags")[0] == 0
    code, _, err = kb("check", "--server", "new", "virDomainUndefineFlags")
    assert code == 2 and "--server: not a libvirt version: 'new'" in err


def test_explain_unknown_procedure(kb):
    code, out, _ = kb("explain", "error: unknown procedure: 261")
    assert code == 0
    assert "the client called virDomainPMSuspendForDuration (remote procedure 261), added in 0.9.10: the daemon is older than that" in out
    assert "upgrade the daemon to libvirt 0.9.10 or later" in out


def test_explain_unsupported_flags_decodes_the_mask(kb):
    data = json.loads(kb("explain", "--json", "error: unsupported flags (0x5) in function fakeDomainUndefineFlags")[1])
    finding = data["findings"][0]
    assert (finding["driver"], finding["api"]) == ("fake", "virDomainUndefineFlags")
    assert [(f["flag"], f["value"], f["driver_accepts_since"]["upper"]) for f in finding["flags"]] == [
        ("VIR_DOMAIN_UNDEFINE_MANAGED_SAVE", 1, "7.0.0"), ("VIR_DOMAIN_UNDEFINE_NVRAM", 4, "12.8.0")]
    out = kb("explain", "error: unsupported flags (0x5) in function fakeDomainUndefineFlags")[1]
    assert "VIR_DOMAIN_UNDEFINE_MANAGED_SAVE (0x1): accepted between 0.9.9 and 7.0.0" in out


def test_explain_not_supported_lists_the_drivers_that_are(kb):
    out = kb("explain", "error: this function is not supported by the connection driver: virDomainPMSuspendForDuration")[1]
    assert "drivers that do: remote 0.9.10, qemu 0.9.11" in out


def test_explain_a_linker_message_lists_the_section(kb):
    out = kb("explain", "./app: /usr/lib/libvirt.so.0: version `LIBVIRT_0.9.10' not found (required by ./app)")[1]
    assert "LIBVIRT_0.9.10 (virDomainPMSuspendForDuration, virDomainSetMetadata)" in out
    assert "the installed libvirt library is older than 0.9.10" in out


def test_explain_a_daemon_log_line(kb):
    out = kb("explain", "2012-01-01 10:00:00.000+0000: 1: info : libvirt version: 0.9.9, package: 1.fc16")[1]
    assert "the daemon is libvirt 0.9.9: a client calling any of the 1 APIs added after 0.9.9" in out
    assert "virDomainPMSuspendForDuration (0.9.10, remote procedure 261)" in out


def test_explain_reads_stdin(fixture_db, monkeypatch, capsys):
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO("error: unknown procedure: 231\n"))
    assert kb_main(["--db", str(fixture_db), "explain", "-"]) == 0
    assert "virDomainUndefineFlags" in capsys.readouterr().out


def test_explain_nothing_recognised_exits_1(kb):
    code, out, err = kb("explain", "all is well")
    assert code == 1 and "no message kb knows" in out and err == ""


def test_conflicts_lists_every_disagreement(kb):
    data = json.loads(kb("conflicts", "--json")[1])
    assert data["counts"]["xml-vs-hvsupport"] == 1 and data["counts"]["driver-missing"] == 11
    out = kb("conflicts", "--kind", "symbol-vanished")[1]
    assert out.splitlines() == ["symbol-vanished (1)",
                                "  VIR_DOMAIN_OLD_ONLY is in 7.0.0 but not in 12.8.0; libvirt never removes public symbols"]


def test_check_a_typed_parameter_per_function_and_driver(kb):
    """A typed-parameter macro is judged like a flag: the function first, then whether the driver's
    virTypedParamsValidate list names it at the daemon's release; the error is virTypedParamsValidate's."""
    def result(server, driver=None):
        args = ["--driver", driver] if driver else []
        return json.loads(kb("check", "--json", "--server", server, *args, "VIR_DOMAIN_BLOCK_IOTUNE_GROUP_NAME")[1])["results"][0]

    works = result("12.8.0", "fake")
    assert works["works"] is True and works["functions"][0]["function"] == "virDomainSetBlockIoTune"
    assert "fake's virDomainSetBlockIoTune accepts 'group_name'" in works["reason"]
    assert result("7.0.0", "fake")["works"] is None  # inside the bounds of the list's arrival
    older = result("1.2.9", "fake")
    assert older["works"] is False and older["failure"] == "unsupported-parameter"
    assert older["error"] == "argument unsupported: parameter 'group_name' not supported"
    assert older["error_code"] == "VIR_ERR_ARGUMENT_UNSUPPORTED"
    assert result("12.8.0")["reason"] == "the typed parameter exists in that release; pass --driver to check a driver"


@pytest.fixture(scope="module")
def site_db(tmp_path_factory):
    from site_fixture import write_site_db

    return write_site_db(tmp_path_factory.mktemp("values") / "kb.sqlite")


def test_check_an_enum_value_a_driver_validates(site_db, capsys):
    """A value of a validated argument (a PM suspend target) is judged from the driver's check in the analysed tree nearest
    to the daemon's release; before the oldest tree that accepts it, nothing is known."""
    def result(server, driver, *words):
        code = kb_main(["--db", str(site_db), "check", "--json", "--server", server, "--driver", driver, *words])
        return code, json.loads(capsys.readouterr().out)["results"]

    code, [works] = result("11.3.0", "qemu", "VIR_NODE_SUSPEND_TARGET_DISK")
    assert code == 0 and works["works"] is True
    assert works["reason"] == ("the qemu driver's check of target in virDomainPMSuspendForDuration (11.3.0: qemu_driver.c:15942)"
                               " accepts VIR_NODE_SUSPEND_TARGET_DISK")
    code, [before] = result("9.0.0", "qemu", "VIR_NODE_SUSPEND_TARGET_DISK")
    assert code == 4 and before["reason"].endswith("not known for releases before 11.3.0")


def test_check_a_virsh_command_line_checks_the_values_its_options_give(site_db, capsys):
    code = kb_main(["--db", str(site_db), "check", "--json", "--server", "11.3.0", "--driver", "qemu", "--",
                    "virsh", "dompmsuspend", "--target", "disk"])
    results = json.loads(capsys.readouterr().out)["results"]
    assert code == 0
    assert [(r["name"], r["works"]) for r in results] == [("virDomainPMSuspendForDuration", True), ("VIR_NODE_SUSPEND_TARGET_DISK", True)]
    assert [f["function"] for f in results[1]["functions"]] == ["virDomainPMSuspendForDuration"]


def test_check_past_the_newest_ingested_release_cannot_tell(kb):
    code, out, _ = kb("check", "--json", "--server", "13.0.0", "--driver", "fake", "virDomainUndefineFlags")
    result = json.loads(out)["results"][0]
    assert code == 4 and result["works"] is None and result["failure"] is None
    assert result["reason"].startswith("unknown: 13.0.0 is newer than the newest ingested release (12.8.0); as of 12.8.0: ")


def test_check_past_the_newest_release_says_so_for_each_function_too(site_db, capsys):
    assert kb_main(["--db", str(site_db), "check", "--json", "--server", "12.0.0", "--driver", "esx", "VIR_NODE_SUSPEND_TARGET_DISK"]) == 4
    function = json.loads(capsys.readouterr().out)["results"][0]["functions"][0]
    assert (function["works"], function["failure"], function["error"]) == (None, None, None)  # as of 11.3.0 esx lacks the API
    assert function["reason"].startswith("unknown: 12.0.0 is newer than the newest ingested release (11.3.0); as of 11.3.0: ")


def test_check_a_value_for_a_function_not_taking_it_and_a_virsh_line_without_a_command_are_usage_errors(site_db, capsys):
    assert kb_main(["--db", str(site_db), "check", "--server", "11.3.0", "--driver", "qemu", "--api", "virConnectOpen",
                    "VIR_NODE_SUSPEND_TARGET_DISK"]) == 2
    assert "VIR_NODE_SUSPEND_TARGET_DISK is taken by virDomainPMSuspendForDuration" in capsys.readouterr().err
    assert kb_main(["--db", str(site_db), "check", "--server", "11.3.0", "--", "virsh"]) == 2
    assert "check -- virsh: name a virsh command" in capsys.readouterr().err


def test_a_virsh_line_with_a_value_virsh_refuses_is_a_usage_error(site_db, capsys):
    for words, said in ((["--target", "bogus"], "--target bogus"), (["--target"], "--target without a value")):
        assert kb_main(["--db", str(site_db), "check", "--server", "11.3.0", "--driver", "qemu", "--", "virsh", "dompmsuspend", *words]) == 2
        assert f"{said}: virsh dompmsuspend accepts mem, disk, hybrid" in capsys.readouterr().err
