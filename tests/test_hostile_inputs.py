"""Bad and hostile inputs: each gets the project's own error naming the file and what is wrong.

Never a traceback, never a half-written database, never a byte written outside the
cache, and bounded time and memory for the inputs built to exhaust them (entity
bombs, a 100 MB API XML file, decompression bombs). Cases already pinned by
test_apixml.py, test_hvsupport.py, test_debian.py, test_sourcetree.py, test_fetch.py
and test_cli_kb.py are not repeated here.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import resource
import shutil
import sqlite3
import subprocess
import sys
import tarfile
import time
from pathlib import Path

import pytest
from archives import API_DIR, DOC_DIR, deb_bytes, release_deb, tar_bytes
from conftest import FIXTURES
from httpserver import Reply

from kbgen.cli.kb import main as kb_main
from kbgen.cli.kbgen import main as kbgen_main
from kbgen.errors import FetchError, InputError
from kbgen.inputs.debian import deb_members
from kbgen.inputs.http import Fetcher
from kbgen.inputs.sourcetree import unpack_tarball
from kbgen.parse.apixml import parse_api_xml
from kbgen.parse.checkflags import CSources
from kbgen.parse.formatdocs import parse_format_doc
from kbgen.parse.hvsupport import parse_hvsupport
from kbgen.parse.messages import ErrorCode, parse_error_codes, parse_messages
from kbgen.parse.protocol import parse_protocol
from kbgen.parse.symsfile import parse_syms
from kbgen.store.schema import SCHEMA, SCHEMA_VERSION

ROOT = Path(__file__).resolve().parent.parent
NEW, OLD = FIXTURES / "release-new", FIXTURES / "release-old"
POOL_DEB = "pool/main/libv/libvirt/libvirt-dev_12.8.0-1_amd64.deb"
MB = 1024 * 1024


# --- helpers ------------------------------------------------------------------------


def fixture_deb(release: Path = NEW) -> bytes:
    return release_deb(release)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def manifest(path: Path, digest: str | None, pool: str = POOL_DEB) -> Path:
    checksum = f', sha256 = "{digest}"' if digest else ""
    path.write_text(f'[[release]]\nversion = "12.8.0"\nsuite = "sid"\nsources = [\n  {{ pool = "{pool}"{checksum} }},\n]\n')
    return path


def kbgen(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = kbgen_main(list(args))
    return code, out.getvalue(), err.getvalue()


def kb(db: Path, *args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = kb_main(["--db", str(db), *args])
        except SystemExit as exit_:  # argparse refusing an argument
            code = exit_.code
    return code, out.getvalue(), err.getvalue()


def files_under(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*")}


@pytest.fixture
def previous_db(tmp_path) -> Path:
    """A knowledge base built from the fixtures: what a failing build must leave untouched."""
    db = tmp_path / "kb.sqlite"
    code, _, err = kbgen("build", "-q", "--db", str(db), "--cache-dir", str(tmp_path / "cache"),
                         "--input", f"7.0.0={OLD}", "--input", f"12.8.0={NEW}")
    assert code == 0, err
    return db


PARSE_PROBE = """
import collections, json, resource, sys, time
from kbgen.errors import KbgenError
from kbgen.parse.apixml import parse_api_xml
from kbgen.parse.formatdocs import parse_format_doc
PARSERS = {"api": lambda path: str(len(parse_api_xml(path).symbols)),
           "format": lambda path: json.dumps(sorted(collections.Counter(n.method for n in parse_format_doc(path)).items()))}
start = time.monotonic()
try:
    outcome, message = "parsed", PARSERS[sys.argv[2]](sys.argv[1])
except KbgenError as err:
    outcome, message = type(err).__name__, str(err)
try:  # the peak of this program alone: ru_maxrss would count the parent's pages this process had before exec
    with open("/proc/self/status") as status:
        peak_kib = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
except OSError:
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"outcome": outcome, "message": message[:500], "seconds": time.monotonic() - start, "peak_mb": peak_kib / 1024}))
"""


def _address_space_limit() -> None:
    # Should a bomb go off after all, the child fails with MemoryError instead of eating the machine.
    resource.setrlimit(resource.RLIMIT_AS, (4096 * MB, 4096 * MB))


def parse_in_subprocess(path: Path, timeout: float = 120, parser: str = "api") -> dict:
    """Parse one API XML file (or format page: parser "format") in a fresh interpreter; its outcome, time and peak RSS."""
    done = subprocess.run([sys.executable, "-c", PARSE_PROBE, str(path), parser], capture_output=True, text=True,
                          timeout=timeout, cwd=ROOT, preexec_fn=_address_space_limit, check=False)
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    return json.loads(done.stdout)


def write(path: Path, body: str | bytes) -> Path:
    path.write_bytes(body.encode() if isinstance(body, str) else body)
    return path


# --- API XML --------------------------------------------------------------------------


@pytest.mark.parametrize("fraction", [0.02, 0.25, 0.5, 0.75, 0.98])
def test_api_xml_truncated_anywhere_is_not_well_formed(tmp_path, fraction):
    data = (NEW / "libvirt-api.xml").read_bytes()
    path = write(tmp_path / "libvirt-api.xml", data[: int(len(data) * fraction)])
    with pytest.raises(InputError) as err:
        parse_api_xml(path)
    assert str(err.value).startswith(f"{path}: not well-formed XML: ")


@pytest.mark.parametrize(
    "body, message",
    [
        (b"   \n\t\n", "not well-formed XML: Start tag expected"),
        (bytes(range(256)) * 4, "not well-formed XML"),
        (b"<api name='libvirt'>\x00<symbols/></api>", "not well-formed XML: Invalid character"),
        (b"<?xml version='1.0' encoding='no-such-charset'?><api name='libvirt'/>", "not well-formed XML: Unsupported encoding"),
        (b"<api name='libvirt'/><api name='libvirt'/>", "not well-formed XML: Extra content at the end"),
        ("<api name='libvirt'><symbols><function name='f'>" + "<a>" * 300 + "</a>" * 300 + "</function></symbols></api>",
         "not well-formed XML: Excessive depth"),
        ("<api name='libvirt'><symbols><function name='f'><info>" + "x" * (11 * MB) + "</info></function></symbols></api>",
         "not well-formed XML: Resource limit exceeded"),
        ("<api name='libvirt'><symbols><Function name='f'/></symbols></api>", "unknown symbol kind <Function>"),
        ("<api name='libvirt'><symbols><function name='X'/><macro name='X'/></symbols></api>", "duplicate symbol 'X'"),
        ("<api name='libvirt'><symbols><enum name='X' version=''/></symbols></api>", "version attribute '' is not a libvirt version"),
        ("<api name='libvirt'><symbols><enum name='X' version='1.2'/></symbols></api>", "'1.2' is not a libvirt version"),
        ("<api name='libvirt'><symbols><enum name='X' version='1.2.3.4'/></symbols></api>", "'1.2.3.4' is not a libvirt version"),
        ("<api name='libvirt'><symbols><enum name='X' version='v1.2.3'/></symbols></api>", "'v1.2.3' is not a libvirt version"),
        ("<api name='libvirt'><symbols><enum name='X' version=' 1.2.3'/></symbols></api>", "' 1.2.3' is not a libvirt version"),
        ("<api name='libvirt'><symbols><xi:include xmlns:xi='http://www.w3.org/2001/XInclude' href='/etc/passwd'/></symbols></api>",
         "unknown symbol kind <{http://www.w3.org/2001/XInclude}include>"),
    ],
    ids=["whitespace", "binary", "nul-byte", "bad-encoding", "two-roots", "deep-nesting", "11MB-text-node", "kind-case",
         "duplicate-across-kinds", "empty-version", "short-version", "long-version", "v-version", "spaced-version", "xinclude"],
)
def test_malformed_api_xml_is_an_input_error_naming_the_file(tmp_path, body, message):
    path = write(tmp_path / "libvirt-api.xml", body)
    with pytest.raises(InputError) as err:
        parse_api_xml(path)
    assert str(err.value).startswith(f"{path}: ") and message in str(err.value)


def test_a_directory_named_like_an_api_xml_file(tmp_path):
    path = tmp_path / "libvirt-api.xml"
    path.mkdir()
    with pytest.raises(InputError, match="cannot read: Is a directory"):
        parse_api_xml(path)


DOCTYPE_REFUSED = "has a DOCTYPE or entity declarations, which libvirt API XML never has; refusing it"
SYMBOL_USING = "<api name='libvirt'><symbols><macro name='X' string='{ref}'>{ref}</macro></symbols></api>"


def hidden_documents(doctype: str, ref: str) -> dict[str, bytes]:
    """The same DOCTYPE where a look at the raw bytes before the first element does not find it."""
    body = SYMBOL_USING.format(ref=ref)
    prologs = {
        "comment-with-a-tag": "<?xml version='1.0'?><!-- <a href='x'> -->",
        "70KiB-comment": f"<?xml version='1.0'?><!--{'x' * 70000}-->",
        "processing-instruction": "<?xml version='1.0'?><?pi <b?>",
    }
    documents = {name: (prolog + doctype + body).encode() for name, prolog in prologs.items()}
    documents["utf-16"] = f"<?xml version='1.0' encoding='UTF-16'?>{doctype}{body}".encode("utf-16")
    return documents


@pytest.mark.parametrize("variant", ["comment-with-a-tag", "70KiB-comment", "processing-instruction", "utf-16"])
def test_a_doctype_hidden_from_the_prolog_check_is_still_refused(tmp_path, variant):
    document = hidden_documents("<!DOCTYPE api [<!ENTITY x 'EXPANDED'>]>", "&x;")[variant]
    path = write(tmp_path / "libvirt-api.xml", document)
    with pytest.raises(InputError) as err:
        parse_api_xml(path)
    assert str(err.value) == f"{path}: {DOCTYPE_REFUSED}"


@pytest.mark.parametrize("variant", ["comment-with-a-tag", "utf-16"])
@pytest.mark.parametrize("kind", ["general-entity", "parameter-entity", "external-subset"])
def test_external_entities_are_never_read(tmp_path, http_server, variant, kind):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-MARKER")
    http_server.route("/evil.dtd", Reply(body=b"<!ENTITY x 'FETCHED-MARKER'>"))
    doctype = {
        "general-entity": f"<!DOCTYPE api [<!ENTITY x SYSTEM 'file://{secret}'>]>",
        "parameter-entity": f"<!DOCTYPE api [<!ENTITY % p SYSTEM '{http_server.url('/evil.dtd')}'> %p;]>",
        "external-subset": f"<!DOCTYPE api SYSTEM '{http_server.url('/evil.dtd')}'>",
    }[kind]
    path = write(tmp_path / "libvirt-api.xml", hidden_documents(doctype, "&x;")[variant])
    with pytest.raises(InputError) as err:
        parse_api_xml(path)
    assert "MARKER" not in str(err.value)
    assert http_server.count("/evil.dtd") == 0


def billion_laughs(prolog: str = "<?xml version='1.0'?>") -> str:
    entities = "".join(f'<!ENTITY e{i} "{f"&e{i - 1};" * 10}">' for i in range(1, 10))
    return f"{prolog}<!DOCTYPE api [<!ENTITY e0 'lol'>{entities}]>" + SYMBOL_USING.format(ref="&e9;")


def quadratic_blowup(prolog: str = "<?xml version='1.0'?>") -> str:
    # One 100 kB entity referenced 10 000 times: 1 GB once expanded, from a 150 kB file.
    return (f"{prolog}<!DOCTYPE api [<!ENTITY big '{'x' * 100_000}'>]>"
            + SYMBOL_USING.format(ref="&big;" * 10_000))


@pytest.mark.parametrize(
    "document",
    [
        billion_laughs(),
        billion_laughs("<?xml version='1.0'?><!-- <a> -->"),
        quadratic_blowup(),
        quadratic_blowup("<?xml version='1.0'?><!-- <a> -->"),
    ],
    ids=["billion-laughs", "billion-laughs-hidden", "quadratic", "quadratic-hidden"],
)
def test_entity_bombs_are_refused_at_once_with_bounded_memory(tmp_path, document):
    path = write(tmp_path / "libvirt-api.xml", document)
    result = parse_in_subprocess(path)
    assert result["outcome"] == "InputError"
    assert result["message"] in refusals(path), result["message"]
    assert result["seconds"] < 2
    assert result["peak_mb"] < 100, result


def refusals(path: Path) -> set[str]:
    """Our own refusal (a DOCTYPE in the prolog, or found by the parser), or libxml2's amplification limit."""
    amplification = "Maximum entity amplification factor exceeded, see xmlCtxtSetMaxAmplification., line 1, column"
    return {f"{path}: {DOCTYPE_REFUSED}"} | {f"{path}: not well-formed XML: {amplification} {column}" for column in range(1, 400_000)}


def test_a_utf16_entity_bomb_is_refused_with_bounded_memory(tmp_path):
    path = write(tmp_path / "libvirt-api.xml", billion_laughs("<?xml version='1.0' encoding='UTF-16'?>").encode("utf-16"))
    result = parse_in_subprocess(path)
    assert result["outcome"] == "InputError" and result["message"] in refusals(path)
    assert result["seconds"] < 2 and result["peak_mb"] < 100, result


def write_big_api_xml(path: Path, size: int) -> int:
    """A well-formed API XML file of about SIZE bytes shaped like libvirt's; the number of symbols."""
    symbol = ("    <function name='virDomainThing{i}' file='libvirt-domain' module='libvirt-domain' version='1.{m}.0'>\n"
              "      <info><![CDATA[" + "Synthetic description of a libvirt function, long like a real one. " * 4 + "]]></info>\n"
              "      <return type='int' info='0 in case of success and -1 in case of failure.'/>\n"
              "      <arg name='flags' type='unsigned int' info='bitwise-OR of virDomainThingFlags'/>\n    </function>\n")
    export = "     <exports symbol='virDomainThing{i}' type='function'/>\n"
    count = size // (len(symbol) + len(export)) + 1000  # formatting adds a few digits to most of them
    with path.open("w", buffering=MB) as out:
        out.write("<?xml version='1.0' encoding='UTF-8'?>\n<api name='libvirt'>\n  <files>\n    <file name='libvirt-domain'>\n")
        for start in range(0, count, 10_000):
            out.write("".join(export.format(i=i) for i in range(start, min(count, start + 10_000))))
        out.write("    </file>\n  </files>\n  <symbols>\n")
        for start in range(0, count, 10_000):
            out.write("".join(symbol.format(i=i, m=i % 1000) for i in range(start, min(count, start + 10_000))))
        out.write("  </symbols>\n</api>\n")
    return count


def test_a_100_mb_api_xml_file_parses_within_bounded_memory(tmp_path, capsys):
    path = tmp_path / "libvirt-api.xml"
    count = write_big_api_xml(path, 100 * 1000 * 1000)
    assert path.stat().st_size >= 100 * 1000 * 1000
    result = parse_in_subprocess(path)
    with capsys.disabled():
        print(f"\n  100 MB API XML ({count} symbols): parsed in {result['seconds']:.1f} s, peak RSS {result['peak_mb']:.0f} MB")
    assert (result["outcome"], result["message"]) == ("parsed", str(count))
    # The symbols themselves take about 80 MB; before finished elements were freed the peak was 272 MB.
    assert result["peak_mb"] < 200, result
    assert result["seconds"] < 60


def test_a_100_mb_attribute_fails_cleanly_within_bounded_memory(tmp_path):
    path = tmp_path / "libvirt-api.xml"
    with path.open("w") as out:
        out.write("<api name='libvirt'><symbols><macro name='X' string='")
        for _ in range(100):
            out.write("x" * 1000 * 1000)
        out.write("'/></symbols></api>")
    result = parse_in_subprocess(path)
    assert (result["outcome"], result["message"]) == ("InputError", f"{path}: more than 16 MB without a complete tag: not libvirt API XML")
    # libxml2 buffers a start tag whole before its own limits apply: fed as one, this took 3 x 100 MB.
    assert result["peak_mb"] < 100 and result["seconds"] < 5, result


# --- hvsupport.html ---------------------------------------------------------------------

TABLE = ('<h2><a id="virHypervisorDriver">H</a></h2><table><thead><tr><th>API</th><th>Version</th><th>qemu</th><th>lxc</th>'
         "</tr></thead><tbody>{rows}</tbody></table>")


def page(tmp_path: Path, html: str | bytes) -> Path:
    return write(tmp_path / "hvsupport.html", html)


@pytest.mark.parametrize(
    "html, message",
    [
        (TABLE.format(rows="<tr><td>virA</td><td>1.0.0</td><td>1.0.0</td></tr>"), "row has 3 cells, the header has 4"),
        (TABLE.format(rows="<tr><td>virA</td></tr>"), "row has 1 cells, the header has 4"),
        ('<h2><a id="virHypervisorDriver">H</a></h2><table><tr><th>API</th><th>Version</th></tr><tr><td>virA</td><td>1.0.0</td></tr></table>',
         "header is ['API', 'Version']..., expected API, Version, then driver columns"),
        ('<h2><a id="virHypervisorDriver">H</a></h2><table><tr><th>API</th><th>qemu</th><th>lxc</th></tr></table>',
         "header is ['API', 'qemu', 'lxc']..., expected API, Version"),
        ('<h2><a id="virHypervisorDriver">H</a></h2><table><tr><td>API</td><td>Version</td><td>qemu</td></tr></table>',
         "header is []..., expected API, Version"),
        (TABLE.format(rows="<tr><td>virA</td><td>1.0.0</td><td>1.0.0 - 1.0.0</td><td/></tr>"), "removes the API before (or when) it was added"),
        (TABLE.format(rows="<tr><td>virA</td><td>1.0.0</td><td>1.0.0 - later</td><td/></tr>"), "cell '1.0.0 - later' is not a version or a span"),
        (TABLE.format(rows="<tr><td>virA</td><td>1.0.0</td><td>1.0.0 - 2.0.0 - 3.0.0</td><td/></tr>"), "is not a version or a span"),
        (TABLE.format(rows="<tr><td>virA</td><td>1.0.0</td><td>1.0</td><td/></tr>"), "cell '1.0' is not a version"),
        (TABLE.format(rows="<tr><td>virA</td><td>1.0</td><td/><td/></tr>"), "Version cell '1.0' is not a version"),
        (TABLE.format(rows="<tr><td> </td><td>1.0.0</td><td/><td/></tr>"), "empty API cell"),
        ("<h2>no anchor</h2>" + TABLE.split("</h2>", 1)[1].format(rows=""), "has no <h2> heading with an anchor"),
        (" \n\t \n", "empty file, expected libvirt's hvsupport.html"),
        (bytes(range(256)) * 8, "no tables found"),
        (b"\x00" * 4096, "no tables found"),
        ("<html><body>" + "<div>" * 100_000 + "</body></html>", "no tables found"),
    ],
    ids=["missing-column", "one-cell", "no-driver-columns", "no-version-column", "td-header", "span-same-version",
         "span-junk", "span-three-parts", "short-cell-version", "short-version-cell", "blank-api", "h2-without-anchor",
         "whitespace", "binary", "nul-bytes", "100k-nested-divs"],
)
def test_malformed_hvsupport_is_an_input_error_naming_the_file(tmp_path, html, message):
    path = page(tmp_path, html)
    with pytest.raises(InputError) as err:
        parse_hvsupport(path)
    assert str(err.value).startswith(f"{path}: ") and message in str(err.value)


def test_a_directory_named_hvsupport(tmp_path):
    (tmp_path / "hvsupport.html").mkdir()
    with pytest.raises(InputError, match="cannot read: Is a directory"):
        parse_hvsupport(tmp_path / "hvsupport.html")


def test_a_span_in_non_ascii_digits_is_an_input_error(tmp_path):
    html = '<meta charset="UTF-8"/>' + TABLE.format(rows="<tr><td>virA</td><td>1.0.0</td><td>١.٠.٠ - ٢.٠.٠</td><td/></tr>")
    with pytest.raises(InputError, match="is not a version"):
        parse_hvsupport(page(tmp_path, html.encode()))


# --- .deb packages and source tarballs --------------------------------------------------


def test_a_deb_member_bigger_than_the_cap_is_refused_before_it_is_read(tmp_path):
    # A tar header declaring a 10 GB libvirt-api.xml (a decompression bomb's signature), then nothing.
    header = tarfile.TarInfo(f"./{API_DIR}/libvirt-api.xml")
    header.size = 10 * 1000 ** 3
    import lzma

    deb = write(tmp_path / "bomb.deb", deb_bytes(lzma.compress(header.tobuf(format=tarfile.PAX_FORMAT))))
    with pytest.raises(InputError) as err:
        deb_members(deb, lambda name: True)
    assert str(err.value) == (f"{deb}: data.tar.xz: {API_DIR}/libvirt-api.xml is 10000000000 bytes, more than the "
                              "67108864 kbgen reads from a package; refusing it")


def test_a_deb_decompression_bomb_stays_within_bounded_memory(tmp_path, monkeypatch):
    import kbgen.inputs.debian

    monkeypatch.setattr(kbgen.inputs.debian, "MAX_PACKAGE_BYTES", 8 * MB)
    deb = write(tmp_path / "bomb.deb", deb_bytes(tar_bytes({f"./{API_DIR}/libvirt-api.xml": bytes(9 * MB)})))
    assert deb.stat().st_size < 10_000
    with pytest.raises(InputError, match=f"is {9 * MB} bytes, more than the {8 * MB} kbgen reads"):
        deb_members(deb, lambda name: True)


@pytest.mark.parametrize("data_name", ["data.tar.gz :", "data.tar.xz:", "data.tar:", "data.tar.zst", "data.tar.lz4"])
def test_a_deb_whose_data_member_names_no_known_compression(tmp_path, data_name):
    # Found by bench/fuzz.py: "data.tar.gz :" made tarfile raise ValueError instead of an InputError.
    deb = write(tmp_path / "odd.deb", deb_bytes(tar_bytes({f"./{API_DIR}/libvirt-api.xml": b"<api/>"}, "gz"), data_name))
    with pytest.raises(InputError) as err:
        deb_members(deb, lambda name: True)
    compression = data_name.removeprefix("data.tar").removeprefix(".")
    assert str(err.value) == (f"{deb}: {data_name} uses a compression this Python cannot read"
                              f" (unknown compression type {compression!r})")


def build_from(tmp_path: Path, source: Path, release: str = "12.8.0", db: Path | None = None) -> tuple[int, str, str]:
    return kbgen("build", "-q", "--db", str(db or tmp_path / "kb.sqlite"), "--cache-dir", str(tmp_path / "cache"),
                 "--input", f"{release}={source}")


@pytest.mark.parametrize(
    "name, data, message",
    [
        ("libvirt-dev_12.8.0-1_amd64.deb", b"<html>404 Not Found</html>", "not a Debian package (no ar archive header)"),
        ("libvirt-dev_12.8.0-1_amd64.deb", deb_bytes(tar_bytes({"./usr/share/doc/README": b"hi"})), "holds none of the libvirt input files"),
        ("libvirt-dev_12.8.0-1_amd64.deb", b"!<arch>\n", "no data.tar member"),
        ("libvirt_12.8.0.orig.tar.xz", b"\xfd7zXZ\x00 not xz at all", "cannot read as a source tarball"),
        ("libvirt_12.8.0.orig.tar.xz", tar_bytes({"libvirt-12.8.0/README": b"hi"}), "not a libvirt source tree: no src/libvirt_public.syms"),
        ("libvirt_12.8.0.orig.tar.gz", b"", "cannot read as a source tarball"),
    ],
    ids=["deb-is-html", "deb-without-inputs", "deb-without-data", "tarball-not-xz", "tarball-without-tree", "empty-tarball"],
)
def test_kbgen_build_refuses_bad_archives_and_keeps_the_database(tmp_path, previous_db, name, data, message):
    before = previous_db.read_bytes()
    archive = write(tmp_path / name, data)
    code, out, err = build_from(tmp_path, archive, db=previous_db)
    assert code == 2 and out == ""
    assert err.startswith("kbgen build: ") and message in err and str(archive) in err and "Traceback" not in err
    assert previous_db.read_bytes() == before
    assert not list((tmp_path / "cache").glob("trees/*"))  # no half-unpacked tree is kept


def test_deb_members_escaping_the_target_are_never_written(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    api = (NEW / "libvirt-api.xml").read_bytes()
    data = tar_bytes(
        {
            f"./{API_DIR}/../../../../../../outside/libvirt-qemu-api.xml": b"<api name='libvirt-qemu'/>",
            "../../../../../../../../etc/passwd": b"root::0:0::/root:/bin/sh\n",
            str(outside / "libvirt-lxc-api.xml"): b"<api name='libvirt-lxc'/>",
            f"./{API_DIR}/libvirt-api.xml": api,
        },
        links={
            f"./{API_DIR}/libvirt-admin-api.xml": (tarfile.SYMTYPE, "/etc/passwd"),
            f"./{DOC_DIR}/hvsupport.html": (tarfile.LNKTYPE, "../../../../etc/shadow"),
            f"./{API_DIR}/link": (tarfile.SYMTYPE, str(outside)),
        },
    )
    deb = write(tmp_path / "evil.deb", deb_bytes(data))
    passwd = Path("/etc/passwd").read_bytes()

    code, _, err = build_from(tmp_path, deb)

    assert code == 0, err  # the one safe member is a valid input on its own
    extracted = next((tmp_path / "cache" / "extracted").iterdir())
    assert sorted(p.name for p in extracted.iterdir()) == [".members", "libvirt-api.xml"]
    assert (extracted / ".members").read_text() == f"{API_DIR}/libvirt-api.xml"
    assert not any(p.is_symlink() for p in (tmp_path / "cache").rglob("*"))
    assert list(outside.iterdir()) == []
    assert Path("/etc/passwd").read_bytes() == passwd
    db = sqlite3.connect(tmp_path / "kb.sqlite")
    assert db.execute("SELECT COUNT(*) FROM inputs").fetchone() == (1,)


def test_tarball_members_escaping_the_tree_are_never_written(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    top = "libvirt-12.8.0"
    members = {f"{top}/{p.relative_to(FIXTURES / 'srctree')}": p.read_bytes()
               for p in sorted((FIXTURES / "srctree").rglob("*")) if p.is_file()}
    members |= {
        f"{top}/src/../../outside/dotdot.c": b"int escaped;",
        f"{top}/../outside/top.c": b"int escaped;",
        str(outside / "absolute.c"): b"int escaped;",
        f"{top}/src/linkdir/through_link.c": b"int inside_after_all;",
    }
    links = {
        f"{top}/src/linkdir": (tarfile.SYMTYPE, str(outside)),  # a directory symlink, then a file "inside" it
        f"{top}/src/passwd.c": (tarfile.SYMTYPE, "/etc/passwd"),
        f"{top}/src/hard.c": (tarfile.LNKTYPE, "../../outside/hard.c"),
    }
    # The symlinks come first in the archive, as an attacker would order them.
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:xz") as tar:
        for name, (kind, target) in links.items():
            info = tarfile.TarInfo(name)
            info.type, info.linkname = kind, target
            tar.addfile(info)
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    tarball = write(tmp_path / "libvirt_12.8.0.orig.tar.xz", buffer.getvalue())

    tree = unpack_tarball(tarball, tmp_path / "tree")

    assert list(outside.iterdir()) == []
    assert not any(p.is_symlink() for p in tree.rglob("*"))
    assert (tree / "src" / "linkdir").is_dir() and (tree / "src/linkdir/through_link.c").read_bytes() == b"int inside_after_all;"
    assert not (tree / "src" / "passwd.c").exists() and not (tree / "src" / "hard.c").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["libvirt_12.8.0.orig.tar.xz", "outside", "tree"]


def test_a_source_tree_with_a_directory_named_like_a_c_file_is_skipped(tmp_path):
    tree = tmp_path / "tree"
    shutil.copytree(FIXTURES / "srctree", tree)
    (tree / "src" / "evil_driver.c").mkdir()
    code, _, err = kbgen("build", "-q", "--db", str(tmp_path / "kb.sqlite"), "--cache-dir", str(tmp_path / "cache"),
                         "--input", f"12.8.0={NEW}", "--input", f"12.8.0={tree}")
    assert code == 0 and "Traceback" not in err


# --- source trees ------------------------------------------------------------------------


@pytest.mark.parametrize("number", ["9" * 5000, "4294967296123", "٣"], ids=["5000-digits", "13-digits", "arabic-digit"])
def test_a_procedure_number_that_is_no_32_bit_number_is_an_input_error(number):
    text = f"enum remote_procedure {{\n    REMOTE_PROC_CONNECT_OPEN = {number},\n}};\n"
    with pytest.raises(InputError) as err:
        parse_protocol(text, "src/remote/remote_protocol.x", "remote")
    assert str(err.value) == f"src/remote/remote_protocol.x: enum remote_procedure: 'REMOTE_PROC_CONNECT_OPEN = {number}' is not 'NAME = NUMBER'"


@pytest.mark.parametrize("version", ["99999.0.0", "1.2345.0", "1.0.1000"])
def test_a_syms_section_whose_version_is_no_libvirt_version_is_an_input_error(version):
    text = f"LIBVIRT_{version} {{\n    global:\n        virConnectOpen;\n}};\n"
    with pytest.raises(InputError) as err:
        parse_syms(text, "src/libvirt_public.syms", "libvirt")
    assert str(err.value) == (f"src/libvirt_public.syms: line 1: section LIBVIRT_{version}: '{version}' is not a libvirt version"
                              " (MAJOR.MINOR.MICRO)")


@pytest.mark.parametrize("mask", ["(" * 2000 + "VIR_A" + ")" * 2000, "M0"], ids=["2000-parentheses", "3000-macros-deep"])
def test_a_flag_mask_nested_too_deeply_is_unknown_with_the_reason(mask):
    macros = "".join(f"#define M{i} M{i + 1}\n" for i in range(3000)) + "#define M3000 VIR_A\n"
    text = f"{macros}static int\nfakeF(unsigned int flags)\n{{\n    virCheckFlags({mask}, -1);\n}}\n"
    check = CSources({"src/fake/deep.c": text}).check("fakeF")
    assert check.flags is None
    assert check.reason == "virCheckFlags in deep.c:3005: mask nests parentheses or macros too deeply to read"


def test_kbgen_build_with_a_hostile_protocol_file_exits_2(tmp_path, previous_db):
    tree = tmp_path / "tree"
    shutil.copytree(FIXTURES / "srctree", tree)
    protocol = tree / "src" / "remote" / "remote_protocol.x"
    protocol.write_text(protocol.read_text().replace("= 261", "= " + "9" * 5000))
    before = previous_db.read_bytes()
    code, _, err = kbgen("build", "-q", "--db", str(previous_db), "--cache-dir", str(tmp_path / "cache"),
                         "--input", f"12.8.0={NEW}", "--input", f"12.8.0={tree}")
    assert code == 2 and err.startswith(f"kbgen build: {protocol}: enum remote_procedure: 'REMOTE_PROC_DOMAIN_PM_SUSPEND_FOR_DURATION = 999")
    assert previous_db.read_bytes() == before


# --- format pages, schemas, bindings, virsh, messages: found by bench/fuzz.py ------------------


@pytest.mark.parametrize("html, reason", [
    # Found by bench/fuzz.py: StopIteration in formatdocs._attach (the span is in no sentence of its block).
    ('<dl><span class="since">Since 0.0.3</span>', "inside a literal, example, list or table of its paragraph"),
    ('<p><code>x <span class="since">Since 0.0.3</span></code></p>', "inside a literal, example, list or table of its paragraph"),
    # Found by bench/fuzz.py: StopIteration in formatdocs._block (lxml puts the span after </body>, under <html>).
    ('</body><span class="since">Since 0.0.3</span>', "no name near it"),
], ids=["in-a-dl", "in-a-code", "after-body"])
def test_a_since_note_where_no_sentence_holds_it_is_kept_unattached_with_the_reason(tmp_path, html, reason):
    [note] = parse_format_doc(write(tmp_path / "formatdomain.html", html))
    assert (note.since, note.target, note.method, note.reason) == ("0.0.3", None, None, reason)


def hostile_paragraph(notes: int) -> str:
    """One paragraph of that many Since notes, each about its own name: in its sentence, or opening the next one."""
    return "<p>" + "".join(f'<code>a{i}</code> <span class="since">Since 1.0.0</span>. ' if i % 2 else
                           f'The <code>a{i}</code> attribute. <span class="since">Since 1.0.0</span>. '
                           for i in range(notes)) + "</p>"


def test_a_paragraph_of_3000_since_notes_parses_in_linear_time(tmp_path, capsys):
    path = write(tmp_path / "formatdomain.html", hostile_paragraph(3000))
    result = parse_in_subprocess(path, parser="format")
    with capsys.disabled():
        print(f"\n  {path.stat().st_size // 1000} KB paragraph of 3,000 Since notes: {result['seconds']:.2f} s, "
              f"peak RSS {result['peak_mb']:.0f} MB")
    assert (result["outcome"], json.loads(result["message"])) == (
        "parsed", [["previous-sentence-literal", 1500], ["sentence-literal", 1500]])
    # Each note re-walked its whole paragraph to find its sentence: 113 s for a 165 KB page like this one.
    assert result["seconds"] < 5 and result["peak_mb"] < 200, result
    assert [n.target.name for n in parse_format_doc(path)] == [f"a{i}" for i in range(3000)]


def test_a_hex_escape_without_digits_in_a_message_reads_as_the_letter():
    # Found by bench/fuzz.py: ValueError from int('', 16) in messages._unescape ('[VIR_ERR_O]={"\\x"}' in virerror.c).
    assert parse_error_codes('[VIR_ERR_OK] = {"\\x", "x: %s"}') == [ErrorCode("VIR_ERR_OK", "x", "x: %s")]
    text = 'int\nfakeF(void)\n{\n    virReportError(VIR_ERR_INVALID_ARG, _("bad \\xg %s"), name);\n}\n'
    [message] = parse_messages({"src/fake/fake_driver.c": text})
    assert (message.template, message.code, message.function) == ("bad xg %s", "VIR_ERR_INVALID_ARG", "fakeF")


# --- the network, end to end through `kbgen build` -----------------------------------------


@pytest.fixture
def mirror(http_server, monkeypatch):
    """The loopback server as the Debian mirror; the .deb it serves holds the 12.8.0 fixtures."""
    monkeypatch.setenv("KBGEN_DEBIAN_MIRROR", http_server.url("/debian"))
    return http_server


def build_from_manifest(tmp_path: Path, db: Path, manifest_path: Path) -> tuple[int, str, str]:
    return kbgen("build", "-q", "--db", str(db), "--cache-dir", str(tmp_path / "cache"), "--manifest", str(manifest_path))


def test_kbgen_build_from_the_mirror(tmp_path, mirror):
    deb = fixture_deb()
    mirror.route(f"/debian/{POOL_DEB}", Reply(body=deb, etag='"v1"'))
    db = tmp_path / "kb.sqlite"
    code, out, err = build_from_manifest(tmp_path, db, manifest(tmp_path / "releases.toml", sha256(deb)))
    assert code == 0, err
    assert "from releases 12.8.0" in out
    assert kb(db, "since", "virDomainUndefineFlags")[1].startswith("virDomainUndefineFlags  function (libvirt-domain)  added in 0.9.4")
    assert mirror.count(f"/debian/{POOL_DEB}") == 1


@pytest.mark.parametrize(
    "mirror_url, message",
    [
        ("refused", "Connection refused"),
        ("http://kbgen-test.invalid/debian", "kbgen-test.invalid"),
    ],
    ids=["connection-refused", "dns-failure"],
)
def test_kbgen_build_without_a_reachable_mirror_exits_2_and_keeps_the_database(tmp_path, previous_db, refused_url,
                                                                               monkeypatch, mirror_url, message):
    base = refused_url.rsplit("/", 1)[0] if mirror_url == "refused" else mirror_url
    monkeypatch.setenv("KBGEN_DEBIAN_MIRROR", base)
    before = previous_db.read_bytes()
    start = time.monotonic()
    code, out, err = build_from_manifest(tmp_path, previous_db, manifest(tmp_path / "releases.toml", "0" * 64))
    assert code == 2 and out == ""
    assert err.startswith(f"kbgen build: cannot download {base}/{POOL_DEB}: ") and message in err
    assert err.rstrip().endswith("(after 3 tries)") and "Traceback" not in err
    assert previous_db.read_bytes() == before
    if mirror_url == "refused":  # (a name lookup takes as long as this machine's resolver takes)
        assert time.monotonic() - start < 10  # three tries, 0.5 s and 1 s apart


def test_a_500_storm_is_retried_three_times_then_fails_clearly(tmp_path, previous_db, mirror):
    mirror.route(f"/debian/{POOL_DEB}", Reply(status=500, body=b"oops"))
    before = previous_db.read_bytes()
    code, _, err = build_from_manifest(tmp_path, previous_db, manifest(tmp_path / "releases.toml", "0" * 64))
    assert code == 2
    assert err == f"kbgen build: cannot download {mirror.url('/debian/' + POOL_DEB)}: HTTP 500 Internal Server Error (after 3 tries)\n"
    assert mirror.count(f"/debian/{POOL_DEB}") == 3
    assert previous_db.read_bytes() == before


def test_a_body_shorter_than_its_content_length_fails_and_caches_nothing(tmp_path, previous_db, mirror):
    deb = fixture_deb()
    mirror.route(f"/debian/{POOL_DEB}", Reply(body=deb[:1000], content_length=len(deb)))
    before = previous_db.read_bytes()
    code, _, err = build_from_manifest(tmp_path, previous_db, manifest(tmp_path / "releases.toml", sha256(deb)))
    assert code == 2
    assert err.startswith(f"kbgen build: cannot download {mirror.url('/debian/' + POOL_DEB)}: ") and "(after 3 tries)" in err
    assert "IncompleteRead" in err or "truncated body" in err
    assert mirror.count(f"/debian/{POOL_DEB}") == 3
    assert previous_db.read_bytes() == before
    assert [p.name for p in (tmp_path / "cache" / "http").iterdir()] == []


def test_a_checksum_mismatch_keeps_the_cached_copy_and_the_database(tmp_path, mirror):
    good, evil = fixture_deb(), fixture_deb(OLD)
    mirror.route(f"/debian/{POOL_DEB}", Reply(body=good), Reply(body=evil))
    db = tmp_path / "kb.sqlite"
    releases = manifest(tmp_path / "releases.toml", sha256(good))
    assert build_from_manifest(tmp_path, db, releases)[0] == 0
    before = db.read_bytes()
    [cached] = [p for p in (tmp_path / "cache" / "http").iterdir() if p.name.endswith(".deb")]

    code, _, err = build_from_manifest(tmp_path, db, releases)

    assert code == 2
    assert err == (f"kbgen build: checksum mismatch for {mirror.url('/debian/' + POOL_DEB)}: "
                   f"expected sha256 {sha256(good)}, got {sha256(evil)}\n")
    assert cached.read_bytes() == good
    assert db.read_bytes() == before
    assert mirror.count(f"/debian/{POOL_DEB}") == 2


def test_a_captive_portal_page_instead_of_the_deb_is_an_input_error(tmp_path, previous_db, mirror):
    mirror.route(f"/debian/{POOL_DEB}", Reply(body=b"<html><body>Please log in to the hotel Wi-Fi</body></html>"))
    before = previous_db.read_bytes()
    code, _, err = build_from_manifest(tmp_path, previous_db, manifest(tmp_path / "releases.toml", None))
    assert code == 2
    assert err.startswith("kbgen build: ") and "libvirt-dev_12.8.0-1_amd64.deb: not a Debian package (no ar archive header)" in err
    assert previous_db.read_bytes() == before


def test_a_package_gone_from_the_mirror_says_what_to_do(tmp_path, previous_db, mirror):
    mirror.route(f"/debian/{POOL_DEB}", Reply(status=404))
    before = previous_db.read_bytes()
    code, _, err = build_from_manifest(tmp_path, previous_db, manifest(tmp_path / "releases.toml", "0" * 64))
    assert code == 2
    assert "is gone from the server (HTTP 404) and not in the cache; update the source manifest in data/" in err
    assert previous_db.read_bytes() == before


def test_dns_failure_of_a_fetch_is_a_fetch_error_naming_the_url(tmp_path):
    url = "http://kbgen-test.invalid/libvirt-api.xml"
    with Fetcher(tmp_path / "cache", retries=2, backoff=0.01, timeout=5, progress=False) as fetcher, pytest.raises(FetchError) as err:
        fetcher.fetch(url)
    assert str(err.value).startswith(f"cannot download {url}: ") and str(err.value).endswith("(after 2 tries)")
    assert not (tmp_path / "cache" / "http").exists() or not list((tmp_path / "cache" / "http").iterdir())


# --- queries --------------------------------------------------------------------------

HOSTILE_NAMES = {
    "sql": "'; DROP TABLE symbols; --",
    "quote": "vir'Domain\"Undefine",
    "like": "%_%",
    "glob": "vir*[",
    "glob-class": "[!a-z]*",
    "backslash": "\\",
    "long": "x" * (1 << 20),
    "non-ascii": "virDomainÜndefineFlags名前😀",
    "nul": "vir\x00DomainUndefineFlags",
    "empty": "",
    "newline": "virDomainUndefineFlags\nvirDomainUndefineFlags",
    "rtl": "\u202evirDomainUndefineFlags",
}


@pytest.mark.parametrize("name", HOSTILE_NAMES.values(), ids=HOSTILE_NAMES.keys())
def test_hostile_names_are_not_found_by_since_show_and_check(fixture_db, name):
    for args in (["since", name], ["show", name], ["since", "--json", name], ["check", "--server", "9.0.0", name],
                 ["since", "--driver", name, "virDomainUndefineFlags"]):
        code, out, err = kb(fixture_db, *args)
        if args[1] == "--driver":
            assert (code, out) == (2, "") and "no such driver in this knowledge base" in err and "Traceback" not in err
            continue
        assert code == 1, (args[0], code, err[:200])
        assert "Traceback" not in err
        if "--json" in args:
            assert json.loads(out)["not_found"][0]["name"] == name
        else:
            assert "not a libvirt symbol in this knowledge base" in err
    assert kb(fixture_db, "since", "virDomainUndefineFlags")[0] == 0  # and the database is as it was


@pytest.mark.parametrize("name", [n for k, n in HOSTILE_NAMES.items() if k != "long"],
                         ids=[k for k in HOSTILE_NAMES if k != "long"])
def test_hostile_search_patterns_answer_or_say_nothing_matches(fixture_db, name):
    code, out, err = kb(fixture_db, "search", name)
    assert "Traceback" not in err
    if not name.strip():
        assert (code, err) == (2, "kb: an empty pattern matches everything; give a few letters of a name\n")
    elif name in ("%_%",):
        assert code == 1 and "no symbol, XML path, binding or virsh command matches" in out  # % and _ are literal characters, not LIKE wildcards
    else:
        assert code in (0, 1)


@pytest.mark.parametrize("args", [
    ["diff", "'; DROP TABLE symbols; --", "12.8.0"],
    ["diff", "7.0.0", "x" * (1 << 20)],
    ["diff", "", "12.8.0"],
    ["diff", "7.0.0", "12.8.0\x00"],
    ["check", "--server", "nine", "virDomainUndefineFlags"],
    ["check", "--server", "9.0.0\nrm -rf", "virDomainUndefineFlags"],
])
def test_malformed_versions_are_usage_errors(fixture_db, args):
    code, out, err = kb(fixture_db, *args)
    assert code == 2 and out == ""
    assert err.startswith("kb: ") and ": not a libvirt version: " in err


@pytest.mark.parametrize("number, code, message", [
    ("-1", 1, "'remote procedure -1': not a libvirt symbol"),
    ("0", 1, "'remote procedure 0'"),
    ("9223372036854775807", 1, "'remote procedure 9223372036854775807'"),
    ("261x", 2, "invalid int value: '261x'"),
    ("", 2, "invalid int value: ''"),
])
def test_proc_numbers_out_of_range_are_not_found(fixture_db, number, code, message):
    result = kb(fixture_db, "proc", number)
    assert result[0] == code and message in result[2] and "Traceback" not in result[2]


@pytest.mark.parametrize("name", list(HOSTILE_NAMES.values()) + ["unknown procedure: 99999", "error: unknown procedure: -3"],
                         ids=list(HOSTILE_NAMES) + ["unknown-procedure-number", "negative-procedure"])
def test_explain_answers_or_recognises_nothing(fixture_db, name):
    code, _, err = kb(fixture_db, "explain", name)
    assert code in (0, 1) and "Traceback" not in err


def test_drivers_and_conflicts_with_hostile_names(fixture_db):
    for name in HOSTILE_NAMES.values():
        code, _, err = kb(fixture_db, "drivers", name)
        assert code == 1 and "Traceback" not in err
        code, out, err = kb(fixture_db, "conflicts", "--json", "--kind", name)
        assert code == 2 and out == "" and "no such kind of disagreement; the known kinds are" in err


def test_a_one_megabyte_search_pattern_is_a_clear_answer(fixture_db):
    code, _, err = kb(fixture_db, "search", "x" * (1 << 20))
    assert code in (1, 2) and "Traceback" not in err


def test_a_procedure_number_beyond_64_bits_is_not_found(fixture_db):
    assert kb(fixture_db, "proc", "99999999999999999999")[0] == 1


@pytest.mark.parametrize("digits", [20, 5000])
def test_explain_an_unknown_procedure_with_a_huge_number(fixture_db, digits):
    assert kb(fixture_db, "explain", "unknown procedure: " + "9" * digits)[0] in (0, 1)


# --- a corrupt or foreign database passed to kb --------------------------------------------


@pytest.mark.parametrize("keep", [0, 100, 4096, 0.5, -4096], ids=["zero-bytes", "100-bytes", "first-page", "half", "last-page-missing"])
def test_truncated_databases_exit_2(fixture_db, tmp_path, keep):
    data = fixture_db.read_bytes()
    size = int(len(data) * keep) if isinstance(keep, float) else (len(data) + keep if keep < 0 else keep)
    db = write(tmp_path / "kb.sqlite", data[:size])
    for args in (["since", "virDomainUndefineFlags"], ["search", "vir"], ["drivers"]):
        code, out, err = kb(db, *args)
        assert (code, out) == (2, "")
        assert err.startswith(f"kb: {db}: not a kbgen knowledge base (") and "Traceback" not in err


@pytest.mark.parametrize("content, message", [
    (b"<html>not a database</html>", "not a kbgen knowledge base (file is not a database)"),
    (b"SQLite format 3\x00" + b"\xff" * 200, "not a kbgen knowledge base ("),
])
def test_foreign_files_exit_2(tmp_path, content, message):
    db = write(tmp_path / "kb.sqlite", content)
    code, _, err = kb(db, "since", "x")
    assert code == 2 and message in err


def test_a_database_with_a_meta_table_but_nothing_else_exits_2(tmp_path):
    db = tmp_path / "kb.sqlite"
    conn = sqlite3.connect(db)
    conn.execute("CREATE TABLE meta (key TEXT, value TEXT)")
    conn.execute(f"INSERT INTO meta VALUES ('schema_version', '{SCHEMA_VERSION}')")
    conn.commit()
    conn.close()
    code, out, err = kb(db, "since", "virDomainUndefineFlags")
    assert (code, out) == (2, "")
    missing = ", ".join(table for table in SCHEMA if table != "meta")
    assert err.startswith(f"kb: {db}: not a complete kbgen knowledge base (no table {missing});")
    assert err.rstrip().endswith("rebuild it with `kbgen build`")


def test_a_directory_as_the_database_exits_2(tmp_path):
    code, _, err = kb(tmp_path, "since", "x")
    assert code == 2 and err == f"kb: {tmp_path}: is a directory, not a knowledge base file; pass the .sqlite file (--db PATH)\n"


UNREADABLE = """
import contextlib, io, os, sys
from kbgen.cli.kb import main as kb_main
with contextlib.redirect_stderr(io.StringIO()):  # a first run imports all that kb uses, while it is readable
    kb_main(["--db", sys.argv[1] + ".absent", "since", "virDomainUndefineFlags"])
if os.getuid() == 0:  # root reads any file: drop to nobody
    os.setgid(65534)
    os.setuid(65534)
sys.exit(kb_main(["--db", sys.argv[1], "since", "virDomainUndefineFlags"]))
"""


def test_an_unreadable_database_exits_2(fixture_db):
    import tempfile

    directory = Path(tempfile.mkdtemp(prefix="kbgen-unreadable-"))  # under /tmp: every parent is searchable by nobody
    directory.chmod(0o755)
    db = directory / "kb.sqlite"
    shutil.copy(fixture_db, db)
    db.chmod(0o000)
    try:
        done = subprocess.run([sys.executable, "-c", UNREADABLE, str(db)], capture_output=True, text=True, cwd=ROOT, check=False)
    finally:
        shutil.rmtree(directory)
    assert done.returncode == 2, done.stderr
    assert done.stderr == f"kb: {db}: cannot read the knowledge base (permission denied)\n"


def test_a_database_corrupted_in_the_middle_exits_2(fixture_db, tmp_path):
    data = bytearray(fixture_db.read_bytes())
    conn = sqlite3.connect(fixture_db)
    page = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'symbols'").fetchone()[0]
    conn.close()
    data[(page - 1) * 4096:page * 4096] = b"\xff" * 4096
    db = write(tmp_path / "kb.sqlite", bytes(data))
    assert kb(db, "since", "virDomainUndefineFlags")[0] == 2
