"""Dating RPC procedures from their API, the remote driver and the order of the numbers."""

from __future__ import annotations

from kbgen.merge.procedures import _date_by_order
from kbgen.versions import version_key


def rows(*evidence: tuple, protocol: str = "remote") -> list[dict]:
    """evidence: (number, API version or None, remote driver version or None, first tree)."""
    return [{
        "protocol": protocol, "number": number, "name": f"PROC_{number}", "api": f"api{number}",
        "_evidence": {"api": version_key(api) if api else None, "remote": version_key(remote) if remote else None,
                      "first_tree": version_key(first)},
    } for number, api, remote, first in evidence]


def dated(table: list[dict]) -> tuple[dict, list[tuple]]:
    found = []
    _date_by_order(table, lambda subject, kind, detail, values: found.append((subject, kind)))
    return {r["number"]: (r["lower"], r["since"], r["since_exact"], r["since_source"]) for r in table}, found


def test_a_remote_driver_version_older_than_the_api_is_set_aside():
    table = rows((281, "0.10.2", "0.10.2", "7.0.0"), (282, "0.10.2", "0.10.0", "7.0.0"), (283, "0.10.2", "0.10.2", "7.0.0"))
    dates, found = dated(table)
    assert dates[282] == ("0.10.2", "0.10.2", True, "api")
    assert found == [("remote procedure 282 (api282)", "procedure-order")]


def test_its_own_api_wins_over_its_own_remote_driver_when_nothing_else_decides():
    dates, found = dated(rows((296, "1.0.2", "1.0.2", "7.0.0"), (297, "1.0.3", "1.0.2", "7.0.0"), (298, "1.0.3", "1.0.3", "7.0.0")))
    assert dates[297] == ("1.0.3", "1.0.3", True, "api") and len(found) == 1


def test_an_api_renamed_after_its_procedure_existed_gives_way_to_the_neighbours():
    table = rows((9, "0.2.1", "0.3.0", "7.0.0"), (10, "0.5.0", "0.3.0", "7.0.0"), (11, "0.1.0", "0.3.0", "7.0.0"),
                 (12, "0.1.0", "0.3.0", "7.0.0"))
    dates, found = dated(table)
    assert dates[10] == ("0.3.0", "0.3.0", True, "remote-driver")
    assert [subject for subject, _ in found] == ["remote procedure 10 (api10)"]


def test_a_procedure_without_an_api_is_dated_by_its_neighbours():
    dates, found = dated(rows((105, "0.5.0", "0.5.0", "7.0.0"), (107, None, None, "7.0.0"), (111, "0.5.0", "0.5.0", "7.0.0")))
    assert dates[107] == ("0.5.0", "0.5.0", True, "order") and found == []


def test_a_remote_version_contradicted_later_is_only_an_upper_bound():
    table = rows((125, "0.6.4", "0.6.4", "7.0.0"), (126, "0.6.4", "0.7.2", "7.0.0"), (135, "0.6.4", "0.6.4", "7.0.0"))
    dates, found = dated(table)
    assert dates[126] == ("0.6.4", "0.6.4", True, "api") and found == []


def test_an_admin_api_older_than_its_procedure_can_be_is_reported_and_bounded():
    table = rows((17, "3.0.0", None, "7.0.0"), (18, "2.0.0", None, "7.0.0"), (19, "8.6.0", None, "9.0.0"), protocol="admin")
    dates, found = dated(table)
    assert dates[18] == ("3.0.0", "7.0.0", False, "first-seen")
    assert found == [("admin procedure 18 (api18)", "procedure-order")]


def test_without_any_version_the_first_tree_is_an_upper_bound():
    dates, _ = dated(rows((1, None, None, "7.0.0")))
    assert dates[1] == (None, "7.0.0", False, "first-seen")


def test_the_remote_driver_s_calls_say_which_api_a_procedure_carries(tmp_path):
    import shutil

    from conftest import FIXTURES

    from kbgen.merge.procedures import procedure_rows
    from kbgen.parse.tree import analyse_tree

    tree = tmp_path / "tree"
    shutil.copytree(FIXTURES / "srctree", tree)
    (tree / "src" / "remote" / "remote_driver.c").write_text(
        "static int\nremoteDomainUndefineFlags(virDomainPtr dom, unsigned int flags)\n{\n"
        "    /* not REMOTE_PROC_AUTH_LIST: a comment */\n"
        "    if (call(dom->conn, priv, 0, REMOTE_PROC_DOMAIN_PM_SUSPEND_FOR_DURATION,\n"
        "             (xdrproc_t) xdr_args, (char *) &args, (xdrproc_t) xdr_void, (char *) NULL) == -1)\n"
        "        return -1;\n    return 0;\n}\n\n"
        "static virHypervisorDriver hypervisor_driver = {\n"
        "    .name = \"remote\",\n"
        "    .domainUndefineFlags = remoteDomainUndefineFlags, /* 0.9.4 */\n"
        "};\n")
    facts = analyse_tree("12.8.0", tree, "fixture", set())
    assert facts.calls == {"REMOTE_PROC_DOMAIN_PM_SUSPEND_FOR_DURATION": ["virDomainUndefineFlags"]}
    functions = {"virDomainUndefineFlags", "virDomainPMSuspendForDuration", "virConnectOpen"}
    found = procedure_rows([facts], {}, {}, functions, set(), lambda *args: None)
    carried = {row["number"]: row["api"] for row in found}
    assert carried[261] == "virDomainUndefineFlags"  # what the client calls, not what the name says
    assert carried[231] == "virDomainUndefineFlags" and carried[1] == "virConnectOpen"
