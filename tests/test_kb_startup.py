"""`kb` imports only what answering needs, on every path it can take to a knowledge base.

Start-up time is part of the product: the build-side libraries (and the standard
library's slower modules that only the build needs) must never be imported by `kb`,
whether it reads --db, $KBGEN_DB, the database `kbgen build` wrote, or the embedded
snapshot (on its first run, which writes the snapshot's SQLite file, and later).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

BUILD_SIDE = {"lxml", "requests", "jinja2", "sqlite_utils", "packaging", "click", "pluggy", "urllib3"}
SLOW_STDLIB = {"importlib.resources", "pathlib", "hashlib", "tempfile", "shutil"}

PROBE = (
    "import sys\n"
    "from kbgen.cli.kb import main\n"
    "code = main(sys.argv[1:])\n"
    "loaded = sorted(m for m in sys.modules if m.split('.')[0] in {build} or m in {slow})\n"
    "print('LOADED', loaded, file=sys.stderr)\n"
    "sys.exit(code)\n"
).format(build=sorted(BUILD_SIDE), slow=sorted(SLOW_STDLIB))

QUESTIONS = [
    ["since", "virDomainUndefineFlags"],
    ["since", "virDomainUndefinFlags"],  # not found: suggestions
    ["show", "virDomainUndefineFlags", "--json"],
    ["search", "undefine"],
    ["diff", "9.0.0", "11.3.0"],
    ["drivers", "qemu"],
    ["conflicts"],
    ["proc", "261"],
    ["explain", "error: unknown procedure: 261"],
    ["check", "--server", "0.9.9", "--driver", "qemu", "virDomainPMSuspendForDuration"],
    ["since", "domain/devices/disk/@type=vhostuser"],  # an XML path (answers/xmlpaths.py)
    ["search", "disk"],  # symbols and XML paths
]


def run_kb(args: list[str], env: dict) -> tuple[int, list[str]]:
    result = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True, env=env, timeout=60)
    line = next(line for line in result.stderr.splitlines() if line.startswith("LOADED "))
    return result.returncode, eval(line[len("LOADED "):])  # noqa: S307 - our own repr of a list of names


def clean_env(tmp_path, **extra) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("KBGEN_DB", "KBGEN_CACHE_DIR", "XDG_DATA_HOME", "XDG_CACHE_HOME")}
    env["HOME"] = str(tmp_path / "home")
    env.update(extra)
    return env


@pytest.fixture
def paths(tmp_path, fixture_db):
    built = tmp_path / "data" / "kbgen" / "kb.sqlite"
    built.parent.mkdir(parents=True)
    shutil.copy(fixture_db, built)
    return {
        "--db": (["--db", str(fixture_db)], clean_env(tmp_path)),
        "$KBGEN_DB": ([], clean_env(tmp_path, KBGEN_DB=str(fixture_db))),
        "built database": ([], clean_env(tmp_path, XDG_DATA_HOME=str(tmp_path / "data"))),
        "snapshot": ([], clean_env(tmp_path)),
    }


@pytest.mark.parametrize("path", ["--db", "$KBGEN_DB", "built database", "snapshot"])
@pytest.mark.parametrize("question", QUESTIONS, ids=lambda q: " ".join(q))
def test_kb_imports_nothing_of_the_build_side(paths, path, question):
    prefix, env = paths[path]
    code, loaded = run_kb([*prefix, *question], env)
    assert code in (0, 1, 3), code
    assert loaded == []


def test_the_snapshot_path_imports_nothing_heavy_on_its_first_run_and_later(tmp_path):
    env = clean_env(tmp_path)
    first_code, first = run_kb(["since", "virDomainUndefineFlags"], env)
    cache = tmp_path / "home" / ".cache" / "kbgen"
    written = sorted(p.name for p in cache.iterdir())
    later_code, later = run_kb(["since", "virDomainUndefineFlags"], env)
    assert (first_code, later_code) == (0, 0)
    assert len(written) == 1 and written[0].startswith("snapshot-") and written[0].endswith(".sqlite")
    assert sorted(p.name for p in cache.iterdir()) == written  # built once, then reused
    assert first == [] and later == []


WITHOUT_RE = [  # re is for explain, --json (json imports it) and suggestions (difflib)
    ["since", "virDomainUndefineFlags"], ["proc", "261"], ["diff", "9.0.0", "11.3.0"], ["drivers", "qemu"],
    ["check", "--server", "0.9.9", "--driver", "qemu", "virDomainPMSuspendForDuration"],
    ["check", "--server", "0.9.3", "--driver", "qemu", "VIR_DOMAIN_UNDEFINE_MANAGED_SAVE"],
    ["since", "domain/devices/disk/@type=vhostuser"], ["since", "domain/devices/disk/@type=file"], ["search", "disk"],
]


@pytest.mark.parametrize("question", WITHOUT_RE, ids=lambda q: " ".join(q))
def test_kb_answers_without_importing_re(fixture_db, tmp_path, question):
    probe = PROBE.replace(f"m in {sorted(SLOW_STDLIB)}", "m == 're'")
    result = subprocess.run([sys.executable, "-c", probe, "--db", str(fixture_db), *question], capture_output=True, text=True,
                            env=clean_env(tmp_path), timeout=60, check=False)
    assert next(line for line in result.stderr.splitlines() if line.startswith("LOADED ")) == "LOADED []"


@pytest.mark.parametrize("path", ["--db", "snapshot"])
def test_kb_check_xml_imports_nothing_of_the_build_side(paths, path, tmp_path):
    """xml.etree (and the re it imports) is read only to parse the document; nothing of the build side."""
    document = tmp_path / "vm.xml"
    document.write_text("<domain type='kvm'><devices><disk type='file'/></devices></domain>")
    prefix, env = paths[path]
    code, loaded = run_kb([*prefix, "check", "--server", "7.0.0", "--xml", str(document)], env)
    assert code in (0, 3, 4) and loaded == []
