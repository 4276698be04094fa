"""Enum constants defined as other constants (VIR_DOMAIN_VCPU_LIVE = VIR_DOMAIN_AFFECT_LIVE), resolved once.

Each symbol row gets `alias_of`, the constant an enum constant finally stands
for (None when its value is a number), and `int_value`, its value as a number
(through `alias_of`; None for other symbols and for values that are no number).
"""

from __future__ import annotations


def with_enum_values(symbols: list[dict]) -> list[dict]:
    enums = {row["name"]: row["value"] for row in symbols if row["kind"] == "enum"}
    rows = []
    for row in symbols:
        alias = _canonical(row["name"], enums) if row["kind"] == "enum" else row["name"]
        rows.append(row | {"alias_of": None if alias == row["name"] else alias,
                           "int_value": _int(enums[alias]) if row["kind"] == "enum" else None})
    return rows


def _canonical(name: str, enums: dict[str, str | None]) -> str:
    seen = {name}
    while enums[name] in enums and enums[name] not in seen:
        name = enums[name]
        seen.add(name)
    return name


def _int(value: str | None) -> int | None:
    for base in (10, 0):  # decimal first: int("010", 0) refuses a leading zero
        try:
            return int(value, base)
        except (TypeError, ValueError):
            pass
    return None
