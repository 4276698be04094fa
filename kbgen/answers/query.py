"""Questions asked of the knowledge base, answered as plain dicts (the JSON shape).

Only the standard library is imported here: this is `kb`'s start-up path.
Versions are compared through the precomputed integer keys.
"""

from __future__ import annotations

import sqlite3

from kbgen.answers import arguments, flagbits
from kbgen.answers.known_releases import KnownReleases
from kbgen.versions import release_version, version_key

GLOB_CHARS = frozenset("*?[")
MAX_PATTERN = 1000
MAX_PROCEDURE = 2**32 - 1  # XDR procedure numbers are unsigned 32-bit


class NotFound(Exception):
    def __init__(self, name: str, suggestions: list[str]):
        super().__init__(name)
        self.name = name
        self.suggestions = suggestions


class BadQuery(Exception):
    """A question that cannot be asked as put (a malformed version, say)."""


def exact_version(version: str) -> dict:
    """A version object (docs/json.md) for a release known exactly."""
    return {"version": version, "exact": True}


def since_version(since: str, exact: bool) -> dict:
    """A symbol's or procedure's release: exact, or known only as the first ingested release containing it."""
    return exact_version(since) if exact else {"lower": None, "after": None, "upper": since, "exact": False}


# --- since / show ----------------------------------------------------------------


def since(conn: sqlite3.Connection, name: str, driver: str | None = None, api: str | None = None) -> dict:
    """What NAME is and the release that added it, with drivers and flags (of one DRIVER if given; of a flag, per
    function taking it, or only API)."""
    row, typed_as = _symbol(conn, name), None
    if row is None:
        from kbgen.answers.bindings import resolve

        typed_as = resolve(conn, name)  # a binding's name (conn.getDomainCapabilities) or a Go name, by rule
        row = _symbol(conn, typed_as["c_symbol"]) if typed_as and typed_as["c_symbol"] else None
    if row is None:
        return _internal_api(conn, name)
    answer = _symbol_answer(row)
    answer["typed_as"] = typed_as
    answer["bindings"] = _bindings_calling(conn, row["name"])
    if row["kind"] == "function":
        answer["drivers"] = [d for d in drivers_of(conn, row["name"]) if driver is None or d["driver"] == driver]
        answer["flags"] = _flags_of(conn, row["name"])
        answer["procedures"] = procedures_of(conn, row["name"])
        answer["flags_by_driver"] = flagbits.flags_by_driver(conn, row["name"], driver) if row["has_flags"] else []
        answer["params_by_driver"] = arguments.params_by_driver(conn, row["name"], driver)
        answer["validated_arguments"] = arguments.validated_arguments(conn, row["name"], driver)
    if row["kind"] == "macro":
        answer["taken_by_params"] = arguments.functions_taking_param(conn, row["name"])
        answer["param_acceptance"] = arguments.param_acceptance(conn, answer, driver)
    if row["kind"] == "enum":
        answer["taken_by"] = _functions_taking(conn, row["enum_type"])
        answer["taken_as_argument"] = arguments.taken_as_argument(conn, row["enum_type"])
        answer["value_acceptance"] = arguments.value_acceptance(conn, answer, driver)
        if driver is not None:
            answer["driver_acceptance"] = flagbits.flag_by_driver(conn, answer, driver, taking_api(answer, api))
    return answer


def _bindings_calling(conn, c_symbol: str) -> list[dict]:
    """The Python binding names calling C_SYMBOL (or naming the constant), with the ingested binding releases having them."""
    rows = conn.execute("SELECT name, first_release, last_release FROM bindings WHERE c_symbol = ? ORDER BY first_key, name",
                        (c_symbol,)).fetchall()
    return [{"binding": r["name"], "first_release": r["first_release"], "last_release": r["last_release"]} for r in rows]


def taking_api(flag: dict, api: str | None, key: str = "taken_by") -> str | None:
    """API as spelt among the functions taking FLAG (a typed parameter with KEY taken_by_params; any case); BadQuery naming them otherwise."""
    if api is None:
        return None
    names = {f["name"].lower(): f["name"] for f in flag[key]}
    if api.lower() not in names:
        raise BadQuery(f"--api {api!r}: {flag['name']} is taken by {', '.join(names.values()) or 'no function'}")
    return names[api.lower()]


def show(conn: sqlite3.Connection, name: str) -> dict:
    """The whole record: since() plus siblings, the hvsupport row and disagreements."""
    answer = since(conn, name)
    if answer["kind"] == "enum":
        answer["siblings"] = _constants_of(conn, answer["enum_type"])
    matrix = conn.execute("SELECT * FROM matrix_apis WHERE api = ?", (answer["name"],)).fetchone()
    answer["hvsupport"] = _matrix_answer(matrix) if matrix else None
    answer["disagreements"] = [
        _disagreement(r)
        for r in conn.execute(
            "SELECT * FROM disagreements WHERE subject = ? OR subject LIKE ? ESCAPE '\\' ORDER BY rowid",
            (answer["name"], _like_escape(answer["name"]) + " / %"),
        )
    ]
    return answer


def _disagreement(row) -> dict:
    import json

    return {"subject": row["subject"], "kind": row["kind"], "detail": row["detail"], "values": json.loads(row["values"])}


def _symbol(conn, name: str):
    return conn.execute("SELECT * FROM symbols WHERE name = ? COLLATE NOCASE ORDER BY name = ? DESC LIMIT 1", (name, name)).fetchone()


def _symbol_answer(row) -> dict:
    return {
        "name": row["name"],
        "kind": row["kind"],
        "module": row["module"],
        "file": row["file"],
        "since": since_version(row["since"], bool(row["since_exact"])),
        "since_source": row["since_source"],
        "since_origin": row["since_origin"],
        "first_release": row["first_release"],
        "last_release": row["last_release"],
        "enum_type": row["enum_type"],
        "value": row["int_value"],
        "alias_of": row["alias_of"],
        "macro_value": row["value"] if row["kind"] == "macro" else None,
    }


_NO_SYMBOL_FACTS = dict.fromkeys(("module", "file", "first_release", "last_release", "enum_type", "value", "alias_of", "macro_value"))


def _internal_api(conn, name: str) -> dict:
    row = conn.execute("SELECT * FROM matrix_apis WHERE api = ? COLLATE NOCASE", (name,)).fetchone()
    if row is None:
        command = conn.execute("SELECT name FROM virsh_commands WHERE name = ?", (name.lower(),)).fetchone()
        raise NotFound(name, ([f"kb virsh {command[0]}"] if command else []) + suggest(conn, name))
    return _NO_SYMBOL_FACTS | {
        "name": row["api"], "kind": "internal",
        "since": exact_version(row["version"]) if row["version"] else None,
        "since_source": "hvsupport", "since_origin": row["origin"], "hvsupport": _matrix_answer(row),
        "drivers": drivers_of(conn, row["api"]), "flags": [], "procedures": procedures_of(conn, row["api"]), "flags_by_driver": [],
        "params_by_driver": arguments.params_by_driver(conn, row["api"]), "validated_arguments": [],
    }


def _matrix_answer(row) -> dict:
    return {"driver_group": row["driver_group"], "version": row["version"], "linked": bool(row["linked"]), "origin": row["origin"]}


def drivers_of(conn, api: str) -> list[dict]:
    rows = conn.execute(
        "SELECT driver, driver_group, since, since_exact, removed_in, origin FROM driver_support WHERE api = ? ORDER BY since_key, driver",
        (api,),
    )
    backends = _backends_of(conn, api)
    return [{"driver": r["driver"], "driver_group": r["driver_group"], "since": support_version(r), "removed_in": r["removed_in"],
             "backends": backends.get(r["driver"], []), "origin": r["origin"]} for r in rows]


def served_elsewhere(conn, api: str, driver: str) -> str | None:
    """'library' when no driver implements API; the drivers of another kind that do (storage, network, ...), when
    DRIVER's kind does not; else None."""
    rows = conn.execute("SELECT driver, driver_group FROM driver_support WHERE api = ? ORDER BY driver", (api,)).fetchall()
    if not rows:
        return "library"
    mine = {r[0] for r in conn.execute("SELECT DISTINCT driver_group FROM driver_support WHERE driver = ?", (driver,))}
    return None if any(r[1] in mine for r in rows) else ", ".join(r[0] for r in rows)


def known_driver(conn, driver: str | None) -> str | None:
    """The driver's name as the knowledge base spells it (any case); BadQuery naming the known ones otherwise."""
    if driver is None:
        return None
    known = [r[0] for r in conn.execute("SELECT DISTINCT driver FROM driver_support ORDER BY driver")]
    by_lower = {name.lower(): name for name in known}
    if driver.lower() in by_lower:
        return by_lower[driver.lower()]
    import difflib

    close = difflib.get_close_matches(driver.lower(), list(by_lower), n=3, cutoff=0.6)
    hint = f"did you mean {' or '.join(by_lower[c] for c in close)}? " if close else ""
    raise BadQuery(f"--driver {driver!r}: no such driver in this knowledge base; {hint}the drivers are {', '.join(known)}")


def support_version(row) -> dict:
    """When a driver implemented an API: exact, or only an upper bound (a table entry marked TBD)."""
    return exact_version(row["since"]) if row["since_exact"] else {"lower": None, "after": None, "upper": row["since"], "exact": False}


def _backends_of(conn, api: str) -> dict[str, list[dict]]:
    """driver -> its backends that implement API (interface: netcf, udev), from the source trees."""
    rows = conn.execute("SELECT driver, backend, since, removed_in FROM driver_tables WHERE api = ? AND backend != ''"
                        " ORDER BY driver, backend", (api,))
    found: dict[str, list[dict]] = {}
    for r in rows:
        since = exact_version(r["since"]) if r["since"] else None
        found.setdefault(r["driver"], []).append({"backend": r["backend"], "since": since, "removed_in": r["removed_in"]})
    return found


def _flags_of(conn, function: str) -> list[dict]:
    types = [r[0] for r in conn.execute("SELECT enum_type FROM flag_links WHERE function = ? ORDER BY enum_type", (function,))]
    return [{"enum_type": t, "constants": _constants_of(conn, t)} for t in types]


def _constants_of(conn, enum_type: str) -> list[dict]:
    rows = conn.execute(
        "SELECT name, int_value, alias_of, since, since_exact FROM symbols WHERE enum_type = ? AND kind = 'enum'"
        " ORDER BY int_value IS NULL, int_value, name",
        (enum_type,),
    )
    return [
        {"name": r["name"], "value": r["int_value"], "alias_of": r["alias_of"], "since": since_version(r["since"], bool(r["since_exact"]))}
        for r in rows
    ]


def _functions_taking(conn, enum_type: str | None) -> list[dict]:
    rows = conn.execute(
        "SELECT s.name, s.since, s.since_exact FROM flag_links f JOIN symbols s ON s.name = f.function WHERE f.enum_type = ? ORDER BY s.name",
        (enum_type,),
    )
    return [{"name": r["name"], "since": since_version(r["since"], bool(r["since_exact"]))} for r in rows]


# --- search and suggestions ------------------------------------------------------


def search(conn: sqlite3.Connection, pattern: str, limit: int = 20) -> dict:
    """Names matching a substring or a glob (case-insensitive), best first.

    Rank: exact name, prefix, substring, then a string macro's value (typed
    parameter names such as "group-name"); shorter names first within a rank.
    XML paths matching it come apart (answers/xmlpaths.py).
    """
    if not pattern.strip():
        raise BadQuery("an empty pattern matches everything; give a few letters of a name")
    if len(pattern) > MAX_PATTERN:
        raise BadQuery(f"a pattern of {len(pattern)} characters is no name: libvirt's longest are under 100")
    if GLOB_CHARS & set(pattern):
        rank = "CASE WHEN lower(name) GLOB :glob THEN 0 END"
    else:
        rank = (
            "CASE WHEN name = :text COLLATE NOCASE THEN 0"
            " WHEN name LIKE :prefix ESCAPE '\\' THEN 1"
            " WHEN name LIKE :infix ESCAPE '\\' THEN 2"
            " WHEN kind = 'macro' AND value LIKE :infix ESCAPE '\\' THEN 3 END"
        )
    from kbgen.answers.xmlpaths import search_paths

    escaped = _like_escape(pattern)
    params = {"text": pattern, "glob": pattern.lower(), "prefix": escaped + "%", "infix": f"%{escaped}%"}
    rows = conn.execute(
        f"SELECT name, kind, module, since, since_exact, {rank} AS rank FROM symbols"
        " WHERE rank IS NOT NULL ORDER BY rank, length(name), name",
        params,
    ).fetchall()
    return {
        "pattern": pattern,
        "total": len(rows),
        "results": [
            {"name": r["name"], "kind": r["kind"], "module": r["module"], "since": since_version(r["since"], bool(r["since_exact"]))}
            for r in rows[:limit]
        ],
    } | search_paths(conn, pattern, limit) | _search_bindings(conn, pattern, limit) | _search_virsh(conn, pattern, limit)


def _search_virsh(conn, pattern: str, limit: int) -> dict:
    from kbgen.answers.virsh import search_commands

    return {"virsh": search_commands(conn, pattern, limit) if not GLOB_CHARS & set(pattern) else []}


def _search_bindings(conn, pattern: str, limit: int) -> dict:
    from kbgen.answers.bindings import search_bindings

    found = search_bindings(conn, pattern, limit) if not GLOB_CHARS & set(pattern) else []
    for b in found:
        row = _symbol(conn, b["c_symbol"]) if b["c_symbol"] else None
        b["since"] = since_version(row["since"], bool(row["since_exact"])) if row else None
    return {"bindings": found}


def suggest(conn: sqlite3.Connection, name: str, limit: int = 5) -> list[str]:
    import difflib

    names = [r[0] for r in conn.execute("SELECT name FROM symbols UNION SELECT api FROM matrix_apis")]
    by_lower = {n.lower(): n for n in names}
    needle = name.lower()[:200]
    close = difflib.get_close_matches(needle, list(by_lower), n=limit, cutoff=0.75)
    if len(close) < limit and len(needle) >= 3:
        close += [n for n in sorted(by_lower, key=len) if needle in n and n not in close][: limit - len(close)]
    return [by_lower[n] for n in close]


# --- diff and drivers ------------------------------------------------------------


def diff(conn: sqlite3.Connection, old: str, new: str) -> dict:
    """What arrived after release OLD up to and including NEW (any versions; each placed among the known releases)."""
    known = KnownReleases.load(conn)
    given_old, given_new = old, new
    old, new = given_release(old, "OLD"), given_release(new, "NEW")
    lo, hi = version_key(old), version_key(new)
    if lo >= hi:
        raise BadQuery(f"{old} is not older than {new}")
    added: dict[str, dict[str, list[str]]] = {}
    for r in conn.execute(
        "SELECT name, kind, module FROM symbols WHERE since_key > ? AND since_key <= ? AND since_exact ORDER BY kind, module, since_key, name",
        (lo, hi),
    ):
        added.setdefault(r["kind"], {}).setdefault(r["module"], []).append(r["name"])
    return {
        "from": old,
        "to": new,
        "from_release": known.placed(given_old, old),
        "to_release": known.placed(given_new, new),
        "window": known.window(lo, hi),
        "added": added,
        "counts": {kind: sum(len(v) for v in modules.values()) for kind, modules in added.items()},
        "drivers_gained": _support_changes(conn, known, "since_key", "since", lo, hi),
        "drivers_lost": _support_changes(conn, known, "removed_key", "removed_in", lo, hi),
        "upper_bound_only": conn.execute(
            "SELECT COUNT(*) FROM symbols WHERE NOT since_exact AND since_key <= ?", (hi,)
        ).fetchone()[0],
    }


def _support_changes(conn, known: KnownReleases, key_column: str, version_column: str, lo: int, hi: int) -> dict[str, list[dict]]:
    changes: dict[str, list[dict]] = {}
    for r in conn.execute(
        f"SELECT driver, api, {version_column} AS version FROM driver_support"
        f" WHERE {key_column} > ? AND {key_column} <= ? AND since_exact ORDER BY driver, {key_column}, api",
        (lo, hi),
    ):
        changes.setdefault(r["driver"], []).append({"api": r["api"], "version": r["version"], "date": known.date(r["version"])})
    return changes


def drivers(conn: sqlite3.Connection, driver: str | None = None) -> dict:
    if driver is None:
        rows = conn.execute(
            "SELECT driver, GROUP_CONCAT(DISTINCT driver_group) AS groups, COUNT(*) AS apis,"
            " SUM(removed_in IS NOT NULL) AS removed, MIN(since_key) AS first_key"
            " FROM driver_support GROUP BY driver ORDER BY driver"
        )
        return {"drivers": [_driver_summary(conn, r) for r in rows]}
    rows = conn.execute(
        "SELECT api, driver_group, since, since_exact, removed_in, public FROM driver_support WHERE driver = ? COLLATE NOCASE"
        " ORDER BY since_exact DESC, since_key, api",
        (driver,),
    ).fetchall()
    if not rows:
        import difflib

        known = [r[0] for r in conn.execute("SELECT DISTINCT driver FROM driver_support ORDER BY driver")]
        raise NotFound(driver, difflib.get_close_matches(driver.lower(), known, n=3, cutoff=0.5) or known)
    by_release: dict[tuple[str, bool], list[str]] = {}
    for r in rows:
        by_release.setdefault((r["since"], bool(r["since_exact"])), []).append(r["api"])
    return {
        "driver": driver.lower(),
        "apis": [{"api": r["api"], "driver_group": r["driver_group"], "since": support_version(r), "removed_in": r["removed_in"],
                  "public": bool(r["public"])} for r in rows],
        "gained": [{"since": support_version({"since": v, "since_exact": exact}), "apis": apis} for (v, exact), apis in by_release.items()],
    }


def _driver_summary(conn, r) -> dict:
    first = conn.execute("SELECT since FROM driver_support WHERE driver = ? ORDER BY since_key LIMIT 1", (r["driver"],)).fetchone()[0]
    return {"driver": r["driver"], "groups": sorted(r["groups"].split(",")), "api_count": r["apis"], "removed_count": r["removed"], "first": first}


def releases(conn: sqlite3.Connection) -> list[dict]:
    rows = conn.execute("SELECT * FROM releases ORDER BY version_key")
    return [dict(r, has_hvsupport=bool(r["has_hvsupport"]), has_source=bool(r["has_source"])) for r in rows]


def meta(conn: sqlite3.Connection) -> dict[str, str]:
    return dict(conn.execute("SELECT key, value FROM meta").fetchall())


def given_release(text: str, what: str) -> str:
    """The release a user's VERSION names (release_version()); BadQuery naming WHAT otherwise."""
    try:
        return release_version(text)
    except ValueError as err:
        raise BadQuery(f"{what}: {err}") from None


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


# --- source analysis: procedures, flags by driver ------------------------------------------


def proc(conn: sqlite3.Connection, number: int, protocol: str = "remote") -> dict:
    """The RPC procedure NUMBER of PROTOCOL, the API it carries and the release that added it."""
    row = None
    if 0 <= number <= MAX_PROCEDURE:
        row = conn.execute("SELECT * FROM procedures WHERE protocol = ? AND number = ?", (protocol, number)).fetchone()
    if row is None:
        newest = conn.execute("SELECT MAX(number) FROM procedures WHERE protocol = ?", (protocol,)).fetchone()[0]
        hint = f"the {protocol} protocol of the ingested source trees ends at {newest}" if newest else f"no {protocol} protocol in this knowledge base"
        raise NotFound(f"{protocol} procedure {number}", [hint])
    return _procedure_answer(row)


def _procedure_answer(row) -> dict:
    return {
        "protocol": row["protocol"], "number": row["number"], "name": row["name"], "api": row["api"], "label": row["label"],
        "since": procedure_version(row), "since_source": row["since_source"],
        "first_tree": row["first_tree"], "origin": row["origin"],
    }


def procedure_version(row) -> dict:
    if row["since_exact"]:
        return exact_version(row["since"])
    return {"lower": row["lower"], "after": None, "upper": row["since"], "exact": False}


def procedures_of(conn, api: str) -> list[dict]:
    return [_procedure_answer(r) for r in conn.execute("SELECT * FROM procedures WHERE api = ? ORDER BY protocol", (api,))]


def conflicts(conn: sqlite3.Connection, kind: str | None = None) -> dict:
    """Every disagreement between sources that the build found, grouped by kind; BadQuery for an unknown kind."""
    known = {r["kind"]: r["description"] for r in conn.execute("SELECT kind, description FROM checks ORDER BY kind")}
    if kind is not None and kind not in known:
        raise BadQuery(f"--kind {kind!r}: no such kind of disagreement; the known kinds are {', '.join(known)}")
    rows = conn.execute("SELECT * FROM disagreements WHERE ? IS NULL OR kind = ? ORDER BY kind, rowid", (kind, kind))
    grouped: dict[str, list[dict]] = {}
    for r in rows:
        grouped.setdefault(r["kind"], []).append(_disagreement(r))
    kinds = [kind] if kind else list(known)
    return {"counts": {k: len(grouped.get(k, [])) for k in kinds}, "checks": {k: known[k] for k in kinds}, "conflicts": grouped}
