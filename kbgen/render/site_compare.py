"""compare.html: what a newer libvirt release has that an older one lacks, computed in the browser.

The page is one static file; assets/compare.js reads compare-data.js (window.KB_COMPARE), written here:
every known release with its date, and every symbol with its kind and the release that added it.
"""

from __future__ import annotations

# the page's groups, in order: kind -> heading (other kinds go under "other")
COMPARE_GROUPS = {"function": "Functions", "enum": "Flags and enum constants", "macro": "Macros", "typedef": "Typedefs",
                  "other": "Structs, function types and variables"}
DEFAULT_PAIR = ("9.0.0", "11.3.0")


def compare_data(symbols: list[dict], stems: dict[str, str], releases: list[dict], ingested: list[str]) -> dict:
    """releases: [version, date or ""], oldest first; symbols: [name, group index, since, 1 if exact (else an upper
    bound: the oldest ingested release containing it), page file name without .html if not the name]; pair: the default."""
    groups = list(COMPARE_GROUPS)
    rows = []
    for s in symbols:
        row = [s["name"], groups.index(s["kind"] if s["kind"] in COMPARE_GROUPS else "other"), s["since"], int(s["since_exact"])]
        if stems[s["name"]] != s["name"]:
            row.append(stems[s["name"]])
        rows.append(row)
    known = {r["version"] for r in releases}
    pair = list(DEFAULT_PAIR) if set(DEFAULT_PAIR) <= known else [ingested[0], ingested[-1]] if ingested else []
    return {"groups": [[g, title] for g, title in COMPARE_GROUPS.items()], "releases": [[r["version"], r["date"] or ""] for r in releases],
            "symbols": rows, "pair": pair}
