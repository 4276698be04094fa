"""Every `--json` output of kb and kbgen against docs/json.md: each field documented with its type, each documented field real."""

import contextlib
import io
import json
import re
from collections import defaultdict
from pathlib import Path

import pytest
from conftest import FIXTURES
from site_fixture import write_site_db

from kbgen.cli.kb import main as kb_main
from kbgen.cli.kbgen import main as kbgen_main

DOC = Path(__file__).parent.parent / "docs" / "json.md"
PRIMITIVES = {
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
    "object": lambda v: isinstance(v, dict),
}

EXPLAINED = (
    "error: unknown procedure: 261\nerror: unknown procedure: 9999\n"
    "error: unsupported flags (0x5) in function fakeDomainUndefineFlags\n"
    "error: this function is not supported by the connection driver: virDomainPMSuspendForDuration\n"
    "./app: version `LIBVIRT_0.9.10' not found (required by ./app)\n"
    "libvirt version: 0.9.9, package: 1\nlibvirt version: 0.99999.9\n"
    "internal error: unsupported event ID 1\nunsupported event ID 99\nargument unsupported: parameter 'nosuch' not supported\n"
    "version `LIBVIRT_PRIVATE_9.0.0' not found\nversion `LIBVIRT_QEMU_2.0.0' not found\n"
    "virsh -c qemu:///system version --daemon\nUsing library: libvirt 0.9.10\nRunning hypervisor: QEMU 1.0.0\n"
)
KB_RUNS = [
    ["since", "virDomainUndefineFlags", "VIR_DOMAIN_UNDEFINE_KEEP_TPM", "VIR_DOMAIN_TUNABLE_CPU_VCPUPIN", "virDomainMigratePrepare3",
     "VIR_DOMAIN_OLD_ONLY", "nope"],
    ["since", "--driver", "fake", "VIR_DOMAIN_UNDEFINE_NVRAM", "VIR_DOMAIN_UNDEFINE_KEEP_TPM", "virDomainUndefineFlags"],
    ["show", "VIR_DOMAIN_UNDEFINE_NVRAM"], ["show", "virDomainPMSuspendForDuration"], ["show", "nope"],
    ["search", "undefine"], ["diff", "5.0.0", "12.8.0"], ["diff", "v0.9.99", "99.0.0-1"],
    ["drivers"], ["drivers", "qemu"], ["drivers", "qemuu"],
    ["conflicts"], ["proc", "261"], ["proc", "107"], ["proc", "9999"], ["explain", EXPLAINED],
    ["explain", "Requested operation is not valid: domain 'vm1' is not running"], ["explain", "ERROR: failed virDomainUndefineFlags"],
    ["check", "--server", "0.9.9", "--driver", "qemu", "virDomainPMSuspendForDuration", "VIR_DOMAIN_TUNABLE_CPU_VCPUPIN", "nope"],
    ["check", "--server", "9.0.0", "--driver", "fake", "VIR_DOMAIN_UNDEFINE_NVRAM", "VIR_DOMAIN_UNDEFINE_KEEP_TPM"],
    ["check", "--server", "12008000", "virDomainUndefineFlags"],
    ["virsh"], ["virsh", "--driver", "fake", "undefine", "--managed-save", "--nvram"], ["virsh", "dompmsuspend", "dom", "disk"],
    ["virsh", "helpless"], ["virsh", "undefin"],
    ["since", "dom.undefineFlags", "undefineFlags", "Domain.UndefineFlags", "libvirt.VIR_DOMAIN_UNDEFINE_NVRAM"],
    ["search", "undefineFlags"],
    ["check", "--server", "0.9.9", "--", "virsh", "-c", "fake:///system", "undefine", "--nvram"],
    ["since", "domain/devices/disk/@type=vhostuser", "domain/devices/disk/@type=file", "domain/devices/disk/@type=nope"],
    ["search", "vhostuser"],
]
DOMAIN_XML = "<domain type='kvm'><cpu migratable='on'/><devices><disk type='vhostuser'/><disk type='floppy'/><nope/></devices></domain>"
SITE_DB_RUNS = [  # the hand-written knowledge base has constants defined as other constants
    ["since", "virDomainSetVcpusFlags", "VIR_DOMAIN_VCPU_LIVE"],
    ["explain", "error: unsupported flags (0x104) in function qemuDomainSetVcpusFlags"],
    ["explain", "argument unsupported: parameter 'cpu_shares' not supported"],
    ["since", "virDomainSetSchedulerParameters", "VIR_DOMAIN_SCHEDULER_CPU_SHARES", "VIR_DOMAIN_SCHEDULER_FUTURE"],
    ["since", "virDomainPMSuspendForDuration", "VIR_NODE_SUSPEND_TARGET_DISK", "VIR_DOMAIN_EVENT_ID_REBOOT"],
    ["explain", "'virDomain' object has no attribute 'fdAssociate'\n'module' object has no attribute 'VIR_DOMAIN_UNDEFINE_TMP'\n"
                "'virConnect' object has no attribute 'undefineFlags'\nerror: 'VIR_DOMAIN_UNDEFINE_KEEP_TPM' undeclared\n"
                "implicit declaration of function 'virDomainUndefineFlag'"],
]


# --- docs/json.md as a schema -------------------------------------------------------------


def documented() -> tuple[dict[str, str], dict[str, dict[str, str] | str]]:
    """(command -> output type, NAME -> {field: type} or, for `### NAME = TYPE`, that type)."""
    commands: dict[str, str] = {}
    objects: dict[str, dict[str, str] | str] = {}
    section = None
    for line in DOC.read_text().splitlines():
        if line.startswith("## "):
            section = "commands" if line == "## Commands" else None
        elif m := re.fullmatch(r"### (\w+)(?: = (.+))?", line):
            section = m.group(1)
            objects[section] = m.group(2) or {}
        elif line.startswith("| `") and section:
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if section == "commands":
                commands[cells[0].strip("`")] = cells[2]
            else:
                objects[section].update(dict.fromkeys(re.findall(r"`(\w+)`", cells[0]), cells[1]))
    return commands, objects


class Schema:
    def __init__(self):
        self.commands, self.objects = documented()

    def check(self, value, typ: str, where: str) -> tuple[list[str], list[tuple[str, str, str, str]]]:
        """(errors, fields seen as (object, field, field's JSON type)) of VALUE against TYP."""
        results = [self._one(value, alternative, where) for alternative in typ.split(" or ")]
        if len(results) == 1 or any(not errors for errors, _ in results):
            return next((r for r in results if not r[0]), results[0])
        return [f"{where}: none of {typ}: " + "; ".join(errors[0] for errors, _ in results)], []

    def _one(self, value, typ: str, where: str):
        if typ in PRIMITIVES:
            return ([] if PRIMITIVES[typ](value) else [f"{where}: {json.dumps(value)[:80]} is not {typ}"]), []
        if typ.startswith("["):
            if not isinstance(value, list):
                return [f"{where}: not a list"], []
            return self._all((item, typ[1:-1], f"{where}[]") for item in value)
        if m := re.fullmatch(r"\{([A-Z]+): (.+)\}", typ):
            if not isinstance(value, dict):
                return [f"{where}: not a map"], []
            return self._all((item, m.group(2), f"{where}.{m.group(1)}") for item in value.values())
        shape = self.objects[typ]
        if isinstance(shape, str):
            return self.check(value, shape, where)
        if not isinstance(value, dict):
            return [f"{where}: not an object {typ}"], []
        undocumented = [f"{where}.{key}: not a field of {typ} in docs/json.md" for key in value if key not in shape]
        errors, seen = self._all((v, shape[k], f"{where}.{k}") for k, v in value.items() if k in shape)
        return undocumented + errors, seen + [(typ, k, json_type(v)) for k, v in value.items()]

    def _all(self, checks):
        errors, seen = [], []
        for value, typ, where in checks:
            e, s = self.check(value, typ, where)
            errors += e
            seen += s
        return errors, seen

    def output(self, data: dict, where: str):
        envelope = {k: data[k] for k in self.objects["ENVELOPE"] if k in data}
        errors, seen = self.check(envelope, "ENVELOPE", f"{where}: envelope")
        payload = {k: v for k, v in data.items() if k not in envelope}
        more_errors, more_seen = self.check(payload, self.commands.get(data.get("command"), "null"), where)
        return errors + more_errors, seen + more_seen


def json_type(value) -> str:
    return next(name for name in ("null", "boolean", "integer", "number", "string", "object") if PRIMITIVES[name](value)) \
        if not isinstance(value, list) else "list"


# --- every command's real output -------------------------------------------------------------


def run(main, argv: list[str]) -> dict:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        main(argv)
    return json.loads(out.getvalue())


@pytest.fixture(scope="module")
def outputs(fixture_db, tmp_path_factory) -> list[tuple[str, dict]]:
    tmp = tmp_path_factory.mktemp("json")
    site_db = write_site_db(tmp / "site.sqlite")
    found = [(" ".join(argv[:2]), run(kb_main, ["--db", str(fixture_db), argv[0], "--json", *argv[1:]])) for argv in KB_RUNS]
    found += [(" ".join(argv[:2]), run(kb_main, ["--db", str(site_db), argv[0], "--json", *argv[1:]])) for argv in SITE_DB_RUNS]
    (tmp / "domain.xml").write_text(DOMAIN_XML)
    for db in (fixture_db, site_db):
        found.append(("check --xml", run(kb_main, ["--db", str(db), "check", "--json", "--server", "7.0.0", "--driver", "lxc",
                                                   "--xml", str(tmp / "domain.xml")])))
    inputs = [f"{release}={FIXTURES / name}" for release, name in
              (("7.0.0", "release-old"), ("12.8.0", "release-new"), ("7.0.0", "srctree-old"), ("12.8.0", "srctree"))]
    sources = [arg for spec in inputs for arg in ("--input", spec)]
    with pytest.MonkeyPatch.context() as env:
        env.setenv("KBGEN_CACHE_DIR", str(tmp / "cache"))
        env.setenv("KBGEN_DEBIAN_MIRROR", "http://127.0.0.1:9/debian")  # nothing answers: the inputs are local
        found.append(("build", run(kbgen_main, ["build", "-q", "--json", "--db", str(tmp / "kb.sqlite"), *sources])))
        found.append(("refresh", run(kbgen_main, ["refresh", "-q", "--json", "--snapshot-dir", str(tmp / "snapshot"), *sources])))
        found.append(("fetch", run(kbgen_main, ["fetch", "-q", "--json", *sources])))
        found.append(("site", run(kbgen_main, ["site", "--json", "--db", str(site_db), "--out", str(tmp / "site")])))
        found.append(("inspect", run(kbgen_main, ["inspect", "--json", "--db", str(site_db)])))
    return found


@pytest.fixture(scope="module")
def checked(outputs):
    schema = Schema()
    errors, seen = [], []
    for where, data in outputs:
        e, s = schema.output(data, where)
        errors += e
        seen += s
    return schema, errors, seen


def test_every_output_is_in_the_envelope(outputs):
    assert {(data["format"], data["command"]) for _, data in outputs} == {("kbgen/1", where.split()[0]) for where, _ in outputs}


def test_every_field_of_every_output_is_documented_with_its_type(checked):
    _, errors, _ = checked
    assert errors == []


def test_every_documented_field_occurs_in_some_output(checked):
    schema, _, seen = checked
    fields = {(name, field) for name, shape in schema.objects.items() if isinstance(shape, dict) for field in shape}
    assert fields - {(name, field) for name, field, _ in seen} == set()


def test_every_command_is_documented_and_run(checked, outputs):
    schema, _, _ = checked
    assert set(schema.commands) == {data["command"] for _, data in outputs}


def test_a_field_name_has_one_type_in_every_command(checked):
    _, _, seen = checked
    types = defaultdict(set)
    for _, field, typ in seen:
        if typ != "null":
            types[field].add(typ)
    assert {field: found for field, found in types.items() if len(found) > 1} == {}


def test_a_bound_is_an_object_and_an_enum_value_an_integer(outputs):
    since = dict(outputs)["since virDomainUndefineFlags"]["results"]
    function, constant = since[0], since[1]
    assert function["flags_by_driver"][0]["bits"][0]["since"] == {"lower": "0.9.9", "after": None, "upper": "7.0.0", "exact": False, "span": 6}
    assert (constant["value"], constant["since"]) == (64, {"version": "8.9.0", "exact": True, "date": "2022-11-01"})
    assert since[4]["since"] == {"lower": None, "after": None, "upper": "7.0.0", "exact": False, "span": None}
    alias = dict(outputs)["since virDomainSetVcpusFlags"]["results"][1]
    assert (alias["value"], alias["alias_of"]) == (1, "VIR_DOMAIN_AFFECT_LIVE")
