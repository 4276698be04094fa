"""The words of `unsupported flags (0xN) in function F`: the function under an older name, what the mask decodes to, what to do.

Standard library only (this is `kb`'s start-up path); explain.html says the same (templates/assets/explain.js).
"""

from __future__ import annotations

import sqlite3

from kbgen.render.bounds import since_text


def older_name_of(conn: sqlite3.Connection, function: str) -> tuple[str, str] | None:
    """(driver, API) of a function no analysed tree names, from its name: the driver whose name starts it, and the one
    API of that driver whose last words are the function's, a word matching where one starts the other
    (storageVolumeCreateXML: storage, virStorageVolCreateXML)."""
    known = conn.execute("SELECT driver, api FROM implementations UNION SELECT driver, api FROM flag_checks").fetchall()
    drivers = {d for d, _ in known if d}
    driver = max((d for d in drivers if function.startswith(d) and function[len(d):][:1].isupper()), key=len, default=None)
    if driver is None:
        return None
    words = camel_words(function[len(driver):])
    apis = sorted({api for d, api in known if d == driver})
    found = [api for api in apis if _ends_alike(camel_words(api[3:]), words)]
    return (driver, found[0]) if len(found) == 1 else None


def camel_words(name: str) -> list[str]:
    import re

    return re.findall(r"[A-Z]+(?![a-z])|[A-Z][a-z0-9]*|[a-z0-9]+", name)


def _ends_alike(api: list[str], words: list[str]) -> bool:
    return len(words) <= len(api) and all(a.startswith(w) or w.startswith(a) for a, w in zip(api[::-1], words[::-1]))


def flags_meaning(driver: str, api: str, mask: str, older: str | None, flags: list[dict], bits: int) -> str:
    who = f"the {driver} driver's {api}" + (f" (as {older}, a name older than the analysed source trees)" if older else "")
    names = ", ".join(f["flag"] for f in flags)
    rest = f"0x{bits:x} is no known flag of {api}" if bits else ""
    return f"{who} rejected flags 0x{mask}: " + "; ".join(part for part in (names, rest) if part)


def flags_advice(driver: str, api: str, flags: list[dict], bits: int) -> str:
    later = [f for f in flags if f["driver_accepts_since"]]
    never = [f for f in flags if f["status"] == "rejected" and not f["driver_accepts_since"]]
    unknown = [f for f in flags if f not in later and f not in never]
    parts = []
    if later:
        accepted = ", ".join(f"{f['flag']} {since_text(f['driver_accepts_since'])}" for f in later)
        parts.append(f"upgrade the daemon: the {driver} driver accepts {accepted}")
    if never:
        others = sorted({d for f in never for d in f["accepted_by"]})
        parts.append(f"drop {', '.join(f['flag'] for f in never)}: no analysed release of the {driver} driver accepts "
                     + ("it" if len(never) == 1 else "them") + (f" (accepted by {', '.join(others)})" if others else ""))
    if unknown:
        parts.append(f"{', '.join(f['flag'] for f in unknown)}: whether the {driver} driver accepts "
                     + ("it" if len(unknown) == 1 else "them") + " is not known")
    if bits:
        parts.append(f"0x{bits:x}: no flag of {api} in any ingested release has these bits; the client passed a newer or a wrong value")
    return "; ".join(parts)
