"""The libvirt symbols a text names (vir*, VIR_*), each with its version: what explain reports when it recognises
no message in the text. Standard library only, re imported when first needed (`kb`'s start-up path).
"""

from __future__ import annotations

from kbgen.answers import query
from kbgen.render.bounds import bound_text

MAX_NAMES = 100  # distinct names remembered
NAME = "(?<![A-Za-z0-9_])(?:vir[A-Z][A-Za-z0-9_]*|VIR_[A-Z0-9_]+)(?![A-Za-z0-9_])"


class NamedSymbols:
    def __init__(self):
        self.counts: dict[str, int] = {}

    def add(self, line: str) -> None:
        import re

        for name in re.findall(NAME, line):
            if name in self.counts or len(self.counts) < MAX_NAMES:
                self.counts[name] = self.counts.get(name, 0) + 1

    def findings(self, conn) -> list[dict]:
        """One finding per named public symbol, in the order the text names them."""
        found = []
        for name, count in self.counts.items():
            row = conn.execute("SELECT name, kind, since, since_exact FROM symbols WHERE name = ?", (name,)).fetchone()
            if row is not None:
                since = query.since_version(row["since"], bool(row["since_exact"]))
                found.append({"kind": "symbol", "matched": name, "count": count, "name": name, "symbol_kind": row["kind"], "since": since,
                              "meaning": f"{name} ({row['kind']}) was added in libvirt {bound_text(since)}: no libvirt message about it was recognised",
                              "advice": f"a library or daemon older than that lacks it; `kb check --server VERSION {name}` checks one"})
        return found
