"""One release's inputs, each read by the parser of its format."""

from __future__ import annotations

from dataclasses import dataclass, field

from kbgen.inputs.sources import BINDING_NAMES, FORMAT_DOC_NAMES, HVSUPPORT_NAME, NEWS_NAME, SCHEMAS_NAME, SOURCE_TREE_NAME, InputFile
from kbgen.parse.apixml import ApiDocument, parse_api_xml
from kbgen.parse.formatdocs import SinceNote, parse_format_doc
from kbgen.parse.hvsupport import SupportMatrix, parse_hvsupport
from kbgen.parse.news import ReleaseDate, parse_news
from kbgen.parse.pybindings import Binding, parse_bindings
from kbgen.parse.rng import SchemaFormat, parse_schemas


@dataclass
class ReleaseData:
    version: str
    inputs: list[InputFile]
    documents: list[tuple[ApiDocument, InputFile]] = field(default_factory=list)
    matrix: tuple[SupportMatrix, InputFile] | None = None
    tree: InputFile | None = None
    suite: str | None = None
    news: tuple[list[ReleaseDate], InputFile] | None = None
    schemas: tuple[list[SchemaFormat], InputFile] | None = None
    format_docs: list[tuple[list[SinceNote], InputFile]] = field(default_factory=list)
    bindings: list[tuple[list[Binding], InputFile]] = field(default_factory=list)  # python3-libvirt's modules


def read_release(version: str, inputs: list[InputFile], suite: str | None = None) -> ReleaseData:
    data = ReleaseData(version, inputs, suite=suite)
    for f in inputs:
        if f.name == HVSUPPORT_NAME:
            data.matrix = (parse_hvsupport(f.path), f)
        elif f.name == SOURCE_TREE_NAME:
            data.tree = f
        elif f.name == NEWS_NAME:
            data.news = (parse_news(f.path), f)
        elif f.name == SCHEMAS_NAME:
            data.schemas = (parse_schemas(f.path), f)
        elif f.name in FORMAT_DOC_NAMES:
            data.format_docs.append((parse_format_doc(f.path), f))
        elif f.name in BINDING_NAMES:
            data.bindings.append((parse_bindings(f.path, f.name.removesuffix(".py")), f))
        else:
            data.documents.append((parse_api_xml(f.path), f))
    return data


def flag_apis(releases: list[ReleaseData]) -> set[str]:
    """The public functions that take a flags argument, as the newest release describing each says."""
    latest = {}
    for release in releases:
        for doc, _ in release.documents:
            latest.update((sym.name, sym.has_flags) for sym in doc.symbols)
    return {name for name, has_flags in latest.items() if has_flags}
