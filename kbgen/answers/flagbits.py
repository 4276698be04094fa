"""Which flag bits each driver's mask accepts for an API and since when, and what that means for a flag NAME.

Drivers accept bit values, not names (kbgen/merge/flagbits.py): a driver accepts
a name from the later of the name's own release and the release from which it
accepts the name's bit. Past the newest analysed source tree nothing is known:
a name added after it is "unknown (newest analysed source: X)", never "not
accepted". Standard library only (this is `kb`'s start-up path).
"""

from __future__ import annotations

import sqlite3

from kbgen.answers.arguments import newest_source, past_sources
from kbgen.versions import version_key


def bit_version(row) -> dict:
    """When a driver started to accept a bit (a driver_flags row): exact, or its bounds."""
    if row["exact"]:
        return {"version": row["upper"], "exact": True}
    return {"lower": row["lower"], "after": row["after"], "upper": row["upper"], "exact": False}


def name_version(bit: dict, name: dict) -> dict:
    """When a driver accepts a NAME whose bit it accepts from BIT: not before the name itself exists."""
    if not name["exact"]:
        return bit
    arrived = version_key(name["version"])
    if bit["exact"]:
        return bit if version_key(bit["version"]) >= arrived else name
    if version_key(bit["upper"]) <= arrived:
        return name
    lower = bit["lower"] if bit["lower"] and version_key(bit["lower"]) >= arrived else name["version"]
    return dict(bit, lower=lower)


def bits_of(value: int | None) -> list[int]:
    return [1 << i for i in range(value.bit_length()) if value >> i & 1] if value and value > 0 else []


def newest_checks(conn: sqlite3.Connection, api: str, driver: str | None = None) -> dict[str, sqlite3.Row]:
    """driver -> its flag check in the newest source tree that has one."""
    rows = conn.execute(
        "SELECT c.* FROM flag_checks c JOIN releases r ON r.version = c.release WHERE c.api = ? ORDER BY r.version_key",
        (api,),
    )
    return {r["driver"]: r for r in rows if driver is None or r["driver"] == driver}


def own_names(conn: sqlite3.Connection, api: str) -> dict[int, list[str]]:
    """bit -> the constants of API's flag types with exactly that value, oldest first."""
    rows = conn.execute(
        # CROSS JOIN: the function's few flag types first, then their constants by enum_type (not every enum by kind)
        "SELECT s.name, s.int_value FROM flag_links l CROSS JOIN symbols s ON s.enum_type = l.enum_type AND s.kind = 'enum'"
        " WHERE l.function = ? AND s.int_value > 0 ORDER BY s.since_key, s.name", (api,))
    found: dict[int, list[str]] = {}
    for name, value in rows:
        if len(bits_of(value)) == 1:
            found.setdefault(value, []).append(name)
    return found


def flags_by_driver(conn: sqlite3.Connection, api: str, driver: str | None = None) -> list[dict]:
    """For each driver implementing API: the bits its virCheckFlags mask accepts, their names, and since when."""
    own = own_names(conn, api)
    by_driver: dict[str, list] = {}
    for r in conn.execute("SELECT * FROM driver_flags WHERE api = ? ORDER BY driver, bit", (api,)):
        by_driver.setdefault(r["driver"], []).append(r)
    result = []
    for name, check in sorted(newest_checks(conn, api, driver).items()):
        rows = by_driver.get(name, [])
        result.append({
            "driver": name, "function": check["function"], "performer": check["performer"], "known": bool(check["known"]),
            "tree": check["release"], "reason": check["reason"],
            "bits": [{"bit": r["bit"], "names": list(dict.fromkeys(own.get(r["bit"], []) + r["names"].split())),
                      "since": bit_version(r)} for r in rows],
        })
    return result


def flag_by_driver(conn: sqlite3.Connection, flag: dict, driver: str, api: str | None = None) -> list[dict]:
    """When DRIVER started to accept FLAG (a since() answer of an enum constant), per function taking it (only API if given)."""
    newest = newest_source(conn)
    return [verdict(conn, flag, f["name"], f["since"], driver, newest) for f in flag["taken_by"] if api is None or f["name"] == api]


def verdict(conn, flag: dict, function: str, function_since: dict | None, driver: str, newest: str | None) -> dict:
    """Whether DRIVER's FUNCTION accepts FLAG ({"value", "since"}), and since when; NEWEST: newest_source()."""
    check = newest_checks(conn, function, driver).get(driver)
    verdict = {"function": function, "driver": driver, "bit": flag["value"], "since": None, "bit_since": None, "bit_names": [],
               "tree": check["release"] if check else newest, "performer": check["performer"] if check else None,
               "reason": check["reason"] if check else None}
    bits = bits_of(flag["value"])
    if not bits:
        return verdict | {"status": "zero" if flag["value"] == 0 else "unknown", "since": flag["since"] if flag["value"] == 0 else None}
    rows = [conn.execute("SELECT * FROM driver_flags WHERE api = ? AND driver = ? AND bit = ?", (function, driver, bit)).fetchone()
            for bit in bits]
    if all(rows):
        latest = max(rows, key=lambda r: r["upper_key"])
        return verdict | {"status": "accepted", "bit_since": bit_version(latest), "since": name_version(bit_version(latest), flag["since"]),
                          "bit_names": list(dict.fromkeys(n for r in rows for n in r["names"].split()))}
    if past_sources(flag["since"], verdict["tree"]) or (check is None and past_sources(function_since, newest)):
        return verdict | {"status": "past-sources"}
    if check is None:
        return verdict | {"status": "no-check"}
    return verdict | {"status": "rejected" if check["known"] else "unknown"}

