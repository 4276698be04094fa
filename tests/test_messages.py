"""The message catalogue: reading templates from C, error-code prefixes, and kb explain matching them."""

from __future__ import annotations

import json

from kbgen.answers.messages import index_word, literal_parts, matcher
from kbgen.parse.messages import component, literal, parse_error_codes, parse_messages

PLACEHOLDER = json.load(open("kbgen/answers/explain_patterns.json"))["placeholder"]

DRIVER = r'''
static int
qemuDomainThing(virDomainPtr dom, unsigned int flags)
{
    /* virReportError(VIR_ERR_INTERNAL_ERROR, _("in a comment")); */
    if (x) {
        virReportError(VIR_ERR_OPERATION_INVALID, "%s",
                       _("domain is "
                         "not running"));
        return -1;
    }
    virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                   _("value %1$llu of '%2$s' (%" PRIu64 ")"), a, b, c);
    virReportSystemError(errno, _("cannot open %1$s, (\"quoted\")"), path);
    virReportError(code, "%s", _("code held in a variable"));
    virReportError(VIR_ERR_INTERNAL_ERROR, "%s", msg);
    return 0;
}
'''


def test_templates_are_read_with_their_code_function_and_component():
    found = parse_messages({"src/qemu/qemu_driver.c": DRIVER})
    assert [(m.template, m.code, m.function, m.file, m.component, m.errno) for m in found] == [
        ("domain is not running", "VIR_ERR_OPERATION_INVALID", "qemuDomainThing", "qemu_driver.c", "qemu", None),
        ("value %1$llu of '%2$s' (%d)", "VIR_ERR_CONFIG_UNSUPPORTED", "qemuDomainThing", "qemu_driver.c", "qemu", None),
        ('cannot open %1$s, ("quoted")', "VIR_ERR_SYSTEM_ERROR", "qemuDomainThing", "qemu_driver.c", "qemu", "errno"),
        ("code held in a variable", None, "qemuDomainThing", "qemu_driver.c", "qemu", None),
    ]


def test_tools_printers_and_helper_calls_are_read():
    virsh = 'static bool\ncmdThing(vshControl *ctl)\n{\n    vshError(ctl, _("Failed to get '
    virsh += "'%1$s'\"), name);\n    return false;\n}\n"
    helper = '#define REPORT(x) virReportErrorHelper(VIR_FROM_THIS, VIR_ERR_NO_SUPPORT, __FILE__, __FUNCTION__, __LINE__, _("no %s here"), x)\n'
    found = parse_messages({"tools/virsh-domain.c": virsh, "src/util/vircgroupbackend.h": helper})
    assert [(m.template, m.code, m.function, m.component) for m in found] == [
        ("Failed to get '%1$s'", None, "cmdThing", "virsh"), ("no %s here", "VIR_ERR_NO_SUPPORT", None, "util")]


def test_components_come_from_the_directory():
    assert [component(p) for p in ("src/qemu/qemu_driver.c", "src/libvirt-domain.c", "tools/virsh-domain.c", "tools/vsh.c",
                                   "tools/virt-admin.c", "tools/nss/libvirt_nss.c")] == [
        "qemu", "libvirt", "virsh", "virsh", "virt-admin", "nss"]


def test_a_literal_is_only_string_literals():
    assert literal('_("a" "b\\tc")') == "ab\tc"
    assert literal("name") is None
    assert literal('_("a") + 1') is None


def test_error_codes_from_the_table_and_from_the_older_switch():
    table = '[VIR_ERR_OK] = { NULL, NULL },\n[VIR_ERR_INVALID_ARG] = {\n N_("invalid argument"),\n N_("invalid argument: %1$s") },\n'
    switch = ('\nvirErrorMsg(virErrorNumber error, const char *info)\n{\n    switch (error) {\n        case VIR_ERR_OPERATION_INVALID:\n'
              '            if (info == NULL)\n                errmsg = _("Requested operation is not valid");\n'
              '            else\n                errmsg = _("Requested operation is not valid: %s");\n            break;\n    }\n}\n')
    assert [(c.code, c.text, c.text_info) for c in parse_error_codes(table)] == [("VIR_ERR_INVALID_ARG", "invalid argument", "invalid argument: %1$s")]
    assert [(c.code, c.text_info) for c in parse_error_codes(switch)] == [("VIR_ERR_OPERATION_INVALID", "Requested operation is not valid: %s")]


def test_a_template_becomes_a_matcher_of_its_literal_text():
    import re

    parts = literal_parts("unable to execute QEMU command '%1$s': %2$s", PLACEHOLDER)
    assert parts == ["unable to execute QEMU command '", "': ", ""]
    assert index_word(parts) == "command"
    assert index_word(parts, {"QEMU": 50, "command": 40, "execute": 3, "unable": 900}) == "execute"
    assert re.search(matcher(parts), "error: internal error: unable to execute QEMU command 'x': y z").group(0) == \
        "unable to execute QEMU command 'x': y z"
    assert literal_parts("100%% of %s", PLACEHOLDER) == ["100% of ", ""]
    leading = literal_parts("%1$s: unable to reach the storage pool backend", PLACEHOLDER)
    assert re.search(matcher(leading), "error: internal error: pool1: unable to reach the storage pool backend").group(0) == \
        "pool1: unable to reach the storage pool backend"


def test_too_little_literal_text_is_never_matched():
    assert index_word(literal_parts("%s: %s", PLACEHOLDER)) is None
    assert index_word(literal_parts("no %s here", PLACEHOLDER)) is None


def test_explain_names_who_raises_a_message_and_its_kind_of_problem(kb):
    found = json.loads(kb("explain", "--json", "error: Requested operation is not valid: domain 'vm1' is not running")[1])["findings"]
    assert [(f["kind"], f["matched"], f["code"], f["prefix"], f["function"], f["apis"], f["first_tree"], f["last_tree"], f["problem"])
            for f in found] == [("message", "domain 'vm1' is not running", "VIR_ERR_OPERATION_INVALID", "Requested operation is not valid:",
                                 "fakeRestart", ["virDomainReboot", "virDomainUndefineFlags"], "7.0.0", "12.8.0", "object-state")]


def test_explain_says_a_wording_is_known_only_to_some_trees(kb):
    out = kb("explain", "internal error: cannot forget domain vm1")[1]
    assert "fakeForget (fake_driver.c) raises it as VIR_ERR_INTERNAL_ERROR" in out
    assert "in the sources of 7.0.0 and older only" in out


def test_a_hypervisor_capability_is_no_libvirt_version_gap(kb):
    found = json.loads(kb("explain", "--json", "unsupported configuration: reboot is not supported by this QEMU binary")[1])["findings"]
    assert [(f["problem"], f["last_tree"]) for f in found] == [("hypervisor-capability", "12.8.0")]
    assert "upgrading libvirt does not help" in found[0]["advice"]


def test_not_supported_with_a_drivers_text_is_no_api(kb):
    found = json.loads(kb("explain", "--json", "this function is not supported by the connection driver: reboot is not supported by this QEMU binary")[1])["findings"]
    assert [f["kind"] for f in found] == ["message"]


def test_symbols_are_named_when_nothing_is_recognised(kb):
    found = json.loads(kb("explain", "--json", "ERROR: failed virDomainUndefineFlags (VIR_DOMAIN_UNDEFINE_NVRAM), virNoSuch")[1])["findings"]
    assert [(f["kind"], f["name"]) for f in found] == [("symbol", "virDomainUndefineFlags"), ("symbol", "VIR_DOMAIN_UNDEFINE_NVRAM")]
    assert json.loads(kb("explain", "--json", "unknown procedure: 261 virDomainUndefineFlags")[1])["findings"][0]["kind"] == "unknown-procedure"
