"""libvirt's XML formats path by path: since which release an element, attribute or value is accepted (`kb since PATH`),
paths found by any part (`kb search`), and a document checked against a daemon's release (`kb check --xml FILE`).

A path's release is the format pages' "Since" note attached to it when the note agrees with the schemas (not after the
first schema that has the path, not before one that lacks it); otherwise the schemas' bound: by the first ingested
release whose schema has it, after the one before (only `upper` for the oldest). Standard library only (kb's start-up
path); xml.etree is imported only to read a document.
"""

from __future__ import annotations

import sqlite3

from kbgen.answers import query
from kbgen.answers.known_releases import KnownReleases
from kbgen.versions import version_key

MAX_DOCUMENT = 16 << 20
ANY = "*"
DOCUMENT_KIND = "xml-document"


def schema_releases(conn: sqlite3.Connection) -> list[str]:
    """The ingested releases with schemas (the first or last of some path), oldest first: two index probes a release."""
    rows = conn.execute("SELECT version FROM releases r WHERE EXISTS (SELECT 1 FROM xml_paths WHERE first_key = r.version_key)"
                        " OR EXISTS (SELECT 1 FROM xml_paths WHERE last_key = r.version_key) ORDER BY version_key")
    return [r[0] for r in rows]


# --- kb since PATH -----------------------------------------------------------------------


def since_path(conn: sqlite3.Connection, text: str) -> dict:
    """Since when PATH is accepted: the docs' note where attached and agreeing, else the schema bound; NotFound with
    the paths sharing its last step."""
    path = normal_path(conn, text)
    row = path_row(conn, path)
    if row is None:
        raise query.NotFound(text, suggest_paths(conn, path))
    return path_answer(conn, row, schema_releases(conn))


def path_row(conn, path: str):
    """PATH's row: the exact path (the primary key), else one differing only in case (a scan: no index folds case)."""
    row = conn.execute("SELECT * FROM xml_paths WHERE path = ?", (path,)).fetchone()
    return row or conn.execute("SELECT * FROM xml_paths WHERE path = ? COLLATE NOCASE LIMIT 1", (path,)).fetchone()


def normal_path(conn, text: str) -> str:
    """PATH as stored: no leading '/', no quotes around a value, the root element for a format's name (storagepool: pool)."""
    head, eq, value = text.strip().lstrip("/").partition("=")
    if len(value) > 1 and value[0] == value[-1] and value[0] in "'\"":
        value = value[1:-1]
    root, slash, rest = head.partition("/")
    return _root_element(conn, root) + slash + rest + eq + value


def _root_element(conn, name: str) -> str:
    """The root element of the format NAME (storagepool: pool), else NAME; a format named after its root element (domain)
    is found by the primary key, not by scanning the format's paths."""
    if conn.execute("SELECT 1 FROM xml_paths WHERE path = ?1 AND format = ?1 AND kind = 'element'", (name,)).fetchone():
        return name
    row = conn.execute("SELECT path FROM xml_paths WHERE format = ? AND instr(path, '/') = 0 AND kind = 'element'", (name,)).fetchone()
    return row[0] if row else name


def path_answer(conn, row, schemas: list[str]) -> dict:
    """`kb since PATH`'s answer: path_facts, then the documented ancestor, the hypervisors, sources and disagreements."""
    facts = path_facts(row, schemas)
    documented = facts["documented"]
    ancestor = None if documented else documented_ancestor(conn, row["path"], schemas)
    sources = [row["schema_origin"]] + ([row["doc_origin"]] if documented else []) + ([ancestor["documented"]["origin"]] if ancestor else [])
    return facts | {"ancestor": ancestor, "hypervisors": _noted_hypervisors(documented), "sources": sources,
                    "disagreements": _disagreements(conn, row["path"])}


def path_facts(row, schemas: list[str]) -> dict:
    """What the row itself says of its path (no query: `kb check --xml` asks this of every path of a document)."""
    schema = schema_bound(row, schemas)
    documented = _documented(row, schema)
    since = _since(documented, schema)
    return {
        "path": row["path"], "format": row["format"], "kind": row["kind"],
        "since": since, "since_source": "docs" if since is not schema else "schema",
        "schema_since": schema, "first_release": row["first_release"], "last_release": row["last_release"],
        "oldest_schema": schemas[0], "dropped": _dropped(row, schemas), "documented": documented,
    }


def _noted_hypervisors(documented: dict | None) -> list[dict]:
    return documented["hypervisors"] if documented else []


def schema_bound(row, schemas: list[str]) -> dict:
    """By the first schema having the path; after the schema before it (none before the oldest)."""
    first = schemas.index(row["first_release"])
    return {"lower": None, "after": schemas[first - 1] if first else None, "upper": row["first_release"], "exact": False}


def _since(documented: dict | None, schema: dict) -> dict:
    return documented["since"] if documented and documented["agrees"] else schema


def _dropped(row, schemas: list[str]) -> dict | None:
    last = schemas.index(row["last_release"])
    return None if last == len(schemas) - 1 else {"lower": None, "after": row["last_release"], "upper": schemas[last + 1], "exact": False}


def _documented(row, schema: dict) -> dict | None:
    if not row["since"]:
        return None
    after = schema["after"]
    agrees = row["since_key"] <= row["first_key"] and (after is None or row["since_key"] > version_key(after))
    return {"since": query.exact_version(row["since"]), "method": row["doc_method"], "origin": row["doc_origin"],
            "hypervisors": hypervisors(row), "agrees": agrees}


def hypervisors(row) -> list[dict]:
    """The hypervisors a note names, each with the hypervisor's own minimum version when it gives one."""
    minimum = dict(pair.split(" ", 1) for pair in _pairs(row["hypervisor_versions"]))
    return [{"driver": name, "hypervisor_version": minimum.get(name)} for name in row["hypervisors"].split()]


def _pairs(text: str) -> list[str]:
    words = text.split()
    return [f"{words[i]} {words[i + 1]}" for i in range(0, len(words) - 1, 2)]


def ancestors(path: str) -> list[str]:
    """The attribute of a value, then each enclosing element, nearest first."""
    head, eq, _ = path.partition("=")
    found = [head] if eq else []
    while "/" in head:
        head = head.rpartition("/")[0]
        found.append(head)
    return found


def documented_ancestor(conn, path: str, schemas: list[str]) -> dict | None:
    """The nearest enclosing attribute or element with a note of its own."""
    chain = ancestors(path)
    if not chain:
        return None
    rows = {r["path"]: r for r in conn.execute(
        f"SELECT * FROM xml_paths WHERE since IS NOT NULL AND path IN ({','.join('?' * len(chain))})", chain)}
    nearest = next((p for p in chain if p in rows), None)
    return None if nearest is None else {"path": nearest, "documented": _documented(rows[nearest], schema_bound(rows[nearest], schemas))}


def _disagreements(conn, path: str) -> list[dict]:
    rows = conn.execute("SELECT * FROM disagreements WHERE subject = ? ORDER BY rowid", (path,)).fetchall()
    if not rows:
        return []  # json (and the re it imports) only for a path with a disagreement: kb's start-up
    import json

    return [{"subject": r["subject"], "kind": r["kind"], "detail": r["detail"], "values": json.loads(r["values"])} for r in rows]


def suggest_paths(conn, path: str, limit: int = 5) -> list[str]:
    """Paths sharing PATH's last step (`@type=vhostuser` anywhere); else the closest values of its attribute or element."""
    import difflib

    head, eq, value = path.partition("=")
    last = head.rpartition("/")[2] + eq + value
    rows = conn.execute("SELECT path FROM xml_paths WHERE path LIKE ? ESCAPE '\\' OR path = ? ORDER BY length(path), path LIMIT ?",
                        ("%/" + query._like_escape(last), last, limit)).fetchall()
    if rows or not eq:
        return [r[0] for r in rows]
    siblings = [r[0] for r in conn.execute("SELECT path FROM xml_paths WHERE path LIKE ? ESCAPE '\\'", (query._like_escape(head) + "=%",))]
    return difflib.get_close_matches(path, siblings, n=limit, cutoff=0) if siblings else []


# --- kb search -----------------------------------------------------------------------------


def search_paths(conn: sqlite3.Connection, pattern: str, limit: int) -> dict:
    """Paths matching PATTERN anywhere (a substring, or a glob over the whole path), case-insensitive: the exact path, then
    those ending with it, then the rest; shorter first."""
    if query.GLOB_CHARS & set(pattern):
        rank = "CASE WHEN lower(path) GLOB :glob THEN 0 END"
    else:
        rank = ("CASE WHEN path = :text COLLATE NOCASE THEN 0 WHEN path LIKE :suffix ESCAPE '\\' THEN 1"
                " WHEN path LIKE :infix ESCAPE '\\' THEN 2 END")
    escaped = query._like_escape(pattern)
    params = {"text": pattern, "glob": pattern.lower(), "suffix": "%" + escaped, "infix": f"%{escaped}%", "limit": limit}
    # Every path is ranked (a substring matches anywhere) over the primary key's index, which is all paths and nothing
    # else; only the LIMIT best rows are read whole and become Python rows.
    best = (f"SELECT path, {rank} AS rank, count(*) OVER () AS total FROM xml_paths"
            " WHERE rank IS NOT NULL ORDER BY rank, length(path), path LIMIT :limit")
    rows = conn.execute(f"SELECT x.*, t.total FROM ({best}) t CROSS JOIN xml_paths x ON x.path = t.path"
                        " ORDER BY t.rank, length(t.path), t.path", params).fetchall()
    schemas = schema_releases(conn) if rows else []
    return {"paths_total": rows[0]["total"] if rows else 0, "paths": [_search_result(r, schemas) for r in rows]}


def _search_result(row, schemas: list[str]) -> dict:
    schema = schema_bound(row, schemas)
    return {"path": row["path"], "kind": row["kind"], "since": _since(_documented(row, schema), schema)}


# --- kb check --xml FILE -------------------------------------------------------------------


def check_xml(conn: sqlite3.Connection, server: str, driver: str | None, file: str) -> dict:
    """Every element, attribute and value of the document FILE that a SERVER daemon's schemas would not accept (or that
    the docs give for another hypervisor than DRIVER), each with why; only the outermost of nested ones."""
    given, server = server, query.given_release(server, "--server")
    root = read_document(file)
    tag = _local(root.tag)
    rows = {r["path"]: r for r in conn.execute(  # the root and every path under it, by a range of the primary key
        "SELECT * FROM xml_paths WHERE path = ?1 OR path > ?1 || '/' AND path < ?1 || '0'", (tag,))}
    if tag not in rows:
        roots = [r[0] for r in conn.execute("SELECT path FROM xml_paths WHERE instr(path, '/') = 0 AND kind = 'element' ORDER BY path")]
        raise query.BadQuery(f"{file}: the root element <{tag}> is no libvirt format the schemas know; they know {', '.join(roots)}")
    judge = _Judge(rows, schema_releases(conn), version_key(server), driver)
    findings, checked = judge.document(root)
    works = False if any(f["works"] is False for f in findings) else None if findings else True
    return {"kind": DOCUMENT_KIND, "name": file, "format": rows[tag]["format"], "root": tag, "server": server,
            "server_release": KnownReleases.load(conn).placed(given, server), "driver": driver, "works": works,
            "reason": _summary(findings, checked, server), "paths_checked": checked, "findings": findings,
            "unlisted_values": judge.unlisted}


def _summary(findings: list[dict], checked: int, server: str) -> str:
    if not findings:
        return f"all {checked} distinct paths of the document are accepted by {server}"
    failing = sum(f["works"] is False for f in findings)
    return f"of {checked} distinct paths, {failing} would not be accepted by {server} and {len(findings) - failing} cannot be told"


def read_document(file: str):
    """The root element of the XML document FILE ('-': standard input), read safely: at most MAX_DOCUMENT bytes, no DTD,
    no entity declarations; BadQuery naming the file otherwise."""
    data = _read_bytes(file)
    if len(data) > MAX_DOCUMENT:
        raise query.BadQuery(f"{file}: larger than {MAX_DOCUMENT >> 20} MiB; no libvirt document is that large")
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        raise query.BadQuery(f"{file}: has a DOCTYPE or ENTITY declaration; kb reads no DTD (libvirt's documents have none)")
    if b"\0" in data:
        raise query.BadQuery(f"{file}: not UTF-8 or ASCII text (it holds NUL bytes; UTF-16 and UTF-32 are not read)")
    import xml.etree.ElementTree as ElementTree

    try:
        return ElementTree.fromstring(data)
    except ElementTree.ParseError as error:
        raise query.BadQuery(f"{file}: not well-formed XML ({error})") from None


def _read_bytes(file: str) -> bytes:
    import sys

    try:
        if file == "-":
            return sys.stdin.buffer.read(MAX_DOCUMENT + 1)
        with open(file, "rb") as stream:
            return stream.read(MAX_DOCUMENT + 1)
    except OSError as error:
        raise query.BadQuery(f"{file}: cannot read it ({error.strerror or error})") from None


def _local(name: str) -> str:
    return name.rpartition("}")[2]


class _Judge:
    """One document's nodes against the schema paths of its format, at one server release."""

    def __init__(self, rows: dict, schemas: list[str], server: int, driver: str | None):
        self.rows, self.schemas, self.server, self.driver = rows, schemas, server, driver
        self.valued = {p.partition("=")[0] for p, r in rows.items() if r["kind"] == "value"}
        self.seen: set[str] = set()
        self.findings: list[dict] = []
        self.unlisted: list[str] = []

    def document(self, root) -> tuple[list[dict], int]:
        stack = [(root, _local(root.tag), "/" + _local(root.tag))]
        while stack:
            element, path, where = stack.pop()
            path = self._schema_path(path)
            if not self._accepted(path, where, "element") or path.endswith("/" + ANY):
                continue
            self._attributes(element, path, where)
            self._text(element, path, where)
            counts: dict[str, int] = {}
            children = []
            for child in element:
                if isinstance(child.tag, str):
                    name = _local(child.tag)
                    counts[name] = counts.get(name, 0) + 1
                    children.append((child, f"{path}/{name}", f"{where}/{name}[{counts[name]}]"))
            stack.extend(reversed(children))
        return self.findings, len(self.seen)

    def _schema_path(self, path: str) -> str:
        """PATH as the schemas have it: itself, the element of any name in its place, or with a recursion collapsed
        (backingStore/backingStore is backingStore again)."""
        if path in self.rows:
            return path
        parent = path.rpartition("/")[0]
        if f"{parent}/{ANY}" in self.rows:
            return f"{parent}/{ANY}"
        return _collapsed(path) if _collapsed(path) in self.rows else path

    def _attributes(self, element, path: str, where: str) -> None:
        for name, value in element.attrib.items():
            attribute = f"{path}/@{_local(name)}"
            if name.startswith("{http://www.w3.org/XML/1998/namespace}") or not self._accepted(attribute, f"{where}/@{_local(name)}", "attribute"):
                continue
            self._value(attribute, value, f"{where}/@{_local(name)}")

    def _text(self, element, path: str, where: str) -> None:
        self._value(path, (element.text or "").strip(), f"{where}/text()")

    def _value(self, owner: str, value: str, where: str) -> None:
        """A value of an attribute or element whose schema lists values; one it does not list is set apart: the schema
        may also take free text there (rng paths do not say), so it is never judged."""
        path = f"{owner}={value}"
        if not value or owner not in self.valued:
            return
        if path in self.rows:
            self._accepted(path, where, "value")
        elif path not in self.unlisted:
            self.unlisted.append(path)

    def _accepted(self, path: str, where: str, node: str) -> bool:
        """Whether to read on inside PATH (unless the daemon refuses it); records a finding (once per path) when it does
        not accept it or cannot be told."""
        row = self.rows.get(path)
        verdict = self._verdict(path, row)
        if path not in self.seen:
            self.seen.add(path)
            if verdict is not None:
                self.findings.append({"path": path, "where": where, "node": node} | verdict)
        return verdict is None or verdict["works"] is not False

    def _verdict(self, path: str, row) -> dict | None:
        if row is None:
            return self._unknown()
        answer = path_facts(row, self.schemas)
        noted = _noted_hypervisors(answer["documented"])
        since, arrived = answer["since"], _arrived(answer["since"], self.server)
        base = {"since": since, "hypervisors": noted}
        if arrived is not True:
            return {"works": arrived, "reason": _newer_reason(answer, arrived, self.server)} | base
        dropped = answer["dropped"]
        if dropped and _arrived(dropped, self.server) is not False:
            gone = _arrived(dropped, self.server)
            return {"works": False if gone else None, "reason": f"in the {dropped['after']} schema, not in {dropped['upper']}'s"} | base
        named = [h["driver"] for h in noted]
        if self.driver and named and self.driver not in named:
            hypervisors = ", ".join(_hypervisor_text(h) for h in noted)
            return {"works": None, "reason": f"cannot tell: the docs give it for {hypervisors}, not for {self.driver}"} | base
        return None

    def _unknown(self) -> dict:
        reason = f"unknown to every ingested schema ({', '.join(self.schemas)})"
        past = self.server > version_key(self.schemas[-1])
        return {"works": None if past else False, "reason": reason + (f"; {self.schemas[-1]} is the newest" if past else ""),
                "since": None, "hypervisors": []}


def _collapsed(path: str) -> str:
    """PATH with every immediate repetition of a run of up to 3 elements removed."""
    steps = path.split("/")
    for size in (1, 2, 3):
        i = 0
        while i + 2 * size <= len(steps):
            if steps[i:i + size] == steps[i + size:i + 2 * size]:
                del steps[i + size:i + 2 * size]
            else:
                i += 1
    return "/".join(steps)


def _newer_reason(answer: dict, arrived: bool | None, server: int) -> str:
    from kbgen.render.bounds import bound_text

    since, schema = answer["since"], answer["schema_since"]
    where = (f"not in the {schema['after']} schema; in {schema['upper']}'s" if schema["after"]
             else f"in the {schema['upper']} schema, the oldest ingested")
    if answer["since_source"] == "docs":
        text = f"documented since {since['version']} ({where})"
    else:
        text = where
    if arrived is None:
        from kbgen.versions import key_version

        text += f": {key_version(server)} lies within {bound_text(since)}, cannot tell"
    return text


def _hypervisor_text(hypervisor: dict) -> str:
    return hypervisor["driver"] + (f" {hypervisor['hypervisor_version']} or later" if hypervisor["hypervisor_version"] else "")


def _arrived(version: dict, server: int) -> bool | None:
    from kbgen.answers.diagnose import _arrived as arrived

    return arrived(version, server)
