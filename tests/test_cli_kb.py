"""`kb`: answers, exit codes, JSON shapes and terminal behaviour, on the fixture knowledge base."""

import json
import os
import pty
import subprocess
import sys

import pytest

from kbgen.cli.kb import main as kb_main


def test_since_a_function_shows_drivers_flags_and_source(kb):
    code, out, _ = kb("since", "virDomainUndefineFlags")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "virDomainUndefineFlags  function (libvirt-domain)  added in 0.9.4, 2011-08-03"
    assert lines[1] == "  rpc      remote procedure 231"
    assert lines[2] == "  drivers  lxc 0.9.4 (2011-08-03) · qemu 0.9.4 (2011-08-03) · remote 0.9.4 (2011-08-03) ·"
    assert lines[3] == "           fake 0.9.9 (2012-01-07) (alt 0.9.9) · ch 7.5.0"
    assert lines[4] == "  flags    virDomainUndefineFlagsValues"
    assert lines[5].split() == ["VIR_DOMAIN_UNDEFINE_MANAGED_SAVE", "0.9.4", "(2011-08-03)"]
    assert lines[7].split() == ["VIR_DOMAIN_UNDEFINE_KEEP_TPM", "8.9.0", "(2022-11-01)"]
    assert lines[8].startswith("  accepts  flags by driver") and lines[8].endswith("(VIR_DOMAIN_UNDEFINE_*)")
    masks = " ".join(" ".join(lines[9:11]).split())
    assert masks.startswith("fake ") and "MANAGED_SAVE between 0.9.9 and 7.0.0 (6 releases)" in masks
    assert "NVRAM after 7.0.0, by 12.8.0 (4 releases)" in masks
    assert lines[11] == "  python   virDomain.undefineFlags (7.0.0)"  # the bindings calling it, from their first ingested release
    assert lines[12].startswith("  source   version attribute in 12.8.0:") and lines[12].endswith("libvirt-api.xml")


def test_since_is_case_insensitive(kb):
    assert kb("since", "VIRDOMAINUNDEFINEFLAGS")[1].startswith("virDomainUndefineFlags ")


def test_removed_driver_support_is_shown(kb):
    out = kb("since", "virConnectDomainXMLFromNative")[1]
    assert "qemu 0.6.4 (2009-05-29) (removed in 5.5.0)" in out


def test_since_an_enum_constant_shows_type_value_and_takers(kb):
    code, out, _ = kb("since", "VIR_DOMAIN_UNDEFINE_KEEP_TPM")
    assert code == 0
    assert out.splitlines()[:3] == [
        "VIR_DOMAIN_UNDEFINE_KEEP_TPM  enum constant (libvirt-domain)  added in 8.9.0, 2022-11-01",
        "  type     virDomainUndefineFlagsValues = 64",
        "  taken by virDomainUndefineFlags (0.9.4)",
    ]


def test_upper_bound_is_marked(kb):
    assert "added in ≤ 7.0.0 (first seen)" in kb("since", "VIR_DOMAIN_OLD_ONLY")[1]


def test_module_of_a_qemu_function(kb):
    out = kb("since", "virDomainQemuMonitorCommand")[1]
    assert "  module   qemu" in out.splitlines()


def test_internal_driver_entry_point(kb):
    code, out, _ = kb("since", "virDomainMigratePrepare3")
    assert code == 0 and "internal driver entry point" in out and "qemu 0.9.2" in out


def test_not_found_suggests_and_exits_1(kb):
    code, out, err = kb("since", "virDomainUndefinFlags")
    assert code == 1 and out == ""
    assert "did you mean virDomainUndefineFlags or " in err


def test_several_names_answer_each_and_exit_1_if_one_is_missing(kb):
    code, out, err = kb("since", "virDomainUndefineFlags", "nothingLikeThis")
    assert code == 1
    assert out.startswith("virDomainUndefineFlags ") and "'nothingLikeThis': not a libvirt symbol" in err


def test_since_json_shape(kb):
    code, out, _ = kb("since", "--json", "virDomainUndefineFlags", "nope")
    data = json.loads(out)
    assert code == 1
    assert (data["format"], data["command"]) == ("kbgen/1", "since")
    assert data["not_found"] == [{"name": "nope", "suggestions": []}]
    answer = data["results"][0]
    assert {k: answer[k] for k in ("name", "kind", "module", "file", "since", "since_source")} == {
        "name": "virDomainUndefineFlags", "kind": "function", "module": "libvirt", "file": "libvirt-domain",
        "since": {"version": "0.9.4", "exact": True, "date": "2011-08-03"}, "since_source": "xml-version"}
    assert {"driver": "ch", "driver_group": "hypervisor", "since": {"version": "7.5.0", "exact": True, "date": None}, "removed_in": None,
            "backends": []} == {
        k: v for k, v in answer["drivers"][-1].items() if k != "origin"}
    assert [c["name"] for c in answer["flags"][0]["constants"]][-1] == "VIR_DOMAIN_UNDEFINE_KEEP_TPM"


def test_json_flag_is_accepted_before_the_command(kb):
    assert json.loads(kb("--json", "since", "virDomainUndefineFlags")[1])["results"][0]["since"]["version"] == "0.9.4"


def test_show_lists_conflicts_and_matrix_row(kb):
    code, out, _ = kb("show", "virDomainPMSuspendForDuration")
    assert code == 0
    assert "CONFLICT virDomainPMSuspendForDuration: API XML says 0.9.10, hvsupport.html's Version column says 0.9.9" in out
    assert "matrix   hypervisor table, Version 0.9.9" in out


def test_show_an_enum_lists_its_siblings(kb):
    data = json.loads(kb("show", "--json", "VIR_DOMAIN_UNDEFINE_NVRAM")[1])
    assert [c["name"] for c in data["siblings"]] == [
        "VIR_DOMAIN_UNDEFINE_MANAGED_SAVE", "VIR_DOMAIN_UNDEFINE_NVRAM", "VIR_DOMAIN_UNDEFINE_KEEP_TPM"]


def test_show_conflicts_of_driver_rows_too(kb):
    data = json.loads(kb("show", "--json", "virDomainUndefineFlags")[1])
    assert [d["kind"] for d in data["disagreements"]] == ["driver-since-changed"]


def test_search_ranks_exact_then_prefix_then_substring(kb):
    data = json.loads(kb("search", "--json", "virDomainUndefine")[1])
    assert [r["name"] for r in data["results"]][:1] == ["virDomainUndefineFlags"]
    data = json.loads(kb("search", "--json", "undefine")[1])
    assert data["results"][0]["name"] == "virDomainUndefineFlags"  # shortest substring match first
    assert data["total"] == 5


def test_search_glob_and_limit(kb):
    code, out, _ = kb("search", "VIR_DOMAIN_UNDEFINE_*", "--limit", "2")
    assert code == 0
    assert len(out.splitlines()) == 3 and "1 more; use --limit" in out


def test_search_finds_typed_parameter_names_by_value(kb):
    assert json.loads(kb("search", "--json", "vcpupin")[1])["results"][0]["name"] == "VIR_DOMAIN_TUNABLE_CPU_VCPUPIN"


def test_search_empty_pattern_is_a_usage_error(kb):
    code, _, err = kb("search", " ")
    assert code == 2 and "empty pattern" in err


def test_search_without_results_exits_1(kb):
    code, out, err = kb("search", "zzzz")
    assert code == 1 and "no symbol, XML path, binding or virsh command matches 'zzzz'" in out


def test_diff_groups_by_kind_and_module(kb):
    data = json.loads(kb("diff", "--json", "8.0.0", "12.8.0")[1])
    assert data["added"] == {"enum": {"libvirt": ["VIR_DOMAIN_UNDEFINE_KEEP_TPM", "VIR_DOMAIN_NEW_THING"]},
                             "function": {"libvirt": ["virDomainBrandNew"]}}
    # The fake driver's PMSuspendForDuration entry says /* TBD */: only bounded (by 12.8.0), so in no window.
    assert data["drivers_gained"] == {}
    lost = json.loads(kb("diff", "--json", "5.0.0", "6.0.0")[1])["drivers_lost"]
    assert lost == {"fake": [{"api": "virConnectDomainXMLFromNative", "version": "5.5.0", "date": "2019-07-02"}],
                    "qemu": [{"api": "virConnectDomainXMLFromNative", "version": "5.5.0", "date": "2019-07-02"}]}


def test_diff_text_and_bad_versions(kb):
    assert "function (libvirt): 1" in kb("diff", "8.0.0", "12.8.0")[1]
    code, _, err = kb("diff", "12.8.0", "8.0.0")
    assert code == 2 and "not older" in err
    code, _, err = kb("diff", "twelve", "8.0.0")
    assert code == 2 and "OLD: not a libvirt version: 'twelve'" in err


def test_drivers_list_and_one_driver(kb):
    data = json.loads(kb("drivers", "--json")[1])
    assert [d["driver"] for d in data["drivers"]] == ["ch", "fake", "lxc", "nwfilter", "qemu", "remote"]
    qemu = json.loads(kb("drivers", "--json", "qemu")[1])
    assert [g["since"]["version"] for g in qemu["gained"]] == ["0.6.4", "0.9.2", "0.9.4", "0.9.11"]
    code, _, err = kb("drivers", "qemuu")
    assert code == 1 and "did you mean qemu" in err


@pytest.mark.parametrize("name", ["'; DROP TABLE symbols; --", "%", "_", "vir*", "x" * 10000, "virDomainÜndefine", ""])
def test_hostile_names_are_just_not_found(kb, name):
    code, out, err = kb("since", name)
    assert code == 1 and "Traceback" not in err
    assert kb("since", "virDomainUndefineFlags")[0] == 0  # the table is still there


def test_missing_and_corrupt_databases_exit_2(tmp_path, capsys):
    assert kb_main(["--db", str(tmp_path / "nope.sqlite"), "since", "x"]) == 2
    assert "run `kbgen build`" in capsys.readouterr().err
    bad = tmp_path / "bad.sqlite"
    bad.write_bytes(b"\0garbage" * 512)
    assert kb_main(["--db", str(bad), "since", "x"]) == 2
    assert "not a kbgen knowledge base" in capsys.readouterr().err


def test_usage_error_exits_2(capsys):
    with pytest.raises(SystemExit) as exit_:
        kb_main(["since"])
    assert exit_.value.code == 2


def run_kb_process(fixture_db, *args, env=None, tty=False):
    cmd = [sys.executable, "-c", "import sys; from kbgen.cli.kb import main; sys.exit(main(sys.argv[1:]))", "--db", str(fixture_db), *args]
    env = {**os.environ, **(env or {})}
    if not tty:
        return subprocess.run(cmd, capture_output=True, text=True, env=env).stdout
    leader, follower = pty.openpty()
    proc = subprocess.run(cmd, stdout=follower, stderr=subprocess.DEVNULL, env=env)
    os.close(follower)
    output = os.read(leader, 65536).decode()
    os.close(leader)
    assert proc.returncode == 0
    return output


def test_colour_only_on_a_terminal_and_never_with_no_color(fixture_db):
    env = {"TERM": "xterm"}
    assert "\033[" in run_kb_process(fixture_db, "since", "virDomainUndefineFlags", env=env, tty=True)
    assert "\033[" not in run_kb_process(fixture_db, "since", "virDomainUndefineFlags", env={**env, "NO_COLOR": "1"}, tty=True)
    assert "\033[" not in run_kb_process(fixture_db, "since", "virDomainUndefineFlags", env=env)


def test_version_flag(capsys):
    with pytest.raises(SystemExit) as exit_:
        kb_main(["--version"])
    assert exit_.value.code == 0 and "kb (kbgen) " in capsys.readouterr().out


def test_a_reader_that_stops_early_gets_no_traceback(fixture_db):
    code = "import sys; from kbgen.cli.kb import main; sys.exit(main(sys.argv[1:]))"
    many = ["virDomainUndefineFlags"] * 3000  # megabytes of output: far more than a pipe holds
    proc = subprocess.Popen([sys.executable, "-c", code, "--db", str(fixture_db), "since", "--json", *many],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    proc.stdout.read(10)
    proc.stdout.close()
    stderr = proc.stderr.read().decode()
    assert proc.wait() == 141 and "Traceback" not in stderr and "Exception ignored" not in stderr


def test_kb_virsh_reads_a_command_line_of_the_fixture_tree(fixture_db, capsys):
    assert kb_main(["--db", str(fixture_db), "virsh", "--driver", "fake", "undefine", "--nvram"]) == 0
    out = capsys.readouterr().out
    assert "--nvram -> VIR_DOMAIN_UNDEFINE_NVRAM" in out
    assert "fallback virDomainUndefine when the daemon lacks virDomainUndefineFlags" in out


def test_kb_virsh_suggests_commands(fixture_db, capsys):
    assert kb_main(["--db", str(fixture_db), "virsh", "undefin"]) == 1
    assert "undefine" in capsys.readouterr().err


def test_a_virsh_command_typed_where_a_symbol_is_expected_leads_to_kb_virsh(fixture_db, capsys):
    assert kb_main(["--db", str(fixture_db), "since", "undefine"]) == 1
    assert "'undefine' is a virsh command, not a libvirt symbol: `kb virsh undefine` shows the APIs it calls" in capsys.readouterr().err
    assert kb_main(["--db", str(fixture_db), "search", "--json", "undef"]) == 0
    found = json.loads(capsys.readouterr().out)["virsh"]
    assert found[0]["command"] == "undefine" and "virDomainUndefineFlags" in found[0]["apis"]


def test_kb_virsh_lists_what_the_plain_command_s_options_would_select(fixture_db, capsys):
    assert kb_main(["--db", str(fixture_db), "virsh", "undefine"]) == 0
    out = capsys.readouterr().out
    assert "  options  " in out and "--nvram: VIR_DOMAIN_UNDEFINE_NVRAM" in out
    assert kb_main(["--db", str(fixture_db), "virsh", "--json", "undefine", "--nvram"]) == 0
    answer = json.loads(capsys.readouterr().out)
    assert [c["name"] for c in next(c for c in answer["choices"] if c["option"] == "nvram")["constants"]] == ["VIR_DOMAIN_UNDEFINE_NVRAM"]
    assert kb_main(["--db", str(fixture_db), "virsh", "undefine", "--nvram"]) == 0
    assert "  options  " not in capsys.readouterr().out  # a command line shows what it selects, not every choice
