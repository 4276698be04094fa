"""Site pages per virsh command (virsh/COMMAND.html, virsh/index.html), and what symbol pages say of virsh.

Read from the virsh tables (docs/schema.md): each command's options with the flag constants and enum values they
set, the APIs its handler calls with each API's per-driver support as the support matrix gives it (the catalog's
rows, not recomputed), the fallbacks, the source tree and what the analysis could not determine.
"""

from __future__ import annotations

import json
import sqlite3
from typing import TYPE_CHECKING

from kbgen.render.bounds import bound_text, date_suffix
from kbgen.render.site_daemon import daemon_facts

if TYPE_CHECKING:
    from kbgen.render.site import Catalog, SiteWriter


def virsh_facts(conn: sqlite3.Connection) -> dict:
    """commands: name -> row; options, calls: command -> rows (options by position, calls by API)."""
    return {
        "commands": {r["name"]: dict(r) for r in conn.execute("SELECT * FROM virsh_commands ORDER BY name")},
        "options": _by_command(conn.execute("SELECT * FROM virsh_options ORDER BY command, position, option")),
        "calls": _by_command(conn.execute("SELECT * FROM virsh_calls ORDER BY command, api")),
    }


def _by_command(rows) -> dict[str, list[dict]]:
    grouped: dict[str, list[dict]] = {}
    for r in rows:
        grouped.setdefault(r["command"], []).append(dict(r))
    return grouped


def page_commands(facts: dict) -> list[str]:
    """The commands with a page of their own: every command that is no alias."""
    return [name for name, row in facts["commands"].items() if not row["alias_of"]]


def option_values(option: dict) -> list[tuple[str, str | None]]:
    """(string value, its enum constant or None) of an option converted to an enum."""
    return list(json.loads(option["values"]).items()) if option["values"] else []


def virsh_users(facts: dict) -> dict[str, list[dict]]:
    """symbol -> the virsh commands calling it (a function) or the options setting it (a flag or an enum value)."""
    users: dict[str, list[dict]] = {}
    paged = set(page_commands(facts))
    for command, calls in facts["calls"].items():
        if command not in paged:
            continue
        for c in calls:
            users.setdefault(c["api"], []).append({"command": command, "option": None, "value": None, "fallback_of": c["fallback_of"]})
    for command, options in facts["options"].items():
        for o in options if command in paged else []:
            for flag in (o["flags"] or "").split():
                users.setdefault(flag, []).append({"command": command, "option": o["option"], "value": None, "fallback_of": None})
            for value, constant in option_values(o):
                if constant:
                    users.setdefault(constant, []).append({"command": command, "option": o["option"], "value": value, "fallback_of": None})
    return users


# --- pages -------------------------------------------------------------------------


def virsh_pages(site: SiteWriter) -> None:
    catalog = site.catalog
    facts = catalog.virsh
    aliases = _aliases(facts)
    summaries = []
    for name in page_commands(facts):
        context = command_context(catalog, name, aliases.get(name, []))
        site.page(catalog.page(name, "virsh"), "virsh.html", **context)
        summaries.append({"name": name, "handler": context["command"]["handler"], "apis": len(context["apis"]),
                          "aliases": context["aliases"], "unknown": bool(context["unknown"])})
    site.page("virsh/index.html", "virsh_index.html", summaries=summaries, trees=_trees(facts))


def _aliases(facts: dict) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for name, row in facts["commands"].items():
        if row["alias_of"]:
            found.setdefault(row["alias_of"], []).append(name)
    return found


def _trees(facts: dict) -> list[str]:
    return sorted({f"{r['tree']}:{r['origin']}" for r in facts["commands"].values()})


def command_context(catalog: Catalog, name: str, aliases: list[str]) -> dict:
    facts = catalog.virsh
    row = facts["commands"][name]
    calls = facts["calls"].get(name, [])
    return {
        "command": row,
        "aliases": aliases,
        "options": [_option(catalog, o, {c["api"] for c in calls}) for o in facts["options"].get(name, [])],
        "apis": [_api(catalog, c) for c in calls],
        "fallbacks": [c for c in calls if c["fallback_of"]],
        "unknown": [part for part in (row["unknown"] or "").split("; ") if part],
    }


def _option(catalog: Catalog, option: dict, called: set[str]) -> dict:
    return dict(option, flag_constants=[_constant(catalog, f, called) for f in (option["flags"] or "").split()],
                value_constants=[(value, _constant(catalog, c, called) if c else None) for value, c in option_values(option)])


def _constant(catalog: Catalog, name: str, called: set[str]) -> dict:
    sym = catalog.by_name.get(name)
    return {"name": name, "since": dated(catalog, sym["since_version"]) if sym else "unknown (not in the ingested API)",
            "sym": sym, "daemon": _called_facts(daemon_facts(catalog, sym), called) if sym else None}


def _called_facts(facts: dict | None, called: set[str]) -> dict | None:
    """The daemon facts of a flag (site_daemon.py) for the functions the command calls, or all when it calls none of them."""
    if facts is None:
        return None
    mine = [f for f in facts["functions"] if f["api"] in called]
    return dict(facts, functions=mine) if mine else facts


def _api(catalog: Catalog, call: dict) -> dict:
    sym = catalog.by_name.get(call["api"])
    support = catalog.support_table(call["api"])
    drivers = [{"driver": driver, "since": bound_text(r["since_version"]), "removed_in": r["removed_in"], "row": r}
               for driver, r in (support["rows"] if support else []) if r is not None]
    return dict(call, since=dated(catalog, sym["since_version"]) if sym else "unknown (not in the ingested API)",
                via=call["via"].split(), drivers=drivers, driver_group=support["driver_group"] if support else None,
                sym=sym, support_rows=support["rows"] if support else [])


def dated(catalog: Catalog, version: dict | None) -> str:
    """A version as bound_text() words, with the release's date when it is exact and dated: '0.9.4 (2011-08-03)'."""
    return bound_text(version) + date_suffix(catalog.dated.dated(dict(version)) if version else None)
