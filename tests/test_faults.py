"""Faults during `kbgen build`: killed at any moment, two builds at once, a full disk.

Each build runs as a real process (`python -c "from kbgen.cli.kbgen import main ..."`)
over the fixture releases and their source trees. Whatever happens to it, the
previous knowledge base stays byte for byte what it was (or, when the build got
as far as its final rename, is the complete new one), `kb` keeps answering from
it, and what a killed build leaves behind never takes its place.
"""

from __future__ import annotations

import contextlib
import io
import os
import resource
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from conftest import FIXTURES

from kbgen.cli.kb import main as kb_main
from kbgen.cli.kbgen import main as kbgen_main
from kbgen.store.schema import SCHEMA
from kbgen.store.writer import remove_stale_temp_files

ROOT = Path(__file__).resolve().parent.parent
BUILD = [sys.executable, "-c", "from kbgen.cli.kbgen import main; import sys; sys.exit(main(sys.argv[1:]))", "build"]
WITH_TREES = ["--input", f"7.0.0={FIXTURES / 'release-old'}", "--input", f"7.0.0={FIXTURES / 'srctree-old'}",
              "--input", f"12.8.0={FIXTURES / 'release-new'}", "--input", f"12.8.0={FIXTURES / 'srctree'}"]
WITHOUT_TREES = ["--input", f"7.0.0={FIXTURES / 'release-old'}", "--input", f"12.8.0={FIXTURES / 'release-new'}"]
ANSWER = "virDomainUndefineFlags  function (libvirt-domain)  added in 0.9.4"


def build_args(db: Path, inputs: list[str]) -> list[str]:
    return ["-q", "--db", str(db), "--cache-dir", str(db.parent / "cache"), *inputs]


def build_in_process(db: Path, inputs: list[str] = WITHOUT_TREES) -> None:
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        assert kbgen_main(["build", *build_args(db, inputs)]) == 0, err.getvalue()


def start_build(db: Path, inputs: list[str] = WITH_TREES) -> subprocess.Popen:
    """A build in its own process group that analyses its trees again (not from the tree-facts cache);
    stderr to a file (a killed build's workers may keep pipes open)."""
    err = tempfile.TemporaryFile("w+")  # noqa: SIM115 - closed with the test, after the build is reaped
    proc = subprocess.Popen([*BUILD, *build_args(db, inputs), "--reanalyse"], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=err, text=True,
                            start_new_session=True)
    proc.err_file = err
    return proc


def finish(proc: subprocess.Popen, timeout: float = 120) -> str:
    """Wait for the build, kill whatever it left running, and return its stderr."""
    try:
        proc.wait(timeout)
    finally:
        reap(proc)
    proc.err_file.seek(0)
    return proc.err_file.read()


def reap(proc: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)


def children(pid: int) -> list[int]:
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def kb_since(db: Path) -> tuple[int, str]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        code = kb_main(["--db", str(db), "since", "virDomainUndefineFlags"])
    return code, out.getvalue()


def temp_files(db: Path) -> list[str]:
    return sorted(p.name for p in db.parent.iterdir() if p.name.startswith(f".{db.name}.") and ".tmp" in p.name)


def dump(db: Path) -> dict[str, list[tuple]]:
    """Every row of every table, in a fixed order; the build time left out."""
    conn = sqlite3.connect(db)
    tables = {table: sorted(conn.execute(f"SELECT * FROM {table}").fetchall(), key=repr) for table in SCHEMA}
    tables["meta"] = [row for row in tables["meta"] if row[0] != "built_at"]
    conn.close()
    return tables


def wait_for(predicate, timeout: float = 30.0, interval: float = 0.0005) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return False


def holds_lock(proc: subprocess.Popen, db: Path) -> bool:
    """Whether PROC holds the build lock of DB, as /proc/locks tells (looking takes no lock)."""
    inode = (db.parent / f".{db.name}.lock").stat().st_ino
    with open("/proc/locks") as locks:
        return any(f":{inode} " in line and f" {proc.pid} " in line and "FLOCK" in line for line in locks)


needs_proc_locks = pytest.mark.skipif(not os.path.exists("/proc/locks"), reason="needs Linux's /proc/locks to see who holds the build lock")


@pytest.fixture
def previous(tmp_path) -> tuple[Path, bytes]:
    """A knowledge base built without the source trees, and its bytes."""
    db = tmp_path / "kb.sqlite"
    build_in_process(db)
    return db, db.read_bytes()


@pytest.fixture(scope="module")
def full_build_dump(tmp_path_factory) -> dict:
    """What a complete build with the source trees writes."""
    db = tmp_path_factory.mktemp("reference") / "kb.sqlite"
    build_in_process(db, WITH_TREES)
    return dump(db)


# --- killed at any moment -------------------------------------------------------------


def _now(proc, db):
    return True


def _after(seconds):
    def wait(proc, db):
        time.sleep(seconds)
        return True
    return wait


def _lock_held(proc, db):
    return wait_for(lambda: holds_lock(proc, db) or proc.poll() is not None)


def _writing(extra: float = 0.0):
    def wait(proc, db):
        tmp = db.parent / f".{db.name}.{proc.pid}.tmp"
        found = wait_for(lambda: tmp.exists() or proc.poll() is not None)
        time.sleep(extra)
        return found
    return wait


KILL_MOMENTS = {
    "during-start-up": _now,
    "after-0.15s": _after(0.15),
    "after-0.4s": _after(0.4),
    "lock-just-taken": _lock_held,
    "temp-file-just-created": _writing(),
    "temp-file-being-filled": _writing(0.004),
}


@needs_proc_locks
def test_a_build_killed_at_any_moment_leaves_the_previous_database(previous, full_build_dump):
    db, before = previous
    intact, outcomes = 0, {}
    for moment, wait in KILL_MOMENTS.items():
        proc = start_build(db)
        wait(proc, db)
        proc.send_signal(signal.SIGKILL)
        finish(proc)
        outcomes[moment] = proc.returncode
        if db.read_bytes() == before:
            intact += 1
        else:
            # The kill landed after the final rename: then the database is the complete new one.
            assert dump(db) == full_build_dump, moment
            db.write_bytes(before)
        code, out = kb_since(db)
        assert code == 0 and out.startswith(ANSWER), moment
        assert not (db.parent / "kb.sqlite-journal").exists()
    assert intact >= len(KILL_MOMENTS) - 1, outcomes  # the kills do land before the build is done
    assert outcomes["temp-file-just-created"] == -signal.SIGKILL
    leftovers = temp_files(db)
    assert leftovers, "a build killed while writing leaves its temp file behind"
    assert all(name.startswith(".kb.sqlite.") and ".tmp" in name for name in leftovers)

    # The next build removes what the killed ones left, and replaces the database whole.
    done = subprocess.run([*BUILD, *build_args(db, WITH_TREES)], cwd=ROOT, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert temp_files(db) == []
    assert dump(db) == full_build_dump


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="the build analyses source trees in worker processes only with 2 cores or more")
def test_a_killed_build_leaves_no_process_behind(previous):
    db, _ = previous
    proc = start_build(db)
    try:
        assert wait_for(lambda: children(proc.pid) or proc.poll() is not None), "the build ended before it started workers"
        workers = children(proc.pid)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        assert wait_for(lambda: not any(Path(f"/proc/{w}").exists() and "zombie" not in _state(w) for w in workers), timeout=5), (
            f"workers {workers} still running 5 s after the build was killed")
    finally:
        reap(proc)


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/status").read_text().split("State:", 1)[1].split("\n", 1)[0].lower()
    except (OSError, IndexError):
        return "zombie"


def test_a_stale_temp_file_never_takes_the_place_of_the_database(previous, tmp_path):
    db, before = previous
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True, check=False).stdout.strip()
    impostor = db.parent / f".kb.sqlite.{dead}.tmp"
    conn = sqlite3.connect(impostor)
    conn.execute("CREATE TABLE meta (key, value)")
    conn.execute("INSERT INTO meta VALUES ('schema_version', '1')")
    conn.commit()
    conn.close()
    (db.parent / f".kb.sqlite.{dead}.tmp-journal").write_bytes(b"half a journal")

    assert kb_since(db)[1].startswith(ANSWER)
    assert db.read_bytes() == before
    build_in_process(db)
    assert temp_files(db) == []
    assert kb_since(db)[1].startswith(ANSWER)


def test_stale_temp_files_of_dead_processes_are_removed_and_no_others(tmp_path):
    db = tmp_path / "kb.sqlite"
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True, check=False).stdout.strip()
    alive = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        names = [f".kb.sqlite.{dead}.tmp", f".kb.sqlite.{dead}.tmp-journal", f".kb.sqlite.{alive.pid}.tmp",
                 f".kb.sqlite.{os.getpid()}.tmp", ".kb.sqlite.lock", ".other.sqlite.1.tmp", "kb.sqlite",
                 f".kb.sqlite.{dead}.tmp.bak", ".kb.sqlite.notapid.tmp", f".kb.sqlite.{4194304 + 1}.tmp"]
        for name in names:
            (tmp_path / name).write_text("x")
        removed = remove_stale_temp_files(db)
    finally:
        alive.kill()
        alive.wait()
    assert sorted(removed) == sorted([f".kb.sqlite.{4194304 + 1}.tmp", f".kb.sqlite.{dead}.tmp", f".kb.sqlite.{dead}.tmp-journal"])
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(set(names) - set(removed))


def test_an_interrupted_build_cleans_up_and_says_the_database_is_unchanged(previous):
    db, before = previous
    proc = start_build(db)
    _writing()(proc, db)
    proc.send_signal(signal.SIGINT)
    err = finish(proc)
    if proc.returncode == 0:
        pytest.skip("the build finished before the interrupt arrived")
    assert proc.returncode == 2, err
    assert err == "kbgen build: interrupted; the previous knowledge base is unchanged\n"
    assert db.read_bytes() == before
    assert temp_files(db) == []


# --- two builds at once ---------------------------------------------------------------


@needs_proc_locks
def test_a_second_build_fails_at_once_while_the_first_holds_the_lock(previous, full_build_dump):
    db, _ = previous
    first = start_build(db, WITH_TREES)
    try:
        assert wait_for(lambda: holds_lock(first, db)), finish(first)
        first.send_signal(signal.SIGSTOP)  # hold it there, lock taken, whatever the machine's speed
        start = time.monotonic()
        second = subprocess.run([*BUILD, *build_args(db, WITHOUT_TREES)], cwd=ROOT, capture_output=True, text=True, check=False)
        waited = time.monotonic() - start
    finally:
        first.send_signal(signal.SIGCONT)
    assert second.returncode == 2
    assert second.stderr == f"kbgen build: {db}: another kbgen build is writing this database; wait for it to finish\n"
    assert waited < 10  # it did not wait for the first one
    err = finish(first, timeout=60)
    assert first.returncode == 0, err
    assert dump(db) == full_build_dump
    assert temp_files(db) == []


def test_builds_started_together_serialize_or_fail_and_never_interleave(previous, full_build_dump, tmp_path):
    db, _ = previous
    without = tmp_path / "without" / "kb.sqlite"
    without.parent.mkdir()
    build_in_process(without, WITHOUT_TREES)
    candidates = [full_build_dump, dump(without)]
    for _ in range(3):
        procs = [start_build(db, WITH_TREES), start_build(db, WITHOUT_TREES)]
        results = [(p, None, finish(p)) for p in procs]
        codes = sorted(p.returncode for p, _, _ in results)
        assert codes in ([0, 0], [0, 2]), [(p.returncode, err) for p, _, err in results]
        for p, _, err in results:
            if p.returncode == 2:
                assert err == f"kbgen build: {db}: another kbgen build is writing this database; wait for it to finish\n"
        assert dump(db) in candidates
        assert kb_since(db)[1].startswith(ANSWER)
        assert temp_files(db) == []


# --- a full disk, an unwritable place -------------------------------------------------------------


@pytest.fixture
def small_tmpfs(tmp_path):
    """A 400 kB tmpfs (root only, where mounting is allowed): one fixture knowledge base (about 240 kB) fits, two do not."""
    mount_point = tmp_path / "small"
    mount_point.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=400k", "tmpfs", str(mount_point)], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here ({done.stderr.strip() or done.returncode}); test_a_file_size_limit_... covers this")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], check=False)


def test_a_full_disk_fails_the_build_cleanly_and_keeps_the_database(small_tmpfs):
    db = small_tmpfs / "kb.sqlite"
    build_in_process(db)  # fits once, not twice
    before = db.read_bytes()
    done = subprocess.run([*BUILD, "-q", "--db", str(db), "--cache-dir", str(small_tmpfs.parent / "cache"), *WITH_TREES],
                          cwd=ROOT, capture_output=True, text=True, check=False)
    assert done.returncode == 2
    assert done.stderr == (f"kbgen build: {db}: cannot write the knowledge base (database or disk is full); "
                           "the previous one is unchanged\n")
    assert db.read_bytes() == before
    assert temp_files(db) == []
    assert kb_since(db)[1].startswith(ANSWER)


def _limit_file_size() -> None:
    resource.setrlimit(resource.RLIMIT_FSIZE, (48 * 1024, 48 * 1024))
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit then fails with EFBIG instead of killing


def test_a_file_size_limit_fails_the_build_cleanly_and_keeps_the_database(previous):
    db, before = previous
    done = subprocess.run([*BUILD, *build_args(db, WITH_TREES)], cwd=ROOT, capture_output=True, text=True,
                          preexec_fn=_limit_file_size, check=False)
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith(f"kbgen build: {db}: cannot write the knowledge base (")
    assert done.stderr.endswith("); the previous one is unchanged\n") and "Traceback" not in done.stderr
    assert db.read_bytes() == before
    assert temp_files(db) == []


def test_a_database_path_under_a_file_fails_cleanly(tmp_path):
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("")
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        code = kbgen_main(["build", *build_args(blocker / "kb.sqlite", WITHOUT_TREES)])
    assert code == 2
    assert err.getvalue().startswith(f"kbgen build: {blocker / 'kb.sqlite'}: cannot create the knowledge base's directory or lock file (")

