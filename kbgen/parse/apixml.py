"""libvirt's API XML descriptions (libvirt-api.xml, libvirt-qemu-api.xml, ...).

Both generations are read: releases 9.0.0 and later put a `version` attribute
on every symbol, 7.0.0 and older have none. The parser keeps facts only
(names, kinds, headers, values, versions, a function's signature), and each
symbol's description (`info`, libvirt's prose) only for the knowledge base's
descriptions table, which the committed snapshot never carries.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from kbgen.errors import InputError
from kbgen.versions import is_version

SYMBOL_KINDS = ("function", "enum", "macro", "typedef", "struct", "functype", "variable")

# <api name='libvirt-qemu'> -> module 'qemu'; the main library is 'libvirt'.
_MODULE_PREFIX = "libvirt-"
_IDENTIFIER = re.compile(r"\bvir[A-Z]\w*")
_IDENTIFIER_OR_CONSTANT = re.compile(r"\bvir[A-Z]\w*|\bVIR_[A-Z0-9_]+")


@dataclass(frozen=True, slots=True)  # slots: a 100 MB file holds 155,000 of them
class Symbol:
    name: str
    kind: str
    module: str
    file: str
    version: str | None = None
    enum_type: str | None = None
    value: str | None = None
    has_flags: bool = False
    flags_refs: tuple[str, ...] = ()
    int_args: tuple[tuple[str, tuple[str, ...]], ...] = ()  # a function's int arguments but flags: (name, identifiers its info names)
    info_refs: tuple[str, ...] = ()  # identifiers an enum typedef's info names (the register function of an event-ID enum)
    returns: str | None = None  # a function's or function type's return type
    args: tuple[tuple[str, str], ...] = ()  # its arguments: (name, C type)
    info: str = ""  # the description: libvirt's prose, never in the snapshot


@dataclass
class ApiDocument:
    path: str
    module: str
    symbols: list[Symbol] = field(default_factory=list)


def module_name(api_name: str) -> str:
    return api_name.removeprefix(_MODULE_PREFIX) if api_name != "libvirt" else "libvirt"


_PROLOG_BYTES = 65536
_FIRST_ELEMENT = re.compile(rb"<[A-Za-z_]")


def _parser_options() -> dict:
    return dict(resolve_entities=False, load_dtd=False, no_network=True, huge_tree=False)


_DOCTYPE_REFUSED = "has a DOCTYPE or entity declarations, which libvirt API XML never has; refusing it"


def _refuse_doctype(path: Path) -> None:
    # lxml expands internal entities in attribute values even with resolve_entities=False,
    # so a document type declaration (the only place entities are declared) is
    # refused before parsing: libvirt's API XML never has one. This byte-level look
    # at the prolog is the quick, common case; _start_document checks the parsed
    # prolog too (a comment or another encoding can hide a DOCTYPE from it), and
    # libxml2's own amplification limit stops an entity bomb either way.
    with path.open("rb") as f:
        head = f.read(_PROLOG_BYTES)
    match = _FIRST_ELEMENT.search(head)
    prolog = head[: match.start()] if match else head
    if b"<!DOCTYPE" in prolog or b"<!ENTITY" in prolog:
        raise InputError(path, _DOCTYPE_REFUSED)


def parse_api_xml(path: str | Path) -> ApiDocument:
    """Parse one API XML file into an ApiDocument; InputError if it is not one."""
    path = Path(path)
    try:
        if path.stat().st_size == 0:
            raise InputError(path, "empty file, expected libvirt API XML")
        _refuse_doctype(path)
        return _read(path)
    except etree.XMLSyntaxError as err:
        raise InputError(path, f"not well-formed XML: {err.msg or err}") from None  # msg: without lxml's "(<string>, line 1)"
    except OSError as err:
        raise InputError(path, f"cannot read: {err.strerror or err}") from None


def _read(path: Path) -> ApiDocument:
    doc: ApiDocument | None = None
    seen: set[str] = set()
    depth = 0
    section = None  # the child of <api> being read: <files> or <symbols>
    for event, el in _events(path):
        if event == "start":
            depth += 1
            if depth == 1:
                doc = _start_document(path, el)
            elif depth == 2:
                section = el.tag
            continue
        depth -= 1
        if depth == 2 and section == "symbols":
            symbol = _symbol(path, el, doc.module)
            if symbol.name in seen:
                raise InputError(path, f"duplicate symbol {symbol.name!r} (line {el.sourceline})")
            seen.add(symbol.name)
            doc.symbols.append(symbol)
            _discard(el)
        elif depth >= 2 and section == "files":  # the file list says nothing that the symbols do not
            _discard(el)
    if doc is None:
        raise InputError(path, "no root element")
    return doc


_CHUNK_BYTES = 1 << 16
# The largest element of libvirt's API XML takes a few kB. libxml2 buffers a start tag whole
# before applying its own 10 MB limits to it, so one huge tag would cost memory in proportion.
_MAX_ELEMENT_BYTES = 16 << 20


def _events(path: Path):
    """iterparse's (event, element) pairs, fed by hand so that no single element can take unbounded memory."""
    parser = etree.XMLPullParser(events=("start", "end"), **_parser_options())
    with path.open("rb") as f:
        quiet = 0  # bytes fed since the parser last completed a tag
        while chunk := f.read(_CHUNK_BYTES):
            parser.feed(chunk)
            quiet += len(chunk)
            for event in parser.read_events():
                quiet = 0
                yield event
            if quiet > _MAX_ELEMENT_BYTES:
                raise InputError(path, f"more than {_MAX_ELEMENT_BYTES >> 20} MB without a complete tag: not libvirt API XML")
    parser.close()
    yield from parser.read_events()


def _discard(el) -> None:
    """Free a finished element and the finished siblings before it: memory stays flat however long the file."""
    el.clear(keep_tail=False)
    parent = el.getparent()
    while el.getprevious() is not None:
        del parent[0]


def _start_document(path: Path, root) -> ApiDocument:
    if root.getroottree().docinfo.doctype:
        raise InputError(path, _DOCTYPE_REFUSED)
    if root.tag != "api":
        raise InputError(path, f"root element is <{root.tag}>, expected <api>: not a libvirt API XML file")
    name = root.get("name")
    if not name:
        raise InputError(path, "<api> has no name attribute")
    return ApiDocument(path=str(path), module=module_name(name))


def _symbol(path: Path, el, module: str) -> Symbol:
    kind = el.tag
    if kind not in SYMBOL_KINDS:
        raise InputError(path, f"unknown symbol kind <{kind}> (line {el.sourceline})")
    name = el.get("name")
    if not name:
        raise InputError(path, f"<{kind}> without a name (line {el.sourceline})")
    version = el.get("version")
    if version is not None and not is_version(version):
        raise InputError(path, f"{name}: version attribute {version!r} is not a libvirt version (line {el.sourceline})")
    flags_arg = el.find("arg[@name='flags']") if kind == "function" else None
    return Symbol(
        name=name,
        kind=sys.intern(kind),  # the few strings every symbol repeats are held once
        module=module,
        file=sys.intern(el.get("file") or ""),
        version=sys.intern(version) if version else None,
        enum_type=el.get("type") if kind == "enum" else None,
        value=_value(el, kind),
        has_flags=flags_arg is not None,
        flags_refs=_identifiers(flags_arg.get("info", "")) if flags_arg is not None else (),
        int_args=_int_args(el) if kind == "function" else (),
        info_refs=_identifiers(el.findtext("info") or "") if kind == "typedef" and el.get("type") == "enum" else (),
        **_signature(el, kind),
        info=(el.findtext("info") or "").strip(),
    )


def _signature(el, kind: str) -> dict:
    """A function's (or function type's) return type and (name, type) arguments, as the XML declares them."""
    returned = el.find("return") if kind in ("function", "functype") else None
    if returned is None:
        return {}
    return {"returns": sys.intern(returned.get("type") or ""),
            "args": tuple((sys.intern(a.get("name") or ""), sys.intern(a.get("type") or "")) for a in el.iterfind("arg"))}


_INT_TYPES = frozenset({"int", "unsigned int"})


def _int_args(el) -> tuple[tuple[str, tuple[str, ...]], ...]:
    return tuple(
        (arg.get("name"), tuple(dict.fromkeys(_IDENTIFIER_OR_CONSTANT.findall(arg.get("info", "")))))
        for arg in el.iterfind("arg")
        if arg.get("type") in _INT_TYPES and arg.get("name") not in ("flags", None)
    )


def _value(el, kind: str) -> str | None:
    if kind == "enum":
        return el.get("value")
    if kind == "macro":
        return el.get("string")  # typed-parameter names and other string macros
    return None


def _identifiers(text: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(_IDENTIFIER.findall(text)))
