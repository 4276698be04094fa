"""What symbol pages show of arguments drivers check at run time: typed parameters, validated values, event IDs."""

from __future__ import annotations

import sqlite3

from kbgen.answers import arguments


def argument_facts(conn: sqlite3.Connection) -> dict[str, dict]:
    """symbol name -> the argument facts of its page (functions, typed-parameter macros, enum constants)."""
    facts: dict[str, dict] = {}
    functions = [r[0] for r in conn.execute(
        "SELECT api FROM param_checks UNION SELECT function FROM argument_links WHERE role = 'validated' ORDER BY 1")]
    for api in functions:
        facts[api] = {"params_by_driver": arguments.params_by_driver(conn, api),
                      "validated_arguments": arguments.validated_arguments(conn, api),
                      "enum_checks": [dict(r) for r in arguments.checks_by_tree(conn, "enum_checks", api)]}
    for r in conn.execute("SELECT name, since, since_exact FROM symbols WHERE kind = 'macro' AND value IS NOT NULL ORDER BY name").fetchall():
        macro = {"name": r["name"], "since": arguments.symbol_version(r), "taken_by_params": arguments.functions_taking_param(conn, r["name"])}
        if macro["taken_by_params"]:
            facts[r["name"]] = macro | {"param_acceptance": arguments.param_acceptance(conn, macro)}
    linked = "SELECT enum_type FROM argument_links"
    for r in conn.execute(f"SELECT name, enum_type, since, since_exact FROM symbols WHERE kind = 'enum' AND enum_type IN ({linked})").fetchall():
        constant = {"name": r["name"], "since": arguments.symbol_version(r), "taken_as_argument": arguments.taken_as_argument(conn, r["enum_type"])}
        facts[r["name"]] = constant | {"value_acceptance": arguments.value_acceptance(conn, constant)}
    return facts
