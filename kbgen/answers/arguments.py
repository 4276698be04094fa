"""Arguments drivers check at run time: typed parameters, validated enum values, event IDs.

A typed-parameter macro (VIR_DOMAIN_BLOCK_IOTUNE_GROUP_NAME = "group_name") is
taken by the functions whose drivers list it in virTypedParamsValidate; each
driver's acceptance is a version with bounds, like a flag's. An enum argument
(a PM suspend target) is validated by the driver, which accepts the values its
plain comparison names; an event ID is taken by its register function. Past the
newest analysed source tree nothing is known. Standard library only (this is
`kb`'s start-up path).
"""

from __future__ import annotations

import sqlite3

from kbgen.versions import surely_by, version_key


def param_version(row) -> dict:
    """When a driver started to accept a typed parameter (a driver_params row): exact, or its bounds."""
    if row["exact"]:
        return {"version": row["upper"], "exact": True}
    return {"lower": row["lower"], "after": row["after"], "upper": row["upper"], "exact": False}


def newest_source(conn: sqlite3.Connection) -> str | None:
    """The newest release whose source tree was analysed: nothing is known about masks or lists after it."""
    row = conn.execute("SELECT version FROM releases WHERE has_source ORDER BY version_key DESC LIMIT 1").fetchone()
    return row[0] if row else None


def _newest(conn, table: str, api: str, driver: str | None, argument: str | None = None) -> dict[str, sqlite3.Row]:
    """driver -> its row of TABLE (param_checks, enum_checks) in the newest source tree that has one."""
    return {r["driver"]: r for r in checks_by_tree(conn, table, api, argument) if driver is None or r["driver"] == driver}


def checks_by_tree(conn: sqlite3.Connection, table: str, api: str, argument: str | None = None) -> list[sqlite3.Row]:
    """API's rows of TABLE (param_checks, enum_checks; of one ARGUMENT if given), every analysed tree's, oldest first."""
    return conn.execute(
        f"SELECT c.*, r.version_key FROM {table} c JOIN releases r ON r.version = c.release WHERE c.api = ?"
        + (" AND c.argument = ?" if argument else "") + " ORDER BY r.version_key",
        (api, argument) if argument else (api,),
    ).fetchall()


def _check(row) -> dict:
    return {"driver": row["driver"], "function": row["function"], "known": bool(row["known"]), "tree": row["release"],
            "via": row["via"].split(), "reason": row["reason"]}


# --- typed parameters ---------------------------------------------------------------------


def params_by_driver(conn: sqlite3.Connection, api: str, driver: str | None = None) -> list[dict]:
    """For each driver implementing API: the typed parameters its virTypedParamsValidate lists, and since when."""
    result = []
    for name, row in sorted(_newest(conn, "param_checks", api, driver).items()):
        params = conn.execute("SELECT * FROM driver_params WHERE api = ? AND driver = ? ORDER BY param", (api, name))
        result.append(_check(row) | {"params": [{"param": p["param"], "since": param_version(p)} for p in params]})
    return result


def functions_taking_param(conn: sqlite3.Connection, param: str) -> list[dict]:
    """The functions some driver's virTypedParamsValidate lists PARAM for; for a macro no analysed list names
    (one newer than the sources), those listing its siblings: the longest shared prefix of three words or more."""
    pattern = param
    while True:
        rows = conn.execute(
            "SELECT DISTINCT p.api, s.since, s.since_exact FROM driver_params p LEFT JOIN symbols s ON s.name = p.api"
            " WHERE p.param LIKE ? ESCAPE '\\' ORDER BY p.api", (pattern.replace("_", "\\_") + ("%" if pattern != param else ""),)).fetchall()
        shorter = pattern[:pattern.rstrip("_").rfind("_") + 1]
        if rows or shorter.count("_") < 3:
            return [{"name": r["api"], "since": symbol_version(r)} for r in rows]
        pattern = shorter


def param_acceptance(conn: sqlite3.Connection, param: dict, driver: str | None = None) -> list[dict]:
    """Per function taking PARAM (a since() answer of a macro) and per driver (only DRIVER if given): since when it accepts it."""
    newest = newest_source(conn)
    verdicts = []
    for function in param["taken_by_params"]:
        checks = _newest(conn, "param_checks", function["name"], driver)
        for name in [driver] if driver is not None else sorted(checks):
            verdicts.append(_param_verdict(conn, param, function["name"], name, checks.get(name), newest))
    return verdicts


def _param_verdict(conn, param: dict, function: str, driver: str, check, newest: str | None) -> dict:
    verdict = {"function": function, "driver": driver, "since": None, "tree": check["release"] if check else newest,
               "reason": check["reason"] if check else None}
    row = conn.execute("SELECT * FROM driver_params WHERE api = ? AND driver = ? AND param = ?", (function, driver, param["name"])).fetchone()
    if row is not None:
        return verdict | {"status": "accepted", "since": param_version(row)}
    if past_sources(param["since"], verdict["tree"]):
        return verdict | {"status": "past-sources"}
    if check is None:
        return verdict | {"status": "no-check"}
    return verdict | {"status": "rejected" if check["known"] else "unknown"}


def past_sources(version: dict | None, tree: str | None) -> bool:
    """Whether VERSION may lie after TREE, where the analysed sources end."""
    if version is None or tree is None:
        return tree is None
    return version_key(surely_by(version)) > version_key(tree)


# --- enum arguments: event IDs, values drivers validate ------------------------------------


def taken_as_argument(conn: sqlite3.Connection, enum_type: str | None) -> list[dict]:
    """The functions with a non-flags argument of ENUM_TYPE: event-register functions, validated choices."""
    rows = conn.execute(
        "SELECT a.*, s.since, s.since_exact FROM argument_links a LEFT JOIN symbols s ON s.name = a.function"
        " WHERE a.enum_type = ? ORDER BY a.function, a.argument", (enum_type,))
    return [{"name": r["function"], "argument": r["argument"], "role": r["role"], "since": symbol_version(r)} for r in rows]


def validated_arguments(conn: sqlite3.Connection, api: str, driver: str | None = None) -> list[dict]:
    """API's enum arguments that drivers validate, with the values each driver accepts (None: not determined)."""
    rows = conn.execute("SELECT * FROM argument_links WHERE function = ? AND role = 'validated' ORDER BY argument", (api,))
    return [{"argument": r["argument"], "enum_type": r["enum_type"],
             "drivers": [_check(c) | {"accepted_values": c["values"].split() if c["known"] else None}
                         for _, c in sorted(_newest(conn, "enum_checks", api, driver, r["argument"]).items())]}
            for r in rows]


def value_acceptance(conn: sqlite3.Connection, constant: dict, driver: str | None = None) -> list[dict]:
    """Per function validating CONSTANT's enum argument and per driver: accepted, rejected or not determined."""
    newest = newest_source(conn)
    verdicts = []
    for taker in constant["taken_as_argument"]:
        if taker["role"] != "validated":
            continue
        for name, row in sorted(_newest(conn, "enum_checks", taker["name"], driver, taker["argument"]).items()):
            if row["known"]:
                status = "accepted" if constant["name"] in row["values"].split() else "rejected"
            else:
                status = "unknown"
            if status == "rejected" and past_sources(constant["since"], row["release"]):
                status = "past-sources"
            verdicts.append({"function": taker["name"], "argument": taker["argument"], "driver": name, "status": status,
                             "tree": row["release"] or newest, "reason": row["reason"]})
    return verdicts


def symbol_version(row) -> dict | None:
    if row["since"] is None:
        return None
    if row["since_exact"]:
        return {"version": row["since"], "exact": True}
    return {"lower": None, "after": None, "upper": row["since"], "exact": False}
