"""The parsers of a libvirt source tree: RPC procedures, syms files, driver tables, virCheckFlags."""

import pytest
from conftest import FIXTURES

from kbgen.errors import InputError
from kbgen.parse.checkflags import CSources, FlagCheck
from kbgen.parse.drivertable import (
    DRIVER_HEADERS,
    TableEntry,
    driver_name,
    hvsupport_lists,
    parse_driver_fields,
    parse_driver_tables,
)
from kbgen.parse.protocol import (
    PROTOCOL_FILES,
    Procedure,
    parse_protocol,
    procedure_api,
    procedure_label,
)
from kbgen.parse.symsfile import SYMS_FILES, SymsSection, parse_syms

TREE = FIXTURES / "srctree"
FAKE_DRIVER = "src/fake/fake_driver.c"
API_NAMES = {
    "virConnectOpen",
    "virDomainUndefineFlags",
    "virDomainPMSuspendForDuration",
    "virDomainQemuMonitorCommand",
    "virConnectDomainQemuMonitorEventRegister",
    "virDomainLxcOpenNamespace",
    "virAdmConnectOpen",
}
INTERNAL_NAMES = {"virDomainMigratePrepare3", "virConnectSupportsFeature"}


def read(relative: str) -> str:
    return (TREE / relative).read_text()


def remote_procedures() -> list[Procedure]:
    return parse_protocol(read(PROTOCOL_FILES["remote"]), PROTOCOL_FILES["remote"], "remote")


# --- protocol ---------------------------------------------------------------


def test_procedures_are_the_enum_entries_in_file_order():
    assert [(p.number, p.name) for p in remote_procedures()] == [
        (1, "REMOTE_PROC_CONNECT_OPEN"),
        (66, "REMOTE_PROC_AUTH_LIST"),
        (107, "REMOTE_PROC_DOMAIN_EVENT_LIFECYCLE"),
        (214, "REMOTE_PROC_DOMAIN_MIGRATE_PREPARE3"),
        (231, "REMOTE_PROC_DOMAIN_UNDEFINE_FLAGS"),
        (261, "REMOTE_PROC_DOMAIN_PM_SUSPEND_FOR_DURATION"),
    ]
    assert {p.protocol for p in remote_procedures()} == {"remote"}


def test_protocol_files_are_the_four_rpc_programs():
    assert PROTOCOL_FILES == {
        "remote": "src/remote/remote_protocol.x",
        "qemu": "src/remote/qemu_protocol.x",
        "lxc": "src/remote/lxc_protocol.x",
        "admin": "src/admin/admin_protocol.x",
    }


def test_each_procedure_gets_its_api_or_a_label():
    labels = {}
    for proc in remote_procedures():
        api = procedure_api(proc, API_NAMES)
        labels[proc.number] = (api, procedure_label(proc, api, INTERNAL_NAMES))
    assert labels == {
        1: ("virConnectOpen", "api"),
        66: (None, "other"),
        107: (None, "event"),
        214: (None, "internal"),
        231: ("virDomainUndefineFlags", "api"),
        261: ("virDomainPMSuspendForDuration", "api"),
    }


@pytest.mark.parametrize(
    "protocol, name, api",
    [
        ("qemu", "QEMU_PROC_DOMAIN_MONITOR_COMMAND", "virDomainQemuMonitorCommand"),
        ("qemu", "QEMU_PROC_CONNECT_DOMAIN_MONITOR_EVENT_REGISTER", "virConnectDomainQemuMonitorEventRegister"),
        ("lxc", "LXC_PROC_DOMAIN_OPEN_NAMESPACE", "virDomainLxcOpenNamespace"),
        ("admin", "ADMIN_PROC_CONNECT_OPEN", "virAdmConnectOpen"),
        ("remote", "REMOTE_PROC_DOMAIN_MONITOR_COMMAND", None),
        ("qemu", "QEMU_PROC_CONNECT_OPEN", None),
    ],
)
def test_api_names_of_the_qemu_lxc_and_admin_programs(protocol, name, api):
    assert procedure_api(Procedure(protocol, 1, name), API_NAMES) == api


def test_messages_from_the_daemon_are_events_but_event_registration_is_not():
    closed = Procedure("remote", 362, "REMOTE_PROC_CONNECT_EVENT_CONNECTION_CLOSED")
    register = Procedure("remote", 316, "REMOTE_PROC_CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY")
    assert procedure_label(closed, None, INTERNAL_NAMES) == "event"
    assert procedure_label(register, None, INTERNAL_NAMES) == "other"


ENUM = "enum remote_procedure {{\n{body}\n}};\n"


@pytest.mark.parametrize(
    "text, message",
    [
        ("const REMOTE_PROGRAM = 0x20008086;\n", "no 'enum remote_procedure { ... }' found"),
        (ENUM.format(body="/* nothing yet */"), "has no procedures"),
        (ENUM.format(body="REMOTE_PROC_A = 1,\nREMOTE_PROC_B = 1"), "procedure number 1 is used by both REMOTE_PROC_A and REMOTE_PROC_B"),
        (ENUM.format(body="REMOTE_PROC_A = 0x1"), "'REMOTE_PROC_A = 0x1' is not 'NAME = NUMBER'"),
        (ENUM.format(body="QEMU_PROC_A = 1"), "QEMU_PROC_A does not start with REMOTE_PROC_"),
    ],
)
def test_bad_protocol_files_are_input_errors_naming_the_file(text, message):
    with pytest.raises(InputError, match=message) as err:
        parse_protocol(text, "src/remote/remote_protocol.x", "remote")
    assert err.value.path == "src/remote/remote_protocol.x"


# --- syms files -------------------------------------------------------------


def test_syms_sections_with_their_versions_and_symbols_private_ones_skipped():
    assert parse_syms(read(SYMS_FILES["libvirt"]), SYMS_FILES["libvirt"], "libvirt") == [
        SymsSection("libvirt", "LIBVIRT_0.0.3", "0.0.3", ("virConnectOpen", "virDomainUndefine")),
        SymsSection("libvirt", "LIBVIRT_0.9.4", "0.9.4", ("virDomainUndefineFlags",)),
        SymsSection("libvirt", "LIBVIRT_0.9.10", "0.9.10", ("virDomainPMSuspendForDuration", "virDomainSetMetadata")),
    ]


def test_syms_files_of_the_four_libraries():
    assert SYMS_FILES == {
        "libvirt": "src/libvirt_public.syms",
        "qemu": "src/libvirt_qemu.syms",
        "lxc": "src/libvirt_lxc.syms",
        "admin": "src/admin/libvirt_admin_public.syms",
    }


def test_module_sections_carry_the_module_prefix():
    text = "LIBVIRT_QEMU_0.8.3 {\n    global:\n        virDomainQemuMonitorCommand;\n};\n"
    assert parse_syms(text, "src/libvirt_qemu.syms", "qemu") == [
        SymsSection("qemu", "LIBVIRT_QEMU_0.8.3", "0.8.3", ("virDomainQemuMonitorCommand",))
    ]


@pytest.mark.parametrize(
    "text, message",
    [
        ("LIBVIRT_0.9 {\n    global:\n        virA;\n};\n", "line 1: 'LIBVIRT_0.9 {' is not a section header"),
        ("LIBVIRT_QEMU_0.8.3 {\n    global:\n        virA;\n};\n", "section LIBVIRT_QEMU_0.8.3 does not belong to libvirt's syms file"),
        ("    virA;\n", "line 1: 'virA;' is not a section header"),
        ("LIBVIRT_1.0.0 {\n    global:\n        virA;\n", "section LIBVIRT_1.0.0 is never closed"),
        ("LIBVIRT_1.0.0 {\n    global:\n        virA virB;\n};\n", "line 3: 'virA virB;' is neither a symbol nor the end"),
    ],
)
def test_malformed_syms_files_are_input_errors_naming_the_file(text, message):
    with pytest.raises(InputError, match=message) as err:
        parse_syms(text, "src/libvirt_public.syms", "libvirt")
    assert err.value.path == "src/libvirt_public.syms"


# --- driver tables ----------------------------------------------------------


def hypervisor_fields() -> dict[str, dict[str, str]]:
    return parse_driver_fields(read("src/driver-hypervisor.h"), "src/driver-hypervisor.h")


def test_driver_fields_name_the_api_they_implement():
    fields = hypervisor_fields()
    assert list(fields) == ["virHypervisorDriver"]
    assert fields["virHypervisorDriver"]["domainUndefineFlags"] == "virDomainUndefineFlags"
    assert fields["virHypervisorDriver"]["domainPMSuspendForDuration"] == "virDomainPMSuspendForDuration"
    assert len(fields["virHypervisorDriver"]) == 12
    assert "name" not in fields["virHypervisorDriver"]


def test_state_and_stream_drivers_are_no_api_groups():
    text = "struct _virStateDriver {\n    virDrvStateInitialize stateInitialize;\n};\n" + read("src/driver-nodedev.h")
    assert parse_driver_fields(text, "src/driver-state.h") == {
        "virNodeDeviceDriver": {"nodeNumOfDevices": "virNodeNumOfDevices", "nodeDeviceGetXMLDesc": "virNodeDeviceGetXMLDesc"}
    }


def test_a_header_without_driver_struct_is_an_input_error():
    with pytest.raises(InputError, match="no 'struct _vir...Driver") as err:
        parse_driver_fields("#pragma once\n", "src/driver-hypervisor.h")
    assert err.value.path == "src/driver-hypervisor.h"


def test_driver_headers_are_the_seven_api_groups():
    assert len(DRIVER_HEADERS) == 7
    assert "src/driver-hypervisor.h" in DRIVER_HEADERS and "src/driver-state.h" not in DRIVER_HEADERS


def test_table_entries_with_versions_spans_and_missing_versions():
    entries = parse_driver_tables(read(FAKE_DRIVER), FAKE_DRIVER, {"virHypervisorDriver"})
    rows = [(e.field, e.function, e.since, e.removed, e.line) for e in entries]
    assert rows == [
        ("connectURIProbe", "fakeConnectURIProbe", None, None, 155),
        ("connectOpen", "fakeConnectOpen", "1.0.0", None, 156),
        ("connectDomainXMLFromNative", None, "0.6.4", "5.5.0", 157),
        ("domainCreateXML", "fakeDomainCreateXML", "1.0.0", None, 158),
        ("domainDestroyFlags", "fakeDomainDestroyFlags", "1.0.0", None, 159),
        ("domainUndefineFlags", "fakeDomainUndefineFlags", "1.0.1", None, 160),
        ("domainReboot", "fakeDomainReboot", "1.0.0", None, 161),
        ("domainShutdownFlags", "fakeDomainShutdownFlags", "1.0.0", None, 162),
        ("domainSetMetadata", "fakeDomainSetMetadata", "1.1.0", None, 164),
        ("domainGetMetadata", "fakeDomainGetMetadata", "1.1.0", None, 165),
        ("domainPMSuspendForDuration", "fakeDomainPMSuspendForDuration", None, None, 167),
        ("domainSetBlockIoTune", "fakeDomainSetBlockIoTune", "1.0.0", None, 168),
    ]
    assert {(e.driver, e.group, e.path) for e in entries} == {("fake", "virHypervisorDriver", FAKE_DRIVER)}


def test_tables_of_other_groups_are_skipped():
    assert parse_driver_tables(read(FAKE_DRIVER), FAKE_DRIVER, {"virNetworkDriver"}) == []


def test_node_device_udev_tables_belong_to_the_udev_driver():
    path = "src/node_device/node_device_udev.c"
    entries = parse_driver_tables(read(path), path, {"virNodeDeviceDriver", "virHypervisorDriver"})
    assert entries == [
        TableEntry("udev", "virNodeDeviceDriver", "nodeNumOfDevices", "udevNodeNumOfDevices", "0.7.3", None, path, 17),
        TableEntry("udev", "virNodeDeviceDriver", "nodeDeviceGetXMLDesc", None, "0.7.3", "0.8.0", path, 18),
        TableEntry("udev", "virHypervisorDriver", "connectOpen", "udevConnectOpen", "4.1.0", None, path, 23),
    ]


TABLE = "static virHypervisorDriver fakeHypervisorDriver = {{\n    .name = \"fake\",\n{entry}\n}};\n"


@pytest.mark.parametrize(
    "entry, message",
    [
        ("    .domainReboot = NULL, /* 1.0.0 */", "line 3: domainReboot: a field is NULL exactly when"),
        ("    .domainReboot = fakeDomainReboot, /* 1.0.0 - 2.0.0 */", "line 3: domainReboot: a field is NULL exactly when"),
        ("    .domainReboot = &fakeReboot, /* 1.0.0 */", "domainReboot is set to '&fakeReboot'"),
        ("    .domainReboot", "line 3: cannot read driver table entry '.domainReboot'"),
    ],
)
def test_inconsistent_table_entries_are_input_errors_naming_the_file(entry, message):
    with pytest.raises(InputError, match=message) as err:
        parse_driver_tables(TABLE.format(entry=entry), FAKE_DRIVER, {"virHypervisorDriver"})
    assert err.value.path == FAKE_DRIVER


def test_tables_declared_through_the_name_macro_are_read():
    text = "virHypervisorDriver NAME(Driver) = {\n    .domainReboot = vboxDomainReboot, /* 0.6.3 */\n};\n"
    [entry] = parse_driver_tables(text, "src/vbox/vbox_tmpl.c", {"virHypervisorDriver"})
    assert (entry.driver, entry.field, entry.since) == ("vbox", "domainReboot", "0.6.3")


@pytest.mark.parametrize(
    "path, name",
    [
        ("src/qemu/qemu_driver.c", "qemu"),
        ("src/network/bridge_driver.c", "bridge"),
        ("src/esx/esx_storage_driver.c", "esx"),
        ("src/node_device/node_device_udev.c", "udev"),
        ("src/interface/interface_backend_udev.c", "interface"),
        ("src/vbox/vbox_common.c", "vbox"),
    ],
)
def test_driver_names_come_from_the_file_name(path, name):
    assert driver_name(path) == name


@pytest.mark.parametrize(
    "path, expected",
    [
        ("src/qemu/qemu_driver.c", True),
        ("src/vbox/vbox_common.c", True),
        ("src/vbox/vbox_tmpl.c", True),
        ("src/qemu/qemu_monitor.c", True),
        ("src/node_device/node_device_udev.c", True),
        ("src/vbox/vbox_driver.c", False),
        ("src/esx/esx_storage_backend_vmfs.c", False),
        ("src/interface/interface_backend_netcf.c", False),
        ("src/qemu/qemu_driver.h", False),
    ],
)
def test_driver_sources_are_the_files_hvsupport_reads(path, expected):
    assert hvsupport_lists(path) is expected


# --- virCheckFlags ----------------------------------------------------------


@pytest.fixture(scope="module")
def fake_sources() -> CSources:
    directory = TREE / "src" / "fake"
    return CSources({str(path.relative_to(TREE)): path.read_text() for path in sorted(directory.iterdir())})


@pytest.mark.parametrize(
    "function, flags, via, reason",
    [
        (
            "fakeDomainUndefineFlags",
            ("VIR_DOMAIN_UNDEFINE_MANAGED_SAVE", "VIR_DOMAIN_UNDEFINE_NVRAM"),
            (),
            "virCheckFlags in fake_driver.c:28",
        ),
        ("fakeDomainDestroyFlags", ("VIR_DOMAIN_DESTROY_GRACEFUL",), (), "virCheckFlagsGoto in fake_driver.c:50"),
        (
            "fakeDomainCreateXML",
            ("VIR_DOMAIN_START_PAUSED", "VIR_DOMAIN_START_AUTODESTROY", "VIR_DOMAIN_START_VALIDATE"),
            (),
            "virCheckFlags in fake_driver.c:39",
        ),
        (
            "fakeDomainSetMetadata",
            ("VIR_DOMAIN_AFFECT_LIVE", "VIR_DOMAIN_AFFECT_CONFIG"),
            ("fakeDomainObjSetMetadata",),
            "virCheckFlags in fake_driver.c:79",
        ),
        ("fakeDomainPMSuspendForDuration", (), (), "virCheckFlags in fake_driver.c:119"),
        (
            "fakeDomainShutdownFlags",
            ("VIR_DOMAIN_SHUTDOWN_ACPI_POWER_BTN", "VIR_DOMAIN_SHUTDOWN_GUEST_AGENT"),
            (),
            "virCheckFlags in fake_driver.c:67",
        ),
        ("fakeDomainReboot", None, (), "virCheckFlags in fake_driver.c:61: mask calls fakeRebootFlags()"),
        ("fakeDomainGetMetadata", None, (), "no virCheckFlags, and flags is not passed to a function in the given sources"),
        ("fakeConnectURIProbe", None, (), "no flags parameter"),
        ("fakeConnectOpen", None, (), "definition not found in the given sources"),
    ],
)
def test_flags_each_implementation_accepts(fake_sources, function, flags, via, reason):
    assert fake_sources.check(function) == FlagCheck(function, flags, via, reason)


def test_delegated_checks_are_followed_no_deeper_than_max_depth(fake_sources):
    assert fake_sources.check("fakeDomainSetMetadata", max_depth=0).flags is None


def test_mutually_forwarding_functions_end_without_an_answer():
    text = (
        "static int\nfakeA(unsigned int flags)\n{\n    return fakeB(flags);\n}\n\n"
        "static int\nfakeB(unsigned int flags)\n{\n    return fakeA(flags);\n}\n"
    )
    assert CSources({"src/fake/loop.c": text}).check("fakeA").flags is None


@pytest.mark.parametrize(
    "mask, reason",
    [
        ("flags & ~VIR_DOMAIN_AFFECT_LIVE", "mask 'flags & ~VIR_DOMAIN_AFFECT_LIVE' is not flag names joined by '|'"),
        ("FAKE_UNDEFINED_FLAGS", "mask uses 'FAKE_UNDEFINED_FLAGS', which is neither a flag name nor a macro"),
        ("FAKE_HALF_OPEN", "unbalanced parentheses in mask"),
        ("VIR_DOMAIN_AFFECT_LIVE |", "mask ends where a flag name was expected"),
        ("VIR_DOMAIN_AFFECT_LIVE << 1", "is not flag names joined by '|'"),
    ],
)
def test_masks_that_are_not_flag_names_are_unknown_with_the_reason(mask, reason):
    text = (
        "#define FAKE_HALF_OPEN (VIR_DOMAIN_AFFECT_LIVE\n"
        f"static int\nfakeF(unsigned int flags)\n{{\n    virCheckFlags({mask}, -1);\n}}\n"
    )
    result = CSources({"src/fake/mask.c": text}).check("fakeF")
    assert result.flags is None
    assert result.reason.startswith("virCheckFlags in mask.c:5: ") and reason in result.reason
