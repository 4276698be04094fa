"""A small, hand-written knowledge base for the site tests.

Three ingested releases (7.0.0, 9.0.0, 11.3.0); a flag-taking function with
drivers (one of them dropped it); an enum type with three constants; a macro;
symbols known only by an upper bound; an internal matrix entry; and a symbol
whose name is markup, which must come out as text everywhere.

Names whose pages would clash on some file system: two that differ only in
case, one whose file name would pass 255 bytes (and one that does once its
non-ASCII letters are encoded), `index` and `NUL`, and a driver and a driver
group named `index` (beside driver/index.html and matrix/index.html).

From source trees: RPC procedures (261 carries virDomainPMSuspendForDuration),
driver implementations, and flag masks: for virDomainUndefineFlags qemu's is
known in two trees, test's in one, lxc's is unknown; qemu accepts its flags
from an exact release and from bounds of both shapes; VIR_DOMAIN_UNDEFINE_FUTURE
(12.2.0) is newer than every analysed tree, so no driver's acceptance of it is
known. qemu's implementation had an older name in 7.0.0. virDomainSetVcpusFlags
takes flags defined as other constants (VIR_DOMAIN_VCPU_LIVE =
VIR_DOMAIN_AFFECT_LIVE), and qemu's mask names the other constant, in a helper
(qemuDomainSetVcpusInternal) that performs the check.
"""

from __future__ import annotations

from pathlib import Path

from kbgen.checks.registry import check_rows
from kbgen.merge.aliases import with_enum_values
from kbgen.store.schema import SCHEMA_VERSION
from kbgen.store.writer import write_database
from kbgen.versions import version_key

HOSTILE_NAME = "<script>alert(1)</script>"
CASE_NAMES = ("virFixtureCase", "virfixturecase")
LONG_NAME = "VIR_FIXTURE_" + "LONG_" * 60 + "NAME"
WIDE_NAME = "virFixtureWide" + "\u00e9" * 60
RESERVED_NAMES = ("index", "NUL")
BUILT_AT = "2024-05-06T07:08:09Z"
RELEASES = ("7.0.0", "9.0.0", "11.3.0")
SUITES = {"7.0.0": "bullseye", "9.0.0": "bookworm", "11.3.0": "trixie"}
XML_ORIGIN = "{release}:libvirt-dev_{release}_amd64.deb:usr/share/libvirt/api/libvirt-api.xml"
NEWS_ORIGIN = "11.3.0:libvirt-doc_11.3.0_all.deb:usr/share/doc/libvirt-doc/html/news.html"
RELEASE_DATES = {"0.9.4": "2011-08-03", "0.9.10": "2012-02-13", "0.9.11": "2012-04-03", "7.0.0": "2021-01-15",
                 "8.9.0": "2022-11-01", "9.0.0": "2023-01-16", "11.3.0": "2025-05-02"}
HVSUPPORT_ORIGIN = "11.3.0:libvirt-doc_11.3.0_all.deb:usr/share/doc/libvirt-doc/html/hvsupport.html"


def binding(name: str, c_symbol: str | None, first: str) -> dict:
    """A row of the bindings table (python3-libvirt), present from FIRST to 11.3.0."""
    owner, _, member = name.rpartition(".")
    module = owner if owner.startswith("libvirt") else "libvirt"
    kind = "constant" if member.startswith("VIR_") else "function" if owner == module else "method"
    return {"name": name, "module": module, "class_name": None if kind != "method" else owner, "member": member,
            "kind": kind, "c_symbol": c_symbol, "first_release": first, "first_key": version_key(first),
            "last_release": "11.3.0", "last_key": version_key("11.3.0"),
            "origin": f"python3-libvirt_{first}-1_amd64.deb:usr/lib/python3/dist-packages/{module}.py:1"}


def symbol(name: str, kind: str, since: str, *, module: str = "libvirt", file: str = "libvirt-domain",
           enum_type: str | None = None, value: str | None = None, exact: bool = True, first: str = "7.0.0") -> dict:
    return {
        "name": name, "kind": kind, "module": module, "file": file, "enum_type": enum_type, "value": value,
        "has_flags": kind == "function", "since": since, "since_key": version_key(since), "since_exact": exact,
        "since_source": "xml-version" if exact else "first-seen",
        "since_origin": XML_ORIGIN.format(release=RELEASES[-1] if exact else first),
        "first_release": first, "last_release": RELEASES[-1],
    }


def support(api: str, driver: str, since: str, *, group: str = "hypervisor", removed: str | None = None, public: bool = True,
            exact: bool = True) -> dict:
    return {
        "api": api, "driver": driver, "driver_group": group, "since": since, "since_key": version_key(since), "since_exact": exact,
        "removed_in": removed, "removed_key": version_key(removed) if removed else None, "public": public,
        "origin": HVSUPPORT_ORIGIN,
    }


def matrix(api: str, version: str | None, *, group: str = "hypervisor", linked: bool = True) -> dict:
    return {"api": api, "driver_group": group, "version": version, "version_key": version_key(version) if version else None,
            "linked": linked, "origin": HVSUPPORT_ORIGIN}


SYMBOLS = [
    symbol("virDomainUndefineFlags", "function", "0.9.4"),
    symbol("virDomainUndefineFlagsValues", "typedef", "0.9.4"),
    symbol("VIR_DOMAIN_UNDEFINE_MANAGED_SAVE", "enum", "0.9.4", enum_type="virDomainUndefineFlagsValues", value="1"),
    symbol("VIR_DOMAIN_UNDEFINE_SNAPSHOTS_METADATA", "enum", "0.9.5", enum_type="virDomainUndefineFlagsValues", value="2"),
    symbol("VIR_DOMAIN_UNDEFINE_KEEP_TPM", "enum", "8.9.0", enum_type="virDomainUndefineFlagsValues", value="64", first="9.0.0"),
    symbol("VIR_DOMAIN_UNDEFINE_FUTURE", "enum", "12.2.0", enum_type="virDomainUndefineFlagsValues", value="256", first="11.3.0"),
    symbol("virDomainQemuAttach", "function", "0.8.3", module="qemu", file="libvirt-qemu"),
    symbol("virDomainFDAssociate", "function", "9.0.0", first="9.0.0"),
    symbol("virNetworkCreate", "function", "0.2.0", file="libvirt-network"),
    symbol("virConnectOpen", "function", "0.0.3", file="libvirt-host"),
    symbol("VIR_DOMAIN_SCHEDULER_CPU_SHARES", "macro", "0.9.7", value="cpu_shares"),
    symbol("virConnectOldFeature", "function", "7.0.0", file="libvirt-host", exact=False),
    symbol("VIR_FIXTURE_FIRST_SEEN", "macro", "11.3.0", file="libvirt-host", exact=False, first="11.3.0"),
    symbol(HOSTILE_NAME, "function", "9.0.0", file="libvirt-host", first="9.0.0"),
    symbol("virDomainPMSuspendForDuration", "function", "0.9.10"),
    symbol("virDomainSetVcpusFlags", "function", "0.8.5"),
    symbol("VIR_DOMAIN_VCPU_CURRENT", "enum", "0.8.5", enum_type="virDomainVcpuFlags", value="VIR_DOMAIN_AFFECT_CURRENT"),
    symbol("VIR_DOMAIN_VCPU_LIVE", "enum", "0.8.5", enum_type="virDomainVcpuFlags", value="VIR_DOMAIN_AFFECT_LIVE"),
    symbol("VIR_DOMAIN_VCPU_MAXIMUM", "enum", "0.8.5", enum_type="virDomainVcpuFlags", value="4"),
    symbol("VIR_DOMAIN_AFFECT_CURRENT", "enum", "0.9.2", enum_type="virDomainModificationImpact", value="0"),
    symbol("VIR_DOMAIN_AFFECT_LIVE", "enum", "0.9.2", enum_type="virDomainModificationImpact", value="1"),
    symbol("virDomainSetSchedulerParameters", "function", "0.2.0"),
    symbol("VIR_DOMAIN_SCHEDULER_FUTURE", "macro", "12.2.0", value="future", first="11.3.0"),
    symbol("virConnectDomainEventRegisterAny", "function", "0.8.0"),
    symbol("VIR_DOMAIN_EVENT_ID_REBOOT", "enum", "0.8.0", enum_type="virDomainEventID", value="1"),
    symbol("VIR_NODE_SUSPEND_TARGET_MEM", "enum", "0.9.8", enum_type="virNodeSuspendTarget", value="0", file="libvirt-host"),
    symbol("VIR_NODE_SUSPEND_TARGET_DISK", "enum", "0.9.8", enum_type="virNodeSuspendTarget", value="1", file="libvirt-host"),
    # what the search box must rank (tests/test_site_browser.py's SEARCH_RANKS)
    symbol("virDomainMigrate", "function", "0.3.2"),
    symbol("virDomainMigrateToURI", "function", "0.7.2"),
    symbol("virDomainMigrateFlags", "typedef", "1.0.0"),
    symbol("VIR_MIGRATE_LIVE", "enum", "0.3.2", enum_type="virDomainMigrateFlags", value="1"),
    symbol("VIR_MIGRATE_NON_SHARED_DISK", "enum", "0.8.2", enum_type="virDomainMigrateFlags", value="64"),
    symbol("VIR_DOMAIN_PMSUSPENDED", "enum", "0.9.11", enum_type="virDomainState", value="7"),
    symbol("virConnectDomainEventPMSuspendCallback", "functype", "0.10.2"),
    symbol("VIR_DOMAIN_BANDWIDTH_IN_AVERAGE", "macro", "1.0.1", value="inbound.average"),
    symbol("VIR_DOMAIN_BLOCK_IOTUNE_TOTAL_BYTES_SEC", "macro", "0.9.8", value="total_bytes_sec"),
    symbol("VIR_DOMAIN_TUNABLE_BLKDEV_TOTAL_BYTES_SEC", "macro", "1.2.9", value="blkdeviotune.total_bytes_sec"),
    symbol("virDomainSetBlockIoTune", "function", "0.9.8"),
    *(symbol(name, "function", "1.0.0", file="libvirt-host") for name in CASE_NAMES),
    *(symbol(name, "macro", "1.0.0", file="libvirt-host") for name in (LONG_NAME, WIDE_NAME, *RESERVED_NAMES)),
]

SUPPORT = [
    support("virDomainUndefineFlags", "qemu", "0.9.4"),
    support("virDomainUndefineFlags", "lxc", "0.9.4"),
    support("virDomainUndefineFlags", "test", "0.9.4"),
    support("virDomainUndefineFlags", "bhyve", "9.0.0", exact=False),  # a /* TBD */ table entry
    support("virDomainQemuAttach", "qemu", "0.9.4", removed="5.5.0"),
    support("virDomainFDAssociate", "qemu", "9.0.0"),
    support("virDomainFDAssociate", "remote", "9.0.0"),
    support("virDomainFDAssociate", "lxc", "8.9.0", removed="10.0.0"),
    support("virDomainMigratePrepare3", "qemu", "0.9.2", public=False),
    support(HOSTILE_NAME, "test", "9.0.0"),
    support(HOSTILE_NAME, "esx", "9.0.0"),
    support("virNetworkCreate", "bridge", "0.2.0", group="network"),
    support("virNetworkCreate", "test", "0.3.2", group="network"),
    support("virDomainPMSuspendForDuration", "qemu", "0.9.10"),
    support("virDomainPMSuspendForDuration", "remote", "0.9.10"),
    support("virDomainSetVcpusFlags", "qemu", "0.8.5"),
    support(CASE_NAMES[0], "index", "1.0.0", group="index"),
    support(CASE_NAMES[1], "index", "1.0.0", group="index"),
]

MATRIX = [
    matrix("virDomainUndefineFlags", "0.9.4"),
    matrix("virDomainQemuAttach", "0.8.3"),
    matrix("virDomainFDAssociate", "9.0.0"),
    matrix("virDomainMigratePrepare3", None, linked=False),
    matrix(HOSTILE_NAME, "9.0.0"),
    matrix("virNetworkCreate", "0.2.0", group="network"),
    matrix("virDomainPMSuspendForDuration", "0.9.10"),
    matrix("virDomainSetVcpusFlags", "0.8.5"),
    *(matrix(name, "1.0.0", group="index") for name in CASE_NAMES),
]

TREE_ORIGIN = "{release}:libvirt_{release}.orig.tar.xz"
UNKNOWN_MASK = "no virCheckFlags, and flags is not passed to a function in the given sources"


def procedure(number: int, name: str, api: str | None, since: str, *, protocol: str = "remote", label: str = "api") -> dict:
    return {"protocol": protocol, "number": number, "name": name, "api": api, "label": label, "since": since,
            "since_key": version_key(since), "since_exact": True, "since_source": "remote-driver", "first_tree": RELEASES[0],
            "origin": TREE_ORIGIN.format(release=RELEASES[-1]) + f":src/remote/{protocol}_protocol.x"}


def implementation(function: str, driver: str, api: str, first: str = RELEASES[0], last: str = RELEASES[-1]) -> dict:
    return {"function": function, "driver": driver, "api": api, "first_tree": first, "last_tree": last, "last_key": version_key(last),
            "origin": TREE_ORIGIN.format(release=last)}


def flag_check(api: str, driver: str, release: str, flags: str | None, via: str = "") -> dict:
    """flags None: the mask is unknown; via: the helper performing the check."""
    function = f"{driver}{api[3:]}"
    return {"api": api, "driver": driver, "release": release, "function": function, "known": flags is not None,
            "flags": flags or "", "via": via, "performer": via.split()[-1] if via else function,
            "reason": UNKNOWN_MASK if flags is None else f"virCheckFlags in {driver}_driver.c:100"}


def driver_flag(api: str, driver: str, bit: int, names: str, upper: str, *, lower: str | None = None, after: str | None = None,
                exact: bool = False) -> dict:
    return {"api": api, "driver": driver, "bit": bit, "names": names, "lower": lower, "after": after, "upper": upper,
            "upper_key": version_key(upper), "exact": exact, "origin": TREE_ORIGIN.format(release=upper)}


PROCEDURES = [
    procedure(231, "REMOTE_PROC_DOMAIN_UNDEFINE_FLAGS", "virDomainUndefineFlags", "0.9.4"),
    procedure(261, "REMOTE_PROC_DOMAIN_PM_SUSPEND_FOR_DURATION", "virDomainPMSuspendForDuration", "0.9.10"),
    procedure(318, "REMOTE_PROC_DOMAIN_EVENT_CALLBACK_LIFECYCLE", None, "1.2.1", label="event"),
    procedure(2, "QEMU_PROC_DOMAIN_ATTACH", "virDomainQemuAttach", "0.8.3", protocol="qemu"),
]

IMPLEMENTATIONS = [
    implementation("qemuDomainUndefineFlags", "qemu", "virDomainUndefineFlags"),
    implementation("qemuDomainUndefineFlagsOld", "qemu", "virDomainUndefineFlags", last="7.0.0"),
    implementation("lxcDomainUndefineFlags", "lxc", "virDomainUndefineFlags"),
    implementation("testDomainUndefineFlags", "test", "virDomainUndefineFlags"),
    implementation("remoteDomainUndefineFlags", "remote", "virDomainUndefineFlags"),
    implementation("qemuDomainSetVcpusFlags", "qemu", "virDomainSetVcpusFlags"),
    implementation("qemuDomainPMSuspendForDuration", "qemu", "virDomainPMSuspendForDuration"),
]

FLAG_CHECKS = [
    flag_check("virDomainUndefineFlags", "qemu", "7.0.0", "VIR_DOMAIN_UNDEFINE_MANAGED_SAVE"),
    flag_check("virDomainUndefineFlags", "qemu", "11.3.0",
               "VIR_DOMAIN_UNDEFINE_MANAGED_SAVE VIR_DOMAIN_UNDEFINE_SNAPSHOTS_METADATA VIR_DOMAIN_UNDEFINE_KEEP_TPM"),
    flag_check("virDomainUndefineFlags", "test", "11.3.0", "VIR_DOMAIN_UNDEFINE_MANAGED_SAVE"),
    flag_check("virDomainUndefineFlags", "lxc", "11.3.0", None),
    flag_check("virDomainSetVcpusFlags", "qemu", "11.3.0", "VIR_DOMAIN_AFFECT_LIVE VIR_DOMAIN_VCPU_MAXIMUM", via="qemuDomainSetVcpusInternal"),
    flag_check("virDomainPMSuspendForDuration", "qemu", "11.3.0", ""),
]

DRIVER_FLAGS = [
    driver_flag("virDomainUndefineFlags", "qemu", 1, "VIR_DOMAIN_UNDEFINE_MANAGED_SAVE", "7.0.0", lower="0.9.4"),
    driver_flag("virDomainUndefineFlags", "qemu", 2, "VIR_DOMAIN_UNDEFINE_SNAPSHOTS_METADATA", "11.3.0", lower="0.9.5", after="7.0.0"),
    driver_flag("virDomainUndefineFlags", "qemu", 64, "VIR_DOMAIN_UNDEFINE_KEEP_TPM", "9.0.0", lower="8.9.0", after="7.0.0", exact=True),
    driver_flag("virDomainUndefineFlags", "test", 1, "VIR_DOMAIN_UNDEFINE_MANAGED_SAVE", "11.3.0", lower="0.9.4"),
    driver_flag("virDomainSetVcpusFlags", "qemu", 1, "VIR_DOMAIN_AFFECT_LIVE", "7.0.0", lower="0.9.2"),
    driver_flag("virDomainSetVcpusFlags", "qemu", 4, "VIR_DOMAIN_VCPU_MAXIMUM", "7.0.0", lower="0.8.5"),
]

ARGUMENT_LINKS = [
    {"function": "virConnectDomainEventRegisterAny", "argument": "eventID", "enum_type": "virDomainEventID", "role": "event-id"},
    {"function": "virDomainPMSuspendForDuration", "argument": "target", "enum_type": "virNodeSuspendTarget", "role": "validated"},
]


def param_check(api: str, driver: str, release: str, params: str | None, via: str = "") -> dict:
    return {"api": api, "driver": driver, "release": release, "function": f"{driver}{api[3:]}", "known": params is not None,
            "params": params or "", "via": via, "reason": f"virTypedParamsValidate in {driver}_driver.c:10" if params is not None
            else "no virTypedParamsValidate, and params is not passed to a function that calls it"}


PARAM_CHECKS = [
    param_check("virDomainSetSchedulerParameters", "qemu", "11.3.0", "VIR_DOMAIN_SCHEDULER_CPU_SHARES", via="qemuSetSchedulerParametersFlags"),
    param_check("virDomainSetSchedulerParameters", "lxc", "11.3.0", None),
]

DRIVER_PARAMS = [
    {"api": "virDomainSetSchedulerParameters", "driver": "qemu", "param": "VIR_DOMAIN_SCHEDULER_CPU_SHARES", "lower": "0.9.7",
     "after": None, "upper": "7.0.0", "upper_key": version_key("7.0.0"), "exact": False, "origin": "7.0.0:libvirt_7.0.0.orig.tar.xz"},
]

ENUM_CHECKS = [
    {"api": "virDomainPMSuspendForDuration", "driver": "qemu", "argument": "target", "release": "11.3.0",
     "function": "qemuDomainPMSuspendForDuration", "known": True, "values": "VIR_NODE_SUSPEND_TARGET_MEM VIR_NODE_SUSPEND_TARGET_DISK",
     "via": "", "reason": "qemu_driver.c:15942"},
    {"api": "virDomainPMSuspendForDuration", "driver": "libxl", "argument": "target", "release": "11.3.0",
     "function": "libxlDomainPMSuspendForDuration", "known": False, "values": "", "via": "",
     "reason": "no plain comparison of target found within 3 calls"},
]

SECTIONS = [
    {"symbol": "virDomainPMSuspendForDuration", "module": "libvirt", "section": "LIBVIRT_0.9.10", "version": "0.9.10"},
    {"symbol": "virDomainFDAssociate", "module": "libvirt", "section": "LIBVIRT_9.0.0", "version": "9.0.0"},
    {"symbol": HOSTILE_NAME, "module": "libvirt", "section": "LIBVIRT_9.0.0", "version": "9.0.0"},
    {"symbol": "virDomainQemuAttach", "module": "qemu", "section": "LIBVIRT_QEMU_0.8.3", "version": "0.8.3"},
]

SCHEMA_ORIGIN = "{release}:libvirt0_{release}_amd64.deb:usr/share/libvirt/schemas/domain.rng"
PAGE_ORIGIN = "11.3.0:libvirt-doc_11.3.0_all.deb:usr/share/doc/libvirt-doc/html/formatdomain.html"


def xml_path(path: str, kind: str, first: str, since: str | None = None, *, hypervisors: str = "", versions: str = "",
             method: str | None = None, line: int = 0) -> dict:
    return {
        "path": path, "format": path.split("/")[0], "kind": kind, "first_release": first, "first_key": version_key(first),
        "last_release": RELEASES[-1], "last_key": version_key(RELEASES[-1]), "schema_origin": SCHEMA_ORIGIN.format(release=RELEASES[-1]),
        "since": since, "since_key": version_key(since) if since else None, "hypervisors": hypervisors,
        "hypervisor_versions": versions, "doc_method": method, "doc_origin": f"{PAGE_ORIGIN} line {line}" if since else None,
    }


XML_PATHS = [
    xml_path("domain", "element", "7.0.0", "0.0.1", method="dt-term", line=10),
    xml_path("domain/devices", "element", "7.0.0"),
    xml_path("domain/devices/disk", "element", "7.0.0"),
    xml_path("domain/devices/disk/@type", "attribute", "7.0.0", "0.0.3", method="dd-term", line=20),
    xml_path("domain/devices/disk/@type=file", "value", "7.0.0"),
    xml_path("domain/devices/disk/@type=nvme", "value", "7.0.0", "6.0.0", method="value-list", line=21),
    xml_path("domain/devices/disk/@type=vhostuser", "value", "9.0.0", "7.1.0", method="value-list", line=21),
    xml_path("domain/devices/disk/@type=vhostvdpa", "value", "11.3.0", "9.8.0", hypervisors="qemu", versions="qemu 8.1.0",
             method="value-list", line=22),
    xml_path("domain/cpu", "element", "7.0.0"),
    xml_path("domain/cpu/@migratable", "attribute", "7.0.0"),
    xml_path("domain/metadata", "element", "7.0.0"),
    xml_path("domain/metadata/*", "element", "7.0.0"),
    xml_path("domain/os", "element", "7.0.0"),
    xml_path("domain/os/type", "element", "7.0.0"),
    xml_path("domain/os/type=hvm", "value", "7.0.0"),
    xml_path("network/forward/@mode=open", "value", "7.0.0", "5.5.0", method="value-list", line=30),
]


def xml_note(line: int, since: str | None, path: str | None, method: str | None, reason: str | None, subject: str | None,
             hypervisors: str = "") -> dict:
    return {
        "release": "11.3.0", "page": "formatdomain.html", "line": line, "since": since,
        "since_key": version_key(since) if since else None, "hypervisors": hypervisors, "hypervisor_versions": "",
        "subject": subject, "path": path, "method": method, "reason": reason, "schema_release": "11.3.0", "origin": PAGE_ORIGIN,
    }


XML_NOTES = [
    xml_note(21, "6.0.0", "domain/devices/disk/@type=nvme", "value-list", None, "disk/type=nvme"),
    xml_note(40, "8.6.0", None, None, "2 names in its sentence", None, "qemu"),
    xml_note(41, None, None, None, "no version in the note", None),
]


def message(template: str, code: str | None, component: str, function: str | None, file: str, apis: str = "", api_count: int = 0,
            first: str = RELEASES[0], last: str = RELEASES[-1]) -> dict:
    """A row of the message catalogue."""
    return {"template": template, "code": code, "function": function, "file": file, "component": component, "first_tree": first,
            "last_tree": last, "apis": apis or None, "api_count": api_count}


# The message catalogue: an older wording of one message (grouped with the newer), one message raised at two sites,
# wordings only some trees have, a leading placeholder, a template inside a longer one, a template the explain patterns
# already read (their finding wins), a tool's own error, and templates with too little literal text to be matched.
MESSAGES = [
    message("domain '%s' is not running", "VIR_ERR_OPERATION_INVALID", "qemu", "qemuDomainObjCheckActive", "qemu_domain.c",
            "virDomainPMSuspendForDuration virDomainUndefineFlags", 12, last="9.0.0"),
    message("domain '%1$s' is not running", "VIR_ERR_OPERATION_INVALID", "qemu", "qemuDomainObjCheckActive", "qemu_domain.c",
            "virDomainPMSuspendForDuration virDomainUndefineFlags", 12, first="11.3.0"),
    message("domain '%1$s' is not running", "VIR_ERR_OPERATION_INVALID", "lxc", "virLXCDomainObjCheckActive", "lxc_domain.c",
            "virDomainFDAssociate", 1, first="11.3.0"),
    message("Failed to connect socket to '%1$s'", "VIR_ERR_SYSTEM_ERROR", "rpc", "virNetSocketNewConnectUNIX", "virnetsocket.c"),
    message("cannot undefine transient domain", "VIR_ERR_OPERATION_INVALID", "qemu", "qemuDomainUndefineFlags", "qemu_driver.c",
            "virDomainUndefineFlags", 1, first="9.0.0"),
    message("this QEMU binary doesn't support '%1$s' device", "VIR_ERR_CONFIG_UNSUPPORTED", "qemu", "qemuValidateDomainDeviceDef",
            "qemu_validate.c", "virDomainCreate virDomainDefineXML virDomainAttachDevice", 30, last="9.0.0"),
    message("%1$s: unable to reach the storage pool backend", "VIR_ERR_INTERNAL_ERROR", "storage", None, "storage_backend.c"),
    message("cannot access storage file '%1$s'", "VIR_ERR_SYSTEM_ERROR", "util", "virStorageSourceCheckAccess", "virstoragefile.c"),
    message("cannot access storage file '%1$s': no such volume", "VIR_ERR_NO_STORAGE_VOL", "storage", "virStorageVolLookup",
            "storage_driver.c", "virStorageVolLookupByPath", 1),
    message("parameter '%1$s' not supported", "VIR_ERR_ARGUMENT_UNSUPPORTED", "util", "virTypedParamsValidate", "virtypedparam.c"),
    message("command '%1$s' doesn't support option --%2$s", None, "virsh", "vshCmddefGetOption", "vsh.c"),
    message("Domain '%1$s' could not be suspended", None, "virsh", "cmdDomPMSuspend", "virsh-domain.c"),  # a virsh handler's
    message("no domain '%1$s'", "VIR_ERR_NO_DOMAIN", "test", "testDomObjFromDomain", "test_driver.c"),
    message("%1$s is too long: %2$s", "VIR_ERR_INVALID_ARG", "util", "virStrcpy", "virstring.c"),
]
ERROR_CODES = [
    {"code": code, "text": text_info.split(":")[0], "text_info": text_info, "tree": RELEASES[-1]} for code, text_info in (
        ("VIR_ERR_OPERATION_INVALID", "Requested operation is not valid: %s"), ("VIR_ERR_CONFIG_UNSUPPORTED", "unsupported configuration: %s"),
        ("VIR_ERR_INTERNAL_ERROR", "internal error: %s"), ("VIR_ERR_SYSTEM_ERROR", "%s"),
        ("VIR_ERR_ARGUMENT_UNSUPPORTED", "argument unsupported: %s"),
        ("VIR_ERR_NO_STORAGE_VOL", "Storage volume not found: %s"), ("VIR_ERR_NO_DOMAIN", "Domain not found: %s"),
        ("VIR_ERR_INVALID_ARG", "invalid argument: %s"))
]

# placeholder words of our own: the fixture never holds libvirt's documentation text
SIGNATURES = [
    {"name": "virDomainUndefineFlags", "returns": "int", "args": '[["domain", "virDomainPtr"], ["flags", "unsigned int"]]'},
    {"name": "virConnectDomainEventRegisterAny", "returns": "int",
     "args": '[["conn", "virConnectPtr"], ["eventID", "int"], ["cb", "virConnectDomainEventPMSuspendCallback"], ["opaque", "void *"]]'},
    {"name": HOSTILE_NAME, "returns": "char *", "args": '[["<b>arg</b>", "const char *"]]'},
]
DESCRIPTIONS = [
    {"name": "virDomainUndefineFlags", "text": "Fixture words: forgets a <defined> domain.\n\nA second fixture paragraph."},
    {"name": "VIR_DOMAIN_UNDEFINE_MANAGED_SAVE", "text": "Fixture words about a flag."},
]


def site_tables() -> dict[str, list[dict]]:
    return {
        "meta": [
            {"key": "schema_version", "value": SCHEMA_VERSION},
            {"key": "kbgen_version", "value": "0.1.0"},
            {"key": "built_at", "value": BUILT_AT},
            {"key": "releases", "value": " ".join(RELEASES)},
            {"key": "newest_release", "value": RELEASES[-1]},
        ],
        "releases": [
            {"version": v, "version_key": version_key(v), "suite": SUITES[v], "symbols": len(SYMBOLS), "has_hvsupport": True,
             "has_source": True}
            for v in RELEASES
        ],
        "release_dates": [
            {"version": v, "version_key": version_key(v), "date": d, "origin": NEWS_ORIGIN} for v, d in RELEASE_DATES.items()
        ],
        "inputs": [
            {"release": v, "name": "libvirt-api.xml", "origin": XML_ORIGIN.format(release=v), "sha256": "0" * 64}
            for v in RELEASES
        ],
        "symbols": with_enum_values(SYMBOLS),
        "signatures": [dict(row, release=RELEASES[-1], origin=XML_ORIGIN.format(release=RELEASES[-1])) for row in SIGNATURES],
        "descriptions": [dict(row, release=RELEASES[-1], origin=XML_ORIGIN.format(release=RELEASES[-1])) for row in DESCRIPTIONS],
        "flag_links": [
            {"function": "virDomainUndefineFlags", "enum_type": "virDomainUndefineFlagsValues"},
            {"function": "virDomainSetVcpusFlags", "enum_type": "virDomainVcpuFlags"},
        ],
        "driver_support": SUPPORT,
        "driver_tables": [  # the test driver built with one of two backends, the newer one later (as interface: netcf, udev)
            {"api": "virDomainUndefineFlags", "driver": "test", "backend": backend, "driver_group": "hypervisor", "since": since,
             "removed_in": None, "listed": backend == "new", "public": True, "first_tree": "7.0.0", "tree": "11.3.0",
             "origin": f"11.3.0:libvirt_11.3.0.orig.tar.xz:src/test/test_backend_{backend}.c:10"}
            for backend, since in (("old", "0.9.4"), ("new", "1.0.0"))
        ],
        "matrix_apis": MATRIX,
        "disagreements": [{
            "subject": "virDomainFDAssociate / lxc", "kind": "driver-since-changed",
            "detail": "virDomainFDAssociate / lxc: hvsupport.html gives different versions across releases",
            "values": '{"11.3.0": "8.9.0", "9.0.0": "8.8.0"}',
        }],
        "checks": check_rows(),
        "procedures": PROCEDURES,
        "implementations": IMPLEMENTATIONS,
        "flag_checks": FLAG_CHECKS,
        "driver_flags": DRIVER_FLAGS,
        "argument_links": ARGUMENT_LINKS,
        "param_checks": PARAM_CHECKS,
        "driver_params": DRIVER_PARAMS,
        "enum_checks": ENUM_CHECKS,
        "symbol_sections": [dict(row, origin=TREE_ORIGIN.format(release=RELEASES[-1])) for row in SECTIONS],
        "virsh_commands": [
            {"name": "dompmsuspend", "alias_of": None, "handler": "cmdDomPMSuspend", "file": "virsh-domain.c", "unknown": None,
             "first_tree": RELEASES[0], "tree": RELEASES[-1], "origin": TREE_ORIGIN.format(release=RELEASES[-1])},
            # a page per command (tests/test_site_virsh.py): flags, an alias, a fallback, what the analysis could not determine
            *({"name": name, "alias_of": None, "handler": handler, "file": "virsh-domain.c", "unknown": unknown,
               "first_tree": RELEASES[1], "tree": RELEASES[-1], "origin": TREE_ORIGIN.format(release=RELEASES[-1])}
              for name, handler, unknown in (("undefine", "cmdUndefine", None), ("blkdeviotune", "cmdBlkdeviotune", None),
                                             ("migrate", "cmdMigrate", "cmdMigrate: the helper doMigrate was not followed"))),
            {"name": "undef-alias", "alias_of": "undefine", "handler": None, "file": "virsh-domain.c", "unknown": None,
             "first_tree": RELEASES[1], "tree": RELEASES[-1], "origin": TREE_ORIGIN.format(release=RELEASES[-1])},
        ],
        "virsh_options": [
            *({"command": "undefine", "option": option, "position": position, "type": kind, "alias_of": alias, "flags": flags,
               "enum_type": None, "values": None}
              for option, position, kind, alias, flags in (("domain", 0, "string", None, ""),
                                                           ("managed-save", 1, "bool", None, "VIR_DOMAIN_UNDEFINE_MANAGED_SAVE"),
                                                           ("keep-tpm", 2, "bool", None, "VIR_DOMAIN_UNDEFINE_KEEP_TPM"),
                                                           ("keep-the-tpm", 3, "alias", "keep-tpm", ""))),
            {"command": "dompmsuspend", "option": "target", "position": 1, "type": "string", "alias_of": None, "flags": "",
             "enum_type": "virNodeSuspendTarget",
             "values": '{"mem": "VIR_NODE_SUSPEND_TARGET_MEM", "disk": "VIR_NODE_SUSPEND_TARGET_DISK", "hybrid": null}'},
        ],
        "virsh_calls": [{"command": "dompmsuspend", "api": "virDomainPMSuspendForDuration", "via": "", "fallback_of": None},
                        {"command": "undefine", "api": "virDomainUndefineFlags", "via": "", "fallback_of": None},
                        {"command": "undefine", "api": "virDomainUndefine", "via": "virshUndefineHelper", "fallback_of": "virDomainUndefineFlags"},
                        {"command": "migrate", "api": "virDomainMigrate", "via": "", "fallback_of": None},
                        {"command": "blkdeviotune", "api": "virDomainSetBlockIoTune", "via": "", "fallback_of": None}],
        "bindings": [
            binding("virDomain.undefineFlags", "virDomainUndefineFlags", "7.0.0"),
            binding("virDomain.fdAssociate", "virDomainFDAssociate", "11.3.0"),
            binding("virNetwork.create", "virNetworkCreate", "7.0.0"),
            binding("virDomain.create", None, "7.0.0"),
            binding("libvirt.open", "virConnectOpen", "7.0.0"),
            binding("libvirt.VIR_DOMAIN_UNDEFINE_KEEP_TPM", "VIR_DOMAIN_UNDEFINE_KEEP_TPM", "9.0.0"),
            binding("libvirt_qemu.qemuAttach", "virDomainQemuAttach", "7.0.0"),
            # what explain's binding messages need (tests/explain_vectors.json)
            binding("virDomain.pmSuspendForDuration", "virDomainPMSuspendForDuration", "7.0.0"),
            binding("virConnect.oldFeature", "virConnectOldFeature", "9.0.0"),
            binding("virConnect.futureFeature", "virConnectFutureFeature", "11.3.0"),
            binding("libvirt.VIR_DOMAIN_EVENT_ID_REBOOT", "VIR_DOMAIN_EVENT_ID_REBOOT", "7.0.0"),
        ],
        "binding_releases": [{"release": "7.0.0", "methods": 2, "functions": 2, "constants": 0},
                             {"release": "9.0.0", "methods": 3, "functions": 2, "constants": 1},
                             {"release": "11.3.0", "methods": 4, "functions": 2, "constants": 1}],
        "xml_paths": XML_PATHS,
        "xml_notes": XML_NOTES,
        "messages": MESSAGES,
        "error_codes": ERROR_CODES,
    }


def write_site_db(path: Path) -> Path:
    write_database(path, site_tables())
    return path
