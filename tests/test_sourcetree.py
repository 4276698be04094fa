"""Source trees from tarballs and from the tags of a git clone; exact flag versions from a tag walk."""

import json
import shutil
import subprocess

import pytest
from archives import tar_bytes, tree_tarball
from conftest import FIXTURES, NEW, OLD, fixture_releases, local_resolver

from kbgen.errors import InputError
from kbgen.inputs.manifest import Release, Source, merge_releases, releases_from_git
from kbgen.inputs.sourcetree import release_tags, unpack_tarball


def make_tarball(path, tree, extra=()):
    path.write_bytes(tree_tarball(tree, top="libvirt-1.2.3", extra=dict(extra)))
    return path


def test_tarball_keeps_only_the_sources_the_analysis_reads(tmp_path):
    tarball = make_tarball(tmp_path / "libvirt_1.2.3.orig.tar.xz", FIXTURES / "srctree", [
        ("libvirt-1.2.3/README", b"not needed"),
        ("libvirt-1.2.3/src/../../escape.c", b"path traversal"),
        ("../../etc/evil.c", b"path traversal"),
    ])
    tree = unpack_tarball(tarball, tmp_path / "tree")
    files = sorted(str(p.relative_to(tree)) for p in tree.rglob("*") if p.is_file())
    assert "src/libvirt_public.syms" in files and "src/fake/fake_driver.c" in files and "tools/virsh-fake.c" in files
    assert not any("README" in f or "escape" in f or "evil" in f for f in files)
    assert not (tmp_path.parent / "etc").exists() and not (tmp_path / "escape.c").exists()


def test_a_tarball_without_a_libvirt_tree_is_refused_and_leaves_nothing(tmp_path):
    tarball = tmp_path / "other-1.0.tar.xz"
    tarball.write_bytes(tar_bytes({"other-1.0/src/main.c": b"int main;"}))
    with pytest.raises(InputError, match="not a libvirt source tree"):
        unpack_tarball(tarball, tmp_path / "tree")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["other-1.0.tar.xz"]


def test_a_corrupt_tarball_is_an_input_error(tmp_path):
    tarball = tmp_path / "libvirt_1.0.0.orig.tar.xz"
    tarball.write_bytes(b"\xfd7zXZ\x00 this is not really xz")
    with pytest.raises(InputError, match="cannot read as a source tarball"):
        unpack_tarball(tarball, tmp_path / "tree")


def git(repo, *args):
    subprocess.run(["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@t", *args], check=True, capture_output=True)


@pytest.fixture
def clone(tmp_path):
    """A git repository with two release tags: v7.0.0 (the old fixture tree) and v7.0.1 (the new one)."""
    repo = tmp_path / "libvirt"
    repo.mkdir()
    git(repo, "init", "-q")
    for tree, tag in ((FIXTURES / "srctree-old", "v7.0.0"), (FIXTURES / "srctree", "v7.0.1")):
        shutil.rmtree(repo / "src", ignore_errors=True)
        shutil.copytree(tree / "src", repo / "src")
        (repo / "NEWS.rst").write_text(tag)
        git(repo, "add", "-A")
        git(repo, "commit", "-q", "-m", tag)
        git(repo, "tag", tag)
    git(repo, "tag", "v7.0.1-rc1")
    return repo


def test_release_tags_are_the_version_tags_oldest_first(clone):
    assert release_tags(clone) == [("7.0.0", "v7.0.0"), ("7.0.1", "v7.0.1")]


def test_a_tag_is_read_without_a_checkout(clone, tmp_path):
    [release] = [r for r in releases_from_git(clone) if r.version == "7.0.1"]
    [tree] = local_resolver(tmp_path / "cache").release_inputs(release)
    assert tree.name == "source-tree" and tree.origin == "libvirt@v7.0.1" and len(tree.sha256) == 40
    assert (tree.path / "src/fake/fake_driver.c").is_file() and not (tree.path / "NEWS.rst").exists()
    assert tree.walk == str(clone)


def test_a_walk_over_every_tag_makes_flag_versions_exact(clone, tmp_path):
    from kbgen.build import build_tables

    releases = merge_releases(fixture_releases(trees=False), releases_from_git(clone))
    assert [r.version for r in releases] == [OLD, NEW, "7.0.1"]
    tables = build_tables(releases, local_resolver(tmp_path / "cache"))
    flags = {name: r for r in tables["driver_flags"] for name in r["names"].split()}
    nvram = flags["VIR_DOMAIN_UNDEFINE_NVRAM"]
    assert (nvram["upper"], nvram["exact"], nvram["lower"], nvram["after"]) == ("7.0.1", True, "7.0.1", None)
    assert flags["VIR_DOMAIN_UNDEFINE_MANAGED_SAVE"]["exact"] is False  # the oldest tag: nothing before it to compare


def test_single_tags_named_in_a_manifest_are_not_a_walk(clone, tmp_path):
    from kbgen.build import build_tables

    tags = [Release("7.0.0", (Source("git", f"{clone}#v7.0.0"),)), Release("7.0.1", (Source("git", f"{clone}#v7.0.1"),))]
    tables = build_tables(merge_releases(fixture_releases(trees=False), tags), local_resolver(tmp_path / "cache"))
    nvram = next(r for r in tables["driver_flags"] if "VIR_DOMAIN_UNDEFINE_NVRAM" in r["names"].split())
    assert (nvram["exact"], nvram["after"], nvram["upper"]) == (False, "7.0.0", "7.0.1")


def test_kbgen_build_with_git(clone, tmp_path, monkeypatch, capsys):
    from kbgen.cli.kbgen import main

    monkeypatch.setenv("KBGEN_CACHE_DIR", str(tmp_path / "cache"))
    db = tmp_path / "kb.sqlite"
    args = ["--input", f"{OLD}={FIXTURES / 'release-old'}", "--input", f"{NEW}={FIXTURES / 'release-new'}"]
    assert main(["build", "-q", "--json", "--db", str(db), "--git", str(clone), *args]) == 0
    assert json.loads(capsys.readouterr().out)["releases"] == [OLD, "7.0.1", NEW]


def test_a_missing_clone_is_a_clear_error(tmp_path, capsys):
    from kbgen.cli.kbgen import main

    assert main(["build", "-q", "--db", str(tmp_path / "kb.sqlite"), "--git", str(tmp_path / "nowhere")]) == 2
    assert "git tag --list" in capsys.readouterr().err
