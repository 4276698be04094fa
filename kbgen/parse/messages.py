"""The error messages a libvirt source tree can raise, and the prefix libvirt prints before each error code.

Each `virReportError(VIR_ERR_X, _("format"), ...)`, `virReportSystemError(errno, ...)`,
`virReportErrorHelper(from, code, file, func, line, format, ...)`, `virReportInvalidArg`,
`virReportRestrictedError` and tools' `vshError(ctl, format, ...)` gives one Message: its
format string (adjacent literals joined; `"%s", _("text")` read as "text"), error code,
file, enclosing function and component (from the directory). virerror.c's
virErrorMsgStrings table (or the older virErrorMsg switch) gives each code's prefix.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from pathlib import PurePosixPath

from kbgen.parse.checkflags import CSources, _blank

ERROR_FILE = "src/util/virerror.c"
PLACEHOLDER = re.compile(r"%(?:[0-9]+\$)?[-+ #0']*(?:[0-9]+|\*)?(?:\.(?:[0-9]+|\*))?(?:hh|h|ll|l|L|q|j|z|t)?[diouxXeEfFgGaAcspn]")
# printer -> (index of the code argument or the code itself, index of the format argument, errno argument)
PRINTERS = {
    "virReportError": (0, 1, None),
    "virReportSystemError": ("VIR_ERR_SYSTEM_ERROR", 1, 0),
    "virReportErrorHelper": (1, 5, None),
    "virReportInvalidArg": ("VIR_ERR_INVALID_ARG", 1, None),
    "virReportRestrictedError": ("VIR_ERR_OPERATION_DENIED", 0, None),
    "vshError": (None, 1, None),
}
_CALL = re.compile(r"\b(" + "|".join(PRINTERS) + r")\s*\(")
_TRANSLATED = re.compile(r"\s*N?_\s*\((.*)\)\s*", re.DOTALL)
_LITERAL_TOKEN = re.compile(r'"((?:\\.|[^"\\])*)"|([A-Za-z_][A-Za-z0-9_]*)|(\s+)', re.DOTALL)
_ESCAPE = re.compile(r"\\(x[0-9a-fA-F]{1,2}|[0-7]{1,3}|.)", re.DOTALL)
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "a": "\a", "b": "\b", "f": "\f", "v": "\v"}
_CODE = re.compile(r"VIR_(?:ERR|WAR)_[A-Z0-9_]+")
_TABLE_ENTRY = re.compile(r"\[\s*(VIR_(?:ERR|WAR)_[A-Z0-9_]+)\s*\]\s*=\s*\{([^{}]*)\}")
_SWITCH_CASE = re.compile(r"\bcase\s+(VIR_(?:ERR|WAR)_[A-Z0-9_]+)\s*:(.*?)(?=\bcase\s+VIR_|\bdefault\s*:|\Z)", re.DOTALL)
_STRING = re.compile(r'"((?:\\.|[^"\\])*)"')
_WORD = re.compile(r"[A-Za-z]{3,}")
_CALLED = re.compile(r"\b([A-Za-z_][A-Za-z0-9_]*)\s*\(")
TOOL_COMPONENTS = (("virsh", "virsh"), ("vsh", "virsh"), ("virt-admin", "virt-admin"), ("virt-host-validate", "virt-host-validate"))


@dataclass(frozen=True)
class Message:
    template: str
    code: str | None  # VIR_ERR_*; None: vshError, or a code held in a variable
    function: str | None  # None: raised outside a function body (a macro)
    file: str
    component: str
    errno: str | None = None  # virReportSystemError's errno argument as written


@dataclass(frozen=True)
class ErrorCode:
    code: str
    text: str  # printed without detail
    text_info: str  # printed with the detail: "invalid argument: %s"


def parse_messages(files: dict[str, str]) -> list[Message]:
    """files: path relative to the tree's root -> text, src/ and tools/ C sources."""
    sources = CSources(files)
    spans = sources.spans()
    messages = []
    for path, text in files.items():
        messages += _file_messages(path, text, spans.get(path, []))
    return messages


def _file_messages(path: str, text: str, spans: list[tuple[int, int, str]]) -> list[Message]:
    code = _blank(text)
    starts = [s[0] for s in spans]
    found = []
    for call in _CALL.finditer(code):
        message = _message(call.group(1), _argument_texts(code, text, call.end() - 1), path)
        if message is not None:
            index = bisect.bisect(starts, call.start()) - 1
            function = spans[index][2] if index >= 0 and call.start() < spans[index][1] else None
            found.append(Message(message[0], message[1], function, PurePosixPath(path).name, component(path), message[2]))
    return found


def _message(printer: str, arguments: list[str], path: str) -> tuple[str, str | None, str | None] | None:
    code_at, format_at, errno_at = PRINTERS[printer]
    if len(arguments) <= format_at:
        return None
    template = literal(arguments[format_at])
    if template == "%s" and len(arguments) > format_at + 1:
        template = literal(arguments[format_at + 1])
    if template is None or not _WORD.search(PLACEHOLDER.sub("", template)):
        return None
    code = code_at if isinstance(code_at, str) or code_at is None else arguments[code_at].strip()
    errno = arguments[errno_at].strip() if errno_at is not None else None
    return template, code if code and _CODE.fullmatch(code) else None, errno


def _argument_texts(code: str, text: str, open_paren: int) -> list[str]:
    """The call's top-level arguments as written, split where the blanked code has its commas."""
    arguments, depth, start = [], 0, open_paren + 1
    for index in range(open_paren, len(code)):
        char = code[index]
        if char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
            if depth == 0:
                return arguments + [text[start:index]]
        elif char == "," and depth == 1:
            arguments.append(text[start:index])
            start = index + 1
    return arguments


def literal(argument: str) -> str | None:
    """The string an argument made of string literals spells (inside _() or N_()); a macro between literals (PRIu64)
    reads as a conversion. None when the argument is anything else."""
    translated = _TRANSLATED.fullmatch(argument)
    inner = translated.group(1) if translated else argument
    parts, index, seen = [], 0, False
    while index < len(inner):
        token = _LITERAL_TOKEN.match(inner, index)
        if token is None:
            return None
        if token.group(1) is not None:
            parts.append(_unescape(token.group(1)))
            seen = True
        elif token.group(2):
            parts.append("d" if parts and parts[-1].endswith("%") else "%s")
        index = token.end()
    return "".join(parts) if seen else None


def _unescape(text: str) -> str:
    def one(match: re.Match) -> str:
        escape = match.group(1)
        if escape[0] == "x" and len(escape) > 1:  # \x without hex digits (no C compiler takes it) reads as "x"
            return chr(int(escape[1:], 16))
        if escape[0] in "01234567":
            return chr(int(escape, 8))
        return _ESCAPES.get(escape, escape)
    return _ESCAPE.sub(one, text)


def component(path: str) -> str:
    """The driver or component a file belongs to: src/qemu/... -> qemu, src/libvirt-domain.c -> libvirt, tools/virsh-domain.c -> virsh."""
    parts = PurePosixPath(path).parts
    if parts[0] == "src":
        return parts[1] if len(parts) > 2 else "libvirt"
    if len(parts) > 2:
        return parts[1]
    stem = PurePosixPath(path).stem
    return next((name for prefix, name in TOOL_COMPONENTS if stem.startswith(prefix)), stem)


def parse_error_codes(text: str) -> list[ErrorCode]:
    """Each code's words from virerror.c: the virErrorMsgStrings table, else virErrorMsg's switch (older releases)."""
    entries = [(code, body) for code, body in _TABLE_ENTRY.findall(_without_comments(text))]
    if not entries:
        function = text.partition("\nvirErrorMsg(")[2].partition("\n}")[0]
        entries = _SWITCH_CASE.findall(function)
    codes = []
    for code, body in entries:
        strings = [_unescape(s) for s in _STRING.findall(body)]
        plain = next((s for s in strings if not PLACEHOLDER.search(s)), None)
        info = next((s for s in strings if PLACEHOLDER.search(s)), None)
        if plain is not None and info is not None:
            codes.append(ErrorCode(code, plain, info))
    return codes


def _without_comments(text: str) -> str:
    return re.sub(r"/\*.*?\*/", " ", text, flags=re.DOTALL)


def reaching_apis(entries, raisers: set[str], depth: int = 2) -> dict[str, list[str]]:
    """raiser -> the APIs whose table entry raises it directly or through callees up to depth calls deep.
    entries: (api, CSources of the entry's driver, the entry's function)."""
    callees: dict[tuple[int, str], set[str]] = {}
    reached: dict[str, set[str]] = {}
    for api, sources, function in entries:
        level, seen = {function}, {function}
        for _ in range(depth):
            level = {c for f in level for c in _callees(sources, f, callees)} - seen
            seen |= level
        for raiser in seen & raisers:
            reached.setdefault(raiser, set()).add(api)
    return {raiser: sorted(apis) for raiser, apis in reached.items()}


def _callees(sources: CSources, function: str, memo: dict) -> set[str]:
    key = (id(sources), function)
    if key not in memo:
        body = sources.body(function) or ""
        memo[key] = {name for name in _CALLED.findall(body) if sources.body(name) is not None}
    return memo[key]
