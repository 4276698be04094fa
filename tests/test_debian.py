import io
import tarfile
from pathlib import Path
from urllib.parse import urlsplit

import archives
import pytest
import requests
from archives import ar_bytes, deb_bytes

from kbgen.errors import InputError, KbgenError
from kbgen.inputs.debian import MIRROR_ENV, apt_mirrors, deb_members, find_mirror

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
