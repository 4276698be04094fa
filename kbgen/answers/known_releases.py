"""Every libvirt release known to the knowledge base (news.html), with its date.

Dates beside versions, bounds counted in releases, and where a version a user
gave lies among the releases. Standard library only: this is `kb`'s start-up path.
"""

from __future__ import annotations

import sqlite3

from kbgen.versions import key_version, version_key


def bisect_left(keys: list[int], key: int) -> int:
    """The index of the first of the sorted KEYS not below KEY (as the bisect module's, whose import kb's start-up would pay)."""
    low, high = 0, len(keys)
    while low < high:
        middle = (low + high) // 2
        if keys[middle] < key:
            low = middle + 1
        else:
            high = middle
    return low


def bisect_right(keys: list[int], key: int) -> int:
    """The index of the first of the sorted KEYS above KEY."""
    return bisect_left(keys, key + 1)


class KnownReleases:
    def __init__(self, rows: list[tuple[str, int, str]]):
        """ROWS: (version, version_key, date), oldest first."""
        self.versions = [r[0] for r in rows]
        self.keys = [r[1] for r in rows]
        self.dates = {r[0]: r[2] for r in rows}

    @classmethod
    def load(cls, conn: sqlite3.Connection) -> KnownReleases:
        cursor = conn.cursor()
        cursor.row_factory = None  # plain tuples: 229 rows on every kb run
        return cls(cursor.execute("SELECT version, version_key, date FROM release_dates ORDER BY version_key").fetchall())

    def date(self, version: str | None) -> str | None:
        return self.dates.get(version) if version else None

    def span(self, bound: dict) -> int | None:
        """How many known releases a BOUND spans: those after `after` (or from `lower`) up to `upper`; None if unknown."""
        lower, after, upper = bound["lower"], bound["after"], bound["upper"]
        if upper not in self.dates or not (lower or after):
            return None
        if after and (not lower or version_key(after) >= version_key(lower)):
            start = bisect_right(self.keys, version_key(after))
        else:
            start = bisect_left(self.keys, version_key(lower))
        return bisect_right(self.keys, version_key(upper)) - start

    def window(self, low: int, high: int) -> list[dict]:
        """The known releases after key LOW, up to and including key HIGH, with their dates."""
        start, end = bisect_right(self.keys, low), bisect_right(self.keys, high)
        return [{"version": v, "date": self.dates[v]} for v in self.versions[start:end]]

    def placed(self, given: str, version: str) -> dict:
        """A release a user gave (GIVEN, read as VERSION): whether it was released, and its date."""
        key = version_key(version)
        if not self.keys:
            status = "unknown"
        elif version in self.dates:
            status = "released"
        elif key > self.keys[-1]:
            status = "after-newest"
        else:
            status = "never-released"
        index = bisect_left(self.keys, key)
        return {"given": given, "version": version, "date": self.dates.get(version), "status": status,
                "newest": self.versions[-1] if self.keys else None,
                "before": self.versions[index - 1] if index > 0 and status == "never-released" else None,
                "next": key_version(self.keys[index]) if index < len(self.keys) and status == "never-released" else None}

    def dated(self, value):
        """VALUE with every version object in it (docs/json.md) given its `date` (exact) or `span` (bound), in place."""
        kind = type(value)
        if kind is list:
            for item in value:
                if type(item) is dict or type(item) is list:
                    self.dated(item)
        elif kind is dict:
            exact = value.get("exact")
            if exact is True and "version" in value:
                value["date"] = self.dates.get(value["version"]) if value["version"] else None
            elif exact is False and "upper" in value:
                value["span"] = self.span(value)
            for item in value.values():
                if type(item) is dict or type(item) is list:
                    self.dated(item)
        return value
