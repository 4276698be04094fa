"""`kbgen`: building from named inputs, the summary, failures that leave the old knowledge base, the lock."""

import json
import sqlite3

import pytest
from conftest import FIXTURES

from kbgen.build import build_lock
from kbgen.cli.kbgen import main
from kbgen.parse.packages_index import (
    PackageFile,
    orig_tarball,
    parse_packages_index,
    upstream_version,
)


def inputs(old=FIXTURES / "release-old", new=FIXTURES / "release-new"):
    return ["--input", f"7.0.0={old}", "--input", f"12.8.0={new}"]


def with_trees():
    return [*inputs(), "--input", f"7.0.0={FIXTURES / 'srctree-old'}", "--input", f"12.8.0={FIXTURES / 'srctree'}"]


@pytest.fixture
def env(tmp_path, monkeypatch):
    monkeypatch.setenv("KBGEN_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("KBGEN_DEBIAN_MIRROR", "http://127.0.0.1:9/debian")  # discard port: nothing answers
    return tmp_path


def test_build_from_named_inputs_prints_a_summary(env, capsys):
    db = env / "kb.sqlite"
    assert main(["build", "-q", "--db", str(db), *inputs()]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].startswith(f"built {db} in ")
    assert "from releases 7.0.0, 12.8.0" in out
    assert "4 disagreement(s) between sources:" in out
    assert "    xml-vs-hvsupport: 1\n      virDomainPMSuspendForDuration: API XML says 0.9.10" in out
    assert sqlite3.connect(db).execute("SELECT COUNT(*) FROM symbols").fetchone()[0] == 26


def test_build_json_summary(env, capsys):
    assert main(["build", "-q", "--json", "--db", str(env / "kb.sqlite"), *inputs()]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["releases"] == ["7.0.0", "12.8.0"]
    assert report["counts"]["symbols"] == 26
    assert {d["kind"] for d in report["disagreements"]} == {"xml-vs-hvsupport", "driver-since-changed", "symbol-vanished",
                                                            "xml-since-vs-schema"}


def test_the_summary_gives_the_flag_mask_coverage_of_the_newest_tree(env, capsys):
    assert main(["build", "-q", "--db", str(env / "kb.sqlite"), *with_trees()]) == 0
    assert "flag masks determined for 3 of 3 (API, driver) pairs in 12.8.0 (100.0%)" in capsys.readouterr().out
    assert main(["build", "-q", "--json", "--db", str(env / "kb.sqlite"), *with_trees()]) == 0
    assert json.loads(capsys.readouterr().out)["flag_coverage"] == {"tree": "12.8.0", "determined": 3, "pairs": 3}


def test_a_bad_input_fails_clearly_and_keeps_the_old_database(env, capsys, tmp_path):
    db = env / "kb.sqlite"
    assert main(["build", "-q", "--db", str(db), *inputs()]) == 0
    before = db.read_bytes()
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "libvirt-api.xml").write_text("<api name='libvirt'><symbols><function name='x'>")
    capsys.readouterr()
    assert main(["build", "-q", "--db", str(db), *inputs(new=broken)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("kbgen build: ") and str(broken / "libvirt-api.xml") in err and "not well-formed" in err
    assert "Traceback" not in err
    assert db.read_bytes() == before


def test_unknown_input_file_name_is_refused(env, capsys, tmp_path):
    stray = tmp_path / "notes.txt"
    stray.write_text("x")
    assert main(["build", "-q", "--db", str(env / "kb.sqlite"), "--input", f"1.0.0={stray}"]) == 2
    assert "unknown input file name 'notes.txt'" in capsys.readouterr().err


def test_bad_input_spec_is_a_clear_error(env, capsys):
    assert main(["build", "-q", "--input", "latest=/tmp"]) == 2
    assert "expected VERSION=PATH-OR-URL" in capsys.readouterr().err


def test_offline_with_an_empty_cache_says_what_is_missing(env, capsys):
    assert main(["build", "-q", "--offline", "--db", str(env / "kb.sqlite")]) == 2
    err = capsys.readouterr().err
    assert "not in the cache (offline)" in err and "libvirt-dev_7.0.0" in err and "--offline" in err


def test_unreachable_mirror_falls_back_to_the_snapshot_only_when_asked(env, capsys):
    db = env / "kb.sqlite"
    assert main(["build", "-q", "--db", str(db)]) == 2
    assert "cannot download" in capsys.readouterr().err and not db.exists()
    assert main(["build", "-q", "--or-snapshot", "--db", str(db)]) == 0
    assert "installed the embedded snapshot" in capsys.readouterr().err
    assert sqlite3.connect(db).execute("SELECT since FROM symbols WHERE name = 'virDomainUndefineFlags'").fetchone() == ("0.9.4",)


def test_a_second_build_of_the_same_database_fails_at_once(env, capsys):
    db = env / "kb.sqlite"
    with build_lock(db):
        assert main(["build", "-q", "--db", str(db), *inputs()]) == 2
    assert "another kbgen build is writing this database" in capsys.readouterr().err
    assert main(["build", "-q", "--db", str(db), *inputs()]) == 0


def test_refresh_writes_a_snapshot(env, capsys):
    out = env / "snap"
    assert main(["refresh", "-q", "--snapshot-dir", str(out), *inputs()]) == 0
    from kbgen.store.schema import PROSE_TABLES, SCHEMA

    assert sorted(p.name for p in out.iterdir()) == sorted(f"{table}.jsonl.gz" for table in SCHEMA if table not in PROSE_TABLES)


def test_manifest_errors_name_the_file(env, capsys, tmp_path):
    manifest = tmp_path / "releases.toml"
    manifest.write_text('[[release]]\nversion = "12"\nsources = [{ path = "/x" }]\n')
    assert main(["build", "-q", "--manifest", str(manifest)]) == 2
    assert f"{manifest}: release version '12' is not a libvirt version" in capsys.readouterr().err


PACKAGES = """Package: libvirt-clients
Version: 12.8.0-1
Filename: pool/main/libv/libvirt/libvirt-clients_12.8.0-1_amd64.deb
SHA256: aaaa

Package: libvirt-dev
Source: libvirt
Version: 12.8.0-1
Description: development files
 a continuation line: with a colon
Filename: pool/main/libv/libvirt/libvirt-dev_12.8.0-1_amd64.deb
SHA256: bbbb
"""


def test_packages_index_finds_the_wanted_packages():
    [found] = parse_packages_index(PACKAGES, {"libvirt-dev", "libvirt-doc"})
    assert (found.package, found.filename, found.sha256) == ("libvirt-dev", "pool/main/libv/libvirt/libvirt-dev_12.8.0-1_amd64.deb", "bbbb")
    assert upstream_version(found.version) == "12.8.0"
    assert upstream_version("1:7.0.0-3+deb11u3") == "7.0.0"


SOURCES = """Package: libvirt-python
Version: 12.8.0-1
Directory: pool/main/libv/libvirt-python
Checksums-Sha256:
 1111111111111111111111111111111111111111111111111111111111111111 500 libvirt-python_12.8.0.orig.tar.gz

Package: libvirt
Version: 12.8.0-1
Directory: pool/main/libv/libvirt
Files:
 0123456789abcdef0123456789abcdef 9000 libvirt_12.8.0.orig.tar.xz
Checksums-Sha256:
 2222222222222222222222222222222222222222222222222222222222222222 3000 libvirt_12.8.0-1.dsc
 3333333333333333333333333333333333333333333333333333333333333333 9000 libvirt_12.8.0.orig.tar.xz
 4444444444444444444444444444444444444444444444444444444444444444 90 libvirt_12.8.0-1.debian.tar.xz
Homepage: https://libvirt.org
"""


def test_sources_index_gives_the_orig_tarball_of_a_source_package():
    tarball = orig_tarball(SOURCES, "libvirt", "12.8.0")
    assert tarball == PackageFile("libvirt", "12.8.0-1", "pool/main/libv/libvirt/libvirt_12.8.0.orig.tar.xz", "3" * 64)
    assert orig_tarball(SOURCES, "libvirt", "12.9.0") is None
    assert orig_tarball(SOURCES, "libvirt-python", "12.8.0") is None  # a .tar.gz is not the .orig.tar.xz a manifest takes


def test_the_summary_cuts_long_disagreement_values(capsys):
    from pathlib import Path

    from kbgen.build import BuildReport
    from kbgen.cli.kbgen import SHOWN_VALUES, _print_report

    values = json.dumps({"contradicted_by": [{"api": "0.9.4", "procedure": n} for n in range(100)]})
    disagreement = {"subject": "remote procedure 316", "kind": "procedure-order", "detail": "remote procedure 316 (x)", "values": values}
    report = BuildReport(Path("kb.sqlite"), ["7.0.0"], {"symbols": 1, "flag_links": 0, "driver_support": 0, "matrix_apis": 0},
                         [disagreement], 1.0, None)
    _print_report(type("Args", (), {"json": False})(), report)
    line = next(line for line in capsys.readouterr().out.splitlines() if "remote procedure 316 (x)" in line)
    assert line.endswith(values[:SHOWN_VALUES] + " ...")
