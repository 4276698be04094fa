"""libvirt's RelaxNG schemas (usr/share/libvirt/schemas/*.rng) -> the XML paths each root format accepts.

A path names an element (`domain/devices/disk`), an attribute (`domain/cpu/@migratable`) or an
enumerated value of either (`domain/devices/disk/@type=nvme`, `domain/os/type=hvm`). `<define>`,
`<ref>`, `<include>` and nested `<grammar>`s are resolved; a define is not entered again while
it is being expanded (recursive structures stop at their first repetition), and each (define,
path) pair is expanded once, so the work is linear in the number of paths. An element or
attribute of any name is the path component `*`. A nested grammar (the domain inside a snapshot
or checkpoint) contributes its root element only: its content is that of its own format. No
network, no DTD, no entities.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from kbgen.errors import InputError

# format -> the schema file whose start is that format's root element
ROOT_SCHEMAS = {
    "domain": "domain.rng", "network": "network.rng", "networkport": "networkport.rng",
    "storagepool": "storagepool.rng", "storagevol": "storagevol.rng", "storagepoolcaps": "storagepoolcaps.rng",
    "nwfilter": "nwfilter.rng", "nwfilterbinding": "nwfilterbinding.rng", "secret": "secret.rng",
    "nodedev": "nodedev.rng", "capabilities": "capability.rng", "domaincapabilities": "domaincaps.rng",
    "domainsnapshot": "domainsnapshot.rng", "domaincheckpoint": "domaincheckpoint.rng",
    "domainbackup": "domainbackup.rng", "interface": "interface.rng",
}
ANY_NAME = "*"
MAX_SCHEMA_BYTES = 4 << 20
MAX_INCLUDE_DEPTH = 16
_RNG_NS = "{http://relaxng.org/ns/structure/1.0}"
_CONTAINERS = {"choice", "group", "interleave", "optional", "zeroOrMore", "oneOrMore", "mixed", "list", "div"}
_NAME_CLASSES = {"name", "anyName", "nsName"}


@dataclass(frozen=True)
class XmlPath:
    path: str
    kind: str  # element, attribute, value


@dataclass
class SchemaFormat:
    format: str
    root_file: str
    paths: list[XmlPath] = field(default_factory=list)


@dataclass
class _Grammar:
    defines: dict[str, list] = field(default_factory=dict)
    starts: list = field(default_factory=list)
    parent: _Grammar | None = None
    loaded: set[str] = field(default_factory=set)


def parse_schemas(directory: str | Path) -> list[SchemaFormat]:
    """Every root format whose schema file is in directory, with the paths it accepts."""
    directory = Path(directory)
    loader = _Loader(directory)
    return [_format(name, file, loader) for name, file in ROOT_SCHEMAS.items() if (directory / file).is_file()]


def _format(name: str, file: str, loader: _Loader) -> SchemaFormat:
    grammar = _Grammar()
    loader.load_into(grammar, file, 0)
    walker = _Walker(loader)
    for start in grammar.starts:
        walker.walk_children(start, grammar, "")
    return SchemaFormat(name, file, [XmlPath(p, k) for p, k in walker.found.items()])


class _Loader:
    def __init__(self, directory: Path):
        self.directory = directory
        self.roots: dict[str, etree._Element] = {}

    def load_into(self, grammar: _Grammar, file: str, depth: int) -> None:
        if file in grammar.loaded:
            return
        if depth > MAX_INCLUDE_DEPTH:
            raise InputError(self.directory / file, f"includes nested more than {MAX_INCLUDE_DEPTH} deep")
        grammar.loaded.add(file)
        self.add_content(grammar, self.root(file), depth)

    def add_content(self, grammar: _Grammar, container, depth: int) -> None:
        for child in container:
            tag = _tag(child)
            if tag == "define":
                grammar.defines.setdefault(child.get("name"), []).append(child)
            elif tag == "start":
                grammar.starts.append(child)
            elif tag == "include":
                self.load_into(grammar, _include_name(self.directory, child.get("href", "")), depth + 1)
                self.add_content(grammar, child, depth + 1)
            elif tag == "div":
                self.add_content(grammar, child, depth)

    def root(self, file: str):
        if file not in self.roots:
            self.roots[file] = read_schema(self.directory / file)
        return self.roots[file]


def _include_name(directory: Path, href: str) -> str:
    if not href or "/" in href or "\\" in href or ":" in href or href.startswith("."):
        raise InputError(directory, f"include href {href!r}: only a schema file of the same directory is read")
    return href


def read_schema(path: Path):
    """The parsed root of one .rng file; InputError for a DOCTYPE, entities, an oversized or malformed file."""
    try:
        with path.open("rb") as f:
            data = f.read(MAX_SCHEMA_BYTES + 1)
    except OSError as err:
        raise InputError(path, f"cannot read: {err.strerror or err}") from None
    if len(data) > MAX_SCHEMA_BYTES:
        raise InputError(path, f"larger than {MAX_SCHEMA_BYTES >> 20} MB: not a libvirt schema")
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        raise InputError(path, "has a DOCTYPE or entity declarations, which libvirt's schemas never have; refusing it")
    parser = etree.XMLParser(resolve_entities=False, load_dtd=False, no_network=True, huge_tree=False, remove_comments=True)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as err:
        raise InputError(path, f"not well-formed XML: {err.msg or err}") from None
    if _tag(root) != "grammar":
        raise InputError(path, f"root element is <{_tag(root)}>, expected a RelaxNG <grammar>")
    return root


def _tag(el) -> str:
    tag = el.tag if isinstance(el.tag, str) else ""
    return tag[len(_RNG_NS):] if tag.startswith(_RNG_NS) else f"?{tag}"


class _Walker:
    def __init__(self, loader: _Loader):
        self.loader = loader
        self.found: dict[str, str] = {}
        self.expanded: set[tuple[int, str, str]] = set()
        self.active: set[tuple[int, str]] = set()
        self.depth_limit: int | None = None

    def walk_children(self, el, grammar: _Grammar, context: str) -> None:
        for child in el:
            self.walk(child, grammar, context)

    def walk(self, el, grammar: _Grammar, context: str) -> None:
        tag = _tag(el)
        if tag in _CONTAINERS:
            self.walk_children(el, grammar, context)
        elif tag in ("element", "attribute"):
            self.named(el, tag, grammar, context)
        elif tag == "value" and context:
            self.found.setdefault(f"{context}={(el.text or '').strip()}", "value")
        elif tag in ("ref", "parentRef"):
            self.ref(el.get("name"), grammar if tag == "ref" else grammar.parent, context)
        elif tag == "grammar":
            self.nested(el, grammar, context)

    def named(self, el, tag: str, grammar: _Grammar, context: str) -> None:
        name = _name(el)
        step = name if tag == "element" else f"@{name}"
        path = f"{context}/{step}" if context else step
        self.found.setdefault(path, tag)
        if name != ANY_NAME and (self.depth_limit is None or path.count("/") < self.depth_limit):
            self.walk_children(el, grammar, path)

    def ref(self, name: str | None, grammar: _Grammar | None, context: str) -> None:
        if grammar is None or name not in grammar.defines:
            return
        key = (id(grammar), name)
        if key in self.active or (*key, context) in self.expanded:
            return
        self.expanded.add((*key, context))
        self.active.add(key)
        for define in grammar.defines[name]:
            self.walk_children(define, grammar, context)
        self.active.discard(key)

    def nested(self, el, grammar: _Grammar, context: str) -> None:
        inner = _Grammar(parent=grammar)
        self.loader.add_content(inner, el, 0)
        outer_limit, self.depth_limit = self.depth_limit, context.count("/") + 1
        for start in inner.starts:
            self.walk_children(start, inner, context)
        self.depth_limit = outer_limit


def _name(el) -> str:
    name = el.get("name")
    if name:
        return name.split(":")[-1]
    for child in el:
        tag = _tag(child)
        if tag == "name":
            return (child.text or "").strip().split(":")[-1]
        if tag in _NAME_CLASSES:
            return ANY_NAME
    return ANY_NAME
