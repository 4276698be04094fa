"""When each driver started to accept each flag *bit* of each API, from the virCheckFlags masks of many trees.

A driver accepts values, not names: a mask naming VIR_DOMAIN_AFFECT_LIVE accepts
bit 0x1 under every name it has (VIR_DOMAIN_SETVCPU_AFFECT_LIVE, added years
later, included). A tree's accepted bits are its mask's constants' values OR'ed.
A bit's acceptance is known as bounds: not before the driver's support for the
API (`lower`), by the first tree whose mask has the bit (`upper`), after the last
tree before that whose known mask lacked it (`after`). When the bounds meet, or
`after` and `upper` are adjacent tags of one git clone, the version is exact.
"""

from __future__ import annotations

from kbgen.parse.tree import TreeFacts
from kbgen.versions import version_key


def mask_bits(names: tuple[str, ...], values: dict[str, int | None]) -> dict[int, list[str]]:
    """bit -> the mask's names that set it; names without a known value set none."""
    bits: dict[int, list[str]] = {}
    for name in names:
        value = values.get(name) or 0
        for bit in _bits(value):
            bits.setdefault(bit, []).append(name)
    return bits


def _bits(value: int) -> list[int]:
    return [1 << i for i in range(value.bit_length()) if value >> i & 1] if value > 0 else []


def driver_flag_rows(trees: list[TreeFacts], values: dict[str, int | None], drivers: dict[tuple[str, str], dict]) -> list[dict]:
    """One row per (API, driver, bit) any analysed mask accepts; trees oldest first."""
    pairs = sorted({key for tree in trees for key in tree.checks})
    return [row for api, driver in pairs
            for row in bit_bounds(api, driver, trees, values, drivers.get((api, driver), {}).get("since"))]


def bit_bounds(api: str, driver: str, trees: list[TreeFacts], values: dict[str, int | None], api_since: str | None) -> list[dict]:
    known = [(i, mask_bits(t.checks[(api, driver)].flags, values)) for i, t in enumerate(trees)
             if (api, driver) in t.checks and t.checks[(api, driver)].flags is not None]
    first: dict[int, tuple[int, int | None]] = {}  # bit -> (tree accepting it first, previous tree with a known mask)
    names: dict[int, list[str]] = {}
    for n, (i, bits) in enumerate(known):
        for bit, named in bits.items():
            first.setdefault(bit, (i, known[n - 1][0] if n else None))
            names[bit] = list(dict.fromkeys(names.get(bit, []) + named))
    return [_row(api, driver, bit, names[bit], trees, i, previous, api_since) for bit, (i, previous) in sorted(first.items())]


def _row(api, driver, bit, names, trees, i, previous, api_since) -> dict:
    upper, after = trees[i], trees[previous] if previous is not None else None
    exact = api_since == upper.release or (after is not None and previous == i - 1 and _same_git_walk(after, upper))
    return {
        "api": api, "driver": driver, "bit": bit, "names": " ".join(names),
        "lower": upper.release if exact else api_since,
        "after": None if exact or after is None else after.release,
        "upper": upper.release, "upper_key": version_key(upper.release), "exact": exact,
        "origin": f"{upper.release}:{upper.origin}",
    }


def _same_git_walk(older: TreeFacts, newer: TreeFacts) -> bool:
    # Neighbouring trees of one walk over every release tag of a clone are consecutive releases.
    return older.walk is not None and older.walk == newer.walk
