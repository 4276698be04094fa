"""The flags a driver's implementation of an API accepts, read from its C source.

libvirt drivers start an implementation that takes `unsigned int flags` with
`virCheckFlags(MASK, RET)` (or `virCheckFlagsGoto(MASK, LABEL)`), which rejects
every flag outside MASK. MASK is `0` or flag names joined by `|`, sometimes
through a `#define` of the driver's own. Some implementations pass `flags` on to
a helper that does the check; those calls are followed a few levels deep.
Whatever cannot be read with certainty is reported as unknown, with the reason.
"""

from __future__ import annotations

import bisect
import re
from collections import ChainMap
from dataclasses import dataclass
from pathlib import PurePosixPath

_NOISE = re.compile(r"""//[^\n]*|/\*.*?\*/|"(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*'""", re.DOTALL)
_DIRECTIVE = re.compile(r"^[ \t]*#(?:[^\n]*\\\n)*[^\n]*", re.MULTILINE)
_BRACE = re.compile(r"[{}]")
_NEWLINE = re.compile(r"\n")
_MACRO = re.compile(r"^[ \t]*#[ \t]*define[ \t]+(\w+)(?!\()((?:[^\n]*\\\n)*[^\n]*)", re.MULTILINE)
_CHECK = re.compile(r"\b(virCheckFlags(?:Goto)?)\s*\(")
_CALL = re.compile(r"\b(\w+)\s*\(")
_FLAGS = re.compile(r"\bflags\b")
_MASK_TOKEN = re.compile(r"\s*(\w+|[|()])")
_FLAG_NAME = re.compile(r"VIR_[A-Z0-9_]+")


@dataclass(frozen=True)
class FlagCheck:
    function: str
    flags: tuple[str, ...] | None
    via: tuple[str, ...]
    reason: str


@dataclass(frozen=True)
class _Function:
    path: str
    params: str
    body: str
    body_line: int
    start: int


class _UnreadableMask(Exception):
    """A virCheckFlags mask that is not flag names joined by `|`."""


class CSources:
    """The C sources of one driver directory, indexed once: function bodies and #define macros."""

    def __init__(self, files: dict[str, str], shared: CSources | None = None):
        """`shared`: sources indexed once and consulted after these (libvirt's conf/, util/, ...)."""
        self._functions: dict[str, _Function] = {}
        self._macros: dict[str, str] = {}
        self._texts: dict[str, str] = {}
        for path, text in files.items():
            self._index(path, _blank(text))
            self._texts[path] = text
        if shared is not None:
            self._functions = ChainMap(self._functions, shared._functions)
            self._macros = ChainMap(self._macros, shared._macros)
            self._texts = ChainMap(self._texts, shared._texts)

    def _index(self, path: str, code: str) -> None:
        for name, body in _MACRO.findall(code):
            self._macros.setdefault(name, body.replace("\\\n", " ").strip())
        code = _DIRECTIVE.sub(_spaces, code)
        newlines = [match.start() for match in _NEWLINE.finditer(code)]
        for name, params, body_start, body_end in _top_level_functions(code):
            line = bisect.bisect(newlines, body_start) + 1
            self._functions.setdefault(name, _Function(path, params, code[body_start:body_end], line, body_start))

    def body(self, function: str) -> str | None:
        """The body of a function defined in these sources (comments and strings blanked), or None."""
        found = self._functions.get(function)
        return found.body if found else None

    def text(self, function: str) -> str | None:
        """The body of a function as written (comments and strings kept; same offsets as body()), or None."""
        found = self._functions.get(function)
        return self._texts[found.path][found.start:found.start + len(found.body)] if found else None

    def parameters(self, function: str) -> str | None:
        """The parameter list of a function defined in these sources, or None."""
        found = self._functions.get(function)
        return found.params if found else None

    def spans(self) -> dict[str, list[tuple[int, int, str]]]:
        """path -> (body start, body end, name) of each function these sources (not the shared ones) define there, in order."""
        own = self._functions.maps[0] if isinstance(self._functions, ChainMap) else self._functions
        by_path: dict[str, list[tuple[int, int, str]]] = {}
        for name, f in own.items():
            by_path.setdefault(f.path, []).append((f.start, f.start + len(f.body), name))
        return {path: sorted(spans) for path, spans in by_path.items()}

    def macro(self, name: str) -> str | None:
        """The replacement text of an object-like #define in these sources, or None."""
        return self._macros.get(name)

    def location(self, function: str, offset: int) -> str:
        """'file.c:LINE' of the character at offset in the function's body."""
        found = self._functions[function]
        return f"{PurePosixPath(found.path).name}:{found.body_line + found.body.count(chr(10), 0, offset)}"

    def check(self, function: str, max_depth: int = 3) -> FlagCheck:
        """The flags `function` accepts, following `flags` into callees up to max_depth calls deep."""
        if function not in self._functions:
            return FlagCheck(function, None, (), "definition not found in the given sources")
        found = self._search(function, (function,), max_depth)
        if found is not None:
            flags, chain, reason = found
            return FlagCheck(function, flags, chain[1:], reason)
        if not _FLAGS.search(self._functions[function].params):
            return FlagCheck(function, None, (), "no flags parameter")
        return FlagCheck(function, None, (), "no virCheckFlags, and flags is not passed to a function in the given sources")

    def _search(self, name: str, chain: tuple[str, ...], depth: int):
        """(flags or None, call chain, reason) from the first check found, or None."""
        body = self._functions[name].body
        check = _CHECK.search(body)
        if check is not None:
            flags, reason = self._read_check(self._functions[name], check)
            return flags, chain, reason
        for callee in _forwarded_to(body) if depth > 0 else ():
            if callee in self._functions and callee not in chain:
                found = self._search(callee, chain + (callee,), depth - 1)
                if found is not None:
                    return found
        return None

    def _read_check(self, function: _Function, check: re.Match) -> tuple[tuple[str, ...] | None, str]:
        line = function.body_line + function.body.count("\n", 0, check.start())
        where = f"{check.group(1)} in {PurePosixPath(function.path).name}:{line}"
        mask = _arguments(function.body, check.end() - 1)[0]
        try:
            return tuple(dict.fromkeys(self._mask(mask, set()))), where
        except _UnreadableMask as err:
            return None, f"{where}: {err}"
        except RecursionError:  # hundreds of nested parentheses or macros: no libvirt mask looks like that
            return None, f"{where}: mask nests parentheses or macros too deeply to read"

    def _mask(self, text: str, expanding: set[str]) -> list[str]:
        names, rest = self._alternatives(_mask_tokens(text), expanding)
        if rest:
            raise _not_a_mask(text)
        return names

    def _alternatives(self, tokens: list[str], expanding: set[str]) -> tuple[list[str], list[str]]:
        names, tokens = self._term(tokens, expanding)
        while tokens[:1] == ["|"]:
            more, tokens = self._term(tokens[1:], expanding)
            names += more
        return names, tokens

    def _term(self, tokens: list[str], expanding: set[str]) -> tuple[list[str], list[str]]:
        if not tokens:
            raise _UnreadableMask("mask ends where a flag name was expected")
        token, rest = tokens[0], tokens[1:]
        if token == "(":
            names, rest = self._alternatives(rest, expanding)
            if rest[:1] != [")"]:
                raise _UnreadableMask("unbalanced parentheses in mask")
            return names, rest[1:]
        if rest[:1] == ["("]:
            raise _UnreadableMask(f"mask calls {token}()")
        return self._name(token, expanding), rest

    def _name(self, token: str, expanding: set[str]) -> list[str]:
        if token == "0":
            return []
        if token in self._macros and token not in expanding:
            return self._mask(self._macros[token], expanding | {token})
        if _FLAG_NAME.fullmatch(token):
            return [token]
        raise _UnreadableMask(f"mask uses {token!r}, which is neither a flag name nor a macro defined in the given sources")


def _blank(text: str) -> str:
    """The text with comments and string and character literals blanked out, newlines kept."""
    return _NOISE.sub(_spaces, text)


def _spaces(match: re.Match) -> str:
    return "\n".join(" " * len(part) for part in match.group().split("\n"))


def _top_level_functions(code: str):
    """(name, parameters, body start, body end) of each `name(...) { ... }` at file level."""
    depth, previous_end, start = 0, 0, 0
    for brace in _BRACE.finditer(code):
        if brace.group() == "{":
            depth += 1
            if depth == 1:
                start = brace.start()
        elif depth > 0:
            depth -= 1
            if depth == 0:
                head = _function_head(code[previous_end:start])
                if head is not None:
                    yield (*head, start, brace.end())
                previous_end = brace.end()


def _function_head(text: str) -> tuple[str, str] | None:
    """The name and parameters when text (what precedes a top-level '{') ends a function's declarator."""
    text = text.rstrip()
    if not text.endswith(")"):
        return None
    open_paren = _opening(text, len(text) - 1)
    name = _last_word(text[:open_paren]) if open_paren is not None else ""
    if not name:
        return None
    return name, text[open_paren + 1:-1]


def _last_word(text: str) -> str:
    text = text.rstrip()
    start = len(text)
    while start > 0 and (text[start - 1].isalnum() or text[start - 1] == "_"):
        start -= 1
    return text[start:]


def _opening(text: str, close: int) -> int | None:
    depth = 0
    for index in range(close, -1, -1):
        depth += {")": 1, "(": -1}.get(text[index], 0)
        if depth == 0:
            return index
    return None


def _closing(code: str, start: int) -> int | None:
    depth = 0
    for index in range(start, len(code)):
        depth += {"(": 1, ")": -1}.get(code[index], 0)
        if depth == 0:
            return index
    return None


def _arguments(code: str, open_paren: int) -> list[str]:
    """The top-level comma-separated arguments of the call whose '(' is at open_paren."""
    end = _closing(code, open_paren)
    inner = code[open_paren + 1:end if end is not None else len(code)]
    arguments, depth, start = [], 0, 0
    for index, char in enumerate(inner):
        depth += char in "([{"
        depth -= char in ")]}"
        if char == "," and depth == 0:
            arguments.append(inner[start:index].strip())
            start = index + 1
    arguments.append(inner[start:].strip())
    return arguments


def _forwarded_to(body: str) -> list[str]:
    """Functions called with `flags` itself as one of their arguments, in order of appearance."""
    return [call.group(1) for call in _CALL.finditer(body) if "flags" in _arguments(body, call.end() - 1)]


def _mask_tokens(text: str) -> list[str]:
    text = text.replace("\\\n", " ").strip()
    tokens, index = [], 0
    while index < len(text):
        match = _MASK_TOKEN.match(text, index)
        if match is None:
            raise _not_a_mask(text)
        tokens.append(match.group(1))
        index = match.end()
    return tokens


def _not_a_mask(text: str) -> _UnreadableMask:
    return _UnreadableMask(f"mask {' '.join(text.split())!r} is not flag names joined by '|'")
