"""Enum arguments other than flags, linked to the functions that take them, from the API XML.

Two kinds: an event-register function's `eventID` takes the enum whose typedef
says it lists the "eventId parameters for" that function (virDomainEventID for
virConnectDomainEventRegisterAny); any other int argument whose description
names an enum type or one of its constants (a PM suspend `target`:
virNodeSuspendTarget) takes that enum, and the driver validates it at run time.
Enums of bits (virDomainStatsTypes) and of a single sentinel
(VIR_NODE_CPU_STATS_ALL_CPUS) are masks and special numbers, not such choices.
"""

from __future__ import annotations

EVENT_ID = "event-id"
VALIDATED = "validated"


def argument_links(latest: list, symbols: list[dict]) -> list[dict]:
    """latest: the newest description of every symbol; symbols: the merged symbol rows."""
    enum_types = {row["name"]: row["enum_type"] for row in symbols if row["kind"] == "enum" and row["enum_type"]}
    types = set(enum_types.values())
    choices = _choice_types(symbols)
    registers = {ref: sym.name for sym in latest if sym.kind == "typedef" and sym.name in types for ref in sym.info_refs}
    rows = {}
    for sym in latest:
        for argument, refs in sym.int_args:
            if argument == "eventID" and sym.name in registers:
                rows[(sym.name, argument)] = _row(sym.name, argument, registers[sym.name], EVENT_ID)
            elif named := [t for t in (enum_types.get(ref, ref) for ref in refs) if t in choices]:
                rows[(sym.name, argument)] = _row(sym.name, argument, named[0], VALIDATED)
    return sorted(rows.values(), key=lambda r: (r["function"], r["argument"]))


def _row(function: str, argument: str, enum_type: str, role: str) -> dict:
    return {"function": function, "argument": argument, "enum_type": enum_type, "role": role}



def _choice_types(symbols: list[dict]) -> set[str]:
    """Enum types of two or more values that are not all distinct bits."""
    values: dict[str, list[int]] = {}
    for row in symbols:
        if row["kind"] == "enum" and row["enum_type"] and not row["name"].endswith("_LAST") and row["int_value"] is not None:
            values.setdefault(row["enum_type"], []).append(row["int_value"])
    return {t for t, v in values.items() if len(v) >= 2 and not all(n > 0 and n & (n - 1) == 0 for n in v)}
