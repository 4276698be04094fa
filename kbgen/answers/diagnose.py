"""Version-mismatch answers: explain an error libvirt printed, and check names against a daemon.

`kb explain` recognises the messages libvirt really prints for a client newer
than its daemon or driver; `kb check` predicts them. Standard library only
(this is `kb`'s start-up path).
"""

from __future__ import annotations

import functools
import json
import os
import re
import sqlite3
from collections.abc import Iterable, Iterator

from kbgen.answers import query
from kbgen.answers.known_releases import KnownReleases
from kbgen.render.bounds import bound_text, dated_text, since_text
from kbgen.versions import is_version, key_version, version_key

PATTERNS_FILE = os.path.join(os.path.dirname(__file__), "explain_patterns.json")
REGEX_FLAGS = {"i": re.IGNORECASE}
SYMS_MODULES = {"": "libvirt", "QEMU_": "qemu", "LXC_": "lxc", "ADMIN_": "admin"}


MAX_LINE = 64 * 1024  # characters of an input line that explain reads; the rest of a longer line is skipped
MAX_FINDINGS = 100  # distinct messages; explain stops reading at the next new one
_VERSION_LIKE = re.compile(r"\d+\.\d+\.\d+")


def pattern_table() -> dict:
    """explain_patterns.json: the messages explain recognises, as regexes that Python and explain.html read alike."""
    with open(PATTERNS_FILE, encoding="utf-8") as file:
        return json.load(file)


@functools.cache
def patterns() -> dict[str, re.Pattern]:
    return {p["kind"]: re.compile(p["regex"], re.ASCII | sum(REGEX_FLAGS[f] for f in p["flags"])) for p in pattern_table()["patterns"]}


def explain_rules() -> dict:
    """What explain.html needs to read text the way explain() does: the pattern table and the limits."""
    return pattern_table() | {"max_line": MAX_LINE, "max_findings": MAX_FINDINGS}


def explain(conn: sqlite3.Connection, text: str) -> list[dict]:
    """Every recognised message in TEXT, each with what it means and what to do."""
    return explain_lines(conn, text.split("\n"))["findings"]


def explain_lines(conn: sqlite3.Connection, lines: Iterable[str]) -> dict:
    """explain() over LINES as they come, in bounded memory: each line cut at MAX_LINE characters, each distinct
    message once with its count, and no more than MAX_FINDINGS of them (then "truncated" and reading stops)."""
    findings: dict[tuple[str, str], dict] = {}
    read = cut = 0
    truncated = False
    for read, line in enumerate(lines, 1):
        cut += len(line.rstrip("\r\n")) > MAX_LINE
        truncated = not _record(conn, line[:MAX_LINE], findings)
        if truncated:
            break
    return {"findings": _merge_daemon_versions(conn, list(findings.values())), "truncated": truncated,
            "max_findings": MAX_FINDINGS, "lines_read": read, "lines_cut": cut, "max_line": MAX_LINE}


def read_lines(stream) -> Iterator[str]:
    """STREAM's lines; of a line longer than MAX_LINE characters only its first MAX_LINE + 1 are ever held."""
    while line := stream.readline(MAX_LINE + 1):
        if len(line) > MAX_LINE and not line.endswith("\n"):
            while (rest := stream.readline(MAX_LINE)) and not rest.endswith("\n"):
                pass
        yield line


def _record(conn, line: str, findings: dict) -> bool:
    """Add LINE's messages to FINDINGS, or count them once more; False if a new one would pass MAX_FINDINGS."""
    matches = sorted(((kind, m) for kind, pattern in patterns().items() for m in pattern.finditer(line)), key=lambda km: km[1].start())
    for kind, match in matches:
        key = (kind, match.group(0))
        if key in findings:
            findings[key]["count"] += 1
        elif len(findings) == MAX_FINDINGS:
            return False
        else:
            findings[key] = _finding(conn, kind, match)
    return True


def _finding(conn, kind: str, match: re.Match) -> dict:
    odd = next((g for g in match.groups() if g and _VERSION_LIKE.fullmatch(g) and not is_version(g)), None)
    if odd:
        kind, explained = "not-a-version", _not_a_version(odd)
    else:
        explained = EXPLAINERS[kind](conn, *match.groups())
    return explained | {"kind": kind, "matched": match.group(0), "count": 1}


def _not_a_version(version: str) -> dict:
    return {"version": version,
            "meaning": f"{version} is no libvirt release: libvirt numbers them MAJOR.MINOR.MICRO with at most 4, 3 and 3 ASCII digits",
            "advice": "libvirt did not print this version: check where the text came from"}


def _unknown_procedure(conn, number: str) -> dict:
    try:
        p = KnownReleases.load(conn).dated(query.proc(conn, int(number)))
    except query.NotFound as err:
        return {"meaning": f"remote procedure {number} is not in any ingested source tree ({err.suggestions[0]})", "advice": ""}
    what = p["api"] or f"{p['name']} ({p['label']}, no public API)"
    return {
        "procedure": p,
        "meaning": f"the client called {what} (remote procedure {number}), added in {dated_text(p['since'])}: the daemon is older than that",
        "advice": f"upgrade the daemon to libvirt {_newest(p['since'])} or later, or fall back to calls that the daemon's release has",
    }


def _unsupported_flags(conn, mask: str, function: str) -> dict:
    impl = conn.execute("SELECT driver, api FROM implementations WHERE function = ?", (function,)).fetchone()
    if impl is None:
        return {"meaning": f"{function} is not a driver implementation known to this knowledge base", "advice": ""}
    bits = int(mask, 16)
    masks = _masks(conn, impl["api"])
    flags = []
    for name, canonical, value in _flags_taken(conn, impl["api"], masks):
        if bits & value:
            accepting = masks.get(canonical, {})
            flags.append({"flag": name, "value": value, "driver_accepts_since": accepting.get(impl["driver"]),
                          "accepted_by": sorted(set(accepting) - {impl["driver"]})})
            bits &= ~value
    rejected = [f["flag"] for f in flags if not f["driver_accepts_since"]]
    return {
        "driver": impl["driver"], "api": impl["api"], "flags": flags, "undecoded": bits or None,
        "meaning": f"the {impl['driver']} driver's {impl['api']} rejected flags 0x{mask}: {', '.join(f['flag'] for f in flags) or 'unknown bits'}",
        "advice": (f"{', '.join(rejected)} not accepted by this {impl['driver']} daemon; drop the flag, upgrade the daemon, or use a driver that accepts it"
                   if rejected else "every decoded flag is accepted by a newer release of this driver: the daemon is older; upgrade it"),
    }


def _masks(conn, api: str) -> dict[str, dict[str, dict]]:
    """Flag (the constant it stands for: a mask may name VIR_DOMAIN_AFFECT_LIVE for VIR_DOMAIN_VCPU_LIVE) -> {driver: since}."""
    masks: dict[str, dict[str, dict]] = {}
    for column in query.flags_by_driver(conn, api):
        for flag in column["flags"]:
            row = conn.execute("SELECT alias_of FROM symbols WHERE name = ?", (flag["flag"],)).fetchone()
            masks.setdefault(row[0] if row and row[0] else flag["flag"], {})[column["driver"]] = flag["since"]
    return masks


def _flags_taken(conn, api: str, masks: dict) -> list[tuple[str, str, int]]:
    """(flag, the constant it stands for, value > 0) by value: API's flag types' constants, then other flags a driver's mask accepts."""
    linked = conn.execute(
        "SELECT s.name, COALESCE(s.alias_of, s.name), s.int_value, 0 FROM flag_links l JOIN symbols s ON s.enum_type = l.enum_type"
        " AND s.kind = 'enum' WHERE l.function = ?", (api,)).fetchall()
    known = {row[1] for row in linked}
    extra = [(name, name, _int_value(conn, name), 1) for name in masks if name not in known]
    return [row[:3] for row in sorted((r for r in [*linked, *extra] if (r[2] or 0) > 0), key=lambda r: (r[2], r[3], r[0]))]


def _int_value(conn, name: str) -> int | None:
    row = conn.execute("SELECT int_value FROM symbols WHERE name = ?", (name,)).fetchone()
    return row[0] if row else None


def _newest(version: dict) -> str:
    """The release by which VERSION surely arrived."""
    return version["version"] if version["exact"] else version["upper"]


def _not_supported(conn, api: str) -> dict:
    drivers = query.drivers_of(conn, api)
    listed = [f"{d['driver']} {bound_text(d['since'])}" + (f" (removed in {d['removed_in']})" if d["removed_in"] else "") for d in drivers]
    return {
        "api": api, "drivers": drivers,
        "meaning": f"the connection's driver does not implement {api}" + (f"; drivers that do: {', '.join(listed)}" if listed else "; no driver implements it"),
        "advice": "use a driver (and a daemon release) from that list, or avoid the call" if listed else "avoid the call",
    }


def _symbol_version(conn, prefix: str, version: str) -> dict:
    module = SYMS_MODULES[prefix]
    section = f"LIBVIRT_{prefix}{version}"
    names = [r[0] for r in conn.execute("SELECT symbol FROM symbol_sections WHERE module = ? AND section = ? ORDER BY symbol", (module, section))]
    return {
        "section": section, "symbols": names,
        "meaning": f"the program needs symbols of {section} ({', '.join(names[:8]) or 'none known'}{' ...' if len(names) > 8 else ''}): "
                   f"the installed {module} library is older than {version}",
        "advice": f"install libvirt {version} or later, or rebuild the program against the installed libvirt",
    }


def _daemon_version(conn, version: str) -> dict:
    return {"version": version}


def _merge_daemon_versions(conn, findings: list[dict]) -> list[dict]:
    versions = [f for f in findings if f["kind"] == "daemon-version"]
    if not versions:
        return findings
    oldest = min((f["version"] for f in versions), key=version_key)
    newer = conn.execute(
        "SELECT s.name, s.since, p.number FROM symbols s LEFT JOIN procedures p ON p.api = s.name AND p.protocol = 'remote'"
        " WHERE s.kind = 'function' AND s.since_exact AND s.since_key > ? ORDER BY s.since_key, s.name", (version_key(oldest),)).fetchall()
    summary = {"kind": "daemon-version", "matched": ", ".join(f["matched"] for f in versions), "count": sum(f["count"] for f in versions),
               "versions": sorted({f["version"] for f in versions}, key=version_key),
               "refused": [{"api": r["name"], "since": query.exact_version(r["since"]), "procedure_number": r["number"]} for r in newer]}
    first = ", ".join(f"{r['name']} ({r['since']}" + (f", procedure {r['number']})" if r["number"] else ")") for r in newer[:3])
    summary["meaning"] = (f"libvirt {', '.join(summary['versions'])} found; a newer client calling any of the {len(newer)} APIs added "
                          f"after {oldest} gets 'unknown procedure' from it" + (f", first among them {first}" if newer else ""))
    summary["advice"] = f"check calls with `kb check --server {oldest} NAME`; `kb diff {oldest} NEWER` lists what it lacks"
    return [f for f in findings if f["kind"] != "daemon-version"] + [summary]


EXPLAINERS = {
    "unknown-procedure": _unknown_procedure,
    "unsupported-flags": _unsupported_flags,
    "not-supported": _not_supported,
    "symbol-version": _symbol_version,
    "daemon-version": _daemon_version,
}


# --- kb check ----------------------------------------------------------------------------


def check(conn: sqlite3.Connection, server: str, driver: str | None, name: str) -> dict:
    """Whether NAME works against a SERVER daemon (and DRIVER), the error if not, and since when it would."""
    given, server = server, query.given_release(server, "--server")
    known = KnownReleases.load(conn)
    symbol = known.dated(query.since(conn, name))
    answer = {"name": symbol["name"], "kind": symbol["kind"], "server": server,
              "server_release": known.placed(given, server), "driver": driver, "functions": []}
    if symbol["kind"] == "function":
        return answer | _check_function(conn, symbol, version_key(server), driver)
    if symbol["kind"] == "enum" and symbol.get("taken_by"):
        return answer | _check_flag(conn, symbol, version_key(server), driver)
    return answer | {"works": None, "error": None, "works_from": symbol["since"],
                     "reason": "compile-time symbol: it needs libvirt's headers of that release, the daemon plays no part"}


def _check_function(conn, symbol: dict, server: int, driver: str | None) -> dict:
    arrived = _arrived(symbol["since"], server)
    if arrived is not True:
        procs = query.procedures_of(conn, symbol["name"])
        error = f"unknown procedure: {procs[0]['number']}" if procs else "unknown procedure"
        return {"works": arrived, "error": error if arrived is False else None, "works_from": symbol["since"],
                "reason": f"{symbol['name']} was added in {dated_text(symbol['since'])}" + _inside(arrived, server)}
    if driver is None:
        return {"works": True, "error": None, "works_from": symbol["since"], "reason": "the API exists in that release; pass --driver to check a driver"}
    row = conn.execute("SELECT * FROM driver_support WHERE api = ? AND driver = ?", (symbol["name"], driver)).fetchone()
    error = f"this function is not supported by the connection driver: {symbol['name']}"
    if row is None:
        return {"works": False, "error": error, "works_from": None, "reason": f"no release of the {driver} driver implements it"}
    since = query.support_version(row)
    if version_key(row["since"]) > server:
        if not row["since_exact"]:
            return {"works": None, "error": None, "works_from": since,
                    "reason": f"the {driver} driver's table has it without a version (TBD), by {row['since']} at the latest"}
        return {"works": False, "error": error, "works_from": since, "reason": f"the {driver} driver implements it from {row['since']}"}
    if row["removed_in"] and version_key(row["removed_in"]) <= server:
        return {"works": False, "error": error, "works_from": None, "reason": f"the {driver} driver dropped it in {row['removed_in']}"}
    return {"works": True, "error": None, "works_from": since, "reason": f"the {driver} driver implements it from {row['since']}"}


def _check_flag(conn, symbol: dict, server: int, driver: str | None) -> dict:
    functions = [f["name"] for f in symbol["taken_by"]]
    arrived = _arrived(symbol["since"], server)
    if arrived is not True:
        return {"works": arrived, "error": _flag_error(conn, symbol, functions[0], driver) if arrived is False else None,
                "works_from": symbol["since"], "reason": f"{symbol['name']} was added in {dated_text(symbol['since'])}" + _inside(arrived, server)}
    if driver is None:
        return {"works": True, "error": None, "works_from": symbol["since"], "reason": "the flag exists in that release; pass --driver to check a driver"}
    verdicts = query.flag_by_driver(conn, symbol["name"], symbol["enum_type"], driver)
    accepted = [v for v in verdicts if v["status"] == "accepted"]
    if not accepted:
        status = verdicts[0]["status"] if verdicts else "no-check"
        works = False if status == "rejected" else None
        return {"works": works, "error": _flag_error(conn, symbol, functions[0], driver) if works is False else None,
                "works_from": None, "reason": f"the {driver} driver's mask " + ("does not include it" if works is False else "is unknown"), "functions": verdicts}
    since = accepted[0]["since"]
    arrived = _arrived(since, server)
    reason = f"{driver} accepts it {since_text(since)}" if arrived is not None else f"{driver} started to accept it {bound_text(since)}"
    return {"works": arrived, "error": _flag_error(conn, symbol, accepted[0]["function"], driver) if arrived is False else None,
            "works_from": since, "reason": reason + _inside(arrived, server), "functions": verdicts}


def _arrived(version: dict | None, server: int) -> bool | None:
    """Whether release SERVER has what arrived at VERSION; None when SERVER lies inside its bounds."""
    if version is None:
        return None
    if version["exact"]:
        return version_key(version["version"]) <= server
    if version_key(version["upper"]) <= server:
        return True
    if server < _key(version["lower"]) or server <= _key(version["after"]):
        return False
    return None


def _inside(arrived: bool | None, server: int) -> str:
    return f"; {key_version(server)} lies within those bounds" if arrived is None else ""


def _flag_error(conn, symbol: dict, function: str, driver: str | None) -> str:
    return f"unsupported flags ({hex(symbol['value'] or 0)}) in function {_implementation(conn, function, driver)}"


def _implementation(conn, api: str, driver: str | None) -> str:
    row = conn.execute("SELECT function FROM implementations WHERE api = ? AND (? IS NULL OR driver = ?)"
                       " ORDER BY driver != 'qemu', backend != '', backend LIMIT 1",
                       (api, driver, driver)).fetchone()
    return row[0] if row else f"<{driver or 'driver'} implementation of {api}>"


def _key(version: str | None) -> int:
    return version_key(version) if version else 0
