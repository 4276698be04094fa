"""Hostile inputs, round two: the input side of the build (downloads, packages, tarballs, clones, manifests).

Each case pins the exact outcome through the real `kbgen` CLI where it can: exit 2,
one line naming the input and the limit, no traceback, and nothing written where it
must not be. Limits are lowered with monkeypatch to keep the tests fast; the cases
run at their real size (docs/robustness.md, "Round two: inputs") run in a fresh
process that reports its own peak RSS.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import lzma
import resource
import shutil
import socket
import sqlite3
import struct
import subprocess
import sys
import tarfile
import threading
import time
import tomllib
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from archives import API_DIR, deb_bytes, release_deb, tar_bytes, tree_tarball
from conftest import FIXTURES
from httpserver import Reply

from kbgen.cli.kbgen import main as kbgen_main
from kbgen.inputs import debian as debian_inputs
from kbgen.inputs import http as http_inputs
from kbgen.inputs import sourcetree as sourcetree_inputs
from kbgen.inputs.manifest import (
    Release,
    Source,
    load_manifest,
    manifest_entry,
    toml_string,
)
from kbgen.versions import normalise_version, version_key

ROOT = Path(__file__).resolve().parent.parent
NEW, OLD, TREE = FIXTURES / "release-new", FIXTURES / "release-old", FIXTURES / "srctree"
MB = 1024 * 1024
POOL_DEB = "pool/main/libv/libvirt/libvirt-dev_12.8.0-1_amd64.deb"


# --- helpers ------------------------------------------------------------------------


def kbgen(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = kbgen_main(list(args))
    return code, out.getvalue(), err.getvalue()


def build(tmp_path: Path, *inputs: str, db: Path | None = None) -> tuple[int, str, str]:
    """`kbgen build` of --input specs; returns (exit status, stdout, stderr)."""
    specs = [arg for spec in inputs for arg in ("--input", spec)]
    return kbgen("build", "-q", "--json", "--db", str(db or tmp_path / "kb.sqlite"),
                 "--cache-dir", str(tmp_path / "cache"), *specs)


def refused(code: int, out: str, err: str, message: str) -> None:
    """The one safe outcome of a refused input: exit 2, that one line on stderr, nothing else."""
    assert (code, out) == (2, ""), err
    assert err.rstrip("\n").endswith(message), err
    assert err.count("\n") == 1 and "Traceback" not in err, err


def files_under(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*")) if root.exists() else []


def write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def without_hvsupport(tmp_path: Path, release: Path = NEW) -> Path:
    """A copy of a fixture release without its hvsupport.html."""
    target = tmp_path / "without-hvsupport"
    shutil.copytree(release, target, ignore=shutil.ignore_patterns("hvsupport.html"))
    return target


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def counts(db: Path) -> dict[str, int]:
    with contextlib.closing(sqlite3.connect(db)) as con:
        tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return {t: con.execute(f"SELECT COUNT(*) FROM [{t}]").fetchone()[0] for t in tables if t != "meta"}


@contextlib.contextmanager
def raw_http(response: bytes, body_repeats: int = 0, chunk: bytes = b"") -> Iterator[str]:
    """A loopback server answering every request with these bytes as they are (bad headers included),
    then chunk body_repeats times, then closing the connection; yields its URL."""
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.05)
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            conn.settimeout(None)
            with conn, contextlib.suppress(OSError):
                conn.recv(65536)
                conn.sendall(response)
                for _ in range(body_repeats):
                    conn.sendall(chunk)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        stop.set()
        listener.close()
        thread.join(5)


def gzip_of_zeros(pieces: list[bytes | int]) -> bytes:
    """A gzip stream of pieces, each bytes or a count of MiB of zeros: a decompression bomb made in
    milliseconds, as one compressed MiB of zeros (a full-flush deflate segment) can be repeated."""
    zeros, crc, size, segments = bytes(MB), 0, 0, []
    for piece in pieces:
        data = zeros if isinstance(piece, int) else piece
        compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
        segment = compressor.compress(data) + compressor.flush(zlib.Z_FULL_FLUSH)
        repeat = piece if isinstance(piece, int) else 1
        segments.append(segment * repeat)
        for _ in range(repeat):
            crc = zlib.crc32(data, crc)
        size += len(data) * repeat
    end = zlib.compressobj(9, zlib.DEFLATED, -15).flush(zlib.Z_FINISH)
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"
    return header + b"".join(segments) + end + struct.pack("<II", crc, size & 0xFFFFFFFF)


def zeros_deb(members: list[tuple[str, int]]) -> bytes:
    """A .deb whose data.tar.gz holds these members, each that many MiB of zeros."""
    pieces: list[bytes | int] = []
    for name, mib in members:
        info = tarfile.TarInfo(name)
        info.size = mib * MB
        pieces += [info.tobuf(format=tarfile.GNU_FORMAT), mib]
    pieces.append(bytes(10240))
    return deb_bytes(gzip_of_zeros(pieces), "data.tar.gz")


CLI_PROBE = """
import contextlib, io, json, resource, sys, time
from kbgen.cli.kbgen import main
start = time.monotonic()
err = io.StringIO()
with contextlib.redirect_stderr(err):
    code = main(sys.argv[1:])
try:  # this program's own peak: ru_maxrss would count pages of the parent it had before exec
    with open("/proc/self/status") as status:
        peak_kib = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
except OSError:
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"code": code, "stderr": err.getvalue(), "seconds": time.monotonic() - start,
                  "peak_mb": peak_kib / 1024}))
"""


def _address_space_limit() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (4096 * MB, 4096 * MB))


def kbgen_in_subprocess(*args: str, timeout: float = 120) -> dict:
    """`kbgen ARGS` in a fresh interpreter (at most 4 GB of address space): exit status, stderr, time, peak RSS."""
    done = subprocess.run([sys.executable, "-c", CLI_PROBE, *args], capture_output=True, text=True, timeout=timeout,
                          cwd=ROOT, preexec_fn=_address_space_limit, check=False)
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    return json.loads(done.stdout.splitlines()[-1])  # after what kbgen printed


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@t", *args],
                          check=True, capture_output=True, text=True).stdout


def make_clone(repo: Path, tags: tuple[str, ...] = ("v12.8.0",), extra: dict[str, bytes] | None = None) -> Path:
    """A git repository whose one commit holds the fixture source tree (plus extra files), under these tags."""
    shutil.copytree(TREE / "src", repo / "src")
    for name, data in (extra or {}).items():
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        (repo / name).write_bytes(data)
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "release")
    for tag in tags:
        git(repo, "tag", tag)
    return repo


# --- 1. size limits -------------------------------------------------------------------


def test_a_deb_whose_members_add_up_past_the_package_cap_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(debian_inputs, "MAX_PACKAGE_BYTES", 8 * MB)
    names = ["libvirt-api.xml", "libvirt-qemu-api.xml", "libvirt-lxc-api.xml"]
    deb = write(tmp_path / "libvirt-dev_12.8.0-1_amd64.deb",
                deb_bytes(tar_bytes({f"./{API_DIR}/{n}": bytes(3 * MB) for n in names})))
    refused(*build(tmp_path, f"12.8.0={deb}"),
            f"{deb}: data.tar.xz: {API_DIR}/libvirt-lxc-api.xml is {3 * MB} bytes after {6 * MB} bytes of other "
            f"members, more than the {8 * MB} kbgen reads from a package; refusing it")
    assert files_under(tmp_path / "cache") == ["extracted"] and not (tmp_path / "kb.sqlite").exists()


@pytest.mark.parametrize("mib", [200, 60], ids=["six-200-MiB-members", "six-60-MiB-members"])
def test_a_small_deb_unpacking_to_gigabytes_is_refused_in_bounded_memory(tmp_path, mib):
    # The issue's case: a deb of about a megabyte whose six wanted members of 200 MiB
    # each reached 1.5 GB of memory; under the cap (64 MiB) each one, still refused.
    names = ["libvirt-api.xml", "libvirt-qemu-api.xml", "libvirt-lxc-api.xml", "libvirt-admin-api.xml",
             "a/libvirt-api.xml", "b/libvirt-api.xml"]
    deb = write(tmp_path / "bomb.deb", zeros_deb([(f"./{API_DIR}/{n}", mib) for n in names]))
    assert deb.stat().st_size < 2 * MB
    run = kbgen_in_subprocess("build", "-q", "--db", str(tmp_path / "kb.sqlite"), "--cache-dir",
                              str(tmp_path / "cache"), "--input", f"12.8.0={deb}")
    first, second = f"{API_DIR}/libvirt-api.xml", f"{API_DIR}/libvirt-qemu-api.xml"
    expected = (f"{first} is {mib * MB} bytes" if mib > 64 else f"{second} is {mib * MB} bytes after {mib * MB} "
                "bytes of other members")
    assert run["code"] == 2
    assert run["stderr"] == (f"kbgen build: {deb}: data.tar.gz: {expected}, more than the {64 * MB} kbgen reads "
                             "from a package; refusing it\n")
    assert run["peak_mb"] < 160, run  # the interpreter: ~35 MB; at most one member under the cap held (was 1458 MB)
    print(f"\n{deb.stat().st_size} byte deb of 6 x {mib} MiB: {run['seconds']:.2f} s, peak {run['peak_mb']:.0f} MB")


def test_a_download_declaring_more_than_the_cap_is_refused_before_its_body(tmp_path, http_server, monkeypatch):
    monkeypatch.setattr(http_inputs, "MAX_DOWNLOAD_BYTES", 1 * MB)
    http_server.route("/libvirt-api.xml", Reply(body=bytes(2 * MB)))
    url = http_server.url("/libvirt-api.xml")
    refused(*build(tmp_path, f"12.8.0={url}"),
            f"kbgen build: cannot download {url}: it is {2 * MB} bytes (Content-Length), more than the {MB} "
            "kbgen downloads per file; refusing it")
    assert files_under(tmp_path / "cache" / "http") == []


def test_an_endless_download_without_a_length_stops_at_the_cap(tmp_path, monkeypatch):
    monkeypatch.setattr(http_inputs, "MAX_DOWNLOAD_BYTES", 1 * MB)
    head = b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n"
    with raw_http(head, body_repeats=4096, chunk=bytes(64 * 1024)) as base:  # 256 MiB if read to the end
        url = f"{base}/libvirt-api.xml"
        start = time.monotonic()
        refused(*build(tmp_path, f"12.8.0={url}"),
                f"kbgen build: cannot download {url}: more than the {MB} bytes kbgen downloads per file; refusing it")
    assert time.monotonic() - start < 10
    assert files_under(tmp_path / "cache" / "http") == []


def test_a_gzip_encoded_body_is_refused_not_decoded(tmp_path, http_server):
    xml = (NEW / "libvirt-api.xml").read_bytes()
    http_server.route("/libvirt-api.xml", Reply(body=zlib.compress(xml), headers={"Content-Encoding": "gzip"}))
    url = http_server.url("/libvirt-api.xml")
    refused(*build(tmp_path, f"12.8.0={url}"),
            f"kbgen build: cannot download {url}: the server sent it with Content-Encoding 'gzip' although "
            "kbgen asked for identity; refusing it")
    assert http_server.requests["/libvirt-api.xml"][0]["Accept-Encoding"] == "identity"
    assert files_under(tmp_path / "cache" / "http") == []


@pytest.mark.parametrize("member_mib, tree_mib, message", [
    (1, 64, "src/huge.c is 2097152 bytes, more than the 1048576 kbgen unpacks per file of a source tree; refusing it"),
    (64, 3, ("its source files reach {total} bytes at src/z2.c, more than the 3145728 kbgen unpacks per source tree;"
            " refusing it")),
], ids=["per-file", "per-tree"])
def test_a_tarball_unpacking_past_a_cap_is_refused_and_leaves_nothing(tmp_path, monkeypatch, member_mib, tree_mib,
                                                                      message):
    monkeypatch.setattr(sourcetree_inputs, "MAX_MEMBER_BYTES", member_mib * MB)
    monkeypatch.setattr(sourcetree_inputs, "MAX_TREE_BYTES", tree_mib * MB)
    extra = {"libvirt-1.0.0/src/huge.c": bytes(2 * MB)} if member_mib == 1 else {
        f"libvirt-1.0.0/src/z{i}.c": bytes(MB) for i in range(5)}
    tarball = write(tmp_path / "libvirt_12.8.0.orig.tar.xz", tree_tarball(TREE, extra=extra))
    tree_bytes = sum(p.stat().st_size for d in ("src", "tools") for p in (TREE / d).rglob("*") if p.is_file())
    refused(*build(tmp_path, f"12.8.0={NEW}", f"12.8.0={tarball}"),
            f"{tarball}: " + message.format(total=tree_bytes + 3 * MB))
    assert files_under(tmp_path / "cache" / "trees") == []


def test_a_clone_whose_files_pass_the_cap_is_refused_before_a_blob_is_read(tmp_path, monkeypatch):
    monkeypatch.setattr(sourcetree_inputs, "MAX_MEMBER_BYTES", 1 * MB)
    clone = make_clone(tmp_path / "libvirt", extra={"src/huge.c": bytes(2 * MB)})
    commit = git(clone, "rev-parse", "HEAD").strip()
    code, out, err = kbgen("build", "-q", "--db", str(tmp_path / "kb.sqlite"), "--cache-dir", str(tmp_path / "cache"),
                           "--input", f"12.8.0={NEW}", "--git", str(clone))
    refused(code, out, err, f"{clone}@{commit}: src/huge.c is {2 * MB} bytes, more than the {MB} kbgen unpacks "
                            "per file of a source tree; refusing it")
    assert files_under(tmp_path / "cache" / "trees") == []


def packages_xz(*stanzas: str) -> bytes:
    return lzma.compress("\n\n".join(stanzas).encode() + b"\n")


def stanza(package: str = "libvirt-dev", version: str = "12.8.0-1", filename: str | None = None,
           digest: str = "a" * 64) -> str:
    arch = "all" if package == "libvirt-doc" else "amd64"
    filename = filename or f"pool/main/libv/libvirt/{package}_{version.partition(':')[2] or version}_{arch}.deb"
    return f"Package: {package}\nVersion: {version}\nArchitecture: {arch}\nFilename: {filename}\nSHA256: {digest}"


@pytest.fixture
def mirror(http_server, monkeypatch):
    monkeypatch.setenv("KBGEN_DEBIAN_MIRROR", http_server.url("/debian"))
    return http_server


def debian_lookup(tmp_path: Path, suite: str = "sid") -> tuple[int, str, str]:
    return kbgen("debian-lookup", "-q", "--cache-dir", str(tmp_path / "cache"), suite)


INDEX = "/debian/dists/sid/main/binary-amd64/Packages.xz"


def test_a_packages_index_decompressing_past_the_cap_is_refused(tmp_path, mirror, monkeypatch):
    monkeypatch.setattr(debian_inputs, "MAX_INDEX_BYTES", 4 * MB)
    bomb = lzma.compress(stanza().encode() + b"\n\n" + bytes(16 * MB), preset=0)
    assert len(bomb) < 16 * 1024
    mirror.route(INDEX, Reply(body=bomb))
    refused(*debian_lookup(tmp_path),
            f"kbgen debian-lookup: {mirror.url(INDEX)}: decompresses to more than the {4 * MB} bytes kbgen reads "
            "from a Packages index; refusing it")


# --- 2. plain files given by URL --------------------------------------------------------


@pytest.mark.parametrize("query", ["", "?download=1"])
def test_a_plain_file_given_by_url_is_used_under_its_name(tmp_path, http_server, query):
    http_server.route(f"/files/hvsupport.html{query}", Reply(body=(NEW / "hvsupport.html").read_bytes()))
    url = http_server.url(f"/files/hvsupport.html{query}")
    code, _out, err = build(tmp_path, f"12.8.0={without_hvsupport(tmp_path)}", f"12.8.0={url}")
    assert code == 0, err
    by_url = counts(tmp_path / "kb.sqlite")
    assert build(tmp_path, f"12.8.0={NEW}", db=tmp_path / "local.sqlite")[0] == 0
    assert by_url == counts(tmp_path / "local.sqlite") and by_url["matrix_apis"] > 0
    with contextlib.closing(sqlite3.connect(tmp_path / "kb.sqlite")) as con:
        assert url in {r[0] for r in con.execute("SELECT origin FROM inputs")}


def test_an_api_xml_given_by_url_in_the_manifest_is_used(tmp_path, http_server):
    xml = (NEW / "libvirt-api.xml").read_bytes()
    http_server.route("/libvirt-api.xml", Reply(body=xml))
    manifest = tmp_path / "releases.toml"
    manifest.write_text(f'[[release]]\nversion = "12.8.0"\nsources = [\n'
                        f'  {{ url = "{http_server.url("/libvirt-api.xml")}", sha256 = "{sha256(xml)}" }},\n]\n')
    code, _out, err = kbgen("build", "-q", "--db", str(tmp_path / "kb.sqlite"), "--cache-dir", str(tmp_path / "cache"),
                           "--manifest", str(manifest))
    assert code == 0, err
    only_api = tmp_path / "only"
    only_api.mkdir()
    shutil.copy(NEW / "libvirt-api.xml", only_api)
    assert build(tmp_path, f"12.8.0={only_api}", db=tmp_path / "local.sqlite")[0] == 0
    assert counts(tmp_path / "kb.sqlite") == counts(tmp_path / "local.sqlite")
    assert counts(tmp_path / "kb.sqlite")["symbols"] > 0


# --- 3. debian-lookup writes manifest lines the loader reads ----------------------------


def test_debian_lookup_prints_a_manifest_entry_that_loads_back(tmp_path, mirror):
    dev, doc = stanza("libvirt-dev", "1:012.8.0-1", digest="b" * 64), stanza("libvirt-doc", "1:012.8.0-1")
    mirror.route(INDEX, Reply(body=packages_xz(stanza("other"), dev, doc)))
    code, out, err = debian_lookup(tmp_path)
    assert code == 1 and "lacks python3-libvirt" in err, err  # the rest of an entry: tests/test_debian.py
    manifest = write(tmp_path / "releases.toml", out.encode())
    assert load_manifest(manifest) == [Release("12.8.0", (
        Source("pool", "pool/main/libv/libvirt/libvirt-dev_012.8.0-1_amd64.deb", "b" * 64),
        Source("pool", "pool/main/libv/libvirt/libvirt-doc_012.8.0-1_all.deb", "a" * 64),
    ), "sid")]


@pytest.mark.parametrize("field, message", [
    ({"filename": 'pool/a.deb", path = "/etc/shadow'},
     "libvirt-dev: Filename 'pool/a.deb\", path = \"/etc/shadow' is not a relative path under pool/"),
    ({"filename": "pool/../../etc/shadow"}, ("libvirt-dev: Filename 'pool/../../etc/shadow' is not a relative path "
                                            "under pool/")),
    ({"filename": "/etc/shadow"}, "libvirt-dev: Filename '/etc/shadow' is not a relative path under pool/"),
    ({"digest": 'a" }, { path = "/etc/shadow'}, ("libvirt-dev: SHA256 'a\" }, { path = \"/etc/shadow' is not 64 "
                                                "hexadecimal digits")),
    ({"version": '12.8.0"\npath = "/etc/shadow-1', "filename": "pool/a.deb"},
     "libvirt-dev: Version '12.8.0\"' is not a libvirt version"),
    ({"version": "99999.0.0-1"}, "libvirt-dev: Version '99999.0.0-1' is not a libvirt version"),
], ids=["filename-injection", "filename-dotdot", "filename-absolute", "sha256-injection", "version-on-two-lines",
        "version-out-of-range"])
def test_debian_lookup_refuses_crafted_index_fields(tmp_path, mirror, field, message):
    mirror.route(INDEX, Reply(body=packages_xz(stanza(**field))))
    code, out, err = debian_lookup(tmp_path)
    refused(code, out, err, f"kbgen debian-lookup: {mirror.url(INDEX)}: {message}")


@pytest.mark.parametrize("text", ['"', "\\", 'a" ]\npath = "/etc/shadow', "\x00\x01\x1f\x7f", "tab\there",
                                  "ünïcödé ✓ 😀", "\\u0041", "'''"])
def test_toml_string_reads_back_as_the_same_text(text):
    assert tomllib.loads(f"x = {toml_string(text)}") == {"x": text}


def test_a_manifest_entry_with_a_hostile_suite_reads_back_as_that_suite(tmp_path):
    suite = 'sid"\npath = "/etc/shadow'
    manifest = write(tmp_path / "releases.toml", manifest_entry("12.8.0", suite, [("pool/a.deb", "c" * 64)]).encode())
    assert load_manifest(manifest) == [Release("12.8.0", (Source("pool", "pool/a.deb", "c" * 64),), suite)]


def hostile_handler(repeat: int, lines: str) -> bytes:
    """tools/virsh-hostile.c: one command whose handler repeats these lines."""
    return (f'static const vshCmdOptDef opts_hostile[] = {{\n    {{.name = "nvram", .type = VSH_OT_BOOL}},\n'
            f'    {{.name = NULL}}\n}};\n\nstatic bool\ncmdHostile(vshControl *ctl, const vshCmd *cmd)\n{{\n'
            f'    unsigned int flags = 0;\n{lines * repeat}    return rc == 0;\n}}\n\n'
            'const vshCmdDef hostileCmds[] = {\n    {.name = "hostile", .handler = cmdHostile, .opts = opts_hostile},\n'
            '    {.name = NULL}\n};\n').encode()


@pytest.mark.parametrize("repeat, lines, row", [
    # Each check re-listed the calls and `if`s before it and rescanned for its block's end: 46 s (35 s for 222 KB).
    (2000, "    rc = virDomainUndefineFlags(dom, 0);\n    if (rc == 0 || (last_error->code != VIR_ERR_NO_SUPPORT))\n"
           "        goto out;\n    rc = virDomainUndefine(dom);\n",
     ("SELECT api, fallback_of FROM virsh_calls WHERE command = 'hostile' ORDER BY api",
      [("virDomainUndefine", "virDomainUndefineFlags"), ("virDomainUndefineFlags", None)])),
    # Each `flags |=` re-listed the `if`s before it: 7.6 s.
    (3000, '    if (vshCommandOptBool(cmd, "nvram"))\n        flags |= VIR_DOMAIN_UNDEFINE_NVRAM;\n',
     ("SELECT option, flags FROM virsh_options WHERE command = 'hostile'", [("nvram", "VIR_DOMAIN_UNDEFINE_NVRAM")])),
], ids=["2000-no-support-checks", "3000-flag-lines"])
def test_a_virsh_handler_of_thousands_of_checks_is_read_in_linear_time(tmp_path, repeat, lines, row):
    extra = {"libvirt-1.0.0/tools/virsh-hostile.c": hostile_handler(repeat, lines)}
    tarball = write(tmp_path / "libvirt_12.8.0.orig.tar.xz", tree_tarball(TREE, extra=extra))
    db = tmp_path / "kb.sqlite"
    run = kbgen_in_subprocess("build", "-q", "--db", str(db), "--cache-dir", str(tmp_path / "cache"),
                              "--input", f"12.8.0={NEW}", "--input", f"12.8.0={tarball}")
    print(f"\n{len(extra['libvirt-1.0.0/tools/virsh-hostile.c']) // 1000} KB handler: build {run['seconds']:.2f} s, "
          f"peak {run['peak_mb']:.0f} MB")
    assert (run["code"], run["stderr"]) == (0, "")
    assert run["seconds"] < 5 and run["peak_mb"] < 300, run
    with contextlib.closing(sqlite3.connect(db)) as con:
        assert con.execute(row[0]).fetchall() == row[1]


# --- 4. builds sharing a cold cache -----------------------------------------------------

KBGEN_SUBPROCESS = "import sys; from kbgen.cli.kbgen import main; sys.exit(main(sys.argv[1:]))"


def test_two_builds_sharing_a_cold_cache_both_succeed(tmp_path):
    padding = {f"libvirt-1.0.0/src/pad/f{i}.c": b"/* padding */\n" * 300 for i in range(1000)}
    tarball = write(tmp_path / "libvirt_12.8.0.orig.tar.xz", tree_tarball(TREE, extra=padding))
    deb = write(tmp_path / "libvirt-dev_12.8.0-1_amd64.deb", release_deb(NEW))
    for round_ in range(2):
        cache = tmp_path / f"cache{round_}"
        procs = [subprocess.Popen([sys.executable, "-c", KBGEN_SUBPROCESS, "build", "-q", "--db",
                                   str(tmp_path / f"kb{round_}-{i}.sqlite"), "--cache-dir", str(cache),
                                   "--input", f"12.8.0={deb}", "--input", f"12.8.0={tarball}"],
                                  cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                 for i in range(2)]
        results = [(p.wait(120), p.stderr.read()) for p in procs]
        for p in procs:
            p.stdout.close()
            p.stderr.close()
        assert results == [(0, ""), (0, "")]
        assert [p.name for p in (cache / "trees").iterdir()] == [f"{sha256(tarball.read_bytes())}-{sourcetree_inputs.TREE_KEY}"]
        [extracted] = (cache / "extracted").iterdir()
        assert extracted.name.startswith(sha256(deb.read_bytes()))


# --- 5. a clone is read without running what it configures ------------------------------


def test_a_clone_with_a_filter_driver_is_read_without_running_it(tmp_path):
    marker = tmp_path / "marker"
    attributes = b"*.c filter=evil ident\n*.h export-subst\n"
    clone = make_clone(tmp_path / "libvirt", extra={".gitattributes": attributes,
                                                    "src/fake/ident.c": b"/* $Id$ */\n"})
    git(clone, "config", "filter.evil.smudge", f"touch {marker}; cat")
    git(clone, "config", "filter.evil.clean", f"touch {marker}; cat")
    git(clone, "config", "filter.evil.required", "true")
    git(clone, "config", "core.fsmonitor", f"touch {marker}; false")
    db = tmp_path / "kb.sqlite"
    code, out, err = kbgen("build", "-q", "--json", "--db", str(db), "--cache-dir", str(tmp_path / "cache"),
                           "--input", f"12.8.0={NEW}", "--git", str(clone))
    assert code == 0, err
    assert json.loads(out)["releases"] == ["12.8.0"]
    assert not marker.exists()
    [tree] = (tmp_path / "cache" / "trees").iterdir()
    assert (tree / "src/fake/ident.c").read_bytes() == b"/* $Id$ */\n"  # the blob as stored: no ident expansion
    assert (tree / "src/fake/fake_driver.c").read_bytes() == (TREE / "src/fake/fake_driver.c").read_bytes()


# --- 6. one release, one spelling -------------------------------------------------------


@pytest.mark.parametrize("text, expected", [("012.8.0", "12.8.0"), ("0012.08.000", "12.8.0"), ("0.9.4", "0.9.4"),
                                            ("00.0.0", "0.0.0")])
def test_normalise_version_strips_leading_zeros(text, expected):
    assert normalise_version(text) == expected and version_key(text) == version_key(expected)


def test_two_spellings_of_a_release_given_with_input_are_one_release(tmp_path):
    code, out, err = build(tmp_path, f"12.8.0={without_hvsupport(tmp_path)}", f"012.8.0={NEW / 'hvsupport.html'}")
    assert code == 0, err
    code, one, err = build(tmp_path, f"12.8.0={NEW}", db=tmp_path / "one.sqlite")
    assert code == 0, err
    assert json.loads(out)["releases"] == ["12.8.0"]
    assert json.loads(out)["disagreements"] == json.loads(one)["disagreements"]
    assert counts(tmp_path / "kb.sqlite") == counts(tmp_path / "one.sqlite")


def test_two_spellings_of_a_release_in_a_manifest_are_refused(tmp_path):
    manifest = write(tmp_path / "releases.toml", (
        f'[[release]]\nversion = "12.8.0"\nsources = [{{ path = "{NEW}" }}]\n'
        f'[[release]]\nversion = "012.8.0"\nsources = [{{ path = "{OLD}" }}]\n').encode())
    code, out, err = kbgen("build", "-q", "--db", str(tmp_path / "kb.sqlite"), "--manifest", str(manifest))
    refused(code, out, err, f"kbgen build: {manifest}: release 12.8.0 is listed twice (as '12.8.0' and '012.8.0')")


def test_two_tags_spelling_one_release_are_refused_unless_tags_picks_one(tmp_path):
    clone = make_clone(tmp_path / "libvirt", tags=("v1.0.0", "v01.0.0"))
    args = ["build", "-q", "--json", "--db", str(tmp_path / "kb.sqlite"), "--cache-dir", str(tmp_path / "cache"),
            "--input", f"12.8.0={NEW}", "--git", str(clone)]
    refused(*kbgen(*args), f"kbgen build: {clone}: tags v01.0.0 and v1.0.0 both name release 1.0.0; "
                           "choose one with --tags")
    code, out, err = kbgen(*args, "--tags", "v1.*")
    assert code == 0, err
    assert json.loads(out)["releases"] == ["1.0.0", "12.8.0"]


# --- 7. tracebacks that were ---------------------------------------------------------------


@pytest.mark.parametrize("line, message", [
    ("sha256 = 12345", "release 12.8.0: sha256 12345 of {deb} is not 64 hexadecimal digits"),
    ('sha256 = "12345"', "release 12.8.0: sha256 '12345' of {deb} is not 64 hexadecimal digits"),
    ("sha256 = []", "release 12.8.0: sha256 [] of {deb} is not 64 hexadecimal digits"),
], ids=["int", "short", "array"])
def test_a_manifest_sha256_that_is_no_digest_is_an_input_error(tmp_path, line, message):
    deb = write(tmp_path / "libvirt-dev_12.8.0-1_amd64.deb", release_deb(NEW))
    manifest = write(tmp_path / "releases.toml",
                     f'[[release]]\nversion = "12.8.0"\nsources = [{{ path = "{deb}", {line} }}]\n'.encode())
    code, out, err = kbgen("build", "-q", "--db", str(tmp_path / "kb.sqlite"), "--manifest", str(manifest))
    refused(code, out, err, f"kbgen build: {manifest}: " + message.format(deb=deb))


@pytest.mark.parametrize("body, message", [
    ("[[release]]\nversion = 12\n", "release version 12 is not a libvirt version"),
    ("release = [1, 2]\n", "a [[release]] entry is 1, not a table"),
    ('[[release]]\nversion = "1.0.0"\nsuite = 3\nsources = [{ path = "x" }]\n', "release 1.0.0: suite 3 is not a string"),
    ('[[release]]\nversion = "1.0.0"\nsources = [{ path = 7 }]\n', "release 1.0.0: path 7 is not a non-empty string"),
], ids=["int-version", "int-entries", "int-suite", "int-path"])
def test_manifest_values_of_the_wrong_type_are_input_errors(tmp_path, body, message):
    manifest = write(tmp_path / "releases.toml", body.encode())
    refused(*kbgen("build", "-q", "--db", str(tmp_path / "kb.sqlite"), "--manifest", str(manifest)),
            f"kbgen build: {manifest}: {message}")


@pytest.mark.parametrize("length", ["²".encode("latin-1"), "١٢".encode(), b"-1", b"0x10", b"1e3"],
                         ids=["superscript-two", "arabic-indic", "negative", "hex", "float"])
def test_a_content_length_that_is_no_number_is_refused(tmp_path, length):
    head = b"HTTP/1.1 200 OK\r\nContent-Length: " + length + b"\r\nConnection: close\r\n\r\n<api/>"
    with raw_http(head) as base:
        url = f"{base}/libvirt-api.xml"
        refused(*build(tmp_path, f"12.8.0={url}"), f"kbgen build: cannot download {url}: invalid Content-Length "
                                                   f"{length.decode('latin-1')!r}")  # as HTTP/1.1 reads headers
    assert files_under(tmp_path / "cache" / "http") == []


def test_a_download_removed_from_the_cache_during_the_build_is_a_clear_error(tmp_path, mirror, monkeypatch):
    deb = release_deb(NEW)
    mirror.route(f"/debian/{POOL_DEB}", Reply(body=deb))
    real_fetch = http_inputs.Fetcher.fetch

    def fetch_then_lose(self, url, **kwargs):  # another process cleaning the cache, just after the download
        path = real_fetch(self, url, **kwargs)
        path.unlink()
        return path

    monkeypatch.setattr(http_inputs.Fetcher, "fetch", fetch_then_lose)
    manifest = write(tmp_path / "releases.toml",
                     f'[[release]]\nversion = "12.8.0"\nsources = [{{ pool = "{POOL_DEB}" }}]\n'.encode())
    code, out, err = kbgen("build", "-q", "--db", str(tmp_path / "kb.sqlite"), "--cache-dir", str(tmp_path / "cache"),
                           "--manifest", str(manifest))
    [cached] = (tmp_path / "cache" / "http").glob("*.meta.json")
    lost = cached.with_name(cached.name.removesuffix(".meta.json"))
    refused(code, out, err, f"kbgen build: {lost}: cannot read: No such file or directory (was it removed during the "
                            "build? run the build again)")


def test_a_file_removed_from_an_extracted_package_is_extracted_again(tmp_path):
    deb = write(tmp_path / "libvirt-dev_12.8.0-1_amd64.deb", release_deb(NEW))
    assert build(tmp_path, f"12.8.0={deb}")[0] == 0
    [extracted] = (tmp_path / "cache" / "extracted").iterdir()
    (extracted / "libvirt-api.xml").unlink()
    code, _out, err = build(tmp_path, f"12.8.0={deb}", db=tmp_path / "again.sqlite")
    assert code == 0, err
    assert (extracted / "libvirt-api.xml").is_file()
    assert counts(tmp_path / "again.sqlite") == counts(tmp_path / "kb.sqlite")


@pytest.mark.parametrize("tag, version", [("v99999.0.0", "99999.0.0"), ("v1.1000.0", "1.1000.0")])
def test_a_release_tag_out_of_range_is_a_clear_error(tmp_path, tag, version):
    clone = make_clone(tmp_path / "libvirt", tags=("v12.8.0", tag))
    code, out, err = kbgen("build", "-q", "--db", str(tmp_path / "kb.sqlite"), "--cache-dir", str(tmp_path / "cache"),
                           "--input", f"12.8.0={NEW}", "--git", str(clone))
    refused(code, out, err, f"kbgen build: {clone}: tag {tag} is named like a release, but {version} is not a libvirt "
                            "version (at most 9999.999.999); choose the release tags with --tags")


def test_a_tag_in_non_ascii_digits_is_no_release_tag(tmp_path):
    clone = make_clone(tmp_path / "libvirt", tags=("v12.8.0", "v١.٠.٠"))
    code, out, err = kbgen("build", "-q", "--json", "--db", str(tmp_path / "kb.sqlite"), "--cache-dir",
                           str(tmp_path / "cache"), "--input", f"12.8.0={NEW}", "--git", str(clone))
    assert code == 0, err
    assert json.loads(out)["releases"] == ["12.8.0"]
