"""libvirt's own messages found in text, by the message catalogue of the analysed source trees.

Each template becomes a matcher: its literal text in order, each placeholder a wildcard (a leading one one
token, a middle one as short as it can be, a trailing one to the end of the line). Only templates with at
least MIN_LETTERS ASCII letters of literal text and a word of MIN_WORD letters take part; they are indexed
by their rarest word, so a line costs a look-up per word and a few searches. explain.js builds the same matchers.
Standard library only, re imported when first needed (`kb`'s start-up path).
"""

from __future__ import annotations

import functools

MIN_LETTERS = 12
MIN_WORD = 4
MAX_SITES = 5  # raising sites listed per finding
MAX_APIS = 8  # APIs named per finding


@functools.cache
def _re():
    import re
    return re


def literal_parts(template: str, placeholder: str) -> list[str]:
    """The template's literal text between its placeholders (first and last may be empty), %% read as %."""
    return [part.replace("\0", "%") for part in _re().split(placeholder, template.replace("%%", "\0"))]


def words(parts: list[str]) -> list[str]:
    """The template's words of MIN_WORD or more ASCII letters, when it has enough literal text to be matched; else none."""
    re = _re()
    if sum(len(re.findall("[A-Za-z]", part)) for part in parts) < MIN_LETTERS:
        return []
    return sorted({w for part in parts for w in re.findall("[A-Za-z]{%d,}" % MIN_WORD, part)})


def index_word(parts: list[str], frequency: dict[str, int] | None = None) -> str | None:
    """The word a template is indexed by: its rarest in the catalogue (by FREQUENCY), then its longest, then the first
    in ASCII order; None when it is not matched at all."""
    found = words(parts)
    return min(found, key=lambda w: ((frequency or {}).get(w, 0), -len(w), w)) if found else None


def matcher(parts: list[str]) -> str:
    """The regex (the same to Python and JavaScript) that finds a template's message."""
    re = _re()
    source = "" if parts[0] or len(parts) == 1 else "[^\\t\\n ]+"
    for index, part in enumerate(parts):
        if index == 1 and not parts[0]:
            pass  # the leading placeholder: the one token above
        elif index and index < len(parts) - 1 or index and part:
            source += "[^\\n]+?"
        elif index:
            source += "[^\\n]*"
        source += re.escape(part)
    return source


class Catalogue:
    """The messages table, grouped by matcher and indexed by word; regexes compiled on first use."""

    def __init__(self, conn, placeholder: str):
        self.groups: dict[tuple[str, ...], list] = {}
        for row in conn.execute("SELECT m.* FROM messages m LEFT JOIN releases r ON r.version = m.last_tree"
                                " ORDER BY r.version_key DESC, m.api_count DESC"):
            parts = tuple(literal_parts(row["template"], placeholder))
            self.groups.setdefault(parts, []).append(row)
        frequency: dict[str, int] = {}
        for parts in self.groups:
            for word in words(list(parts)):
                frequency[word] = frequency.get(word, 0) + 1
        self.index: dict[str, list[tuple[str, ...]]] = {}
        for parts in self.groups:
            if word := index_word(list(parts), frequency):
                self.index.setdefault(word, []).append(parts)
        self._compiled: dict[tuple[str, ...], object] = {}

    def find(self, line: str, taken: list[tuple[int, int]]) -> list[tuple[object, tuple[str, ...]]]:
        """(match, parts) of each template found in LINE, the longest literal text first, none overlapping
        another or a span in TAKEN."""
        re = _re()
        found = []
        for word in set(re.findall("[A-Za-z]{%d,}" % MIN_WORD, line)) & self.index.keys():
            for parts in self.index[word]:
                match = all(part in line for part in parts) and self._regex(parts).search(line)
                if match:
                    found.append((sum(map(len, parts)), match, parts))
        chosen = []
        for _, match, parts in sorted(found, key=lambda f: (-f[0], f[1].start(), f[2])):
            if not any(match.start() < end and start < match.end() for start, end in taken):
                taken.append(match.span())
                chosen.append((match, parts))
        return chosen

    def _regex(self, parts: tuple[str, ...]):
        if parts not in self._compiled:
            self._compiled[parts] = _re().compile(matcher(list(parts)))
        return self._compiled[parts]


def message_finding(conn, rows: list, match, line: str, rules: dict) -> dict:
    """What the catalogue says of a message: who raises it, through which APIs, in which trees, and its kind of problem."""
    codes = _codes(conn)
    sites = [_site(row) for row in rows]
    code = next((c for c in (s["code"] for s in sites) if c and line[:match.start()].rstrip().endswith(codes.get(c, "\0"))), None)
    first = next((s for s in sites if s["code"] == code), sites[0]) if code else sites[0]
    rule = _rule(rules, first, rows[0]["template"], match.group(0))
    command = virsh_command(conn, first)
    apis = list(dict.fromkeys(a for s in sites for a in s["apis"]))[:MAX_APIS]
    trees = [r[0] for r in conn.execute("SELECT version FROM releases WHERE has_source ORDER BY version_key")]
    known = {r["first_tree"] for r in rows} | {r["last_tree"] for r in rows}
    span = [min(known, key=trees.index), max(known, key=trees.index)] if set(known) <= set(trees) else [rows[0]["first_tree"], rows[0]["last_tree"]]
    return {
        "template": rows[0]["template"], "code": first["code"], "prefix": codes.get(first["code"]) if code else None,
        "component": first["component"], "function": first["function"], "file": first["file"],
        "sites": sites[:MAX_SITES], "site_count": len(sites), "apis": apis, "first_tree": span[0], "last_tree": span[1],
        "analysed_trees": trees, "problem": rule["kind"], "virsh_command": command["name"] if command else None,
        "meaning": f"{_raiser(first, apis, max(s['api_count'] for s in sites), command)}: {rule['meaning']}{_tree_note(span, trees)}",
        "advice": rule["advice"],
    }


def _site(row) -> dict:
    return {"component": row["component"], "function": row["function"], "file": row["file"], "code": row["code"],
            "apis": (row["apis"] or "").split(), "api_count": row["api_count"], "first_tree": row["first_tree"], "last_tree": row["last_tree"]}


def _codes(conn) -> dict[str, str]:
    """Each error code's prefix: the words libvirt prints before the message."""
    rows = conn.execute("SELECT code, text_info FROM error_codes")
    return {r["code"]: prefix for r in rows if (prefix := r["text_info"].split("%")[0].rstrip())}


def _rule(rules: dict, site: dict, template: str, matched: str) -> dict:
    re = _re()
    for rule in rules["message_rules"]:
        if all(re.search(rule[field], value or "") for field, value in (("code", site["code"]), ("component", site["component"]),
                                                                       ("template", template)) if rule[field]):
            detail = re.search(rule["detail"], matched) if rule["detail"] else None
            fill = detail.group(1) if detail else "the daemon"
            return {key: rule[key].replace("{detail}", fill) for key in ("kind", "meaning", "advice")}
    raise ValueError("explain_patterns.json: the last message rule must match every message")


def virsh_command(conn, site: dict) -> dict | None:
    """The virsh command whose handler raises a message (SITE), with the APIs it calls, fallbacks last; None for other code."""
    if site["component"] != "virsh" or not site["function"]:
        return None
    row = conn.execute("SELECT name FROM virsh_commands WHERE handler = ? AND alias_of IS NULL ORDER BY name LIMIT 1",
                       (site["function"],)).fetchone()
    if row is None:
        return None
    calls = conn.execute("SELECT api FROM virsh_calls WHERE command = ? ORDER BY fallback_of IS NOT NULL, api", (row[0],))
    return {"name": row[0], "apis": [r[0] for r in calls]}


def _raiser(site: dict, apis: list[str], reaching: int, command: dict | None) -> str:
    where = f"{site['function']} ({site['file']})" if site["function"] else site["file"]
    code = f" as {site['code']}" if site["code"] else ""
    if command:
        calls = command["apis"]
        return (f"virsh {command['name']}: its handler {where} raises it{code}; the command calls "
                + (", ".join(calls[:MAX_APIS]) + (f" and {len(calls) - MAX_APIS} more APIs" if len(calls) > MAX_APIS else "")
                   if calls else "no public API the analysis found"))
    text = f"the {site['component']} code's {where} raises it{code}"
    if apis:
        more = reaching - len(apis)
        text += f", reached from {', '.join(apis)}" + (f" and {more} more APIs" if more > 0 else "")
    return text


def _tree_note(span: list[str], trees: list[str]) -> str:
    if not trees or span == [trees[0], trees[-1]]:
        return ""
    if span[0] != trees[0] and span[1] != trees[-1]:
        return f" (this wording is in the sources of {span[0]} to {span[1]} only)"
    if span[0] != trees[0]:
        return f" (this wording is new in the sources of {span[0]}: older releases word it differently or lack it)"
    return f" (this wording is in the sources of {span[1]} and older only: newer releases word it differently or dropped it)"
