import hashlib
import io
import lzma
import tarfile
from pathlib import Path
from urllib.parse import urlsplit

import archives
import pytest
import requests
from archives import ar_bytes, deb_bytes
from httpserver import Reply

from kbgen.cli.kbgen import main as kbgen_main
from kbgen.errors import InputError, KbgenError
from kbgen.inputs.debian import MIRROR_ENV, apt_mirrors, deb_members, find_mirror
from kbgen.inputs.manifest import load_manifest

API_XML = "usr/share/libvirt/api/libvirt-api.xml"
QEMU_XML = "usr/share/libvirt/api/libvirt-qemu-api.xml"


@pytest.fixture(autouse=True)
def no_mirror_override(monkeypatch):
    monkeypatch.delenv(MIRROR_ENV, raising=False)


# --- apt sources -------------------------------------------------------------

ONE_LINE = """\
# the main archive
deb [ arch=amd64 signed-by=/k.gpg ] http://mirror.example/debian/ bookworm main
deb-src http://mirror.example/debian bookworm main
deb http://security.example/debian-security bookworm-security main
deb https://packages.vendor.example/apt cloud-sdk main
# deb http://commented.example/debian sid main
deb http://backports.example/debian bookworm-backports main  # trailing comment
"""

DEB822 = """\
Types: deb
# http://snapshot.example/archive/debian/20250520T000000Z
URIs: https://second.example/debian
Suites: trixie trixie-updates
Components: main
Signed-By:
 -----BEGIN PGP PUBLIC KEY BLOCK-----
 .
 mQINBGPL0BUBEADmW5NlSrwOPmfs0
 -----END PGP PUBLIC KEY BLOCK-----

Types: deb
URIs: http://security.example/debian-security
Suites: trixie-security
Components: main

types: deb
uris: http://disabled.example/debian
suites: sid
components: main
enabled: no

Types: deb
URIs: https://vendor.example/node
Suites: nodistro
Components: main

Types: deb deb-src
URIs: http://mirror.example/debian http://third.example/debian/
Suites: unstable
Components: main
"""

DISABLED_FILE = "deb http://disabled-file.example/debian bookworm main\n"


@pytest.fixture
def apt_dir(tmp_path) -> Path:
    parts = tmp_path / "sources.list.d"
    parts.mkdir()
    (tmp_path / "sources.list").write_text(ONE_LINE)
    (parts / "debian.sources").write_text(DEB822)
    (parts / "aaa.list.disabled-by-farm").write_text(DISABLED_FILE)
    (parts / "nodesource.sources.disabled-by-farm").write_text(DISABLED_FILE)
    return tmp_path


def test_apt_mirrors_keeps_debian_archives_in_order(apt_dir):
    assert apt_mirrors(apt_dir) == [
        "http://mirror.example/debian",
        "http://backports.example/debian",
        "https://second.example/debian",
        "http://third.example/debian",
    ]


def test_apt_mirrors_reads_every_list_and_sources_file_by_name(tmp_path):
    parts = tmp_path / "sources.list.d"
    parts.mkdir()
    (parts / "b.list").write_text("deb http://b.example/debian sid main\n")
    (parts / "a.sources").write_text("Types: deb\nURIs: http://a.example/debian\nSuites: stable\n")
    (parts / "c.list").write_text("deb http://c.example/debian oldstable-proposed-updates main\n")

    assert apt_mirrors(tmp_path) == [
        "http://a.example/debian",
        "http://b.example/debian",
        "http://c.example/debian",
    ]


@pytest.mark.parametrize(
    "line",
    [
        "deb http://security.example/debian-security bookworm-security main",
        "deb http://vendor.example/apt bookworm-pgdg main",
        "deb http://vendor.example/apt cloud-sdk main",
        "deb-armhf http://mirror.example/debian bookworm main",
        "deb file:/srv/debian bookworm main",
        "deb cdrom:[Debian 12]/ bookworm main",
        "deb http://mirror.example/debian",
    ],
)
def test_apt_mirrors_excludes_non_archive_entries(tmp_path, line):
    (tmp_path / "sources.list").write_text(line + "\n")

    assert apt_mirrors(tmp_path) == []


def test_apt_mirrors_of_a_missing_directory_is_empty(tmp_path):
    assert apt_mirrors(tmp_path / "nowhere") == []


def test_find_mirror_takes_the_first_apt_mirror(apt_dir):
    assert find_mirror(apt_dir) == "http://mirror.example/debian"


def test_find_mirror_prefers_the_environment(apt_dir, monkeypatch):
    monkeypatch.setenv(MIRROR_ENV, "https://override.example/debian/")

    assert find_mirror(apt_dir) == "https://override.example/debian"


def test_find_mirror_without_sources_says_to_set_the_variable(tmp_path):
    with pytest.raises(KbgenError, match=MIRROR_ENV):
        find_mirror(tmp_path)


@pytest.mark.integration
def test_find_mirror_reads_this_machines_apt_sources():
    try:
        mirror = find_mirror()
    except KbgenError:
        pytest.skip("this machine's apt sources name no Debian mirror")
    try:
        response = requests.get(f"{mirror}/dists/sid/Release", timeout=15)
    except requests.RequestException as err:
        pytest.skip(f"the Debian mirror named by /etc/apt is unreachable ({type(err).__name__})")
    parts = urlsplit(mirror)
    scheme, has_host, status = parts.scheme, bool(parts.netloc), response.status_code
    assert scheme in ("http", "https")
    assert has_host
    assert status == 200
    assert response.content.startswith(b"Origin: Debian")


# --- reading a .deb ------------------------------------------------------------


def write_deb(path: Path, data_tar: bytes, data_name: str = "data.tar.xz") -> Path:
    path.write_bytes(deb_bytes(data_tar, data_name))
    return path


def tar_bytes(members: dict[str, bytes], compression: str = "xz", symlinks: dict[str, str] | None = None) -> bytes:
    links = {name: (tarfile.SYMTYPE, target) for name, target in (symlinks or {}).items()}
    return archives.tar_bytes(members, compression, links, directories=("./",))


def in_api_dir(name: str) -> bool:
    return name.startswith("usr/share/libvirt/api/")


def test_deb_members_returns_wanted_regular_files(tmp_path):
    data = tar_bytes(
        {
            f"./{API_XML}": b"<api/>",
            f"./{QEMU_XML}": b"<qemu/>",
            "./usr/lib/x86_64-linux-gnu/libvirt.so.0": b"\x7fELF",
        }
    )
    deb = write_deb(tmp_path / "libvirt-dev_9.0.0_amd64.deb", data)

    assert deb_members(deb, in_api_dir) == {API_XML: b"<api/>", QEMU_XML: b"<qemu/>"}


def test_deb_members_asks_wanted_about_every_regular_file_only(tmp_path):
    link = "./usr/share/libvirt/api/link.xml"
    data = tar_bytes({f"./{API_XML}": b"<api/>"}, symlinks={link: API_XML})
    seen = []

    deb_members(write_deb(tmp_path / "p.deb", data), lambda name: seen.append(name) or True)

    assert seen == [API_XML]


def test_deb_members_ignores_escaping_paths_and_symlinks(tmp_path):
    data = tar_bytes(
        {"../../etc/passwd": b"root:x:0:0", "/etc/shadow": b"root:*:", f"./{API_XML}": b"<api/>"},
        symlinks={"./usr/share/libvirt/api/evil.xml": "/etc/shadow"},
    )
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        assert {"../../etc/passwd", "/etc/shadow"} <= set(tar.getnames())
    deb = write_deb(tmp_path / "evil.deb", data)

    assert deb_members(deb, lambda name: True) == {API_XML: b"<api/>"}


@pytest.mark.parametrize(("compression", "suffix"), [("gz", ".gz"), ("bz2", ".bz2"), ("", "")])
def test_deb_members_reads_other_compressions(tmp_path, compression, suffix):
    data = tar_bytes({f"./{API_XML}": b"<api/>"}, compression=compression)
    deb = write_deb(tmp_path / "p.deb", data, data_name=f"data.tar{suffix}")

    assert deb_members(deb, in_api_dir) == {API_XML: b"<api/>"}


def test_deb_members_accepts_gnu_ar_member_names(tmp_path):
    data = tar_bytes({f"./{API_XML}": b"<api/>"})
    deb = tmp_path / "gnu.deb"
    deb.write_bytes(ar_bytes([("debian-binary/", b"2.0\n"), ("data.tar.xz/", data)]))

    assert deb_members(deb, in_api_dir) == {API_XML: b"<api/>"}


def test_deb_members_of_a_non_archive_names_the_file(tmp_path):
    path = tmp_path / "index.html"
    path.write_text("<html>not found</html>")

    with pytest.raises(InputError, match="not a Debian package") as raised:
        deb_members(path, in_api_dir)
    assert raised.value.path == str(path)
    assert str(raised.value).startswith(f"{path}: ")


def test_deb_members_without_data_tar_fails(tmp_path):
    deb = tmp_path / "source-only.deb"
    deb.write_bytes(ar_bytes([("debian-binary", b"2.0\n"), ("control.tar.xz", b"xx")]))

    with pytest.raises(InputError, match="no data.tar member"):
        deb_members(deb, in_api_dir)


def test_deb_members_with_zstd_data_fails_clearly(tmp_path):
    deb = write_deb(tmp_path / "p.deb", b"(\xb5/\xfd not really zstd", data_name="data.tar.zst")

    with pytest.raises(InputError, match="data.tar.zst"):
        deb_members(deb, in_api_dir)


def test_deb_members_with_corrupt_data_tar_fails(tmp_path):
    data = tar_bytes({f"./{API_XML}": b"<api/>" * 1000})
    deb = write_deb(tmp_path / "p.deb", data[: len(data) // 2] + bytes(len(data) // 2))

    with pytest.raises(InputError, match="corrupt data.tar.xz"):
        deb_members(deb, in_api_dir)


def test_deb_members_with_truncated_ar_fails(tmp_path):
    deb = write_deb(tmp_path / "p.deb", tar_bytes({f"./{API_XML}": b"<api/>"}))
    deb.write_bytes(deb.read_bytes()[:-100])

    with pytest.raises(InputError, match="truncated: data.tar.xz has"):
        deb_members(deb, in_api_dir)


def test_deb_members_of_a_missing_file_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="cannot read"):
        deb_members(tmp_path / "missing.deb", in_api_dir)


# --- kbgen debian-lookup: a suite's whole manifest entry -------------------------


SCHEMA = "./usr/share/libvirt/schemas/domain.rng"
POOL = "pool/main/libv/libvirt"


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class Suite:
    """A suite on a mirror served on loopback: its Packages.xz and Sources.xz indexes and its .debs."""

    def __init__(self, server, name: str = "trixie"):
        self.server, self.name, self.stanzas = server, name, []
        self.base = f"/debian/dists/{name}/main"

    def package(self, name: str, version: str, files: dict[str, bytes] | None = None, pool: str = POOL) -> str:
        deb = deb_bytes(tar_bytes({"./usr/share/doc/x": b"x", **(files or {})}))
        path = f"{pool}/{name}_{version}_amd64.deb"
        self.server.route(f"/debian/{path}", Reply(body=deb))
        self.stanzas.append(f"Package: {name}\nVersion: {version}\nFilename: {path}\nSHA256: {sha(deb)}")
        return path

    def sources(self, *stanzas: str) -> None:
        self.server.route(f"{self.base}/source/Sources.xz", Reply(body=lzma.compress("\n\n".join(stanzas).encode())))

    def publish(self) -> None:
        index = lzma.compress("\n\n".join(["Package: other\nVersion: 1.0-1", *self.stanzas]).encode() + b"\n")
        self.server.route(f"{self.base}/binary-amd64/Packages.xz", Reply(body=index))

    def requested(self, path: str) -> bool:
        return f"/debian/{path}" in self.server.requests


ORIG = b"libvirt 11.3.0 source"
ORIG_LINE = f"{POOL}/libvirt_11.3.0.orig.tar.xz {hashlib.sha256(ORIG).hexdigest()}"


def sources_stanza(version: str, upstream: str, digest: str = hashlib.sha256(ORIG).hexdigest(), directory: str = POOL) -> str:
    return (f"Package: libvirt\nBinary: libvirt-dev, libvirt0\nVersion: {version}\nDirectory: {directory}\n"
            f"Files:\n 0123456789abcdef0123456789abcdef 10 libvirt_{version}.dsc\n"
            f"Checksums-Sha256:\n {'d' * 64} 10 libvirt_{version}.dsc\n {digest} 9000 libvirt_{upstream}.orig.tar.xz\n"
            f" {'e' * 64} 100 libvirt_{version}.debian.tar.xz\nSection: admin")


@pytest.fixture
def suite(http_server, monkeypatch):
    monkeypatch.setenv(MIRROR_ENV, http_server.url("/debian"))
    return Suite(http_server)


def lookup(tmp_path, capsys, suite_name: str = "trixie", *options: str):
    code = kbgen_main(["debian-lookup", "-q", "--cache-dir", str(tmp_path / "cache"), *options, suite_name])
    out, err = capsys.readouterr()
    return code, out, err


def entry_sources(tmp_path: Path, out: str) -> list[str]:
    manifest = tmp_path / "releases.toml"
    manifest.write_text(out)
    [release] = load_manifest(manifest)
    assert release.suite == "trixie" and all(s.kind == "pool" for s in release.sources)
    return [release.version, *(f"{s.location} {s.sha256}" for s in release.sources)]


def full_suite(suite: Suite, schemas_in: str) -> dict[str, str]:
    """A suite with every package of an entry, the schemas in package schemas_in; name -> pool path."""
    paths = {name: suite.package(name, "11.3.0-3", {SCHEMA: b"<grammar/>"} if name == schemas_in else {})
             for name in ("libvirt-dev", "libvirt-doc", "libvirt-common", "libvirt0")}
    paths["python3-libvirt"] = suite.package("python3-libvirt", "11.3.0-1", pool="pool/main/libv/libvirt-python")
    suite.sources(sources_stanza("11.2.0-1", "11.2.0", "f" * 64), sources_stanza("11.3.0-3", "11.3.0"))
    suite.server.route(f"/debian/{POOL}/libvirt_11.3.0.orig.tar.xz", Reply(body=ORIG))
    suite.publish()
    return paths


def index_line(suite: Suite, path: str) -> str:
    """path and its SHA256 as the suite's Packages index gives them."""
    stanza = next(s for s in suite.stanzas if f"Filename: {path}\n" in s)
    return f"{path} {stanza.rpartition('SHA256: ')[2]}"


@pytest.mark.parametrize("schemas_in", ["libvirt-common", "libvirt0"])
def test_debian_lookup_prints_every_file_of_the_entry(tmp_path, capsys, suite, schemas_in):
    paths = full_suite(suite, schemas_in)
    code, out, err = lookup(tmp_path, capsys)
    assert (code, err) == (0, "")
    assert entry_sources(tmp_path, out) == [
        "11.3.0",
        index_line(suite, paths["libvirt-dev"]),
        index_line(suite, paths["libvirt-doc"]),
        index_line(suite, paths[schemas_in]),
        ORIG_LINE,
        index_line(suite, paths["python3-libvirt"]),
    ]
    assert "# python3-libvirt 11.3.0-1\n" in out and "not libvirt's version" not in out


def test_debian_lookup_takes_libvirt_common_without_downloading_libvirt0(tmp_path, capsys, suite):
    paths = full_suite(suite, "libvirt-common")
    assert lookup(tmp_path, capsys)[0] == 0
    assert suite.requested(paths["libvirt-common"]) and not suite.requested(paths["libvirt0"])
    assert lookup(tmp_path, capsys, "trixie", "--offline")[0] == 0  # the index and the .deb from the cache


def test_debian_lookup_of_a_suite_without_libvirt_common_takes_libvirt0(tmp_path, capsys, suite):
    for name in ("libvirt-dev", "libvirt-doc", "python3-libvirt"):
        suite.package(name, "9.0.0-4")
    libvirt0 = suite.package("libvirt0", "9.0.0-4", {SCHEMA: b"<grammar/>"})
    suite.sources(sources_stanza("9.0.0-4", "9.0.0", sha(b"9.0.0 source")))
    suite.server.route(f"/debian/{POOL}/libvirt_9.0.0.orig.tar.xz", Reply(body=b"9.0.0 source"))
    suite.publish()
    code, out, err = lookup(tmp_path, capsys)
    assert (code, err) == (0, "")
    assert entry_sources(tmp_path, out)[3] == index_line(suite, libvirt0)


def test_debian_lookup_says_when_the_bindings_have_another_version(tmp_path, capsys, suite):
    suite.package("python3-libvirt", "11.4.0-1")
    full_suite(suite, "libvirt-common")  # adds a second python3-libvirt stanza: the first one counts
    code, out, err = lookup(tmp_path, capsys)
    assert (code, err) == (0, "")
    assert out.startswith("# python3-libvirt 11.4.0-1: not libvirt's version 11.3.0 (the bindings are released on their own)\n")
    assert entry_sources(tmp_path, out)[-1].startswith("pool/main/libv/libvirt/python3-libvirt_11.4.0-1_amd64.deb ")


@pytest.mark.parametrize("sources, reason", [
    ([sources_stanza("11.4.0-1", "11.4.0")], "not in {url}"),
    ([], "{url} is gone from the server (HTTP 404)"),
    (None, "listed in {url}, but {tarball} is gone from the server (HTTP 404)"),
], ids=["another-version", "no-index", "listed-not-there"])
def test_debian_lookup_without_the_source_tarball_prints_the_rest_and_exits_1(tmp_path, capsys, suite, sources, reason):
    paths = full_suite(suite, "libvirt-common")
    tarball = f"/debian/{POOL}/libvirt_11.3.0.orig.tar.xz"
    if sources is None:
        suite.server.route(tarball, Reply(status=404))
    elif sources:
        suite.sources(*sources)
    else:
        suite.server.route(f"{suite.base}/source/Sources.xz", Reply(status=404))
    code, out, err = lookup(tmp_path, capsys)
    url = suite.server.url(f"{suite.base}/source/Sources.xz")
    assert code == 1
    assert err.startswith("kbgen debian-lookup: suite trixie lacks libvirt_11.3.0.orig.tar.xz: "
                          + reason.format(url=url, tarball=suite.server.url(tarball)))
    assert len(err.splitlines()) == 1
    assert entry_sources(tmp_path, out)[1:] == [index_line(suite, paths[p]) for p in
                                                 ("libvirt-dev", "libvirt-doc", "libvirt-common", "python3-libvirt")]


def test_debian_lookup_reports_each_missing_package(tmp_path, capsys, suite):
    dev = suite.package("libvirt-dev", "11.3.0-3")
    suite.package("libvirt-doc", "11.2.0-1")
    suite.package("libvirt-common", "11.3.0-3")  # no schemas in it
    suite.sources(sources_stanza("11.3.0-3", "11.3.0"))
    suite.server.route(f"/debian/{POOL}/libvirt_11.3.0.orig.tar.xz", Reply(body=ORIG))
    suite.publish()
    code, out, err = lookup(tmp_path, capsys)
    packages = suite.server.url(f"{suite.base}/binary-amd64/Packages.xz")
    assert code == 1
    assert err.splitlines() == [
        f"kbgen debian-lookup: suite trixie lacks libvirt-doc: {packages} has version 11.2.0-1, not one of libvirt 11.3.0",
        f"kbgen debian-lookup: suite trixie lacks usr/share/libvirt/schemas/*.rng: in none of {POOL}/libvirt-common_11.3.0-3_amd64.deb",
        f"kbgen debian-lookup: suite trixie lacks python3-libvirt: not in {packages}",
    ]
    assert entry_sources(tmp_path, out)[1:] == [index_line(suite, dev), ORIG_LINE]


@pytest.mark.parametrize("stanza, message", [
    (sources_stanza("11.3.0-3", "11.3.0", directory="pool/../../etc"),
     "libvirt: Filename 'pool/../../etc/libvirt_11.3.0.orig.tar.xz' is not a relative path under pool/"),
    (sources_stanza("11.3.0-3", "11.3.0", digest="C" * 64), f"libvirt: SHA256 '{'C' * 64}' is not 64 hexadecimal digits"),
], ids=["directory-escapes", "digest"])
def test_debian_lookup_refuses_a_crafted_sources_index(tmp_path, capsys, suite, stanza, message):
    full_suite(suite, "libvirt-common")
    suite.sources(stanza)
    code, out, err = lookup(tmp_path, capsys)
    assert (code, out) == (2, "")
    assert err == f"kbgen debian-lookup: {suite.server.url(f'{suite.base}/source/Sources.xz')}: {message}\n"
