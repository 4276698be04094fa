"""`kbgen site` killed at any moment, two renders at once, and what killed renders leave behind.

Each render runs as a real process (`python -c "from kbgen.cli.kbgen import main ..."`).
Whatever happens to it, the output directory holds a whole site, byte for byte the
previous one or the new one, and the next render cleans up what it left.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from site_fixture import write_site_db

from kbgen.errors import KbgenError
from kbgen.render import site as site_module
from kbgen.render.site import render_site

ROOT = Path(__file__).resolve().parent.parent
RENDER = [sys.executable, "-c", "from kbgen.cli.kbgen import main; import sys; sys.exit(main(sys.argv[1:]))", "site"]
CANARY_FILES = 500  # added to the previous site where the kill must land while it is removed
KILL_ATTEMPTS = 5
BUSY = "kbgen site: {out}: another kbgen site is rendering into it; wait for it to finish\n"


def tree_bytes(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def beside(out: Path) -> list[str]:
    return sorted(p.name for p in out.parent.iterdir())


def dead_pid() -> int:
    done = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True, check=True)
    return int(done.stdout)


def start_render(db: Path, out: Path) -> subprocess.Popen:
    err = tempfile.TemporaryFile("w+")  # noqa: SIM115 - closed with the test, after the render is reaped
    proc = subprocess.Popen([*RENDER, "--db", str(db), "--out", str(out)], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=err, text=True,
                            start_new_session=True)
    proc.err_file = err
    return proc


def finish(proc: subprocess.Popen, timeout: float = 60) -> str:
    try:
        proc.wait(timeout)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
    proc.err_file.seek(0)
    return proc.err_file.read()


def wait_for(predicate, timeout: float = 30.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.0002)
    return False


def holds_lock(proc: subprocess.Popen, out: Path) -> bool:
    lock = out.with_name(f".{out.name}.lock")
    if not lock.exists():
        return False
    with open("/proc/locks") as locks:
        return any(f":{lock.stat().st_ino} " in line and f" {proc.pid} " in line and "FLOCK" in line for line in locks)


def staged(proc: subprocess.Popen, out: Path, inside: str = "") -> bool:
    return any((p / inside).exists() for p in out.parent.glob(f".{out.name}.new-{proc.pid}-*"))


needs_proc_locks = pytest.mark.skipif(not os.path.exists("/proc/locks"), reason="needs Linux's /proc/locks to see who holds the lock")


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> Path:
    return write_site_db(tmp_path_factory.mktemp("kb") / "kb.sqlite")


@pytest.fixture(scope="module")
def new_site(db, tmp_path_factory) -> dict[str, bytes]:
    return tree_bytes(render_site(db, tmp_path_factory.mktemp("reference") / "site").out)


@pytest.fixture
def previous(db, tmp_path) -> tuple[Path, dict[str, bytes]]:
    """A rendered site with a canary directory, and its bytes."""
    out = render_site(db, tmp_path / "site").out
    (out / "canary").mkdir()
    (out / "canary" / "previous.txt").write_text("previous")
    return out, tree_bytes(out)


# --- killed at any moment --------------------------------------------------------------

KILL_MOMENTS = {
    "during-start-up": lambda proc, out: True,
    "after-0.2s": lambda proc, out: time.sleep(0.2) or True,
    "lock-just-taken": lambda proc, out: wait_for(lambda: holds_lock(proc, out) or proc.poll() is not None),
    "staging-just-created": lambda proc, out: wait_for(lambda: staged(proc, out) or proc.poll() is not None),
    "pages-being-written": lambda proc, out: wait_for(lambda: staged(proc, out, "symbol") or proc.poll() is not None),
    "staging-complete": lambda proc, out: wait_for(lambda: staged(proc, out, site_module.SITE_MARKER) or proc.poll() is not None),
    "previous-site-being-removed": lambda proc, out: wait_for(lambda: staged(proc, out, "canary") or proc.poll() is not None),
}


def kill_at(moment: str, db: Path, out: Path) -> bool:
    """Start a render and SIGKILL it at MOMENT; whether the kill landed (the render may finish first)."""
    proc = start_render(db, out)
    KILL_MOMENTS[moment](proc, out)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    finish(proc)
    return proc.returncode == -signal.SIGKILL


@needs_proc_locks
@pytest.mark.parametrize("moment", KILL_MOMENTS)
def test_a_render_killed_at_any_moment_leaves_a_whole_site(db, previous, new_site, moment, tmp_path_factory):
    out, before = previous
    if moment == "previous-site-being-removed":
        for n in range(CANARY_FILES):
            (out / "canary" / f"{n}.txt").write_text("previous")
        before = tree_bytes(out)
    pristine = shutil.copytree(out, tmp_path_factory.mktemp("pristine") / "site")
    for _ in range(KILL_ATTEMPTS):
        landed = kill_at(moment, db, out)
        after = tree_bytes(out)
        assert after == before or after == new_site
        if landed:
            break
        shutil.rmtree(out)
        shutil.copytree(pristine, out)
    assert landed, f"the render ended before the moment {moment}, {KILL_ATTEMPTS} times"
    if moment == "previous-site-being-removed":
        assert after == new_site
        assert any(name.startswith(".site.new-") for name in beside(out)), "the kill left nothing to clean up"
    render_site(db, out)
    assert tree_bytes(out) == new_site
    assert beside(out) == [".site.lock", "site"]


def test_leftovers_of_dead_renders_are_removed_and_no_others(db, tmp_path):
    out = render_site(db, tmp_path / "site").out
    dead = dead_pid()
    alive = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        names = [f".site.new-{dead}-abc123", f".site.old-{dead}", f".site.new-{alive.pid}-abc123", f".site.old-{alive.pid}",
                 f".other.new-{dead}-abc123", ".site.new-notapid-abc123", f".site.new-{4194304 + 1}-x"]
        for name in names:
            (tmp_path / name).mkdir()
            (tmp_path / name / "index.html").write_text("left behind")
        render_site(db, out)
    finally:
        alive.kill()
        alive.wait()
    assert beside(out) == sorted([".site.lock", "site", f".site.new-{alive.pid}-abc123", f".site.old-{alive.pid}",
                                  f".other.new-{dead}-abc123", ".site.new-notapid-abc123"])


# --- where directories cannot be exchanged: two renames -------------------------------------


def test_without_the_exchange_two_renames_replace_the_site(db, previous, new_site, monkeypatch):
    out, _ = previous
    monkeypatch.setattr(site_module, "_exchange", lambda first, second: False)
    render_site(db, out)
    assert tree_bytes(out) == new_site
    assert beside(out) == [".site.lock", "site"]


def test_a_kill_between_the_two_renames_loses_no_site(db, previous, new_site, monkeypatch, tmp_path):
    out, before = previous
    dead = dead_pid()
    os.rename(out, out.with_name(f".site.old-{dead}"))
    shutil.copytree(out.with_name(f".site.old-{dead}"), out.with_name(f".site.new-{dead}-abc123"))
    broken = tmp_path / "templates"
    shutil.copytree(site_module.templates_dir(), broken)
    (broken / "release.html").write_text("{{ 1 // 0 }}")
    with monkeypatch.context() as patch:
        patch.setattr(site_module, "templates_dir", lambda: broken)
        with pytest.raises(KbgenError, match="previous site is unchanged"):
            render_site(db, out)
    assert tree_bytes(out) == before
    render_site(db, out)
    assert tree_bytes(out) == new_site
    assert beside(out) == [".site.lock", "site", "templates"]


@pytest.mark.skipif(sys.platform != "linux", reason="renameat2 is Linux's")
def test_the_exchange_swaps_two_directories(tmp_path):
    first, second = tmp_path / "first", tmp_path / "second"
    for directory in (first, second):
        directory.mkdir()
        (directory / "name").write_text(directory.name)
    assert site_module._exchange(first, second)
    assert [(first / "name").read_text(), (second / "name").read_text()] == ["second", "first"]


# --- two renders at once ---------------------------------------------------------------------


@needs_proc_locks
def test_a_second_render_fails_at_once_while_the_first_holds_the_lock(db, previous, new_site):
    out, _ = previous
    first = start_render(db, out)
    try:
        assert wait_for(lambda: holds_lock(first, out)), finish(first)
        first.send_signal(signal.SIGSTOP)
        started = time.monotonic()
        second = subprocess.run([*RENDER, "--db", str(db), "--out", str(out)], cwd=ROOT, capture_output=True, text=True, check=False)
        waited = time.monotonic() - started
    finally:
        first.send_signal(signal.SIGCONT)
    assert (second.returncode, second.stderr) == (2, BUSY.format(out=out))
    assert waited < 10
    err = finish(first)
    assert first.returncode == 0, err
    assert tree_bytes(out) == new_site


def test_renders_started_together_serialize_or_fail_clearly(db, previous, new_site):
    out, _ = previous
    for _ in range(3):
        procs = [start_render(db, out) for _ in range(4)]
        results = [(p, finish(p)) for p in procs]
        assert {p.returncode for p, _ in results} <= {0, 2}, results
        assert 0 in {p.returncode for p, _ in results}, results
        assert all(err == BUSY.format(out=out) for p, err in results if p.returncode == 2), results
        assert tree_bytes(out) == new_site
        assert beside(out) == [".site.lock", "site"]
