"""Issue 9, round two: what kb and kbgen print is safe on a terminal, `kb explain -` is bounded,
and hostile versions or a damaged knowledge base end in a message, never a traceback."""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from conftest import FIXTURES
from site_fixture import site_tables

from kbgen.answers.diagnose import MAX_FINDINGS, MAX_LINE, read_lines
from kbgen.cli.console import json_text, visible
from kbgen.cli.kb import main as kb_main
from kbgen.cli.kbgen import main as kbgen_main
from kbgen.store.writer import write_database

# ESC, an OSC title, a CSI clear screen, C1 CSI, NEL, a right-to-left override, an isolate, a tab, a carriage return
HOSTILE = "virEvil\x1b]0;owned\x07\x1b[2J\x9b1m\x85\u202eFlags\u2066\t\r"
SEEN = "virEvil\\x1b]0;owned\\x07\\x1b[2J\\x9b1m\\x85\\u202eFlags\\u2066\\x09\\x0d"
DRIVER = "ev\x1b[31mil\u202e"
UNSAFE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def run(main, *args: str, stdin: str | bytes | None = None) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    saved = sys.stdin
    if stdin is not None:
        sys.stdin = io.TextIOWrapper(io.BytesIO(stdin if isinstance(stdin, bytes) else stdin.encode()))
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main(list(args))
            except SystemExit as exit_:
                code = exit_.code
    finally:
        sys.stdin = saved
    return code, out.getvalue(), err.getvalue()


def kb(db: Path, *args: str, stdin: str | bytes | None = None) -> tuple[int, str, str]:
    return run(kb_main, "--db", str(db), *args, stdin=stdin)


def assert_safe(*texts: str) -> None:
    for text in texts:
        assert not UNSAFE.search(text), repr(UNSAFE.search(text).group())


# --- the one escaping function ----------------------------------------------------------------


def test_visible_writes_out_every_control_a_terminal_acts_on():
    assert visible(HOSTILE) == SEEN
    assert visible("a\nb ünï 名前 😀") == "a\nb ünï 名前 😀"
    assert visible("\x00\x7f\u200e\u061c\udcff") == "\\x00\\x7f\\u200e\\u061c\\udcff"


def test_visible_with_style_keeps_only_the_sgr_codes_of_style():
    assert visible("\x1b[1mname\x1b[0m \x1b]0;t\x07", style=True) == "\x1b[1mname\x1b[0m \\x1b]0;t\\x07"


def test_json_escapes_c1_and_bidi_and_still_parses():
    text = json_text("search", {"name": HOSTILE})
    assert_safe(text)
    assert "\\u0085" in text and "\\u202e" in text and "\\u001b" in text
    assert json.loads(text)["name"] == HOSTILE


# --- kb over a knowledge base whose names are hostile -------------------------------------------


@pytest.fixture(scope="module")
def hostile_db(tmp_path_factory) -> Path:
    tables = site_tables()
    like = next(s for s in tables["symbols"] if s["name"] == "virDomainFDAssociate")
    tables["symbols"] = [*tables["symbols"], dict(like, name=HOSTILE)]
    support = next(s for s in tables["driver_support"] if s["api"] == "virDomainFDAssociate" and s["driver"] == "qemu")
    tables["driver_support"] = [*tables["driver_support"], dict(support, api=HOSTILE), dict(support, driver=DRIVER)]
    tables["disagreements"] = [*tables["disagreements"],
                               {"subject": HOSTILE, "kind": "xml-vs-hvsupport", "detail": f"{HOSTILE}: differs", "values": "{}"}]
    path = tmp_path_factory.mktemp("hostile") / "kb.sqlite"
    write_database(path, tables)
    return path


@pytest.mark.parametrize("args, shown", [
    (["drivers"], "ev\\x1b[31mil\\u202e"),
    (["drivers", "qemu"], SEEN),
    (["drivers", DRIVER], "virDomainFDAssociate"),
    (["since", "virEvil"], SEEN),  # the suggestion, on stderr
    (["search", "virEvil"], SEEN),
    (["conflicts"], f"{SEEN}: differs"),
    (["show", HOSTILE], SEEN),
    (["since", "virDomainFDAssociate"], "ev\\x1b[31mil\\u202e"),
    (["diff", "7.0.0", "11.3.0"], SEEN),
], ids=["drivers", "drivers-qemu", "drivers-hostile", "since-suggestion", "search", "conflicts", "show", "since", "diff"])
def test_kb_prints_hostile_names_escaped(hostile_db, args, shown):
    code, out, err = kb(hostile_db, *args)
    assert code in (0, 1), err
    assert_safe(out, err)
    assert shown in out + err


@pytest.mark.parametrize("args", [["search", "virEvil"], ["show", HOSTILE], ["drivers", "qemu"], ["conflicts"], ["since", "virEvil"]],
                         ids=["search", "show", "drivers", "conflicts", "since-suggestion"])
def test_kb_json_escapes_c1_and_bidi_and_keeps_the_names(hostile_db, args):
    code, out, err = kb(hostile_db, "--json", *args)
    assert code in (0, 1) and err == ""
    assert_safe(out)
    assert HOSTILE in strings(json.loads(out))


def strings(value) -> set[str]:
    if isinstance(value, dict):
        return strings(list(value.values()))
    if isinstance(value, list):
        return set().union(*map(strings, value)) if value else set()
    return {value} if isinstance(value, str) else set()


def test_kb_error_messages_are_escaped(tmp_path):
    code, _, err = kb(tmp_path / "no\x1b]0;x\x07such\u202e.sqlite", "since", "x")
    assert code == 2 and "no\\x1b]0;x\\x07such\\u202e.sqlite: no knowledge base there" in err
    assert_safe(err)


def test_kb_on_a_colour_terminal_keeps_its_colours_and_escapes_the_data(hostile_db):
    import pty

    leader, follower = pty.openpty()
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"} | {"TERM": "xterm"}
    with _kb_process(hostile_db, follower, env) as proc:
        os.close(follower)
        out = _read_all(leader)
        assert proc.wait(timeout=60) == 0, proc.stderr.read()
    assert "\x1b[1m" in out and "\x1b[0m" in out  # Style's bold
    assert "\x1b[2J" not in out and "\x1b]" not in out and "\x85" not in out and "\u202e" not in out
    assert SEEN in out.replace("\r\n", "\n")


def _kb_process(db: Path, tty: int, env: dict) -> subprocess.Popen:
    code = "import sys; from kbgen.cli.kb import main; sys.exit(main(sys.argv[1:]))"
    return subprocess.Popen([sys.executable, "-c", code, "--db", str(db), "show", HOSTILE],
                            stdout=tty, stderr=subprocess.PIPE, env=env)


def _read_all(fd: int) -> str:
    chunks = []
    with contextlib.suppress(OSError):  # EIO once the other end is closed
        while chunk := os.read(fd, 65536):
            chunks.append(chunk)
    os.close(fd)
    return b"".join(chunks).decode()


# --- kbgen build: its summary and its errors ----------------------------------------------------


def hostile_release(tmp_path: Path, name: str, driver_since: str) -> Path:
    """A copy of the 12.8.0 fixture whose hvsupport.html has a row for NAME (raw ESC and all)."""
    release = tmp_path / name
    shutil.copytree(FIXTURES / "release-new", release)
    page = release / "hvsupport.html"
    row = (f'<tr>\n<td>\n<a href="html/libvirt-libvirt-domain.html#x">{HOSTILE}</a>\n</td>\n<td>0.9.4</td>\n'
           f"<td>{driver_since}</td>\n<td>0.9.4</td>\n<td>0.9.4</td>\n<td>0.9.4</td>\n</tr>\n")
    html = page.read_text().replace("<tr>\n<td>\nvirDomainMigratePrepare3", row + "<tr>\n<td>\nvirDomainMigratePrepare3", 1)
    page.write_text(html.replace("<head>", '<head><meta charset="UTF-8">', 1))
    return release


def test_kbgen_build_prints_its_summary_escaped(tmp_path):
    old, new = hostile_release(tmp_path, "old", "7.5.0"), hostile_release(tmp_path, "new", "7.6.0")
    args = ["build", "-q", "--db", str(tmp_path / "kb.sqlite"), "--cache-dir", str(tmp_path / "cache"),
            "--input", f"11.3.0={old}", "--input", f"12.8.0={new}"]
    code, out, _ = run(kbgen_main, *args, "--json")
    assert code == 0
    assert_safe(out)
    detail = next(d["detail"] for d in json.loads(out)["disagreements"] if d["kind"] == "driver-since-changed")
    assert "\x1b]0;owned\x07" in detail and "\u202e" in detail
    code, out, err = run(kbgen_main, *args)
    assert code == 0, err
    assert_safe(out, err)
    assert f"    driver-since-changed: 1\n      {visible(detail)}: " in out


@pytest.fixture
def hostile_reason_url():
    """A server that answers every request with 403 and a reason phrase full of escapes."""
    server = socket.create_server(("127.0.0.1", 0))
    reply = b"HTTP/1.1 403 Forbidden\x1b]0;owned\x07\x1b[2J\x9b1m\x85!\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"

    def serve():
        with contextlib.suppress(OSError):
            while True:
                conn, _ = server.accept()
                with conn:
                    conn.recv(65536)
                    conn.sendall(reply)

    threading.Thread(target=serve, daemon=True).start()
    yield f"http://127.0.0.1:{server.getsockname()[1]}/libvirt-dev_12.8.0-1_amd64.deb"
    server.close()


def test_kbgen_build_prints_a_hostile_reason_phrase_escaped(tmp_path, hostile_reason_url):
    code, out, err = run(kbgen_main, "build", "-q", "--db", str(tmp_path / "kb.sqlite"), "--cache-dir", str(tmp_path / "cache"),
                         "--input", f"12.8.0={hostile_reason_url}")
    assert code == 2 and out == ""
    assert_safe(err)
    assert err.startswith("kbgen build: cannot download ") and "HTTP 403 Forbidden\\x1b]0;owned\\x07\\x1b[2J\\x9b1m\\x85!\n" in err


# --- kb explain -: streamed, each message once, bounded ------------------------------------------


@pytest.fixture(scope="module")
def site_db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("site") / "kb.sqlite"
    write_database(path, site_tables())
    return path


def explain_json(db: Path, stdin: str | bytes) -> dict:
    code, out, err = kb(db, "explain", "--json", "-", stdin=stdin)
    assert code in (0, 1), err
    return json.loads(out)


def test_explain_counts_a_repeated_message_once(site_db):
    line = "Oct 01 12:00:00 kvm-01 virsh[4242]: error: unknown procedure: 261\n"
    answer = explain_json(site_db, line * 1000)
    assert [(f["matched"], f["count"]) for f in answer["findings"]] == [("unknown procedure: 261", 1000)]
    assert (answer["truncated"], answer["lines_read"], answer["lines_cut"]) == (False, 1000, 0)
    code, out, _ = kb(site_db, "explain", "-", stdin=line * 1000)
    assert code == 0 and out.startswith("unknown procedure: 261  (1000 times)\n  means    the client called virDomainPMSuspendForDuration")


def test_explain_stops_after_max_findings_distinct_messages(site_db):
    lines = "".join(f"error: unknown procedure: {n}\n" for n in range(1, 2 * MAX_FINDINGS))
    answer = explain_json(site_db, lines)
    assert (answer["truncated"], answer["max_findings"], len(answer["findings"])) == (True, 100, 100)
    assert answer["lines_read"] == MAX_FINDINGS + 1
    code, out, _ = kb(site_db, "explain", "-", stdin=lines)
    assert code == 0 and out.endswith("\nstopped at line 101, after 100 distinct messages: the rest was not read\n")


def test_explain_reads_only_the_head_of_a_long_line(site_db):
    text = f"unknown procedure: 261 {'x' * 3 * MAX_LINE} unknown procedure: 231\nunknown procedure: 107\n"
    answer = explain_json(site_db, text)
    assert [f["matched"] for f in answer["findings"]] == ["unknown procedure: 261", "unknown procedure: 107"]
    assert (answer["lines_read"], answer["lines_cut"], answer["max_line"]) == (2, 1, 65536)
    out = kb(site_db, "explain", "-", stdin=text)[1]
    assert out.endswith("\n1 line(s) longer than 65536 characters: only their first 65536 were read\n")


def test_read_lines_holds_no_more_than_the_cap_of_a_line():
    lines = list(read_lines(io.StringIO("a" * (5 * MAX_LINE) + "\nb\n" + "c" * MAX_LINE + "\n")))
    assert [len(line) for line in lines] == [MAX_LINE + 1, 2, MAX_LINE + 1]
    assert lines[1] == "b\n"


def test_explain_reads_input_that_is_not_utf8(site_db):
    answer = explain_json(site_db, b"\xff\xfe\x80 error: unknown procedure: 261\n")
    assert [f["matched"] for f in answer["findings"]] == ["unknown procedure: 261"]


def test_explain_of_a_string_keeps_its_answer(site_db):
    conn = sqlite3.connect(site_db)
    conn.row_factory = sqlite3.Row
    from kbgen.answers.diagnose import explain

    findings = explain(conn, "libvirt version: 0.9.9\nerror: unknown procedure: 261 unknown procedure: 261")
    assert [(f["kind"], f["count"]) for f in findings] == [("unknown-procedure", 2), ("daemon-version", 1)]


JOURNAL_TEMPLATES = [
    "{ts} kvm-01 libvirtd[{pid}]: {iso}: {tid}: info : virObjectUnref:{n} : OBJECT_UNREF: obj=0x{ptr:x}",
    "{ts} kvm-01 libvirtd[{pid}]: {iso}: {tid}: debug : virDomainFree:{n} : dom=0x{ptr:x}, (VM: name=vm-{vm}, uuid={uuid})",
    "{ts} kvm-01 libvirtd[{pid}]: {iso}: {tid}: warning : qemuDomainObjTaint:{n} : Domain id={vm} name='vm-{vm}' uuid={uuid} is tainted: custom-argv",
    "{ts} kvm-01 libvirtd[{pid}]: {iso}: {tid}: info : qemuMonitorIOWrite:{n} : QEMU_MONITOR_IO_WRITE: mon=0x{ptr:x} buf={{\"execute\":\"query-status\"}}",
    "{ts} kvm-01 virtqemud[{pid}]: {iso}: {tid}: error : virNetSocketReadWire:{n} : End of file while reading data: Input/output error",
    "{ts} kvm-01 systemd[1]: Started libvirt QEMU daemon (pid {pid}).",
]
JOURNAL_ERRORS = [
    "{ts} kvm-01 virsh[{pid}]: error: unknown procedure: 261",
    "{ts} kvm-01 libvirtd[{pid}]: {iso}: {tid}: error : qemuDomainUndefineFlags:{n} : unsupported flags (0x40) in function qemuDomainUndefineFlags",
    "{ts} kvm-01 nova-compute[{pid}]: libvirt.libvirtError: this function is not supported by the connection driver: virDomainFDAssociate",
    "{ts} kvm-01 libvirtd[{pid}]: {iso}: {tid}: info : libvirt version: 9.0.0, package: 9.0.0-4 (Debian)",
    "{ts} kvm-01 myapp[{pid}]: ./myapp: libvirt.so.0: version `LIBVIRT_9.0.0' not found (required by ./myapp)",
]


def write_journal(path: Path, size: int) -> int:
    """A journalctl-like dump of SIZE bytes: varied libvirt log lines, one in 20 one of five errors. Returns the line count."""
    import random

    rng = random.Random(9)
    written = lines = 0
    with path.open("w") as out:
        while written < size:
            s = rng.randrange(86400)
            clock = f"{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}"
            template = rng.choice(JOURNAL_ERRORS if rng.random() < 0.05 else JOURNAL_TEMPLATES)
            uuid = "-".join(f"{rng.getrandbits(4 * w):0{w}x}" for w in (8, 4, 4, 4, 12))
            written += out.write(template.format(
                ts=f"Oct 01 {clock}", iso=f"2024-10-01 {clock}.{rng.randrange(1000):03d}+0000", pid=rng.randrange(2, 99999),
                tid=rng.randrange(1000, 9999), n=rng.randrange(100, 9999), ptr=rng.getrandbits(48), vm=rng.randrange(500), uuid=uuid) + "\n")
            lines += 1
    return lines


MEASURE = """
import json, resource, sys, time
from kbgen.cli.kb import main
start = time.monotonic()
code = main(sys.argv[1:])
usage = resource.getrusage(resource.RUSAGE_SELF)
with open("/proc/self/status") as status:  # this program's own peak: ru_maxrss would count the parent's pages before exec
    peak_kib = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
print(json.dumps({"code": code, "seconds": time.monotonic() - start, "cpu": usage.ru_utime + usage.ru_stime,
                  "peak_mb": peak_kib / 1024}), file=sys.stderr)
"""


def _one_gigabyte_at_most() -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))


def test_a_50_mb_journal_is_explained_in_seconds_within_bounded_memory(site_db, tmp_path):
    journal = tmp_path / "journal.log"
    lines = write_journal(journal, 50_000_000)
    with journal.open("rb") as stdin:
        result = subprocess.run([sys.executable, "-c", MEASURE, "--db", str(site_db), "explain", "--json", "-"],
                                stdin=stdin, capture_output=True, text=True, timeout=300, preexec_fn=_one_gigabyte_at_most, check=False)
    figures = json.loads(result.stderr.splitlines()[-1])
    answer = json.loads(result.stdout)
    assert figures["code"] == 0 and (answer["lines_read"], answer["truncated"]) == (lines, False)
    assert sorted(f["kind"] for f in answer["findings"]) == [
        "daemon-version", "not-supported", "symbol-version", "unknown-procedure", "unsupported-flags"]
    assert sum(f["count"] for f in answer["findings"]) > lines // 25
    assert figures["peak_mb"] < 40 and figures["cpu"] < 30, figures


# --- hostile versions and a damaged knowledge base: an answer or exit 2, never a traceback ------------


@pytest.mark.parametrize("text", ["libvirt version: 12345.0.0", "version `LIBVIRT_12345.0.0' not found",
                                  "Running against daemon: 12.0.1000"], ids=["daemon", "symbol", "micro-past-999"])
def test_explain_a_version_libvirt_never_had(site_db, text):
    code, out, err = kb(site_db, "explain", text, "libvirt version: 9.0.0")
    version = text.split(": ")[-1] if ": " in text else "12345.0.0"
    assert code == 0 and "Traceback" not in err
    assert out.startswith(f"{text}\n  means    {version} is no libvirt release: libvirt numbers them MAJOR.MINOR.MICRO")
    assert "libvirt version: 9.0.0\n  means    the daemon is libvirt 9.0.0: " in out
    kinds = [f["kind"] for f in json.loads(kb(site_db, "explain", "--json", text)[1])["findings"]]
    assert kinds == ["not-a-version"]


DAMAGE = {
    "symbols.since": "UPDATE symbols SET since = NULL",
    "symbols.kind": "UPDATE symbols SET kind = NULL",
    "symbols.value": "UPDATE symbols SET value = NULL",
    "driver_support.since": "UPDATE driver_support SET since = NULL",
    "driver_support.driver_group": "UPDATE driver_support SET driver_group = NULL",
    "procedures.since": "UPDATE procedures SET since = NULL, since_key = NULL",
    "symbols.since-garbage": "UPDATE symbols SET since = 'garbage'",
    "driver_flags.lower-garbage": "UPDATE driver_flags SET lower = 'x', after = 'y'",
}
COMMANDS = [
    ["since", "virDomainUndefineFlags", "VIR_DOMAIN_UNDEFINE_KEEP_TPM"], ["since", "--driver", "qemu", "VIR_DOMAIN_UNDEFINE_KEEP_TPM"],
    ["show", "VIR_DOMAIN_UNDEFINE_KEEP_TPM"], ["search", "vir"], ["drivers"], ["drivers", "qemu"], ["diff", "7.0.0", "11.3.0"],
    ["check", "--server", "9.0.0", "--driver", "qemu", "virDomainUndefineFlags", "VIR_DOMAIN_UNDEFINE_KEEP_TPM"],
    ["explain", "unknown procedure: 261; unsupported flags (0x40) in function qemuDomainUndefineFlags; libvirt version: 9.0.0"],
    ["proc", "261"], ["conflicts"],
]


@pytest.fixture(scope="module", params=DAMAGE, ids=DAMAGE)
def damaged_db(request, site_db, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("damaged") / "kb.sqlite"
    shutil.copyfile(site_db, path)
    with contextlib.closing(sqlite3.connect(path)) as conn, conn:
        conn.execute(DAMAGE[request.param])
    return path


@pytest.mark.parametrize("args", COMMANDS, ids=[" ".join(c[:2]) for c in COMMANDS])
def test_a_damaged_knowledge_base_answers_or_exits_2_naming_it(damaged_db, args):
    code, out, err = kb(damaged_db, *args)  # an exception would escape main and fail the test
    assert "Traceback" not in err
    if code == 2:
        assert out == "" and err.startswith(f"kb: {damaged_db}: cannot answer from this knowledge base (")
        assert err.endswith("it is damaged, or kb has a bug; rebuild it with `kbgen build`, and report the error if it stays\n")
    else:
        assert code in (0, 1, 3, 4), err


def test_a_null_since_is_exit_2_with_the_database_named(site_db, tmp_path):
    db = tmp_path / "kb.sqlite"
    shutil.copyfile(site_db, db)
    with contextlib.closing(sqlite3.connect(db)) as conn, conn:
        conn.execute("UPDATE driver_support SET since = NULL")
    code, out, err = kb(db, "drivers")
    assert (code, out) == (2, "")
    assert err.startswith(f"kb: {db}: cannot answer from this knowledge base (TypeError: ")


@pytest.mark.parametrize("args", [["since", "vir\udcff"], ["show", "vir\udcff"], ["search", "vir\udcff"],
                                  ["check", "--server", "9.0.0", "vir\udcff"], ["drivers", "q\udcff"]],
                         ids=["since", "show", "search", "check", "drivers"])
def test_an_argument_that_is_not_utf8_is_a_usage_error(site_db, args):
    # how Python hands over argv bytes that are not UTF-8 (surrogateescape); SQLite refuses to bind them
    assert kb(site_db, *args) == (2, "", f"kb: {args[-1]!r} is not UTF-8 text\n")
