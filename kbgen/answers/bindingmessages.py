"""The words of messages about a libvirt name that a program used and its libvirt lacked: a Python binding's missing
attribute or failed import (python3-libvirt), a C compiler's undeclared identifier or implicit declaration.

Each names the C symbol, the release that added it and the libvirt-python or headers release to install; a name kbgen
does not know is said to be none, with close names, and never given a version. Standard library only (`kb`'s start-up
path; difflib is imported only for close names); explain.html says the same (templates/assets/explain.js).
"""

from __future__ import annotations

import sqlite3

from kbgen.answers import bindings, query
from kbgen.answers.known_releases import KnownReleases
from kbgen.render.bounds import dated_text
from kbgen.versions import surely_by, version_key

CLOSE_NAMES = 3  # close names offered for a name kbgen does not know
CLOSE_CUTOFF = 0.8  # difflib's similarity ratio they need
PYTHON = "the installed libvirt-python (or the libvirt it was built against)"
NO_MODULE = " (the message names no module: libvirt assumed)"


def object_attribute(conn: sqlite3.Connection, cls: str, member: str) -> dict:
    """`'virConnect' object has no attribute 'getDomainCapabilities'` (Python 2: `virConnect instance has ...`)."""
    return _attribute(conn, f"{cls}.{member}", cls, member, None)


def module_attribute(conn: sqlite3.Connection, module: str | None, member: str) -> dict:
    """`module 'libvirt' has no attribute 'VIR_X'`; MODULE None: Python 2's `'module' object has no attribute 'VIR_X'`."""
    return _attribute(conn, f"{module or 'libvirt'}.{member}", None, member, module)


def imported(conn: sqlite3.Connection, member: str, module: str | None) -> dict:
    """`cannot import name 'VIR_X' from 'libvirt' (...)`; MODULE None: the message names none (Python 2, 3.7 and older)."""
    return module_attribute(conn, module, member)


def compiler_name(conn: sqlite3.Connection, name: str) -> dict:
    """A C compiler's `'VIR_X' undeclared`, `unknown type name 'virX'`, `implicit declaration of function 'virX'`."""
    answer = {"name": name, "symbol_kind": None, "since": None, "needed": None, "close": []}
    found = _symbol(conn, name)
    if found is None:
        close = close_names(name, [r[0] for r in conn.execute("SELECT name FROM symbols")])
        return answer | {"close": close} | _unknown_words(name, close)
    kind, since = found
    needed = surely_by(since)
    return answer | {
        "symbol_kind": kind, "since": since, "needed": needed,
        "meaning": f"{name} ({kind}) was added in libvirt {dated_text(since)}: the installed libvirt headers (libvirt-dev) are older than {needed}",
        "advice": f"install libvirt's headers (libvirt-dev) {needed} or later, or guard its use with "
                  f"`#if LIBVIR_CHECK_VERSION({', '.join(needed.split('.'))})`",
    }


def _attribute(conn, typed: str, cls: str | None, member: str, module: str | None) -> dict:
    """The binding TYPED (class.member or module.member): from the bindings table, else by the naming rule, else the
    classes or modules that have MEMBER, else none."""
    note = "" if cls or module else NO_MODULE
    answer = {"typed": typed, "assumed_module": not (cls or module), "binding": None, "c_symbol": None, "matched_by": None,
              "since": None, "first_release": None, "oldest_ingested": bindings.oldest_binding_release(conn), "needed": None,
              "elsewhere": [], "close": []}
    found = bindings.resolve(conn, typed)
    if found and found["binding"] == typed:
        answer |= {"binding": typed, "c_symbol": found["c_symbol"], "matched_by": "bindings table", "first_release": found["first_release"]}
    elif (by_rule := python_rule(cls, member)) and _symbol(conn, by_rule):
        answer |= {"c_symbol": by_rule, "matched_by": "naming rule"}
    elif found:
        elsewhere = sorted([found["binding"], *(c["binding"] for c in found["candidates"])])
        return answer | {"matched_by": "another class", "elsewhere": elsewhere} | _elsewhere_words(typed + note, elsewhere)
    else:
        close = close_names(typed, [r[0] for r in conn.execute("SELECT name FROM bindings")])
        return answer | {"close": close} | _unknown_words(typed + note, close)
    symbol = _symbol(conn, answer["c_symbol"]) if answer["c_symbol"] else None
    since = symbol[1] if symbol else None
    answer |= {"since": since, "needed": _needed(since, answer["first_release"], answer["oldest_ingested"])}
    return answer | _binding_words(answer, note)


def python_rule(cls: str | None, member: str) -> str | None:
    """The C symbol python3-libvirt's naming makes of a class's method (virConnect.getX: virConnectGetX) or of a module's
    constant (VIR_X: VIR_X); None for other names."""
    if cls:
        name = cls + member[:1].upper() + member[1:]
        return name if member[:1].isalpha() else None
    return member if member.startswith("VIR_") else None


def _symbol(conn, name: str) -> tuple[str, dict] | None:
    """(kind, version with the release's date when exact) of a public symbol."""
    row = conn.execute("SELECT kind, since, since_exact FROM symbols WHERE name = ?", (name,)).fetchone()
    if row is None:
        return None
    since = query.since_version(row["since"], bool(row["since_exact"]))
    if since["exact"]:
        since["date"] = KnownReleases.load(conn).date(since["version"])
    return row["kind"], since


def _needed(since: dict | None, first: str | None, oldest: str | None) -> str | None:
    """The libvirt-python release that surely has a binding: its C symbol's, or its first ingested release when an older
    ingested one lacked it; None when neither is known."""
    known = [v for v in (surely_by(since) if since else None, first if first != oldest else None) if v]
    return max(known, key=version_key) if known else None


def _binding_words(answer: dict, note: str) -> dict:
    typed, c_symbol, since, first, needed = (answer[k] for k in ("typed", "c_symbol", "since", "first_release", "needed"))
    if c_symbol is None:
        what = f"{typed}{note} is python3-libvirt's own code, the binding of no one libvirt symbol"
    else:
        rule = " (by the naming rule: the ingested python3-libvirt releases lack it)" if answer["matched_by"] == "naming rule" else ""
        added = f", added in libvirt {dated_text(since)}" if since else ", which no ingested libvirt release declares (its release is unknown)"
        what = f"{typed}{note} is the binding of {c_symbol}{rule}{added}"
    if first:
        what += "; python3-libvirt has it " + (f"in every ingested release from {first}" if first == answer["oldest_ingested"]
                                               else f"from {first} (the ingested releases before lack it)")
    if needed is None:
        return {"meaning": f"{what}: {PYTHON} lacks it (the release that added it is unknown)", "advice": "install a newer libvirt-python"}
    return {"meaning": f"{what}: {PYTHON} is older than {needed}",
            "advice": f"install libvirt-python {needed} or later (its version numbers follow libvirt's)"}


def _elsewhere_words(what: str, elsewhere: list[str]) -> dict:
    return {"meaning": f"{what} is in no ingested python3-libvirt release, but {', '.join(elsewhere)} "
                       f"{'is' if len(elsewhere) == 1 else 'are'}: the name belongs to another class or module",
            "advice": "use it on an object (or module) that has it"}


def _unknown_words(what: str, close: list[str]) -> dict:
    return {"meaning": f"{what} is no libvirt name in any ingested release (a typo?)",
            "advice": f"close names: {', '.join(close)}" if close else "check the spelling: no libvirt name is close to it"}


def close_names(name: str, names: list[str]) -> list[str]:
    """The NAMES most like NAME (difflib's ratio, at least CLOSE_CUTOFF), best first."""
    import difflib

    return difflib.get_close_matches(name, names, n=CLOSE_NAMES, cutoff=CLOSE_CUTOFF)
