"""virsh's commands, read from the C sources of a tree's tools/ directory.

Each `tools/virsh*.c` declares its commands in `vshCmdDef` tables
(`{.name = "undefine", .handler = cmdUndefine, .opts = opts_undefine, ...}`,
aliases with `.flags = VSH_CMD_FLAG_ALIAS, .alias = "..."`) and their options in
`vshCmdOptDef` tables, partly through macros of virsh.h. From each handler, and
the virsh helpers it calls a few levels deep, kbgen reads the public APIs called,
the flags each boolean option ORs in (`if (nvram) flags |= VIR_DOMAIN_UNDEFINE_NVRAM;`),
the `VIR_ENUM_IMPL` string table an option's value goes through
(`virshNodeSuspendTargetTypeFromString(target)`), and the APIs a handler calls when
an earlier one fails with VIR_ERR_NO_SUPPORT (its fallbacks). What cannot be read
is left out and said in `unknown`.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import asdict, dataclass
from functools import cached_property

from kbgen.parse.checkflags import CSources

MAX_DEPTH = 3
_STRING = r'"((?:\\.|[^"\\])*)"'
_QUOTED = re.compile(_STRING)
_COMMAND_TABLE = re.compile(r"\bvshCmdDef\s+\w+\s*\[\s*\]\s*=\s*\{")
_OPTION_TABLE = re.compile(r"\bvshCmdOptDef\s+(\w+)\s*\[\s*\]\s*=\s*\{")
_DEFINE = re.compile(r"^[ \t]*#[ \t]*define[ \t]+(\w+)(\([^)]*\))?((?:[^\n]*\\\n)*[^\n]*)", re.MULTILINE)
_FIELD = re.compile(r"\.(\w+)\s*=\s*(" + _STRING + r"|[\w&]+)")
_WORD = re.compile(r"\b[A-Za-z_]\w*\b")
_ENUM_IMPL = re.compile(r"\bVIR_ENUM_IMPL\s*\(\s*(\w+)\s*,\s*(\w+)\s*,((?:[^;])*?)\)\s*;")
_ENUM_STRING = re.compile(r'(?:N_\s*\(\s*)?' + _STRING)
_CALL = re.compile(r"\b([A-Za-z_]\w*)\s*\(")
_OPT_CALL = re.compile(r"\bvshCommandOpt(\w*)\s*\(([^;]*?)" + _STRING)
_ASSIGNED = re.compile(r"(\w+)\s*=\s*vshCommandOpt(\w*)\s*\(\s*(?:ctl\s*,\s*)?cmd\s*,\s*" + _STRING)
_OUT_ARG = re.compile(r"vshCommandOpt(?:String|StringReq|StringQuiet)\w*\s*\([^;]*?" + _STRING + r"\s*,\s*&\s*(\w+)")
_FROM_STRING = re.compile(r"\b(\w+)TypeFromString\s*\(\s*(\w+)\s*\)")
_IF = re.compile(r"\bif\s*\(")
_FLAGS_OR = re.compile(r"\b\w*flags\s*\|=\s*([^;]+);")
_CONSTANT = re.compile(r"\bVIR_[A-Z0-9_]+\b")
_NO_SUPPORT = re.compile(r"\bVIR_ERR_NO_SUPPORT\b")
_GOTO = re.compile(r"\s*goto\s+(\w+)\s*;")
_SPACE = re.compile(r"\s*")
# virsh's own machinery: followed, it would credit every command with the lookups of virshCommandOptDomain.
_NOT_FOLLOWED = re.compile(r"vsh\w*|virshCommandOpt\w*|virshLookup\w*|virshDomainGetXML\w*")


@dataclass(frozen=True)
class VirshOption:
    name: str
    type: str  # VSH_OT_BOOL -> "bool", ...; "alias" for an old spelling
    alias_of: str | None = None


@dataclass(frozen=True)
class OptionEffect:
    option: str
    flags: tuple[str, ...] = ()  # flag constants the option ORs in
    enum: str | None = None  # the VIR_ENUM_IMPL table its value is converted by


@dataclass(frozen=True)
class VirshEnum:
    name: str
    last: str  # the enum's _LAST constant, which names the public enum the strings stand for
    strings: tuple[str, ...]


@dataclass(frozen=True)
class ApiCall:
    api: str
    via: tuple[str, ...] = ()  # the virsh helpers between the handler and the call
    fallback_of: str | None = None  # the API this call stands in for when the daemon lacks it


@dataclass(frozen=True)
class VirshCommand:
    name: str
    path: str
    handler: str | None = None
    alias_of: str | None = None
    options: tuple[VirshOption, ...] = ()
    calls: tuple[ApiCall, ...] = ()
    effects: tuple[OptionEffect, ...] = ()
    unknown: tuple[str, ...] = ()  # what the analysis could not determine


@dataclass
class VirshFacts:
    commands: list[VirshCommand]
    enums: list[VirshEnum]


def is_virsh_source(name: str) -> bool:
    return name.startswith("virsh") and name.endswith((".c", ".h"))


def parse_virsh(files: dict[str, str], public_apis: set[str]) -> VirshFacts:
    """Every command of the virsh sources (path -> text); public_apis: the names a call may be credited to."""
    sources = CSources(files)
    macros = _macros(files)
    options = {name: opts for text in files.values() for name, opts in _option_tables(text, macros)}
    commands = [_command(entry, path, options, sources, public_apis)
                for path, text in sorted(files.items()) for entry in _command_entries(text)]
    enums = [enum for text in files.values() for enum in _enums(text)]
    return VirshFacts([c for c in commands if c is not None], enums)


def _command_entries(text: str):
    for table in _COMMAND_TABLE.finditer(text):
        for entry in _entries(text, table.end() - 1):
            fields = _fields(entry)
            if fields.get("name", "NULL") != "NULL":
                yield fields


def _command(fields: dict, path: str, options: dict, sources: CSources, apis: set[str]) -> VirshCommand | None:
    name = fields["name"]
    if "alias" in fields:
        return VirshCommand(name, path, alias_of=fields["alias"])
    handler = fields.get("handler")
    opts = tuple(options.get(fields.get("opts"), ()))
    if handler is None or sources.body(handler) is None:
        return VirshCommand(name, path, handler, options=opts, unknown=(f"handler {handler} not found in tools/",))
    calls = _calls(sources, handler, apis)
    effects = _effects(sources, handler, {o.name for o in opts})
    unknown = () if calls else (f"{handler} calls no public API that the analysis could find",)
    return VirshCommand(name, path, handler, None, opts, calls, effects, unknown)


# --- tables -----------------------------------------------------------------------------


def _entries(text: str, open_brace: int) -> list[str]:
    """The top-level comma-separated items of the initialiser whose '{' is at open_brace."""
    items, depth, start, index = [], 0, open_brace + 1, open_brace
    while index < len(text):
        char = text[index]
        if char == '"':
            index = _string_end(text, index)
        depth += (char in "({[") - (char in ")}]")
        if depth == 0:
            items.append(text[start:index])
            break
        if depth == 1 and char == ",":
            items.append(text[start:index])
            start = index + 1
        index += 1
    return [item.strip() for item in items if item.strip()]


def _string_end(text: str, quote: int) -> int:
    match = _QUOTED.match(text, quote)
    return match.end() - 1 if match else quote


def _fields(entry: str) -> dict[str, str]:
    return {key: (string if string is not None else value) for key, value, string in
            ((m[1], m[2], m[3]) for m in _FIELD.finditer(entry))}


def _macros(files: dict[str, str]) -> dict[str, str]:
    return {m[1]: m[3].replace("\\\n", " ") for text in files.values() for m in _DEFINE.finditer(text)}


def _option_tables(text: str, macros: dict[str, str]):
    for table in _OPTION_TABLE.finditer(text):
        yield table[1], [o for entry in _entries(text, table.end() - 1) for o in _options(entry, macros, set())]


def _options(entry: str, macros: dict[str, str], expanding: set[str]) -> list[VirshOption]:
    if entry.startswith("{"):
        fields = _fields(entry)
        if fields.get("name") in (None, "NULL"):
            return []
        kind = fields.get("type", "VSH_OT_BOOL").removeprefix("VSH_OT_").lower()
        alias_of = fields.get("help", "").split("=")[0] if kind == "alias" else None
        return [VirshOption(fields["name"], kind, alias_of)]
    name = _WORD.match(entry)
    if name is None or name[0] not in macros or name[0] in expanding:
        return []
    body = macros[name[0]].strip()
    items = _entries("{" + body + "}", 0) if body else []
    return [o for item in items for o in _options(item, macros, expanding | {name[0]})]


def _enums(text: str) -> list[VirshEnum]:
    return [VirshEnum(m[1], m[2], tuple(s[1] for s in _ENUM_STRING.finditer(m[3]))) for m in _ENUM_IMPL.finditer(text)]


# --- handlers ---------------------------------------------------------------------------


def _calls(sources: CSources, handler: str, apis: set[str]) -> tuple[ApiCall, ...]:
    found: dict[str, ApiCall] = {}
    _walk(sources, handler, (), apis, found, MAX_DEPTH)
    return tuple(found.values())


def _walk(sources: CSources, function: str, via: tuple[str, ...], apis: set[str], found: dict, depth: int) -> None:
    body = sources.body(function)
    fallbacks = _fallbacks(body, apis, sources)
    for call in _CALL.finditer(body):
        callee = call[1]
        if callee in apis and callee not in found:
            found[callee] = ApiCall(callee, via, fallbacks.get(call.start()))
        elif depth and callee not in via and callee != function and sources.body(callee) is not None \
                and not _NOT_FOLLOWED.fullmatch(callee):
            _walk(sources, callee, via + (callee,), apis, found, depth - 1)


class _Code:
    """A function body indexed once (its `if`s, its bracket pairs), so that no question about it rescans it."""

    def __init__(self, body: str):
        self.body = body
        self.ifs = [m.end() - 1 for m in _IF.finditer(body)]  # the '(' of each `if`
        self._labels: dict[str, list[int]] = {}

    def label(self, name: str, start: int) -> int | None:
        """Offset of the first `name:` from start on."""
        if name not in self._labels:
            self._labels[name] = [m.start() for m in re.finditer(rf"\b{name}\s*:", self.body)]
        found = bisect_left(self._labels[name], start)
        return self._labels[name][found] if found < len(self._labels[name]) else None

    @cached_property
    def parens(self) -> dict[int, int]:
        return _pairs(self.body, "(", ")")

    @cached_property
    def braces(self) -> dict[int, int]:
        return _pairs(self.body, "{", "}")

    def ifs_before(self, at: int):
        """(open, close) of the condition of each `if` that starts before at, nearest first (close None: unclosed)."""
        for index in reversed(range(bisect_left(self.ifs, at))):
            yield self.ifs[index], self.parens.get(self.ifs[index])

    @cached_property
    def _depths(self) -> tuple[list[int], list[int], dict[int, list[int]]]:
        """Offsets of the braces, the depth after each, and depth -> offsets of the '}' that leave that depth."""
        offsets, depths, closes, depth = [], [], {}, 0
        for brace in re.finditer(r"[{}]", self.body):
            depth += 1 if brace[0] == "{" else -1
            offsets.append(brace.start())
            depths.append(depth)
            if brace[0] == "}":
                closes.setdefault(depth, []).append(brace.start())
        return offsets, depths, closes

    def block_end(self, at: int) -> int:
        """The first '}' from at on that closes a block opened before at (the body's end when none does)."""
        offsets, depths, closes = self._depths
        index = bisect_left(offsets, at)
        ends = closes.get((depths[index - 1] if index else 0) - 1, [])
        found = bisect_left(ends, at)
        return ends[found] if found < len(ends) else len(self.body)

    def statement_end(self, start: int) -> int:
        first = _SPACE.match(self.body, start).end()
        if self.body[first:first + 1] == "{":
            close = self.braces.get(first)
            return close + 1 if close is not None else len(self.body)
        semicolon = self.body.find(";", start)
        return semicolon + 1 if semicolon >= 0 else len(self.body)


def _pairs(text: str, opening: str, closing: str) -> dict[int, int]:
    """Offset of each opening bracket -> offset of the one closing it (depth counted from the opening one)."""
    pairs, open_ = {}, []
    for match in re.finditer(re.escape(opening) + "|" + re.escape(closing), text):
        if match[0] == opening:
            open_.append(match.start())
        elif open_:
            pairs[open_.pop()] = match.start()
    return pairs


def _fallbacks(body: str, apis: set[str], sources: CSources) -> dict[int, str]:
    """offset of a call -> the API whose VIR_ERR_NO_SUPPORT failure leads to it."""
    calls = [(m.start(), m[1]) for m in _CALL.finditer(body) if m[1] in apis or sources.body(m[1]) is not None]
    offsets = [offset for offset, _ in calls]
    code = _Code(body)
    found = {}
    for no_support in _NO_SUPPORT.finditer(body):
        index = bisect_left(offsets, no_support.start())
        if not index or calls[index - 1][1] not in apis:
            continue
        failed = calls[index - 1][1]
        start, end = _recovery(code, no_support.start())
        found.update({offset: failed for offset, api in calls[bisect_left(offsets, start):bisect_left(offsets, end)]
                      if api != failed})
    return found


def _recovery(code: _Code, at: int) -> tuple[int, int]:
    """The code that runs when the failure tested at `at` is VIR_ERR_NO_SUPPORT."""
    body = code.body
    condition = _enclosing_condition(code, at)
    if condition is None:
        return at, at
    open_paren, close = condition
    negated = "!=" in body[open_paren:close] or "!(" in body[open_paren:close]
    after = close + 1
    statement_end = code.statement_end(after)
    if not negated:
        return after, statement_end
    goto = _GOTO.match(body, after)
    target = code.label(goto[1], statement_end) if goto else None
    if target is not None and goto[1] not in ("error", "cleanup", "done"):
        return statement_end, target
    return statement_end, code.block_end(at)


def _enclosing_condition(code: _Code, at: int) -> tuple[int, int] | None:
    for open_paren, close in code.ifs_before(at):
        if close is not None and close > at:
            return open_paren, close
    return None


def _effects(sources: CSources, handler: str, options: set[str]) -> tuple[OptionEffect, ...]:
    text, code = sources.text(handler), _Code(sources.body(handler))
    variables = {m[1]: m[3] for m in _ASSIGNED.finditer(text) if m[3] in options}
    flags: dict[str, list[str]] = {}
    for assignment in _FLAGS_OR.finditer(code.body):
        for option in _options_guarding(text, code, assignment.start(), variables):
            flags.setdefault(option, []).extend(c for c in _CONSTANT.findall(assignment[1]) if c not in flags.get(option, ()))
    strings = {m[2]: m[1] for m in _OUT_ARG.finditer(text) if m[1] in options}
    enums = {strings[m[2]]: m[1] for m in _FROM_STRING.finditer(code.body) if m[2] in strings}
    return tuple(OptionEffect(o, tuple(flags.get(o, ())), enums.get(o)) for o in sorted(flags.keys() | enums.keys()))


def _options_guarding(text: str, code: _Code, at: int, variables: dict[str, str]) -> list[str]:
    """The options named in the condition of the innermost `if` whose statement holds offset at."""
    for open_paren, close in code.ifs_before(at):
        if close is None or code.statement_end(close + 1) <= at:
            continue
        condition = text[open_paren + 1:close]
        named = [m[3] for m in _OPT_CALL.finditer(condition)]
        named += [variables[w] for w in _WORD.findall(condition) if w in variables]
        if named:
            return list(dict.fromkeys(named))
    return []


# --- as plain data, for the tree-facts cache ---------------------------------------------


def virsh_to_data(facts: VirshFacts | None) -> dict | None:
    return asdict(facts) if facts is not None else None


def virsh_from_data(data: dict | None) -> VirshFacts | None:
    """The inverse of virsh_to_data; KeyError or TypeError when the data is not what it wrote."""
    if data is None:
        return None
    return VirshFacts([_command_from(c) for c in data["commands"]],
                      [VirshEnum(e["name"], e["last"], tuple(e["strings"])) for e in data["enums"]])


def _command_from(c: dict) -> VirshCommand:
    return VirshCommand(
        c["name"], c["path"], c["handler"], c["alias_of"],
        tuple(VirshOption(**o) for o in c["options"]),
        tuple(ApiCall(a["api"], tuple(a["via"]), a["fallback_of"]) for a in c["calls"]),
        tuple(OptionEffect(e["option"], tuple(e["flags"]), e["enum"]) for e in c["effects"]),
        tuple(c["unknown"]),
    )
