"""Read one libvirt source tree: procedures, symbol sections, driver tables, flag checks.

The parsers each read one kind of file; this module knows which files of a tree
to hand them and joins their results into TreeFacts for the merge.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path

from kbgen.errors import InputError
from kbgen.parse.checkflags import CSources, FlagCheck
from kbgen.parse.drivertable import (
    DRIVER_HEADERS,
    TableEntry,
    may_hold_tables,
    parse_driver_fields,
    parse_driver_tables,
)
from kbgen.parse.enumchecks import EnumCheck, enum_checks
from kbgen.parse.messages import ERROR_FILE, ErrorCode, Message, parse_error_codes, parse_messages, reaching_apis
from kbgen.parse.protocol import (
    PROTOCOL_FILES,
    Procedure,
    called_procedures,
    parse_protocol,
)
from kbgen.parse.symsfile import SYMS_FILES, SymsSection, parse_syms
from kbgen.parse.typedparams import ParamCheck, param_check, takes_typed_parameters
from kbgen.parse.virsh import VirshFacts, is_virsh_source, parse_virsh, virsh_from_data, virsh_to_data

# Helpers that many drivers hand their flags to (virDomainObjGetMetadata, virHostCPUGetStats, ...).
SHARED_DIRS = ("src/conf", "src/util", "src/hypervisor")


@dataclass
class TreeFacts:
    release: str
    origin: str
    walk: str | None = None  # the clone, when this tree is one of a walk over all its release tags
    procedures: list[Procedure] = field(default_factory=list)
    sections: list[SymsSection] = field(default_factory=list)
    fields: dict[str, str] = field(default_factory=dict)  # driver-table field -> public API
    entries: list[TableEntry] = field(default_factory=list)
    checks: dict[tuple[str, str], FlagCheck] = field(default_factory=dict)  # (api, driver) -> check
    calls: dict[str, list[str]] = field(default_factory=dict)  # procedure name -> APIs whose remote implementation calls it
    params: dict[tuple[str, str], ParamCheck] = field(default_factory=dict)  # (api, driver) -> typed parameters it validates
    enums: dict[tuple[str, str], list[EnumCheck]] = field(default_factory=dict)  # (api, driver) -> int arguments it compares
    virsh: VirshFacts | None = None  # None: the tree has no tools/ (unpacked before kbgen read virsh)
    messages: list[Message] = field(default_factory=list)
    error_codes: list[ErrorCode] = field(default_factory=list)
    message_apis: dict[str, list[str]] = field(default_factory=dict)  # function raising a message -> APIs reaching it

    def implementations(self):
        """(api, entry) for every table entry that implements a known API, backends included."""
        for entry in self.entries:
            api = self.fields.get(entry.field)
            if api:
                yield api, entry

    def primary(self):
        """(api, entry): one entry per (API, driver), the one hvsupport.html's generator reads where there is one."""
        chosen: dict[tuple[str, str], tuple[str, TableEntry]] = {}
        for api, entry in self.implementations():
            if (api, entry.driver) not in chosen or entry.listed and not chosen[(api, entry.driver)][1].listed:
                chosen[(api, entry.driver)] = (api, entry)
        return list(chosen.values())


def analyse_tree(release: str, root: Path, origin: str, flag_apis: set[str], walk: str | None = None) -> TreeFacts:
    """All facts of the tree at root; flag_apis are the public functions with a flags argument."""
    facts = TreeFacts(release, origin, walk)
    for protocol, relative in PROTOCOL_FILES.items():
        if (root / relative).is_file():
            facts.procedures += parse_protocol(_read(root / relative), str(root / relative), protocol)
    for module, relative in SYMS_FILES.items():
        if (root / relative).is_file():
            facts.sections += parse_syms(_read(root / relative), str(root / relative), module)
    groups: dict[str, dict[str, str]] = {}
    for relative in DRIVER_HEADERS:
        if (root / relative).is_file():
            groups.update(parse_driver_fields(_read(root / relative), str(root / relative)))
    facts.fields = {f: api for table in groups.values() for f, api in table.items()}
    for path in sorted((root / "src").rglob("*.c")):
        if path.is_file() and may_hold_tables(text := _read(path)):
            facts.entries += parse_driver_tables(text, str(path), set(groups))
    sources = _DriverSources(root)
    facts.checks = _flag_checks(facts, sources, flag_apis)
    facts.params, facts.enums = _argument_checks(facts, sources)
    facts.calls = _remote_calls(facts, root)
    facts.virsh = _virsh(facts, root)
    _message_catalogue(facts, root, sources)
    return facts


def _message_catalogue(facts: TreeFacts, root: Path, sources: _DriverSources) -> None:
    files = {str(p.relative_to(root)): _read(p) for d in ("src", "tools") for p in sorted((root / d).rglob("*.[ch]")) if p.is_file()}
    facts.messages = parse_messages(files)
    if (root / ERROR_FILE).is_file():
        facts.error_codes = parse_error_codes(_read(root / ERROR_FILE))
    entries = [(api, sources.of(entry), entry.function) for api, entry in _analysed(facts)]
    facts.message_apis = reaching_apis(entries, {m.function for m in facts.messages if m.function})


def _virsh(facts: TreeFacts, root: Path) -> VirshFacts | None:
    tools = root / "tools"
    if not tools.is_dir():
        return None
    files = {str(p): _read(p) for p in sorted(tools.iterdir()) if is_virsh_source(p.name) and p.is_file()}
    return parse_virsh(files, {name for section in facts.sections for name in section.symbols})


def _remote_calls(facts: TreeFacts, root: Path) -> dict[str, list[str]]:
    """The procedures each remote driver entry really calls (hand-written ones; generated ones follow the names)."""
    remote = [(api, entry.function) for api, entry in facts.primary() if entry.driver == "remote" and entry.function]
    sources = CSources(_c_files(root / "src" / "remote")) if remote else None
    calls: dict[str, set[str]] = {}
    for api, function in remote:
        for procedure in called_procedures(sources.body(function) or ""):
            calls.setdefault(procedure, set()).add(api)
    return {procedure: sorted(apis) for procedure, apis in sorted(calls.items())}


class _DriverSources:
    """The C sources of each driver directory with the shared helpers behind them, indexed on first use."""

    def __init__(self, root: Path):
        self._root = root
        self._shared: CSources | None = None
        self._by_directory: dict[Path, CSources] = {}

    def of(self, entry: TableEntry) -> CSources:
        self._shared = self._shared or CSources(_c_files(*(self._root / d for d in SHARED_DIRS)))
        directory = Path(entry.path).parent
        if directory not in self._by_directory:
            self._by_directory[directory] = CSources(_c_files(directory), self._shared)
        return self._by_directory[directory]


def _analysed(facts: TreeFacts):
    """(api, entry) for every current, non-remote implementation with a function."""
    for api, entry in facts.primary():
        if entry.driver != "remote" and entry.function and not entry.removed:
            yield api, entry


def _flag_checks(facts: TreeFacts, sources: _DriverSources, flag_apis: set[str]) -> dict[tuple[str, str], FlagCheck]:
    return {(api, entry.driver): sources.of(entry).check(entry.function) for api, entry in _analysed(facts) if api in flag_apis}


def _argument_checks(facts: TreeFacts, sources: _DriverSources):
    """Typed parameters of every setter implementation (getters such as virDomainGetCPUStats fill params instead),
    and the int arguments each implementation compares."""
    params, enums = {}, {}
    for api, entry in _analysed(facts):
        c = sources.of(entry)
        if "Get" not in api and takes_typed_parameters(c, entry.function):
            params[(api, entry.driver)] = param_check(c, entry.function)
        if found := enum_checks(c, entry.function):
            enums[(api, entry.driver)] = found
    return params, enums


def _c_files(*directories: Path) -> dict[str, str]:
    return {str(p): _read(p) for d in directories for p in sorted(d.glob("*.[ch]")) if p.is_file()}


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError as err:
        raise InputError(path, f"cannot read: {err.strerror or err}") from None


# --- the facts as plain data, for the tree-facts cache -----------------------------------------


def facts_to_data(facts: TreeFacts) -> dict:
    return {
        "release": facts.release, "origin": facts.origin, "walk": facts.walk,
        "procedures": [asdict(p) for p in facts.procedures],
        "sections": [asdict(s) for s in facts.sections],
        "fields": facts.fields,
        "entries": [asdict(e) for e in facts.entries],
        "checks": [[api, driver, asdict(check)] for (api, driver), check in facts.checks.items()],
        "calls": facts.calls,
        "params": [[api, driver, asdict(check)] for (api, driver), check in facts.params.items()],
        "enums": [[api, driver, [asdict(c) for c in checks]] for (api, driver), checks in facts.enums.items()],
        "virsh": virsh_to_data(facts.virsh),
        "messages": [asdict(m) for m in facts.messages],
        "error_codes": [asdict(c) for c in facts.error_codes],
        "message_apis": facts.message_apis,
    }


def facts_from_data(data: dict) -> TreeFacts:
    """The inverse of facts_to_data; KeyError or TypeError when the data is not what it wrote."""
    return TreeFacts(
        release=data["release"], origin=data["origin"], walk=data["walk"],
        procedures=[Procedure(**p) for p in data["procedures"]],
        sections=[SymsSection(**{**s, "symbols": tuple(s["symbols"])}) for s in data["sections"]],
        fields=dict(data["fields"]),
        entries=[TableEntry(**e) for e in data["entries"]],
        checks={(api, driver): _check(c) for api, driver, c in data["checks"]},
        calls={procedure: list(apis) for procedure, apis in data["calls"].items()},
        params={(api, driver): _param_check(c) for api, driver, c in data["params"]},
        enums={(api, driver): [_enum_check(c) for c in checks] for api, driver, checks in data["enums"]},
        virsh=virsh_from_data(data["virsh"]),
        messages=[Message(**m) for m in data["messages"]],
        error_codes=[ErrorCode(**c) for c in data["error_codes"]],
        message_apis={function: list(apis) for function, apis in data["message_apis"].items()},
    )


def _check(c: dict) -> FlagCheck:
    flags = tuple(c["flags"]) if c["flags"] is not None else None
    return FlagCheck(function=c["function"], flags=flags, via=tuple(c["via"]), reason=c["reason"])


def _param_check(c: dict) -> ParamCheck:
    params = tuple(c["params"]) if c["params"] is not None else None
    return ParamCheck(function=c["function"], params=params, via=tuple(c["via"]), reason=c["reason"])


def _enum_check(c: dict) -> EnumCheck:
    return EnumCheck(function=c["function"], argument=c["argument"], values=tuple(c["values"]), via=tuple(c["via"]), where=c["where"])
