"""The facts explain.html needs beyond the pages' own, for the messages of kbgen/answers/argmessages.py, flagmessages.py,
linker.py and transcript.py: read with the same queries, so that the page and `kb explain` say the same."""

from __future__ import annotations

import sqlite3

from kbgen.answers import argmessages, bindings, flagbits, messages, query
from kbgen.answers.diagnose import newest_release, pattern_table
from kbgen.render.bounds import bound_text, since_text


def message_facts(conn: sqlite3.Connection) -> dict:
    """programs: protocol -> number -> [name, API, label, since, since as shown] (all but remote); events: event-ID enum ->
    {registered: [functions], ids: {number: [constant, since as shown, the release that surely has it]}}; params: a typed
    parameter's string -> [[macro, since as shown, [[driver, function, since text]]]]; masks: API -> {driver: newest tree of
    its mask, when known}; driver_groups, api_groups: the kinds of driver (hypervisor, storage ...) of each; newest_release;
    catalogue: the message catalogue (kbgen/answers/messages.py), see _catalogue(); bindings: python3-libvirt name ->
    [C symbol or null, first ingested release], oldest_binding: the oldest ingested python3-libvirt release, release_dates:
    release -> date (for kbgen/answers/bindingmessages.py)."""
    return {
        "programs": _programs(conn), "events": _events(conn), "params": _params(conn), "masks": _masks(conn),
        "driver_groups": _grouped(conn, "SELECT DISTINCT driver, driver_group FROM driver_support ORDER BY 1, 2"),
        "api_groups": _grouped(conn, "SELECT DISTINCT api, driver_group FROM driver_support ORDER BY 1, 2"),
        "newest_release": newest_release(conn),
        "catalogue": _catalogue(conn),
        "virsh_handlers": _virsh_handlers(conn),
        "bindings": {r[0]: [r[1], r[2]] for r in conn.execute("SELECT name, c_symbol, first_release FROM bindings ORDER BY name")},
        "oldest_binding": bindings.oldest_binding_release(conn),
        "release_dates": dict(conn.execute("SELECT version, date FROM release_dates ORDER BY version_key").fetchall()),
    }


def _catalogue(conn) -> dict:
    """What explain.js needs to find the catalogue's messages as messages.Catalogue does and say what message_finding()
    says: groups: [template of the group's first row, [site]] for each group of templates that can be matched (the
    others are never found), its sites in the Catalogue's order, each [code, component, function, file, APIs (space
    separated), api_count, first_tree, last_tree] with every string but api_count an index into strings, or null;
    prefixes: error code -> the words before its messages; analysed_trees: the releases with a source tree, oldest first."""
    groups = [(rows[0]["template"], rows) for parts, rows in messages.Catalogue(conn, pattern_table()["placeholder"]).groups.items()
              if messages.words(list(parts))]
    fields = ("code", "component", "function", "file", "apis", "first_tree", "last_tree")
    strings = sorted({row[f] for _, rows in groups for row in rows for f in fields if row[f] is not None})
    position = {s: i for i, s in enumerate(strings)}

    def site(row) -> list:
        found = [None if row[f] is None else position[row[f]] for f in fields]
        return found[:5] + [row["api_count"]] + found[5:]

    return {
        "strings": strings,
        "groups": [[template, [site(row) for row in rows]] for template, rows in groups],
        "prefixes": messages._codes(conn),
        "analysed_trees": [r[0] for r in conn.execute("SELECT version FROM releases WHERE has_source ORDER BY version_key")],
    }


def _virsh_handlers(conn) -> dict[str, list[str]]:
    """A virsh handler -> [its command, the APIs the command calls] (messages.virsh_command), for virsh's own messages."""
    found = {}
    for (handler,) in conn.execute("SELECT DISTINCT handler FROM virsh_commands WHERE handler IS NOT NULL AND alias_of IS NULL ORDER BY 1"):
        command = messages.virsh_command(conn, {"component": "virsh", "function": handler})
        found[handler] = [command["name"], *command["apis"]]
    return found


def _grouped(conn, sql: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for key, value in conn.execute(sql):
        found.setdefault(key, []).append(value)
    return found


def _programs(conn) -> dict:
    programs: dict[str, dict] = {}
    for r in conn.execute("SELECT * FROM procedures WHERE protocol != 'remote' ORDER BY protocol, number"):
        shown = bound_text(query.procedure_version(r))
        programs.setdefault(r["protocol"], {})[str(r["number"])] = [r["name"], r["api"], r["label"], r["since"], shown]
    return programs


def _events(conn) -> dict:
    events = {}
    for (enum_type,) in conn.execute("SELECT DISTINCT enum_type FROM argument_links WHERE role = 'event-id' ORDER BY 1").fetchall():
        values = [r[0] for r in conn.execute(
            "SELECT DISTINCT int_value FROM symbols WHERE kind = 'enum' AND enum_type = ? AND int_value IS NOT NULL", (enum_type,))]
        ids = {str(n): [name, bound_text(since), since["version"] if since["exact"] else since["upper"]]
               for n in values if (found := argmessages.event_constant(conn, enum_type, n)) for name, since in [found]}
        registered = [r[0] for r in conn.execute(
            "SELECT function FROM argument_links WHERE enum_type = ? AND role = 'event-id' ORDER BY function", (enum_type,))]
        events[enum_type] = {"registered": registered, "ids": ids}
    return events


def _params(conn) -> dict:
    params = {}
    for (value,) in conn.execute("SELECT DISTINCT value FROM symbols WHERE kind = 'macro' AND value IS NOT NULL ORDER BY 1").fetchall():
        params[value] = [[m["name"], bound_text(m["since"]), [[a["driver"], a["function"], since_text(a["since"])] for a in m["accepted"]]]
                         for m in argmessages.param_macros(conn, value)]
    return params


def _masks(conn) -> dict:
    masks: dict[str, dict] = {}
    for (api,) in conn.execute("SELECT DISTINCT api FROM flag_checks ORDER BY api").fetchall():
        known = {driver: check["release"] for driver, check in flagbits.newest_checks(conn, api).items() if check["known"]}
        if known:
            masks[api] = known
    return masks
