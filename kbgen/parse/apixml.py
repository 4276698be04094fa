"""libvirt's API XML descriptions (libvirt-api.xml, libvirt-qemu-api.xml, ...).

Both generations are read: releases 9.0.0 and later put a `version` attribute
on every symbol, 7.0.0 and older have none. The parser keeps facts only
(names, kinds, headers, values, versions); documentation prose is dropped
except for the identifiers that a function's `flags` argument names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from kbgen.errors import InputError
from kbgen.versions import is_version

SYMBOL_KINDS = ("function", "enum", "macro", "typedef", "struct", "functype", "variable")

# <api name='libvirt-qemu'> -> module 'qemu'; the main library is 'libvirt'.
_MODULE_PREFIX = "libvirt-"
_IDENTIFIER = re.compile(r"\bvir[A-Z]\w*")


@dataclass(frozen=True)
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


def _refuse_doctype(path: Path) -> None:
    # lxml's iterparse expands internal entities even with resolve_entities=False,
    # so a document type declaration (the only place entities are declared) is
    # refused before parsing: libvirt's API XML never has one.
    with path.open("rb") as f:
        head = f.read(_PROLOG_BYTES)
    match = _FIRST_ELEMENT.search(head)
    prolog = head[: match.start()] if match else head
    if b"<!DOCTYPE" in prolog or b"<!ENTITY" in prolog:
        raise InputError(path, "has a DOCTYPE or entity declarations, which libvirt API XML never has; refusing it")


def parse_api_xml(path: str | Path) -> ApiDocument:
    """Parse one API XML file into an ApiDocument; InputError if it is not one."""
    path = Path(path)
    try:
        if path.stat().st_size == 0:
            raise InputError(path, "empty file, expected libvirt API XML")
        _refuse_doctype(path)
        return _read(path)
    except etree.XMLSyntaxError as err:
        raise InputError(path, f"not well-formed XML: {err}") from None
    except OSError as err:
        raise InputError(path, f"cannot read: {err.strerror or err}") from None


def _read(path: Path) -> ApiDocument:
    doc: ApiDocument | None = None
    seen: set[str] = set()
    depth = 0
    events = etree.iterparse(str(path), events=("start", "end"), **_parser_options())
    for event, el in events:
        if event == "start":
            depth += 1
            if depth == 1:
                doc = _start_document(path, el)
            continue
        depth -= 1
        if depth == 2 and el.getparent().tag == "symbols":
            symbol = _symbol(path, el, doc.module)
            if symbol.name in seen:
                raise InputError(path, f"duplicate symbol {symbol.name!r} (line {el.sourceline})")
            seen.add(symbol.name)
            doc.symbols.append(symbol)
            el.clear(keep_tail=False)
        elif depth == 1 and el.tag == "files":
            el.clear(keep_tail=False)
    if doc is None:
        raise InputError(path, "no root element")
    return doc


def _start_document(path: Path, root) -> ApiDocument:
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
        kind=kind,
        module=module,
        file=el.get("file") or "",
        version=version,
        enum_type=el.get("type") if kind == "enum" else None,
        value=_value(el, kind),
        has_flags=flags_arg is not None,
        flags_refs=_identifiers(flags_arg.get("info", "")) if flags_arg is not None else (),
    )


def _value(el, kind: str) -> str | None:
    if kind == "enum":
        return el.get("value")
    if kind == "macro":
        return el.get("string")  # typed-parameter names and other string macros
    return None


def _identifiers(text: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(_IDENTIFIER.findall(text)))
