"""Coverage-guided fuzzing of kbgen's parsers for a bounded time.

    python bench/fuzz.py --seconds 60                 # every parser, 60 s in all
    python bench/fuzz.py --seconds 300 --parser apixml --parser hvsupport

Each parser is fuzzed in its own process with atheris (libFuzzer for Python,
`pip install atheris`), starting from the test fixtures as seed corpus, for an
equal share of the time. Without atheris it falls back to random mutations of
the same seeds (byte flips, truncations, duplicated and deleted lines, stray
tokens), without coverage guidance.

A crash is any exception other than kbgen's own KbgenError (which is how a
parser refuses a bad input), a hang longer than --timeout seconds, or memory over
--rss-limit-mb. Crashes are reported with their place in the code and the input
is saved under --crashes (default: a temporary directory, printed). The script
prints how many inputs each parser was given; it exits 1 if anything crashed.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]
from archives import release_deb, tree_tarball  # noqa: E402
from fixture_tree import materialize  # noqa: E402

FIXTURES = materialize()

PARSERS = ("apixml", "hvsupport", "protocol", "syms", "drivertable", "checkflags", "deb", "tarball", "news", "virsh",
           "pybindings", "rng", "formatdocs", "messages", "enumchecks", "typedparams", "packages")
DICTIONARY = {
    "apixml": ["<api name='libvirt'>", "</api>", "<symbols>", "</symbols>", "<files>", "<function", "<enum", "<macro",
               "<typedef", "<struct", "<functype", "<variable", " name='", " version='", "0.9.4", " type='", " value='",
               "<arg name='flags'", "<!DOCTYPE", "<!ENTITY", "&amp;", "<![CDATA[", "]]>", "/>", "<info>"],
    "hvsupport": ["<table>", "</table>", "<tr>", "</tr>", "<td>", "</td>", "<th>", "<thead>", "<tbody>", "<h2>",
                  "<a id=\"virHypervisorDriver\">", "<a href=\"x\">", "API", "Version", "0.6.4 - 5.5.0", " - ", "0.9.4",
                  "<span class=\"removedhv\">", "<meta charset=\"UTF-8\"/>"],
    "protocol": ["enum remote_procedure {", "};", "REMOTE_PROC_", " = ", ",", "/*", "*/", "//", "261"],
    "syms": ["LIBVIRT_0.9.4 {", "LIBVIRT_PRIVATE_1.0.0 {", "global:", "local:", "*;", "} LIBVIRT_0.9.3;", "};", "#", ";"],
    "drivertable": ["struct _virHypervisorDriver {", "};", "virDrvDomainUndefineFlags domainUndefineFlags;",
                    "static virHypervisorDriver fakeHypervisorDriver = {", ".domainReboot = ", "NULL", "/* 0.9.4 */",
                    "/* 0.6.4 - 5.5.0 */", ","],
    "checkflags": ["virCheckFlags(", "virCheckFlagsGoto(", "VIR_DOMAIN_AFFECT_LIVE", " | ", "(", ")", "{", "}", "#define ",
                   "unsigned int flags", "flags", "/*", "*/", "\"", "'", "\\\n", "static int\n"],
    "deb": ["!<arch>\n", "data.tar.xz", "data.tar.gz", "control.tar.xz", "debian-binary", "`\n"],
    "tarball": ["ustar", "libvirt-1.0.0/src/", "libvirt_public.syms", ".c", "../", "/etc/passwd"],
    "news": ["<h2>", "</h2>", "<h3>", "v12.8.0 (2025-10-01)", "v0.0.1 (2005-12-19)", " (", "-", "\u00b6", "<a>", "</a>"],
    "virsh": ["const vshCmdDef domManagementCmds[] = {", "static const vshCmdOptDef opts_undefine[] = {", "{.name = \"",
              ".handler = cmd", ".opts = opts_", ".flags = VSH_CMD_FLAG_ALIAS", ".alias = \"", ".type = VSH_OT_BOOL",
              "#define VIRSH_COMMON_OPT_DOMAIN(", "\\\n", "VIR_ENUM_IMPL(virshX, VIR_X_LAST, \"a\", N_(\"b\"));",
              "vshCommandOptBool(cmd, \"", "flags |= VIR_DOMAIN_UNDEFINE_NVRAM;", "if (", "VIR_ERR_NO_SUPPORT", "goto ",
              "TypeFromString(", "{", "}", "(", ")", ";", "\"", "static bool\ncmdX(vshControl *ctl, const vshCmd *cmd)\n{"],
    "pybindings": ["class virDomain(object):", "def undefineFlags(self, flags=0):", "libvirtmod.virDomainUndefineFlags(",
                   "VIR_DOMAIN_UNDEFINE_NVRAM = 4", "    ", "\n", "(", ")", "[", "]", "lambda: ", "async def ",
                   "# -*- coding: latin-1 -*-\n", "\\N{", "f\"{", "}\"", "\x00"],
    "rng": ["<grammar xmlns=\"http://relaxng.org/ns/structure/1.0\">", "</grammar>", "<start>", "</start>",
            "<define name=\"a\">", "</define>", "<ref name=\"a\"/>", "<parentRef name=\"a\"/>",
            "<include href=\"common.rng\"/>", "<include href=\"domain.rng\"/>", "<element name=\"x\">", "</element>",
            "<attribute name=\"y\">", "</attribute>", "<value>z</value>", "<choice>", "</choice>", "<anyName/>",
            "<grammar>", "<div>", "</div>", "<name>", "</name>", "<!DOCTYPE"],
    "formatdocs": ["<span class=\"since\">", "</span>", "Since 6.0.0", "since 8.1.0 and QEMU 2.12", "QEMU only",
                   "<dl>", "</dl>", "<dt>", "</dt>", "<dd>", "</dd>", "<code>", "</code>", "<span class=\"literal\">",
                   "<table>", "<tr>", "<td>", "</td>", "<p>", "</p>", "\"nvme\" (", ". ", "<li>", "<pre>"],
    "messages": ["virReportError(VIR_ERR_INVALID_ARG, _(\"", "\"), ", "virReportSystemError(errno, ",
                 "virReportErrorHelper(", "vshError(ctl, ", "\"%s\", _(\"", "%1$s", "%llu", "\" PRIu64 \"", "\\x",
                 "\\777", "\\", "[VIR_ERR_OK] = {", "virErrorMsg(", "case VIR_ERR_X:", "N_(", "(", ")", ",", "{", "}"],
    "enumchecks": ["unsigned int target", "switch (target) {", "case VIR_NODE_SUSPEND_TARGET_MEM:", "default:",
                   "target != VIR_X", " == ", "&&", "static int\nfakeX(virConnectPtr conn, int source)\n{", "{", "}",
                   "(", ")", ",", ";"],
    "typedparams": ["virTypedParameterPtr params, int nparams", "virTypedParamsValidate(params, nparams,",
                    "VIR_TYPED_PARAM_ULLONG", "NULL", "#define FAKE_PARAMS \\\n", "\"literal\"", "(", ")", ",", ";",
                    "{", "}", "static int\nfakeX(virDomainPtr dom, virTypedParameterPtr params, int nparams)\n{"],
    "packages": ["Package: libvirt-dev\n", "Package: libvirt-doc\n", "Version: 12.8.0-1\n", "Version: 1:7.0.0-3+deb11u3\n",
                 "Filename: pool/main/libv/libvirt/libvirt-dev_12.8.0-1_amd64.deb\n", "SHA256: ", "\n\n", " ", ":", "..",
                 "pool/"],
}


# --- the targets: bytes in, a parse out --------------------------------------------------------


class Target:
    def __init__(self, name: str, scratch: Path):
        self.name = name
        self.scratch = scratch
        from kbgen.errors import KbgenError

        self.expected = KbgenError

    def seeds(self) -> list[bytes]:
        return _seeds(self.name)

    def __call__(self, data: bytes) -> None:
        getattr(self, f"_{self.name}")(data)

    def _file(self, name: str, data: bytes) -> Path:
        path = self.scratch / name
        path.write_bytes(data)
        return path

    def _apixml(self, data: bytes) -> None:
        from kbgen.parse.apixml import parse_api_xml

        parse_api_xml(self._file("libvirt-api.xml", data))

    def _hvsupport(self, data: bytes) -> None:
        from kbgen.parse.hvsupport import parse_hvsupport

        parse_hvsupport(self._file("hvsupport.html", data))

    def _protocol(self, data: bytes) -> None:
        from kbgen.parse.protocol import parse_protocol, procedure_api, procedure_label

        for proc in parse_protocol(data.decode("utf-8", "replace"), "src/remote/remote_protocol.x", "remote"):
            procedure_label(proc, procedure_api(proc, {"virDomainUndefineFlags", "virConnectOpen"}), {"virDomainMigratePrepare3"})

    def _syms(self, data: bytes) -> None:
        from kbgen.parse.symsfile import parse_syms

        parse_syms(data.decode("utf-8", "replace"), "src/libvirt_public.syms", "libvirt")

    def _drivertable(self, data: bytes) -> None:
        from kbgen.parse.drivertable import parse_driver_fields, parse_driver_tables

        text = data.decode("utf-8", "replace")
        try:
            parse_driver_fields(text, "src/driver-hypervisor.h")
        except self.expected:
            pass
        parse_driver_tables(text, "src/fake/fake_driver.c", {"virHypervisorDriver", "virNodeDeviceDriver"})

    def _checkflags(self, data: bytes) -> None:
        from kbgen.parse.checkflags import CSources

        sources = CSources({"src/fake/fake_driver.c": data.decode("utf-8", "replace")})
        for function in list(sources._functions)[:20] + ["fakeDomainUndefineFlags"]:
            sources.check(function)

    def _deb(self, data: bytes) -> None:
        from kbgen.inputs.debian import deb_members

        deb_members(self._file("libvirt-dev.deb", data), lambda name: True)

    def _tarball(self, data: bytes) -> None:
        from kbgen.inputs.sourcetree import unpack_tree

        target = self.scratch / "tree"
        shutil.rmtree(target, ignore_errors=True)
        try:
            unpack_tree(io.BytesIO(data), target, "libvirt.tar", strip_top=True)
        finally:
            shutil.rmtree(target, ignore_errors=True)
        leftovers = [p.name for p in self.scratch.iterdir() if p.name.startswith(("tree.", ".tree."))]
        if leftovers:
            raise AssertionError(f"unpack_tree left {leftovers} behind")

    def _news(self, data: bytes) -> None:
        from kbgen.parse.news import parse_news

        parse_news(self._file("news.html", data))

    def _virsh(self, data: bytes) -> None:
        from kbgen.parse.virsh import parse_virsh, virsh_from_data, virsh_to_data

        facts = parse_virsh({"tools/virsh-fake.c": data.decode("utf-8", "replace")}, VIRSH_APIS)
        virsh_from_data(virsh_to_data(facts))

    def _pybindings(self, data: bytes) -> None:
        from kbgen.parse.pybindings import parse_bindings

        for binding in parse_bindings(self._file("libvirt.py", data), "libvirt"):
            binding.name  # noqa: B018 - the property every caller reads

    def _rng(self, data: bytes) -> None:
        from kbgen.parse.rng import parse_schemas

        schemas = self.scratch / "schemas"
        schemas.mkdir(exist_ok=True)
        (schemas / "common.rng").write_bytes(RNG_COMMON)
        (schemas / "domain.rng").write_bytes(data)
        parse_schemas(schemas)

    def _formatdocs(self, data: bytes) -> None:
        from kbgen.parse.formatdocs import parse_format_doc

        parse_format_doc(self._file("formatdomain.html", data))

    def _messages(self, data: bytes) -> None:
        from kbgen.parse.checkflags import CSources
        from kbgen.parse.messages import parse_error_codes, parse_messages, reaching_apis

        text = data.decode("utf-8", "replace")
        files = {"src/fake/fake_driver.c": text, "tools/virsh-fake.c": text}
        messages = parse_messages(files)
        parse_error_codes(text)
        sources = CSources(files)
        entries = [("virX", sources, name) for name in list(sources._functions)[:20]]
        reaching_apis(entries, {m.function for m in messages if m.function})

    def _enumchecks(self, data: bytes) -> None:
        from kbgen.parse.checkflags import CSources
        from kbgen.parse.enumchecks import enum_checks

        sources = CSources({"src/fake/fake_driver.c": data.decode("utf-8", "replace")})
        for function in list(sources._functions)[:20]:
            enum_checks(sources, function)

    def _typedparams(self, data: bytes) -> None:
        from kbgen.parse.checkflags import CSources
        from kbgen.parse.typedparams import param_check, takes_typed_parameters

        sources = CSources({"src/fake/fake_driver.c": data.decode("utf-8", "replace")})
        for function in list(sources._functions)[:20] + ["fakeNoSuchFunction"]:
            takes_typed_parameters(sources, function)
            param_check(sources, function)

    def _packages(self, data: bytes) -> None:
        from kbgen.parse.packages_index import checked, parse_packages_index, upstream_version

        found = checked(parse_packages_index(data.decode("utf-8", "replace"), {"libvirt-dev", "libvirt-doc"}), "Packages.xz")
        for package in found:
            upstream_version(package.version)


VIRSH_APIS = {"virDomainUndefineFlags", "virDomainUndefine", "virDomainPMSuspendForDuration", "virDomainGetXMLDesc"}
RNG_COMMON = (FIXTURES / "release-new" / "schemas" / "common.rng").read_bytes()
PACKAGES = """Package: libvirt-clients
Version: 12.8.0-1
Filename: pool/main/libv/libvirt/libvirt-clients_12.8.0-1_amd64.deb
SHA256: {a}

Package: libvirt-dev
Source: libvirt
Version: 1:12.8.0-1+b1
Description: development files
 a continuation line: with a colon
Filename: pool/main/libv/libvirt/libvirt-dev_12.8.0-1_amd64.deb
SHA256: {b}

Package: libvirt-doc
Version: 12.8.0-1
Filename: pool/main/libv/libvirt/libvirt-doc_12.8.0-1_all.deb
SHA256: {c}
""".format(a="a" * 64, b="b" * 64, c="0123456789abcdef" * 4)


def _seeds(name: str) -> list[bytes]:
    tree, old = FIXTURES / "srctree", FIXTURES / "srctree-old"
    new_release, old_release = FIXTURES / "release-new", FIXTURES / "release-old"
    c_sources = [tree / "src/fake/fake_driver.c", old / "src/fake/fake_driver.c", tree / "src/fake/fake_backend_alt.c"]
    files = {
        "apixml": [FIXTURES / "release-new" / "libvirt-api.xml", FIXTURES / "release-old" / "libvirt-api.xml",
                   FIXTURES / "release-new" / "libvirt-qemu-api.xml"],
        "hvsupport": [FIXTURES / "release-new" / "hvsupport.html", FIXTURES / "release-old" / "hvsupport.html"],
        "protocol": [tree / "src/remote/remote_protocol.x", old / "src/remote/remote_protocol.x"],
        "syms": [tree / "src/libvirt_public.syms", old / "src/libvirt_public.syms"],
        "drivertable": [tree / "src/driver-hypervisor.h", tree / "src/driver-nodedev.h", tree / "src/fake/fake_driver.c",
                        tree / "src/node_device/node_device_udev.c"],
        "checkflags": [tree / "src/fake/fake_driver.c", old / "src/fake/fake_driver.c"],
        "news": [new_release / "news.html", old_release / "news.html"],
        "virsh": [tree / "tools/virsh-fake.c"],
        "pybindings": [new_release / "libvirt.py", old_release / "libvirt.py", new_release / "libvirt_qemu.py"],
        "rng": [new_release / "schemas/domain.rng", old_release / "schemas/domain.rng", new_release / "schemas/common.rng"],
        "formatdocs": [new_release / "formatdomain.html", new_release / "hvsupport.html"],
        "messages": c_sources + [tree / "src/util/virerror.c", tree / "tools/virsh-fake.c"],
        "enumchecks": c_sources,
        "typedparams": c_sources,
    }
    if name in files:
        return [p.read_bytes() for p in files[name]]
    if name == "packages":
        return [PACKAGES.encode()]
    if name == "deb":
        return [release_deb(FIXTURES / "release-new"), release_deb(FIXTURES / "release-old", "gz")]
    return [tree_tarball(tree, "gz"), tree_tarball(old, "xz")]


# --- one parser, in a child process ------------------------------------------------------------


class Crashes:
    """Unique crashes by (exception type, innermost kbgen frame); inputs saved under a directory."""

    def __init__(self, directory: Path, target: str):
        self.directory = directory
        self.target = target
        self.seen: set[tuple] = set()

    def record(self, err: BaseException, data: bytes) -> None:
        frames = traceback.extract_tb(err.__traceback__)
        ours = [f for f in frames if "/kbgen/" in f.filename] or frames
        where = f"{Path(ours[-1].filename).name}:{ours[-1].lineno}" if ours else "?"
        key = (type(err).__name__, where)
        if key in self.seen:
            return
        self.seen.add(key)
        path = self.directory / f"crash-{self.target}-{hashlib.sha1(data).hexdigest()[:12]}"
        path.write_bytes(data)
        message = " ".join(str(err).split())[:160]
        print(f"CRASH {self.target} {type(err).__name__} at {where}: {message} (input: {path})", flush=True)


def run_child(name: str, seconds: float, crashes_dir: Path, use_atheris: bool, timeout: int, rss_limit_mb: int) -> None:
    scratch = Path(tempfile.mkdtemp(prefix=f"kbgen-fuzz-{name}-", dir="/dev/shm" if os.path.isdir("/dev/shm") else None))
    crashes = Crashes(crashes_dir, name)
    try:
        if use_atheris:
            _atheris(name, seconds, scratch, crashes, timeout, rss_limit_mb)
        else:
            _random(name, seconds, scratch, crashes)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _atheris(name: str, seconds: float, scratch: Path, crashes: Crashes, timeout: int, rss_limit_mb: int) -> None:
    import atheris

    with atheris.instrument_imports(include=["kbgen"]):
        import kbgen.inputs.debian
        import kbgen.inputs.sourcetree
        import kbgen.parse.apixml
        import kbgen.parse.checkflags
        import kbgen.parse.drivertable
        import kbgen.parse.enumchecks
        import kbgen.parse.formatdocs
        import kbgen.parse.hvsupport
        import kbgen.parse.messages
        import kbgen.parse.news
        import kbgen.parse.packages_index
        import kbgen.parse.protocol
        import kbgen.parse.pybindings
        import kbgen.parse.rng
        import kbgen.parse.symsfile
        import kbgen.parse.typedparams
        import kbgen.parse.virsh
        import kbgen.versions  # noqa: F401
    target = Target(name, scratch)
    corpus = scratch / "corpus"
    corpus.mkdir()
    for i, seed in enumerate(target.seeds()):
        (corpus / f"seed-{i}").write_bytes(seed)
    dictionary = scratch / "dict"
    dictionary.write_text("".join(f'"{_escape(token)}"\n' for token in DICTIONARY[name]))

    def test_one_input(data: bytes) -> None:
        try:
            target(data)
        except target.expected:
            pass
        except Exception as err:  # noqa: BLE001 - anything else is what we are looking for
            crashes.record(err, data)

    args = [sys.argv[0], f"-max_total_time={max(1, int(seconds))}", f"-timeout={timeout}", f"-rss_limit_mb={rss_limit_mb}",
            f"-dict={dictionary}", f"-artifact_prefix={crashes.directory}/{name}-", "-print_final_stats=1", str(corpus)]
    atheris.Setup(args, test_one_input)
    atheris.Fuzz()


def _escape(token: str) -> str:
    return "".join(c if 32 <= ord(c) < 127 and c not in '"\\' else f"\\x{ord(c):02x}" for c in token)


TOKENS = [t.encode() for tokens in DICTIONARY.values() for t in tokens] + [b"\x00", b"\xff", b"\xd9\xa3", b"99999999999"]


def _random(name: str, seconds: float, scratch: Path, crashes: Crashes) -> None:
    """The fallback without atheris: random mutations of the seeds, no coverage guidance."""
    target = Target(name, scratch)
    seeds = target.seeds()
    rng = random.Random()
    deadline = time.monotonic() + seconds
    runs = 0
    while time.monotonic() < deadline:
        data = bytearray(rng.choice(seeds))
        for _ in range(rng.randint(1, 8)):
            if not data:
                break
            at = rng.randrange(len(data))
            op = rng.randrange(5)
            if op == 0:
                data[at] = rng.randrange(256)
            elif op == 1:
                del data[at:]
            elif op == 2:
                data[at:at] = rng.choice(TOKENS)
            else:
                lines = bytes(data).split(b"\n")
                i = rng.randrange(len(lines))
                if op == 3:
                    lines.insert(i, lines[i])
                else:
                    del lines[i]
                data = bytearray(b"\n".join(lines))
        runs += 1
        try:
            target(bytes(data))
        except target.expected:
            pass
        except Exception as err:  # noqa: BLE001
            crashes.record(err, bytes(data))
    print(f"Done {runs} runs in {int(seconds)} second(s)", file=sys.stderr, flush=True)


# --- the parent: one child per parser, then the figures ----------------------------------------------


def fuzz(name: str, seconds: float, crashes_dir: Path, use_atheris: bool, timeout: int, rss_limit_mb: int) -> dict:
    command = [sys.executable, str(Path(__file__).resolve()), "--child", name, "--seconds", str(seconds),
               "--crashes", str(crashes_dir), "--timeout", str(timeout), "--rss-limit-mb", str(rss_limit_mb)]
    if not use_atheris:
        command.append("--no-atheris")
    start = time.monotonic()
    done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, timeout=seconds + 120, check=False)
    elapsed = time.monotonic() - start
    runs = re.findall(r"Done (\d+) runs in", done.stderr) or re.findall(r"stat::number_of_executed_units:\s*(\d+)", done.stderr)
    crashes = [line for line in done.stdout.splitlines() if line.startswith("CRASH ")]
    coverage = re.findall(r"cov: (\d+) ft: (\d+)", done.stderr)
    if done.returncode != 0:  # libFuzzer's own findings: a timeout, out of memory, a crash of the interpreter
        kind = re.search(r"ERROR: libFuzzer: ([\w -]+)", done.stderr)
        crashes.append(f"CRASH {name} {kind.group(1).strip() if kind else f'exit status {done.returncode}'}"
                       f" (see {crashes_dir}/{name}-*)\n{done.stderr[-1500:]}")
    return {"parser": name, "runs": int(runs[-1]) if runs else 0, "seconds": elapsed, "crashes": crashes,
            "coverage": coverage[-1] if coverage else None}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Fuzz kbgen's parsers for a bounded time; report inputs tried and crashes.")
    parser.add_argument("--seconds", type=float, default=60, help="time budget for all parsers together (default 60)")
    parser.add_argument("--parser", action="append", choices=PARSERS, help="only this parser (repeatable; default: all)")
    parser.add_argument("--crashes", type=Path, help="where to save crashing inputs (default: a new temporary directory)")
    parser.add_argument("--timeout", type=int, default=10, help="seconds one input may take before it counts as a hang")
    parser.add_argument("--rss-limit-mb", type=int, default=2048, help="memory one parser may use before it counts as a crash")
    parser.add_argument("--no-atheris", action="store_true", help="random mutations even if atheris is installed")
    parser.add_argument("--child", choices=PARSERS, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    try:
        import atheris  # noqa: F401

        use_atheris = not args.no_atheris
    except ImportError:
        use_atheris = False
    crashes_dir = args.crashes or Path(tempfile.mkdtemp(prefix="kbgen-fuzz-crashes-"))
    crashes_dir.mkdir(parents=True, exist_ok=True)
    if args.child:
        run_child(args.child, args.seconds, crashes_dir, use_atheris, args.timeout, args.rss_limit_mb)
        return 0
    names = args.parser or list(PARSERS)
    share = args.seconds / len(names)
    engine = "atheris (coverage-guided libFuzzer)" if use_atheris else "random mutations (no coverage guidance)"
    print(f"fuzzing {len(names)} parser(s) for {args.seconds:g} s in all, {share:.1f} s each, with {engine}")
    print(f"{'parser':<12} {'inputs':>10} {'per s':>8} {'coverage':>14}  crashes")
    results = []
    for name in names:
        r = fuzz(name, share, crashes_dir, use_atheris, args.timeout, args.rss_limit_mb)
        results.append(r)
        cov = f"{r['coverage'][0]}/{r['coverage'][1]}" if r["coverage"] else "-"
        print(f"{name:<12} {r['runs']:>10} {r['runs'] / max(share, 1e-9):>8.0f} {cov:>14}  {len(r['crashes'])}", flush=True)
    total = sum(r["runs"] for r in results)
    crashes = [c for r in results for c in r["crashes"]]
    print(f"{'total':<12} {total:>10}")
    if crashes:
        print(f"\n{len(crashes)} crash(es); inputs in {crashes_dir}:")
        for crash in crashes:
            print("  " + crash)
        return 1
    print(f"no crash: every input was parsed or refused with KbgenError (crash directory {crashes_dir} is empty)")
    if args.crashes is None:
        shutil.rmtree(crashes_dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
