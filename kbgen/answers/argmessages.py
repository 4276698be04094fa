"""The words of messages about an argument the daemon refused: an event ID it does not know, a typed parameter its driver
does not take. Standard library only (`kb`'s start-up path); explain.html says the same (templates/assets/explain.js)."""

from __future__ import annotations

import sqlite3

from kbgen.answers import arguments, query
from kbgen.render.bounds import bound_text, since_text


def event_enum(family: str) -> str:
    """The event-ID enum of the objects an `unsupported ... event ID` message names: '' -> virDomainEventID,
    'storage pool ' -> virStoragePoolEventID."""
    return "vir" + "".join(word.capitalize() for word in (family or "domain").split()) + "EventID"


def unsupported_event(conn: sqlite3.Connection, family: str, number: str) -> dict:
    enum_type = event_enum(family)
    takers = [r[0] for r in conn.execute(
        "SELECT function FROM argument_links WHERE enum_type = ? AND role = 'event-id' ORDER BY function", (enum_type,))]
    answer = {"enum_type": enum_type, "number": int(number), "event": None, "since": None, "registered_with": takers}
    found = event_constant(conn, enum_type, int(number))
    if found is None:
        return answer | {"meaning": f"{number} is no {enum_type} constant of any ingested release", "advice": ""}
    name, since = found
    return answer | {
        "event": name, "since": since,
        "meaning": f"the client registered for {name} ({enum_type} {number}, added in {bound_text(since)})"
                   + (f" with {', '.join(takers)}" if takers else "") + ": the daemon is older than that",
        "advice": f"upgrade the daemon to libvirt {since['version'] if since['exact'] else since['upper']} or later, "
                  "or register for this event only with daemons that have it",
    }


def event_constant(conn: sqlite3.Connection, enum_type: str, number: int) -> tuple[str, dict] | None:
    """The oldest constant of ENUM_TYPE worth NUMBER (no *_LAST), and its version."""
    row = conn.execute("SELECT name, since, since_exact FROM symbols WHERE kind = 'enum' AND enum_type = ? AND int_value = ?"
                       " AND name NOT LIKE '%\\_LAST' ESCAPE '\\' ORDER BY since_key LIMIT 1", (enum_type, number)).fetchone()
    return (row["name"], query.since_version(row["since"], bool(row["since_exact"]))) if row else None


def unsupported_parameter(conn: sqlite3.Connection, param: str) -> dict:
    macros = param_macros(conn, param)
    if not macros:
        return {"param": param, "macros": [], "meaning": f"'{param}' is the name of no typed-parameter macro of any ingested release",
                "advice": ""}
    accepted = any(m["accepted"] for m in macros)
    return {
        "param": param, "macros": macros,
        "meaning": f"the connection's driver refused typed parameter '{param}': " + "; ".join(_macro_words(m) for m in macros),
        "advice": "use a daemon release and driver from that list, or drop the parameter" if accepted
                  else "no analysed driver accepts it: drop the parameter",
    }


def param_macros(conn: sqlite3.Connection, param: str) -> list[dict]:
    """The macros whose string is PARAM, oldest first: their version, the functions taking them and the drivers accepting them."""
    rows = conn.execute("SELECT name, since, since_exact FROM symbols WHERE kind = 'macro' AND value = ? ORDER BY since_key, name",
                        (param,)).fetchall()
    return [_macro(conn, r) for r in rows]


def _macro(conn, row) -> dict:
    since = query.since_version(row["since"], bool(row["since_exact"]))
    param = {"name": row["name"], "since": since, "taken_by_params": arguments.functions_taking_param(conn, row["name"])}
    verdicts = arguments.param_acceptance(conn, param)
    return {"name": row["name"], "since": since, "taken_by": [f["name"] for f in param["taken_by_params"]],
            "accepted": [{"function": v["function"], "driver": v["driver"], "since": v["since"]} for v in verdicts if v["status"] == "accepted"]}


def _macro_words(macro: dict) -> str:
    accepted = ", ".join(f"{a['driver']} {a['function']} {since_text(a['since'])}" for a in macro["accepted"])
    return f"{macro['name']} (added in {bound_text(macro['since'])}), accepted by " + (accepted or "no analysed driver")
