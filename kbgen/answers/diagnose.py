"""Version-mismatch answers: explain an error libvirt printed, and check names against a daemon.

`kb explain` recognises the messages libvirt really prints for a client newer
than its daemon or driver; `kb check` predicts them. Standard library only
(this is `kb`'s start-up path).
"""

from __future__ import annotations

import functools
import os
import sqlite3
from collections.abc import Iterable, Iterator

from kbgen.answers import (
    argmessages,
    arguments,
    bindingmessages,
    flagbits,
    flagmessages,
    linker,
    messages,
    query,
    transcript,
)
from kbgen.answers.known_releases import KnownReleases
from kbgen.answers.named_symbols import NamedSymbols
from kbgen.render.bounds import bound_text, dated_text, since_text
from kbgen.versions import is_version, key_version, latest, surely_by, version_key

PATTERNS_FILE = os.path.join(os.path.dirname(__file__), "explain_patterns.json")
REGEX_FLAGS = {"i": "IGNORECASE"}  # a pattern's flags, by the name of their re flag (re is imported only to explain)
SYMS_MODULES = {"": "libvirt", "QEMU_": "qemu", "LXC_": "lxc", "ADMIN_": "admin"}


MAX_LINE = 64 * 1024  # characters of an input line that explain reads; the rest of a longer line is skipped
MAX_FINDINGS = 100  # distinct messages; explain stops reading at the next new one


def pattern_table() -> dict:
    """explain_patterns.json: the messages explain recognises, as regexes that Python and explain.html read alike."""
    import json  # json imports re: only explain needs it

    with open(PATTERNS_FILE, encoding="utf-8") as file:
        return json.load(file)


@functools.cache
def patterns() -> dict:
    """kind -> its compiled regex."""
    import re

    return {p["kind"]: re.compile(p["regex"], re.ASCII | sum(getattr(re, REGEX_FLAGS[f]) for f in p["flags"]))
            for p in pattern_table()["patterns"]}


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
    named = NamedSymbols()
    read = cut = 0
    truncated = False
    for read, line in enumerate(lines, 1):
        cut += len(line.rstrip("\r\n")) > MAX_LINE
        truncated = not _record(conn, line[:MAX_LINE], findings)
        named.add(line[:MAX_LINE])
        if truncated:
            break
    return {"findings": transcript.story(conn, list(findings.values())) or named.findings(conn), "truncated": truncated,
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
    matches = [(kind, m, functools.partial(_finding, conn, kind, m)) for kind, pattern in patterns().items() for m in pattern.finditer(line)]
    matches += [("message", m, functools.partial(_message, conn, parts, m, line))
                for m, parts in _catalogue(conn).find(line, [m.span() for _, m, _ in matches])]
    for kind, match, explained in sorted(matches, key=lambda km: km[1].start()):
        key = (kind, match.group(0))
        if key in findings:
            findings[key]["count"] += 1
        elif len(findings) == MAX_FINDINGS:
            return False
        else:
            findings[key] = explained()
    return True


@functools.lru_cache(maxsize=4)
def _catalogue(conn) -> messages.Catalogue:
    return messages.Catalogue(conn, pattern_table()["placeholder"])


def _message(conn, parts: tuple[str, ...], match, line: str) -> dict:
    found = messages.message_finding(conn, _catalogue(conn).groups[parts], match, line, pattern_table())
    return found | {"kind": "message", "matched": match.group(0), "count": 1}


@functools.cache
def version_groups() -> dict[str, list[int]]:
    """kind -> the indexes of its groups named version (the ones a not-a-version check reads)."""
    return {p["kind"]: [i for i, g in enumerate(p["groups"]) if g[0] == "version"] for p in pattern_table()["patterns"]}


def _finding(conn, kind: str, match) -> dict:
    groups = match.groups()
    odd = next((groups[i] for i in version_groups()[kind] if _version_like(groups[i]) and not is_version(groups[i])), None)
    if odd:
        kind, explained = "not-a-version", _not_a_version(odd)
    else:
        explained = EXPLAINERS[kind](conn, *match.groups())
    return {"kind": kind} | explained | {"matched": match.group(0), "count": 1}


def _version_like(text: str) -> bool:
    """Three runs of decimal digits (any script) joined by dots: what a not-a-version check looks at."""
    parts = text.split(".")
    return len(parts) == 3 and all(part.isdecimal() for part in parts)


def _not_a_version(version: str) -> dict:
    return {"version": version,
            "meaning": f"{version} is no libvirt release: libvirt numbers them MAJOR.MINOR.MICRO with at most 4, 3 and 3 ASCII digits",
            "advice": "libvirt did not print this version: check where the text came from"}


def _unknown_procedure(conn, named: str | None, number: str) -> dict:
    protocol = program_of(conn, named)
    try:
        p = query.proc(conn, int(number), protocol)
    except query.NotFound as err:
        return {"meaning": f"{protocol} procedure {number} is not in any ingested source tree ({err.suggestions[0]})", "advice": ""}
    return {"procedure": p} | transcript.procedure_words(conn, p, {})


def program_of(conn, api: str | None) -> str:
    """The RPC program (remote, qemu, lxc, admin) whose procedures carry API; remote when it names none."""
    row = conn.execute("SELECT protocol FROM procedures WHERE api = ? ORDER BY protocol = 'remote' DESC, protocol LIMIT 1", (api,)).fetchone() if api else None
    return row[0] if row else "remote"


def _unsupported_flags(conn, mask: str, function: str) -> dict:
    impl = implementation_of(conn, function)
    renamed = impl is None and (impl := flagmessages.older_name_of(conn, function))
    if impl is None:
        return {"meaning": f"{function} is not a driver implementation known to this knowledge base", "advice": ""}
    driver, api = impl
    bits = int(mask, 16)
    flags = [flag for bit in flagbits.bits_of(bits) if (flag := _decoded(conn, api, driver, bit))]
    for flag in flags:
        bits &= ~flag["value"]
    return {
        "driver": driver, "api": api, "flags": flags, "undecoded": bits or None, "older_name": bool(renamed),
        "meaning": flagmessages.flags_meaning(driver, api, mask, function if renamed else None, flags, bits),
        "advice": flagmessages.flags_advice(driver, api, flags, bits),
    }


def implementation_of(conn, function: str) -> tuple[str, str] | None:
    """(driver, API) of a function that implemented an API, or performed its virCheckFlags, in any analysed tree."""
    row = conn.execute(
        "SELECT driver, api, 0, last_key FROM implementations WHERE function = ?1 UNION ALL"
        " SELECT c.driver, c.api, 1, r.version_key FROM flag_checks c JOIN releases r ON r.version = c.release WHERE c.performer = ?1"
        " ORDER BY 3, 4 DESC LIMIT 1", (function,)).fetchone()
    return (row[0], row[1]) if row else None


def _decoded(conn, api: str, driver: str, bit: int) -> dict | None:
    """Bit BIT of API's flags: its names and the drivers accepting it (None when no name of it is known)."""
    accepting = {c["driver"]: b for c in flagbits.flags_by_driver(conn, api) for b in c["bits"] if b["bit"] == bit}
    names = list(dict.fromkeys(flagbits.own_names(conn, api).get(bit, []) + [n for b in accepting.values() for n in b["names"]]))
    if not names:
        return None
    flag = {"value": bit, "since": _function_symbol(conn, names[0])["since"]}
    found = flagbits.verdict(conn, flag, api, None, driver, flagbits.newest_source(conn))
    return {"flag": names[0], "names": names, "value": bit, "status": found["status"], "tree": found["tree"],
            "driver_accepts_since": found["bit_since"], "accepted_by": sorted(set(accepting) - {driver})}


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
    if not names and (nodes := linker.version_nodes(conn, module, version)) is not None:
        return linker.no_such_node(section, module, version, nodes)
    return {
        "section": section, "symbols": names,
        "meaning": f"the program needs symbols of {section} ({', '.join(names[:8]) or 'none known'}{' ...' if len(names) > 8 else ''}): "
                   f"the installed {module} library is older than {version}",
        "advice": f"install libvirt {version} or later, or rebuild the program against the installed libvirt",
    }


EXPLAINERS = {
    "unknown-procedure": _unknown_procedure,
    "unsupported-flags": _unsupported_flags,
    "not-supported": _not_supported,
    "unsupported-event": argmessages.unsupported_event,
    "unsupported-parameter": argmessages.unsupported_parameter,
    "private-symbol-version": linker.private_symbols,
    "symbol-version": _symbol_version,
    "daemon-version": transcript.version_line,
    "hypervisor-version": transcript.hypervisor_line,
    "connection-uri": transcript.connection_uri,
    "binding-attribute": bindingmessages.object_attribute,
    "binding-module-attribute": bindingmessages.module_attribute,
    "binding-import": bindingmessages.imported,
    "c-undeclared": bindingmessages.compiler_name,
    "c-implicit-declaration": bindingmessages.compiler_name,
}


# --- kb check ----------------------------------------------------------------------------


def check(conn: sqlite3.Connection, server: str, driver: str | None, name: str, api: str | None = None) -> dict:
    """Whether NAME works against a SERVER daemon (and DRIVER), the error if not, and since when it would;
    of a flag, per function taking it (only API if given)."""
    given, server = server, query.given_release(server, "--server")
    known = KnownReleases.load(conn)
    symbol = known.dated(query.since(conn, name))
    answer = {"name": symbol["name"], "kind": symbol["kind"], "server": server,
              "server_release": known.placed(given, server), "driver": driver, "functions": []}
    found = answer | _verdict(conn, symbol, version_key(server), driver, api)
    if (newest := newest_release(conn)) and version_key(server) > version_key(newest):
        found = _unknown_past(found, server, newest) | {"functions": [_unknown_past(f, server, newest) for f in found["functions"]]}
    return _with_failure(found | {"functions": [_with_failure(f) for f in found["functions"]]})


def _unknown_past(verdict: dict, server: str, newest: str) -> dict:
    """VERDICT for a daemon newer than the newest ingested release: what held there, and that it cannot be told."""
    if verdict["works"] is None:
        return verdict
    return verdict | {"works": None, "error": None,
                      "reason": f"unknown: {server} is newer than the newest ingested release ({newest}); as of {newest}: {verdict['reason']}"}


def _verdict(conn, symbol: dict, server: int, driver: str | None, api: str | None) -> dict:
    if symbol["kind"] == "function":
        return _check_function(conn, symbol, server, driver)
    if symbol["kind"] == "enum" and symbol.get("taken_by"):
        return _check_flag(conn, symbol, server, driver, query.taking_api(symbol, api))
    if symbol["kind"] == "enum" and any(t["role"] == "validated" for t in symbol.get("taken_as_argument", [])):
        return _check_value(conn, symbol, server, driver, api)
    if symbol["kind"] == "macro" and symbol.get("taken_by_params"):
        return _check_param(conn, symbol, server, driver, query.taking_api(symbol, api, "taken_by_params"))
    return {"works": None, "error": None, "works_from": symbol["since"],
            "reason": "compile-time symbol: it needs libvirt's headers of that release, the daemon plays no part"}


def newest_release(conn) -> str | None:
    """The newest ingested release: nothing is known of later ones."""
    row = conn.execute("SELECT version FROM releases ORDER BY version_key DESC LIMIT 1").fetchone()
    return row[0] if row else None


FAILURES = {  # the start of a predicted error -> its kind and the error code libvirt reports it with
    "unknown procedure": ("unknown-procedure", "VIR_ERR_NO_SUPPORT"),  # the client turns the daemon's VIR_ERR_RPC into NO_SUPPORT
    "this function is not supported by the connection driver": ("not-supported", "VIR_ERR_NO_SUPPORT"),
    "invalid argument: unsupported flags": ("unsupported-flags", "VIR_ERR_INVALID_ARG"),
    "argument unsupported: parameter": ("unsupported-parameter", "VIR_ERR_ARGUMENT_UNSUPPORTED"),  # virTypedParamsValidate
}


def _with_failure(verdict: dict) -> dict:
    """VERDICT with the kind of its failure and the error code of its predicted error (both null when it names none)."""
    kind, code = next((v for start, v in FAILURES.items() if (verdict.get("error") or "").startswith(start)), (None, None))
    return verdict | {"failure": kind if verdict["works"] is False else None, "error_code": code}


def _check_function(conn, symbol: dict, server: int, driver: str | None) -> dict:
    arrived = _arrived(symbol["since"], server)
    if arrived is not True:
        procs = query.procedures_of(conn, symbol["name"])
        error = f"unknown procedure: {procs[0]['number']}" if procs else "unknown procedure"
        gap = {"works": arrived, "error": error if arrived is False else None, "works_from": symbol["since"],
               "reason": f"{symbol['name']} was added in {dated_text(symbol['since'])}" + _inside(arrived, server)}
        return gap if driver is None else _driver_later(conn, symbol, driver, gap)
    if driver is None:
        return {"works": True, "error": None, "works_from": symbol["since"], "reason": "the API exists in that release; pass --driver to check a driver"}
    row = conn.execute("SELECT * FROM driver_support WHERE api = ? AND driver = ?", (symbol["name"], driver)).fetchone()
    error = f"this function is not supported by the connection driver: {symbol['name']}"
    if row is None and (elsewhere := query.served_elsewhere(conn, symbol["name"], driver)):
        return {"works": True if elsewhere == "library" else None, "error": None, "works_from": symbol["since"],
                "reason": SERVED_ELSEWHERE[elsewhere == "library"].format(driver=driver, drivers=elsewhere)}
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


SERVED_ELSEWHERE = {True: "no driver's table has it: the library serves it, through the driver's internal steps",
                    False: "the {driver} driver does not serve it: {drivers} of the same daemon do"}


def _driver_later(conn, symbol: dict, driver: str, gap: dict) -> dict:
    """GAP (the API is newer than the daemon) with the release from which DRIVER has it: never, or later than the API."""
    row = conn.execute("SELECT * FROM driver_support WHERE api = ? AND driver = ?", (symbol["name"], driver)).fetchone()
    if row is None:
        return gap if query.served_elsewhere(conn, symbol["name"], driver) else gap | {
            "works_from": None, "reason": gap["reason"] + f"; no release of the {driver} driver implements it"}
    since = query.support_version(row)
    if row["removed_in"]:
        return gap | {"reason": gap["reason"] + f"; the {driver} driver had it from {row['since']} to {row['removed_in']}"}
    if row["since_key"] <= version_key(surely_by(symbol["since"])):
        return gap
    return gap | {"works_from": since, "reason": gap["reason"] + f"; the {driver} driver implements it from {dated_text(since)}"}


def _check_flag(conn, symbol: dict, server: int, driver: str | None, api: str | None) -> dict:
    if driver is None:
        return _without_driver(symbol, server, "flag")
    return _combined([_flag_at(conn, symbol, v, server) for v in flagbits.flag_by_driver(conn, symbol, driver, api)])


def _check_param(conn, symbol: dict, server: int, driver: str | None, api: str | None) -> dict:
    if driver is None:
        return _without_driver(symbol, server, "typed parameter")
    return _combined([_param_at(conn, symbol, v, server) for v in arguments.param_acceptance(conn, symbol, driver)
                      if api is None or v["function"] == api])


def _check_value(conn, symbol: dict, server: int, driver: str | None, api: str | None) -> dict:
    if driver is None:
        return _without_driver(symbol, server, "value")
    takers = [t for t in symbol["taken_as_argument"] if t["role"] == "validated"]
    api = query.taking_api({"name": symbol["name"], "taken_by": takers}, api)
    return _combined([_value_at(conn, symbol, t, driver, server) for t in takers if api is None or t["name"] == api])


def _without_driver(symbol: dict, server: int, what: str) -> dict:
    arrived = _arrived(symbol["since"], server)
    reason = (f"{symbol['name']} was added in {dated_text(symbol['since'])}" + _inside(arrived, server) if arrived is not True
              else f"the {what} exists in that release; pass --driver to check a driver")
    return {"works": arrived, "error": None, "works_from": symbol["since"], "reason": reason}


def _past_tree(tree: str | None, server: int) -> bool:
    """Whether SERVER is newer than TREE, the newest analysed source tree: a driver may have dropped what it accepted there."""
    return bool(tree) and server > version_key(tree)


def _past_tree_verdict(tree: str) -> dict:
    return {"works": None, "error": None, "works_from": None, "reason": f"unknown past the newest analysed tree ({tree}); accepted there"}


def _combined(verdicts: list[dict]) -> dict:
    """One verdict of the functions taking a flag or parameter: the failing one first, else whether any cannot tell."""
    if len(verdicts) == 1:
        return {key: verdicts[0][key] for key in ("works", "error", "works_from", "reason")} | {"functions": verdicts}
    failing = next((v for v in verdicts if v["works"] is False), None)
    counts = {word: sum(v["works"] is value for v in verdicts) for word, value in (("work", True), ("fail", False), ("cannot tell", None))}
    works = False if failing else None if counts["cannot tell"] else True
    return {"works": works, "error": failing["error"] if failing else None, "works_from": latest([v["works_from"] for v in verdicts]),
            "functions": verdicts,
            "reason": f"{len(verdicts)} functions take it: " + ", ".join(f"{n} {word}" for word, n in counts.items() if n)}


def _flag_at(conn, symbol: dict, verdict: dict, server: int) -> dict:
    """Whether the daemon's driver accepts the flag's bit in one function (a flagbits verdict) at SERVER."""
    function, driver = verdict["function"], verdict["driver"]
    api = _check_function(conn, _function_symbol(conn, function), server, driver)
    answer = {"function": function, "status": verdict["status"]}
    if api["works"] is not True:
        return answer | api
    status, tree = verdict["status"], verdict["tree"]
    if status == "zero":
        return answer | {"works": True, "error": None, "works_from": None, "reason": "value 0: no bit for a mask to reject"}
    if status == "accepted" and _past_tree(tree, server):
        return answer | _past_tree_verdict(tree)
    if status == "accepted":
        arrived = _arrived(verdict["bit_since"], server)
        error = _flag_error(conn, symbol, function, driver, server) if arrived is False else None
        return answer | {"works": arrived, "error": error, "works_from": verdict["bit_since"], "reason": _accepted_reason(symbol, verdict, server)}
    if status in ("rejected", "past-sources") and tree and server <= version_key(tree):
        return answer | {"works": False, "error": _flag_error(conn, symbol, function, driver, server), "works_from": None,
                         "reason": f"no analysed mask of the {driver} driver includes bit {hex(symbol['value'])} (analysed up to {tree})"}
    if status in ("rejected", "past-sources") and _arrived(symbol["since"], server) is False:
        return answer | {"works": False, "error": _flag_error(conn, symbol, function, driver, server), "works_from": symbol["since"],
                         "reason": f"{symbol['name']} was added in {dated_text(symbol['since'])}, after the daemon"}
    if status in ("rejected", "past-sources"):
        return answer | {"works": None, "error": None, "works_from": None, "reason": f"unknown (newest analysed source: {tree})"}
    why = verdict["reason"] or f"no flag check of the {driver} driver is recorded for {function}"
    return answer | {"works": None, "error": None, "works_from": None, "reason": f"the {driver} driver's mask is unknown ({why})"}


def _param_at(conn, symbol: dict, verdict: dict, server: int) -> dict:
    """Whether the daemon's driver accepts the typed parameter in one function (an arguments.param_acceptance verdict) at SERVER."""
    function, driver = verdict["function"], verdict["driver"]
    entry = _function_symbol(conn, function) or _entry_point(conn, function)
    api = _check_function(conn, entry, server, driver) if entry else {"works": None, "error": None, "works_from": None,
                                                                       "reason": f"no release of any driver has {function}"}
    answer = {"function": function, "status": verdict["status"]}
    if api["works"] is not True:
        return answer | api
    status, tree, param = verdict["status"], verdict["tree"], symbol["macro_value"]
    error = f"argument unsupported: parameter '{param}' not supported"
    if status == "accepted" and _past_tree(tree, server):
        return answer | _past_tree_verdict(tree)
    if status == "accepted":
        arrived = _arrived(verdict["since"], server)
        return answer | {"works": arrived, "error": error if arrived is False else None, "works_from": verdict["since"],
                         "reason": f"{driver}'s {function} accepts '{param}' {since_text(verdict['since'])}" + _inside(arrived, server)}
    if status in ("rejected", "past-sources") and tree and server <= version_key(tree):
        return answer | {"works": False, "error": error, "works_from": None,
                         "reason": f"no analysed virTypedParamsValidate list of the {driver} driver names '{param}' (analysed up to {tree})"}
    if status in ("rejected", "past-sources") and _arrived(symbol["since"], server) is False:
        return answer | {"works": False, "error": error, "works_from": symbol["since"],
                         "reason": f"{symbol['name']} was added in {dated_text(symbol['since'])}, after the daemon"}
    if status in ("rejected", "past-sources"):
        return answer | {"works": None, "error": None, "works_from": None, "reason": f"unknown (newest analysed source: {tree})"}
    why = verdict["reason"] or f"no typed-parameter check of the {driver} driver is recorded for {function}"
    return answer | {"works": None, "error": None, "works_from": None, "reason": f"the {driver} driver's parameter list is unknown ({why})"}


def _value_at(conn, symbol: dict, taker: dict, driver: str, server: int) -> dict:
    """Whether DRIVER accepts an enum value for the argument of a function that validates it (TAKER, a taken_as_argument
    entry) at SERVER, from the analysed tree nearest to it: the newest not after it, else the oldest."""
    function, argument = taker["name"], taker["argument"]
    api = _check_function(conn, _function_symbol(conn, function), server, driver)
    status = next((v["status"] for v in symbol["value_acceptance"] if (v["function"], v["driver"]) == (function, driver)), "no-check")
    answer = {"function": function, "status": status}
    if api["works"] is not True:
        return answer | api
    trees = [r for r in arguments.checks_by_tree(conn, "enum_checks", function, argument) if r["driver"] == driver]
    before = [r for r in trees if r["version_key"] <= server]
    row = before[-1] if before else trees[0] if trees else None
    unknown = {"works": None, "error": None, "works_from": None}
    if row is None or not row["known"]:
        why = row["reason"] if row else f"no check of {argument} by the {driver} driver is recorded"
        return answer | unknown | {"reason": f"the {driver} driver's accepted {argument} values are unknown ({why})"}
    accepts = symbol["name"] in row["values"].split()
    where = f"the {driver} driver's check of {argument} in {function} ({row['release']}: {row['reason']})"
    if accepts and _past_tree(trees[-1]["release"], server):
        return answer | unknown | {"reason": f"{where} accepts {symbol['name']}; unknown past {trees[-1]['release']}"}
    if accepts and server >= row["version_key"]:
        return answer | {"works": True, "error": None, "works_from": None, "reason": f"{where} accepts {symbol['name']}"}
    if accepts:
        return answer | unknown | {"reason": f"{where} accepts {symbol['name']}; not known for releases before {row['release']}"}
    if server > row["version_key"] and _arrived(symbol["since"], server) is not False:
        return answer | unknown | {"reason": f"{where} accepts only {', '.join(row['values'].split())}; unknown past {row['release']}"}
    return answer | {"works": False, "error": None, "works_from": None, "reason": f"{where} accepts only {', '.join(row['values'].split())}"}


def _accepted_reason(symbol: dict, verdict: dict, server: int) -> str:
    bit = hex(symbol["value"])
    names = [n for n in verdict["bit_names"] if n != symbol["name"]]
    started = "accepts" if verdict["bit_since"]["exact"] else "started to accept"
    text = f"{verdict['driver']} {started} bit {bit} {since_text(verdict['bit_since'])}" + (f" (its mask: {', '.join(names)})" if names else "")
    text += _inside(_arrived(verdict["bit_since"], server), server)
    if _arrived(symbol["since"], server) is False:
        text += f"; the name {symbol['name']} needs the headers of {bound_text(symbol['since'])} or later, older ones pass {bit} by another name"
    return text


def _entry_point(conn, name: str) -> dict | None:
    """{"name", "since"} of a driver entry point no header declares (migration's virDomainMigrateBegin3Params, which
    typed parameters reach): dated by the first driver to have it, as hvsupport.html lists it."""
    row = conn.execute("SELECT since, since_exact FROM driver_support WHERE api = ? ORDER BY since_key LIMIT 1", (name,)).fetchone()
    return {"name": name, "since": query.support_version(row)} if row else None


def _function_symbol(conn, name: str) -> dict | None:
    """{"name", "since"} of a public symbol; None for a driver entry point no header declares (virDomainMigrateBegin3Params)."""
    row = conn.execute("SELECT name, since, since_exact FROM symbols WHERE name = ?", (name,)).fetchone()
    return {"name": row["name"], "since": query.since_version(row["since"], bool(row["since_exact"]))} if row else None


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


def _flag_error(conn, symbol: dict, api: str, driver: str | None, server: int) -> str | None:
    """What libvirt prints: virCheckFlags reports VIR_ERR_INVALID_ARG ("invalid argument: %s") naming its own function;
    None when no analysed tree names that function."""
    function = performer(conn, api, driver, server)
    return f"invalid argument: unsupported flags ({hex(symbol['value'] or 0)}) in function {function}" if function else None


def performer(conn, api: str, driver: str | None, server: int) -> str | None:
    """The function whose virCheckFlags rejects API's flags in DRIVER, as of the analysed tree nearest to SERVER (the newest
    not after it, else the oldest)."""
    row = conn.execute(
        "SELECT c.performer FROM flag_checks c JOIN releases r ON r.version = c.release WHERE c.api = ? AND c.driver = ?"
        " ORDER BY r.version_key > ?, abs(r.version_key - ?) LIMIT 1", (api, driver, server, server)).fetchone()
    if row is not None:
        return row[0]
    row = conn.execute("SELECT function FROM implementations WHERE api = ? AND driver = ? ORDER BY last_key DESC, backend LIMIT 1",
                       (api, driver)).fetchone()
    return row[0] if row else None


def _key(version: str | None) -> int:
    return version_key(version) if version else 0
