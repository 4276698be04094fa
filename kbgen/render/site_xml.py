"""The site's pages of libvirt's XML formats: xml/index.html (every format and its counts), xml/FORMAT.html (the format's
element tree) and one page per element, xml/ROOT/index.html for a root element and xml/ROOT/.../NAME.html for the others.

An element page has a row per fact: the element itself, each attribute with its values, the values of its text; each
with the answer of `kb since PATH` (kbgen/answers/xmlpaths.py's path_answer, worded as kbgen/render/xmltext.py words
it), an id to link to (`type`, `type=vhostuser`, `text()=hvm`) and data- attributes from which site.js says whether
"my daemon" accepts it.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field

from kbgen.answers import xmlpaths
from kbgen.render.bounds import bound_text
from kbgen.render.xmltext import docs_words, hypervisor_text, schema_words

TEXT = "text()"


@dataclass
class Element:
    path: str
    format: str
    answer: dict | None = None
    attributes: dict[str, dict] = field(default_factory=dict)  # name -> {"answer": dict or None, "values": [answers]}
    values: list[dict] = field(default_factory=list)
    children: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.path.rpartition("/")[2]


@dataclass
class XmlFacts:
    """Every XML path's answer, and the elements, formats and pages they make."""

    answers: list[dict]
    elements: dict[str, Element]
    pages: dict[str, str]
    format_pages: dict[str, str]
    doc_pages: dict[str, str]

    def roots(self, fmt: str) -> list[str]:
        return [p for p, e in self.elements.items() if e.format == fmt and "/" not in p]

    def counts(self, fmt: str) -> dict[str, int]:
        found = {"element": 0, "attribute": 0, "value": 0}
        for answer in self.answers:
            if answer["format"] == fmt:
                found[answer["kind"]] += 1
        return found


def xml_facts(conn: sqlite3.Connection, doc_pages: dict[str, str]) -> XmlFacts:
    """The answers of every XML path (kb since's), with the elements they make; DOC_PAGES: format -> libvirt's page of it."""
    schemas = xmlpaths.schema_releases(conn)
    answers = [xmlpaths.path_answer(conn, row, schemas) for row in conn.execute("SELECT * FROM xml_paths ORDER BY path")]
    elements = _elements(answers)
    return XmlFacts(answers, elements, _pages(elements), _format_pages(sorted({e.format for e in elements.values()})), doc_pages)


def split_path(path: str) -> tuple[str, str]:
    """The element a path belongs to and its row's id there: ("domain/os", "type=hvm") for domain/os/@type=hvm,
    ("domain/os/type", "text()=hvm") for domain/os/type=hvm, ("domain/os", "") for domain/os."""
    head, eq, value = path.partition("=")
    element, at, attribute = head.rpartition("/@")
    if at:
        return element, attribute + eq + value
    return head, (TEXT + eq + value) if eq else ""


def _elements(answers: list[dict]) -> dict[str, Element]:
    elements: dict[str, Element] = {}

    def element(path: str, fmt: str) -> Element:
        if path not in elements:
            elements[path] = Element(path, fmt)
            if "/" in path:
                element(path.rpartition("/")[0], fmt).children.append(path)
        return elements[path]

    for answer in answers:
        owner, anchor = split_path(answer["path"])
        here = element(owner, answer["format"])
        name, eq, _ = anchor.partition("=")
        if not anchor:
            here.answer = answer
        elif name == TEXT:
            here.values.append(answer)
        else:
            entry = here.attributes.setdefault(name, {"answer": None, "values": []})
            entry["values" if eq else "answer"] = (entry["values"] + [answer]) if eq else answer
    return dict(sorted(elements.items()))


def _stems(names: list[str]) -> dict[str, str]:
    """File-system safe, distinct stems for NAMES in one directory (site.page_names), none ending in ".html": a page
    NAME.html and the directory of another's children never share a name."""
    from kbgen.render.site import page_names

    return {n: s[:-5] + "-2ehtml" if s.lower().endswith(".html") else s for n, s in page_names(names).items()}


def _pages(elements: dict[str, Element]) -> dict[str, str]:
    """Element path -> its page: xml/ROOT/index.html for a root, its parent's directory and its own stem for the others."""
    pages, directories = {}, {}
    roots = [p for p in elements if "/" not in p]
    for root, stem in _stems(roots).items():
        directories[root] = f"xml/{stem}"
        pages[root] = f"xml/{stem}/index.html"
    for path in elements:  # sorted: a parent before its children
        children = elements[path].children
        for child, stem in _stems([c.rpartition("/")[2] for c in children]).items():
            directories[f"{path}/{child}"] = f"{directories[path]}/{stem}"
            pages[f"{path}/{child}"] = f"{directories[path]}/{stem}.html"
    return pages


def _format_pages(formats: list[str]) -> dict[str, str]:
    return {fmt: f"xml/{stem}.html" for fmt, stem in _stems(formats).items()}


# --- what a row says ----------------------------------------------------------------------


def schema_span(answer: dict) -> str:
    """Which ingested schemas accept the path: 'in every ingested schema from 7.0.0 (earlier releases not analysed)'."""
    schema, dropped = answer["schema_since"], answer["dropped"]
    if schema["after"] is None:
        if dropped:
            return (f"in the ingested schemas from {schema['upper']} (earlier releases not analysed) to {dropped['after']}, "
                    f"not in {dropped['upper']}'s")
        return f"in every ingested schema from {schema['upper']} (earlier releases not analysed)"
    return schema_words(schema) + f"; in every one up to {answer['last_release']}" + (f", not in {dropped['upper']}'s" if dropped else "")


def row_data(answer: dict) -> dict[str, str]:
    """What site.js needs to tell whether a daemon accepts the path (the answer's since, its drop, the hypervisors its
    note names), as data- attributes."""
    since, dropped = answer["since"], answer["dropped"]
    data = {"data-from": since["version"] if since["exact"] else since["upper"], "data-text": bound_text(since),
            "data-source": answer["since_source"], "data-first": answer["first_release"]}
    data |= {"data-exact": "1"} if since["exact"] else {k: since[n] for k, n in (("data-after", "after"), ("data-lower", "lower")) if since[n]}
    if dropped:
        data |= {"data-dropped-after": dropped["after"], "data-dropped-upper": dropped["upper"]}
    if answer["hypervisors"]:
        data |= {"data-hypervisors": " ".join(h["driver"] for h in answer["hypervisors"]),
                 "data-hypervisor-text": ", ".join(hypervisor_text(h) for h in answer["hypervisors"])}
    return data


def row(answer: dict | None, name: str, anchor: str, kind: str) -> dict:
    """One row of an element page's table."""
    if answer is None:
        return {"name": name, "anchor": anchor, "kind": kind, "answer": None}
    return {"name": name, "anchor": anchor, "kind": kind, "answer": answer, "schema": schema_span(answer),
            "docs": docs_words(answer), "hypervisors": [hypervisor_text(h) for h in answer["hypervisors"]], "data": row_data(answer)}


def element_rows(element: Element) -> list[dict]:
    """The element itself, each attribute followed by its values, then the values of its text."""
    rows = [row(element.answer, f"<{element.name}>", "", "element")] if element.answer else []
    for name, entry in element.attributes.items():
        rows.append(row(entry["answer"], f"@{name}", name, "attribute"))
        rows += [_value_row(v, "value") for v in entry["values"]]
    return rows + [_value_row(v, "text") for v in element.values]


def _value_row(answer: dict, kind: str) -> dict:
    anchor = split_path(answer["path"])[1]
    return row(answer, "=" + anchor.partition("=")[2], anchor, kind)


# --- the pages ---------------------------------------------------------------------------


def xml_pages(site) -> None:
    """xml/index.html, a page per format and a page per element (SITE: kbgen/render/site.py's SiteWriter)."""
    facts = site.catalog.xml_paths
    formats = sorted(facts.format_pages)
    for fmt in formats:
        site.page(facts.format_pages[fmt], "xml_format.html", format=fmt, facts=facts, counts=facts.counts(fmt),
                  roots=facts.roots(fmt), doc_page=facts.doc_pages.get(fmt))
    for path, element in facts.elements.items():
        site.page(facts.pages[path], "xml_element.html", element=element, facts=facts, rows=element_rows(element),
                  ancestors=_ancestors(path), format_page=facts.format_pages[element.format])
    site.page("xml/index.html", "xml_index.html", facts=facts, formats=[(f, facts.counts(f), facts.roots(f)) for f in formats])


def _ancestors(path: str) -> list[str]:
    steps = path.split("/")
    return ["/".join(steps[:i]) for i in range(1, len(steps))]


def search_rows(facts: XmlFacts) -> list[list]:
    """[path, since as shown] and, when its page is not xml/PATH-OF-ITS-ELEMENT.html (xml/ROOT/index.html for a root),
    that page: site.js makes the link and the row's id from the path (split_path)."""
    rows = []
    for answer in facts.answers:
        element, _ = split_path(answer["path"])
        entry = [answer["path"], bound_text(answer["since"])]
        if facts.pages[element] != "xml/" + (element if "/" in element else element + "/index") + ".html":
            entry.append(facts.pages[element])
        rows.append(entry)
    return rows
