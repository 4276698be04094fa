"""libvirt's format pages (formatdomain.html, ...): their "Since X" notes and what each one is about.

Only facts are kept: the version, the hypervisors a note names ("QEMU only", "since 8.1.0 and
QEMU 2.12"), and the names the page's structure ties the note to. How a note was tied is
recorded with it (`method`); a note the structure does not tie to one name is kept unattached,
with the reason. Resolving the names into schema paths is merge's work (merge/xmlpaths.py).

Methods, tried in this order:
  value-list                 `"nvme" ( since 6.0.0 )` in the description of an attribute
  dt-term                    the note is in a definition term: the term's name
  sentence-literal           the one name written as code in the note's sentence
  previous-sentence-literal  the note opens a sentence of its own: the one name of the sentence before
  dd-term                    the note's paragraph (not a list item) names nothing but the term: the term it describes
  table-row                  the note is in a table's cell: the name in the row's first cell

Each target also carries its `scope` when the page shows it: the elements enclosing the name in
the nearest XML example (pre) above the note in its section, when that example shows the name at
one place only (fitting the target's context). Merge uses it only to choose among several paths
that fit, and records that it did ("+example").
"""

from __future__ import annotations

import re
from collections import Counter
from bisect import bisect_left
from dataclasses import dataclass, field, replace
from pathlib import Path

from kbgen.parse.html import read_html
from kbgen.versions import is_version

_SINCE = re.compile(r"\bsince\s+v?(\d+\.\d+\.\d+)|^(\d+\.\d+\.\d+)\b", re.IGNORECASE)
_VALUE_BEFORE = re.compile(r"""["']([\w.+:-]+)["']\s*\(?\s*$""")
_LITERAL_VALUE = re.compile(r"""^\s*\(?\s*$""")
_NAME = re.compile(r"^<?/?@?([A-Za-z_][\w:.-]*)(?:\s*=\s*['\"]?([\w.+:-]+)['\"]?)?/?>?$")
_TAG = re.compile(r"<(/?)([A-Za-z_][\w:.-]*)([^<>]*?)(/?)>")
_ATTRIBUTE = re.compile(r"([A-Za-z_][\w:.-]*)\s*=")
_SENTENCE_END = re.compile(r"[.;:]\s+(?=[A-Z(<])|[.;:]\s*$")
# Hypervisor names as the pages write them -> libvirt's driver names
HYPERVISORS = {
    "qemu": "qemu", "kvm": "qemu", "xen": "libxl", "libxl": "libxl", "lxc": "lxc", "esx": "esx",
    "vmware": "vmware", "bhyve": "bhyve", "hyper-v": "hyperv", "hyperv": "hyperv", "virtualbox": "vbox",
    "vbox": "vbox", "openvz": "openvz", "cloud hypervisor": "ch", "ch": "ch", "vz": "vz", "parallels": "vz",
}
_HYPERVISOR = re.compile(r"\b(" + "|".join(sorted(map(re.escape, HYPERVISORS), key=len, reverse=True))
                         + r")\b(?:\s+(\d+\.\d+(?:\.\d+)?))?", re.IGNORECASE)


@dataclass(frozen=True)
class Target:
    context: tuple[str, ...]  # the names of the enclosing definition terms, outermost first
    name: str
    value: str | None = None
    scope: tuple[str, ...] | None = None  # the enclosing elements the section's XML example shows it in


@dataclass(frozen=True)
class SinceNote:
    page: str
    line: int
    since: str | None
    hypervisors: tuple[str, ...]  # driver names
    hypervisor_versions: tuple[tuple[str, str], ...]  # (driver, minimum version of the hypervisor)
    target: Target | None
    method: str | None
    reason: str | None = None  # why there is no target


def parse_format_doc(path: str | Path) -> list[SinceNote]:
    path = Path(path)
    root = read_html(path, "a libvirt format page")
    cuts: dict = {}
    return [_note(path.name, span, cuts) for span in root.iter("span") if "since" in (span.get("class") or "").split()]


def _note(page: str, span, cuts: dict) -> SinceNote:
    text = " ".join("".join(span.itertext()).split())
    match = _SINCE.search(text)
    since = match.group(match.lastindex) if match and is_version(match.group(match.lastindex)) else None
    hypervisors, versions = _qualifiers(text[match.end():] if match else text)
    if since is None:
        return SinceNote(page, span.sourceline or 0, None, hypervisors, versions, None, None, "no version in the note")
    target, method, reason = _attach(span, cuts)
    if target is not None:
        target = replace(target, scope=example_scope(_examples(span), target))
    return SinceNote(page, span.sourceline or 0, since, hypervisors, versions, target, method, reason)


def _qualifiers(text: str) -> tuple[tuple[str, ...], tuple[tuple[str, str], ...]]:
    found = [(HYPERVISORS[m.group(1).lower()], m.group(2)) for m in _HYPERVISOR.finditer(text)]
    names = tuple(dict.fromkeys(name for name, _ in found))
    return names, tuple(dict.fromkeys((name, v) for name, v in found if v))


def _attach(span, cuts: dict) -> tuple[Target | None, str | None, str | None]:
    """cuts: block -> its _Cut, shared by the notes of a page (each block is cut into sentences once)."""
    context = _context(span)
    value = _value_before(span)
    if value is not None and context:
        return Target(context[:-1], context[-1], value), "value-list", None
    term = _enclosing(span, "dt")
    if term is not None:
        name = _term_name(term)
        return (Target(context, *name), "dt-term", None) if name else (None, None, "a term without a name")
    cell = _enclosing(span, "td")
    if cell is not None:
        name = _term_name(cell.getparent()[0]) or _literal_name(cell.getparent()[0])
        return (Target(context, *name), "table-row", None) if name else (None, None, "a table row without a name")
    block = _block(span)
    if block not in cuts:
        cuts[block] = _cut(block)
    cut = cuts[block]
    if span not in cut.reached:  # inside a literal, an example, a list or a table its block's sentences skip
        return None, None, "inside a literal, example, list or table of its paragraph"
    mine, names, opens = cut.sentence_of(span)
    if len(names) == 1 and context and names[0] == (context[-1], None):
        context = context[:-1]
    if len(names) == 1:
        return Target(context, *names[0]), "sentence-literal", None
    if names:
        return None, None, f"{len(names)} names in its sentence"
    previous = cut.names_of(mine - 1) if opens and mine > 0 else []
    if len(previous) == 1:
        if context and previous[0] == (context[-1], None):
            context = context[:-1]
        return Target(context, *previous[0]), "previous-sentence-literal", None
    if previous:
        return None, None, f"{len(previous)} names in the sentence before"
    if context and _enclosing(span, "dd") is not None:
        if cut.other_literal(span, context[-1]):
            return None, None, "another name in its paragraph"
        if any(a.tag == "li" for a in span.iterancestors() if _enclosing(a, "dd") is not None):
            return None, None, "a list item under the term"
        return Target(context[:-1], context[-1]), "dd-term", None
    return None, None, "no name near it"


def _value_before(span) -> str | None:
    previous = span.getprevious()
    before = (previous.tail if previous is not None else span.getparent().text) or ""
    match = _VALUE_BEFORE.search(before)
    if match:
        return match.group(1)
    if previous is not None and _is_literal(previous) and _LITERAL_VALUE.match(before) and "(" in before:
        name = _literal_name(previous)
        return name[0] if name else None
    return None


def _context(span) -> tuple[str, ...]:
    """The names of the terms whose descriptions (dd) enclose span, outermost first."""
    names = []
    for dd in span.iterancestors("dd"):
        term = dd.getprevious()
        while term is not None and term.tag != "dt":
            term = term.getprevious()
        name = _term_name(term) if term is not None else None
        if name and not name[1]:
            names.append(name[0])
    return tuple(reversed(names))


def _enclosing(span, tag: str):
    return next(span.iterancestors(tag), None)


def _block(span):
    """The paragraph-like element holding span; the page's root for a span outside the body (a malformed page)."""
    return next((a for a in span.iterancestors() if a.tag in ("p", "li", "dd", "td", "div", "section", "body")),
                span.getroottree().getroot())


def _term_name(term) -> tuple[str, str | None] | None:
    for literal in term.iter():
        if _is_literal(literal):
            return _literal_name(literal)
    return None


def _is_literal(el) -> bool:
    return el.tag == "code" or (el.tag == "span" and "literal" in (el.get("class") or "").split())


def _literal_text(el) -> str:
    return " ".join("".join(el.itertext()).split())


def _literal_name(el) -> tuple[str, str | None] | None:
    match = _NAME.match(_literal_text(el))
    return (match.group(1).split(":")[-1], match.group(2)) if match else None


@dataclass
class _Cut:
    """A block cut into its sentences once, as a stream of events (a sentence ends, a name written as code).

    reached: each element the walk reaches -> (first event of its content, first event after it, whether a
    sentence opens there). A note's sentence is the one its start is in, without the note's own content:
    the names before it back to the sentence's start, and those after it up to the next end.
    """
    ends: list[int] = field(default_factory=list)  # event numbers of the sentence ends
    name_at: list[int] = field(default_factory=list)  # event numbers of the names
    names: list[tuple[str, str | None]] = field(default_factory=list)
    reached: dict = field(default_factory=dict)
    literals: dict = field(default_factory=dict)  # every literal in the block -> its text
    texts: Counter = field(default_factory=Counter)  # how many literals show each text
    events: int = 0

    def between(self, start: int, end: int) -> list:
        return self.names[bisect_left(self.name_at, start):bisect_left(self.name_at, end)]

    def names_of(self, sentence: int) -> list[tuple[str, str | None]]:
        start = self.ends[sentence - 1] + 1 if sentence > 0 else 0
        end = self.ends[sentence] if sentence < len(self.ends) else self.events
        return _names(self.between(start, end))

    def sentence_of(self, span) -> tuple[int, list[tuple[str, str | None]], bool]:
        """(number of the sentence holding span, its names, whether span opens it)."""
        start, end, pending_open = self.reached[span]
        mine = bisect_left(self.ends, start)
        before = self.between(self.ends[mine - 1] + 1 if mine > 0 else 0, start)
        following = bisect_left(self.ends, end)
        after = self.between(end, self.ends[following] if following < len(self.ends) else self.events)
        return mine, _names(before + after), pending_open and not before

    def other_literal(self, span, name: str) -> bool:
        """Whether the block holds a literal other than span that is not `name`."""
        others = len(self.literals) - self.texts[name]
        return others > (span in self.literals and self.literals[span] != name)


def _cut(block) -> _Cut:
    literals = {e: _literal_text(e) for e in block.iter() if _is_literal(e)}
    cut = _Cut(literals=literals, texts=Counter(literals.values()))
    pending_open = True

    def text(s: str | None) -> None:
        nonlocal pending_open
        parts = _SENTENCE_END.split(s or "")
        for _ in parts[1:]:
            cut.ends.append(cut.events)
            cut.events += 1
        pending_open = (pending_open or len(parts) > 1) and not parts[-1].strip(" \n(")

    def walk(el) -> None:
        nonlocal pending_open
        for child in el:
            start, opens = cut.events, pending_open
            if _is_literal(child):
                if (name := _literal_name(child)) is not None:
                    cut.name_at.append(cut.events)
                    cut.names.append(name)
                    cut.events += 1
                pending_open = False
            elif child.tag not in ("pre", "dl", "ul", "ol", "table"):
                text(child.text)
                walk(child)
            cut.reached[child] = (start, cut.events, opens)
            text(child.tail)

    text(block.text)
    walk(block)
    return cut


def _names(names: list) -> list[tuple[str, str | None]]:
    return list(dict.fromkeys(names))



def _examples(span) -> list[str]:
    """The XML examples (pre) above span in its section, nearest first."""
    found = []
    for ancestor in span.iterancestors():
        if ancestor.tag in ("section", "body"):
            break
        found += ["".join(p.itertext()) for p in ancestor.itersiblings("pre", preceding=True)]
    return found


def example_scope(examples: list[str], target: Target) -> tuple[str, ...] | None:
    """The elements enclosing target in the first example showing it (fitting its context); None if not one place."""
    for text in examples:
        places = {parents for parents, name in _example_names(text) if name == target.name and within(parents, target.context)}
        if places:
            return places.pop() if len(places) == 1 else None
    return None


def _example_names(text: str) -> list[tuple[tuple[str, ...], str]]:
    """(enclosing elements, name) of every element and attribute an XML example shows."""
    stack: list[str] = []
    found = []
    for match in _TAG.finditer(text):
        closing, name, attributes, empty = match.groups()
        name = name.split(":")[-1]
        if closing:
            if name in stack:
                del stack[len(stack) - 1 - stack[::-1].index(name):]
            continue
        found.append((tuple(stack), name))
        found += [((*stack, name), a.split(":")[-1]) for a in _ATTRIBUTE.findall(attributes)]
        if not empty and not attributes.rstrip().endswith("/"):
            stack.append(name)
    return found


def within(parents: tuple[str, ...], context: tuple[str, ...]) -> bool:
    """Whether context's names enclose in order, the last one directly."""
    if not context:
        return True
    if not parents or parents[-1] != context[-1]:
        return False
    rest = iter(parents[:-1])
    return all(name in rest for name in context[:-1])
