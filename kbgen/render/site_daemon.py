"""What site.js needs to say whether a flag, a typed parameter or a validated enum value works on "my daemon", and the form's lists.

A symbol page's daemon facts: per function taking the symbol, the function's own since, and per driver its support
row (support_data in macros.html) and its acceptance of the flag bit or the parameter (flag_data: status ok, no,
past or unknown, the release it is accepted from and the newest analysed tree; of a value, the driver's check of the
argument in every analysed tree). site.js reads them as `kb check` does.
"""

from __future__ import annotations

PARAM_STATUS = {"accepted": "ok", "rejected": "no", "past-sources": "past"}  # anything else: unknown


def daemon_facts(catalog, sym: dict) -> dict | None:
    """{"what": "flag" | "value" | "parameter", "functions": [...]} for an enum constant functions take as a flag or
    whose argument drivers validate, or a macro naming a typed parameter; None for a symbol the daemon plays no part in."""
    if sym["kind"] == "enum" and catalog.takers.get(sym["enum_type"]):
        return {"what": "flag", "zero": sym["int_value"] == 0,
                "functions": [_flag_function(catalog, sym, api) for api in catalog.takers[sym["enum_type"]]]}
    validating = [t for t in (catalog.arguments.get(sym["name"]) or {}).get("taken_as_argument", []) if t["role"] == "validated"]
    if sym["kind"] == "enum" and validating:
        return {"what": "value", "zero": False, "name": sym["name"], "sym": sym,
                "functions": [_value_function(catalog, sym, t) for t in validating]}
    acceptance = (catalog.arguments.get(sym["name"]) or {}).get("param_acceptance") if sym["kind"] == "macro" else None
    if acceptance:
        by_function: dict[str, dict[str, dict]] = {}
        for v in acceptance:
            by_function.setdefault(v["function"], {})[v["driver"]] = _param_cell(v)
        return {"what": "parameter", "zero": False,
                "functions": [_function(catalog, api, cells) for api, cells in by_function.items()]}
    return None


def _flag_function(catalog, sym: dict, api: str) -> dict:
    row = next((r for r in catalog.flag_rows(api) if r["bit"] == sym["int_value"]), None)
    cells = {c["driver"]: catalog._flag_cell(c, row) for c in catalog.flag_checks.get(api, [])} if row else {}
    facts = _function(catalog, api, cells)
    return facts | {"flag_since": min((catalog.by_name[n] for n in row["own"]), key=lambda s: s["since_key"])["since"]
                    if row and row["own"] else sym["since"]}


def _value_function(catalog, sym: dict, taker: dict) -> dict:
    """A function validating the constant's enum argument: per driver, its checks of the argument in every analysed
    tree, oldest first, as [release, ok | no | unknown, the values it accepts, where or why] (kb check picks the nearest)."""
    cells: dict[str, dict] = {}
    for c in (catalog.arguments.get(taker["name"]) or {}).get("enum_checks", []):
        if c["argument"] == taker["argument"]:
            said = "unknown" if not c["known"] else "ok" if sym["name"] in c["values"].split() else "no"
            cells.setdefault(c["driver"], {"checks": []})["checks"].append([c["release"], said, c["values"], c["reason"]])
    return _function(catalog, taker["name"], cells) | {"argument": taker["argument"]}


def _param_cell(verdict: dict) -> dict:
    cell = {"status": PARAM_STATUS.get(verdict["status"], "unknown"), "tree": verdict["tree"] or ""}
    return cell | ({"since": verdict["since"]} if cell["status"] == "ok" else {})


def _function(catalog, api: str, cells: dict[str, dict]) -> dict:
    """API's since and, per driver that implements it or whose check of it is on record, its row and cell."""
    support = catalog.support_of.get(api, {})
    return {"api": api, "sym": catalog.by_name.get(api), "flag_since": None,
            "drivers": [(d, support.get(d), cells.get(d)) for d in sorted(set(support) | set(cells))]}


def daemon_data(catalog) -> dict:
    """The form's lists: every known release (with its date) and every driver."""
    return {"releases": [[r["version"], r["date"] or ""] for r in catalog.release_list],
            "drivers": sorted({r["driver"] for r in catalog.support}),
            "newest": catalog.meta.get("newest_release", "")}
