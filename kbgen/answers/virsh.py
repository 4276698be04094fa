"""`kb virsh`: what a virsh command line calls, and the oldest daemon it works against."""

from __future__ import annotations

import sqlite3

from kbgen.answers import query
from kbgen.versions import latest


def commands(conn: sqlite3.Connection) -> dict:
    rows = conn.execute(
        "SELECT c.name, c.alias_of, c.first_tree, (SELECT COUNT(*) FROM virsh_calls k WHERE k.command = c.name) AS apis "
        "FROM virsh_commands c ORDER BY c.name")
    return {"commands": [{"name": r["name"], "alias_of": r["alias_of"], "api_count": r["apis"], "first_tree": r["first_tree"]}
                         for r in rows]}


def search_commands(conn: sqlite3.Connection, pattern: str, limit: int) -> list[dict]:
    """virsh commands whose name contains PATTERN (any case), the exact one first, each with the APIs it calls."""
    escaped = pattern.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    rows = conn.execute(
        "SELECT name, alias_of FROM virsh_commands WHERE name LIKE ? ESCAPE '\\' ORDER BY name != ?, length(name), name LIMIT ?",
        (f"%{escaped}%", pattern.lower(), limit)).fetchall()
    return [{"command": r["name"], "alias_of": r["alias_of"],
             "apis": [c[0] for c in conn.execute("SELECT api FROM virsh_calls WHERE command = ? ORDER BY fallback_of IS NOT NULL, api",
                                                 (r["alias_of"] or r["name"],))]}
            for r in rows]


def virsh(conn: sqlite3.Connection, words: list[str], driver: str | None = None) -> dict:
    """The answer for `virsh COMMAND [ARG...]` (words without `virsh`); driver: the connection's."""
    name, alias = _command(conn, words[0])
    options = {r["option"]: dict(r) for r in conn.execute(
        "SELECT * FROM virsh_options WHERE command = ? ORDER BY position", (name,))}
    chosen = _chosen(options, words[1:])
    row = conn.execute("SELECT * FROM virsh_commands WHERE name = ?", (name,)).fetchone()
    calls = [dict(r) for r in conn.execute("SELECT * FROM virsh_calls WHERE command = ?", (name,))]
    flags = [_symbol(conn, flag, option) for option, value in chosen for flag in _split(options[option]["flags"])]
    values = [_symbol(conn, constant, option, value) for option, value in chosen
              if (constant := _value_constant(options[option], value))]
    apis = [_api(conn, c, driver) for c in calls]
    return {
        "virsh_command": name, "typed": words[0], "alias": alias, "handler": row["handler"], "driver": driver,
        "options": [{"option": o, "given": v} for o, v in chosen], "unknown_options": _unknown(options, words[1:]),
        "apis": apis, "flag_options": flags, "value_options": values,
        "fallbacks": [{"api": c["api"], "instead_of": c["fallback_of"]} for c in calls if c["fallback_of"]],
        "choices": _choices(conn, options),
        "works_from": _works_from(apis, flags + values) if driver else None,
        "undetermined": row["unknown"], "tree": row["tree"], "origin": row["origin"],
    }


def required_checks(conn: sqlite3.Connection, answer: dict) -> list[tuple[str, str | None]]:
    """What `kb check` checks of the command line: the APIs a daemon must have, and the flags and enum values its
    options give, each with the command's API taking it (None: no API of the command takes it)."""
    called = [a["api"] for a in answer["apis"]]
    checks = [(a["api"], None) for a in answer["apis"] if not a["fallback_of"] and a["served"]]
    for constant in answer["flag_options"] + answer["value_options"]:
        takers = {r[0] for r in conn.execute("SELECT function FROM flag_links WHERE enum_type = ?1 UNION"
                                             " SELECT function FROM argument_links WHERE enum_type = ?1 AND role = 'validated'",
                                             (constant["enum_type"],))}
        checks.append((constant["name"], next((api for api in called if api in takers), None)))
    return checks


def check_line(conn: sqlite3.Connection, answer: dict, check) -> list[dict]:
    """CHECK(conn, name, api) of each required name; an API that fails with fallbacks virsh uses instead (and no flag
    of the command line needs it: the older APIs take none) works when all its fallbacks do."""
    checks = required_checks(conn, answer)
    flagged = {api for name, api in checks if api}
    results = []
    for name, api in checks:
        found = check(conn, name, api)
        fallbacks = [a["api"] for a in answer["apis"] if a["fallback_of"] == name]
        if found["works"] is not True and fallbacks and name not in flagged:
            instead = [_checked(conn, check, f) for f in fallbacks]
            if all(i and i["works"] is True for i in instead):
                found = found | {"works": True, "error": None, "failure": None, "error_code": None,
                                 "works_from": latest([i["works_from"] for i in instead]),
                                 "reason": f"{found['reason']}; virsh falls back to {' and '.join(fallbacks)}, which work there"}
        results.append(found)
    return results


def _checked(conn, check, name: str) -> dict | None:
    """CHECK of a fallback API; None when the knowledge base does not know it."""
    try:
        return check(conn, name, None)
    except query.NotFound:
        return None


def _command(conn, typed: str) -> tuple[str, str | None]:
    row = conn.execute("SELECT name, alias_of FROM virsh_commands WHERE name = ?", (typed.lower(),)).fetchone()
    if row is None:
        raise query.NotFound(typed, _suggest(conn, typed))
    return (row["alias_of"], row["name"]) if row["alias_of"] else (row["name"], None)


def _suggest(conn, typed: str) -> list[str]:
    import difflib

    names = [r[0] for r in conn.execute("SELECT name FROM virsh_commands")]
    close = difflib.get_close_matches(typed.lower(), names, n=3, cutoff=0.6)
    return close + [n for n in sorted(names) if typed.lower() in n and n not in close][:3 - len(close)]


def _chosen(options: dict, args: list[str]) -> list[tuple[str, str | None]]:
    """(option, value) for each option the arguments give, by name or by position."""
    chosen, positional = [], [o for o, r in options.items() if r["type"] not in ("bool", "alias")]
    rest = iter(args)
    for arg in rest:
        if arg.startswith("--"):
            name, equals, value = arg[2:].partition("=")
            name = options[name]["alias_of"] or name if name in options else name
            if name in options:
                if not equals and options[name]["type"] != "bool":  # `--target disk`: a valued option takes the next word
                    value = next(rest, "")
                chosen.append((name, value or None))
                positional = [o for o in positional if o != name]
        elif positional:
            chosen.append((positional.pop(0), arg))
    for option, value in chosen:
        _known_value(options[option], value)
    return [(o, v) for o, v in chosen if _split(options[o]["flags"]) or _value_constant(options[o], v)]


def _choices(conn, options: dict) -> list[dict]:
    """Every option of the command that sets a flag or stands for enum values, with the constants and their versions."""
    import json

    found = []
    for name, option in options.items():
        values = json.loads(option["values"]) if option["values"] else {}
        constants = [(None, flag) for flag in _split(option["flags"])] + [(v, c) for v, c in values.items() if c]
        if constants:
            found.append({"option": name, "constants": [_symbol(conn, c, name, v) for v, c in constants]})
    return found


def _known_value(option: dict, value: str | None) -> None:
    """BadQuery when an option that takes one of a list of strings (`--target mem|disk|hybrid`) is given another: virsh refuses it."""
    if not option["values"]:
        return
    import json

    accepted = list(json.loads(option["values"]))
    if value not in accepted:
        given = f"--{option['option']} {value}" if value else f"--{option['option']} without a value"
        raise query.BadQuery(f"{given}: virsh {option['command']} accepts {', '.join(accepted)}")


def _unknown(options: dict, args: list[str]) -> list[str]:
    return [a for a in args if a.startswith("--") and a[2:].partition("=")[0] not in options]


def _value_constant(option: dict, value: str | None) -> str | None:
    if not option["values"] or value is None:
        return None
    import json

    return json.loads(option["values"]).get(value)


def _split(text: str | None) -> list[str]:
    return text.split() if text else []


def _symbol(conn, name: str, option: str, value: str | None = None) -> dict:
    row = conn.execute("SELECT since, since_exact, enum_type FROM symbols WHERE name = ?", (name,)).fetchone()
    since = query.since_version(row["since"], bool(row["since_exact"])) if row else None
    return {"name": name, "option": option, "given": value, "since": since, "enum_type": row["enum_type"] if row else None}


def _api(conn, call: dict, driver: str | None) -> dict:
    row = conn.execute("SELECT since, since_exact FROM symbols WHERE name = ?", (call["api"],)).fetchone()
    answer = {"api": call["api"], "via": call["via"].split(), "fallback_of": call["fallback_of"],
              "since": query.since_version(row["since"], bool(row["since_exact"])) if row else None,
              "driver_since": None, "served": True}
    if driver is None:
        return answer
    support = conn.execute("SELECT * FROM driver_support WHERE api = ? AND driver = ?", (call["api"], driver)).fetchone()
    if support is not None:
        return answer | {"driver_since": query.support_version(support)}
    return answer | {"served": _served_by_driver(conn, call["api"], driver)}


def _served_by_driver(conn, api: str, driver: str) -> bool:
    """False when no driver implements API (the library answers it: virDomainGetName) or another kind of driver
    than DRIVER's does (storage, network, ...)."""
    groups = {r[0] for r in conn.execute("SELECT DISTINCT driver_group FROM driver_support WHERE api = ?", (api,))}
    mine = {r[0] for r in conn.execute("SELECT DISTINCT driver_group FROM driver_support WHERE driver = ?", (driver,))}
    return bool(groups & mine)


def _works_from(apis: list[dict], symbols: list[dict]) -> dict | None:
    """The newest of the versions everything the command line needs arrived in; None if one is not known."""
    needed = [a["driver_since"] for a in apis if not a["fallback_of"] and a["served"] and not _has_fallback(a, apis)]
    needed += [a["driver_since"] for a in apis if _has_fallback(a, apis) and symbols]  # the older API takes no flags
    needed += [s["since"] for s in symbols]
    return latest(needed)


def _has_fallback(api: dict, apis: list[dict]) -> bool:
    return any(a["fallback_of"] == api["api"] for a in apis)


def command_line(words: list[str]) -> tuple[str | None, list[str]]:
    """The driver a `-c URI` / `--connect URI` names, and the command with its arguments (a leading `virsh` dropped)."""
    words = words[1:] if words[:1] == ["virsh"] else list(words)
    driver = None
    while words[:1] and words[0].startswith("-"):
        option = words.pop(0)
        if option in ("-c", "--connect") and words:
            driver = words.pop(0).partition(":")[0].partition("+")[0] or None
        elif option.startswith("--connect="):
            driver = option.partition("=")[2].partition(":")[0].partition("+")[0] or None
    return driver, words
