"""Shared fixtures: the hand-written release fixtures and a knowledge base built from them."""

from __future__ import annotations

from pathlib import Path

import pytest
from fixture_tree import materialize
from httpserver import http_server, refused_url  # noqa: F401  (fixtures for every test module)

from kbgen.inputs.manifest import Release, Source
from kbgen.inputs.sources import Resolver

FIXTURES = materialize()
OLD, NEW = "7.0.0", "12.8.0"


def fixture_releases(trees: bool = True) -> list[Release]:
    """Two releases of hand-written inputs; with trees, each has a tiny source tree too."""
    old = [Source("path", str(FIXTURES / "release-old"))] + ([Source("path", str(FIXTURES / "srctree-old"))] if trees else [])
    new = [Source("path", str(FIXTURES / "release-new"))] + ([Source("path", str(FIXTURES / "srctree"))] if trees else [])
    return [Release(OLD, tuple(old)), Release(NEW, tuple(new))]


def local_resolver(cache: Path) -> Resolver:
    def no_mirror() -> str:
        raise AssertionError("fixture builds never reach a mirror")

    return Resolver(fetcher=None, cache_dir=cache, mirror=no_mirror)


@pytest.fixture(scope="session")
def fixture_tables(tmp_path_factory):
    from kbgen.build import build_tables

    return build_tables(fixture_releases(), local_resolver(tmp_path_factory.mktemp("cache")))


@pytest.fixture(scope="session")
def fixture_db(tmp_path_factory, fixture_tables) -> Path:
    from kbgen.store.writer import write_database

    path = tmp_path_factory.mktemp("db") / "kb.sqlite"
    write_database(path, fixture_tables)
    return path


@pytest.fixture
def kb(fixture_db, capsys):
    """Run `kb --db FIXTURE ARGS...`; returns (exit status, stdout, stderr)."""
    from kbgen.cli.kb import main as kb_main

    def run(*args):
        code = kb_main(["--db", str(fixture_db), *args])
        out, err = capsys.readouterr()
        return code, out, err

    return run
