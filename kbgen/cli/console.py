"""What both command-line tools share: exit codes, errors, JSON output, a closed pipe, safe terminal output."""

from __future__ import annotations

import os
import sys

EXIT_OK, EXIT_NOT_FOUND, EXIT_ERROR, EXIT_WOULD_FAIL, EXIT_CANNOT_TELL = 0, 1, 2, 3, 4
EXIT_BROKEN_PIPE = 141  # what a shell reports for a command ended by SIGPIPE
JSON_FORMAT = "kbgen/1"  # of every --json output; the number changes only when a field is removed or changes meaning

# What a terminal acts on: C0 but the newline, DEL and C1, bidi controls, lone surrogates. str.translate tables,
# not `re`: kb's start-up would pay for importing it.
_RAW_IN_JSON = ((0x7F, 0xA0), (0x61C, 0x61D), (0x200E, 0x2010), (0x202A, 0x202F), (0x2066, 0x206A), (0xD800, 0xE000))
_TABLES: dict[str, dict[int, str]] = {}  # built on first use: most of kb's runs print nothing that needs them


def _table(name: str) -> dict[int, str]:
    if name not in _TABLES:
        raw = [code for start, end in _RAW_IN_JSON for code in range(start, end)]
        _TABLES["json"] = {code: f"\\u{code:04x}" for code in raw}  # json escapes C0 itself
        _TABLES["terminal"] = {code: (f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")
                               for code in [*range(0x0A), *range(0x0B, 0x20), *raw]}
    return _TABLES[name]
_SGR = "\x1b["  # render.text.Style's codes: ESC [ digit(s) m


def visible(text: str, style: bool = False) -> str:
    """TEXT with each control character a terminal acts on written out (ESC as \\x1b, U+202E as \\u202e); STYLE keeps SGR codes."""
    if text.isprintable() or text.replace("\n", "").isprintable():  # every character the tables escape is unprintable
        return text  # to Python: the common cases (a line, lines) cost a scan or two
    terminal = _table("terminal")
    if not style or _SGR not in text:
        return text.translate(terminal)
    first, *rest = text.split(_SGR)
    out = [first.translate(terminal)]
    for part in rest:
        end = part.find("m")
        if end in (1, 2) and part[:end].isascii() and part[:end].isdigit():
            out.append(_SGR + part[:end + 1] + part[end + 1:].translate(terminal))
        else:
            out.append((_SGR + part).translate(terminal))
    return "".join(out)


def visible_data(value):
    """An answer (dicts, lists, strings) with every string visible(), newlines too: for renderers that lay out the lines themselves."""
    return value if _printable(value) else _visible_data(value)


def _printable(value) -> bool:
    """Whether every string in VALUE is printable: most answers are, and are then used as they are (no copy)."""
    kind = type(value)
    if kind is str:
        return value.isprintable()
    if kind is dict:
        return all(map(_printable, value)) and all(map(_printable, value.values()))
    if kind is list or kind is tuple:
        return all(map(_printable, value))
    return True


def _visible_data(value):
    kind = type(value)
    if kind is str:
        return value if value.isprintable() else visible(value).replace("\n", "\\x0a")
    if kind is dict:
        return {_visible_data(k): _visible_data(v) for k, v in value.items()}
    if kind is list or kind is tuple:
        return [_visible_data(v) for v in value]
    return value


class _Visible:
    """A text stream that writes every control character visibly; the newline, and a carriage return opening
    a write (a progress line redrawn in place), are the layout's. With `style`, render.text.Style's codes pass."""

    def __init__(self, stream):
        self.stream, self.style = stream, False

    def write(self, text: str) -> int:
        redraw = "\r" if text.startswith("\r") else ""
        self.stream.write(redraw + visible(text[len(redraw):], self.style))
        return len(text)

    def __getattr__(self, name: str):
        return getattr(self.stream, name)


def terminal_output(main):
    """A command's entry point: everything it writes to stdout and stderr goes through visible(), and
    `kb ... | head` ends quietly, as other command-line tools do (without importing signal)."""

    def run(argv: list[str] | None = None) -> int:
        saved = sys.stdout, sys.stderr
        sys.stdout, sys.stderr = _Visible(sys.stdout), _Visible(sys.stderr)
        try:
            code = main(argv)
            sys.stdout.flush()  # a pipe closed early fails here, inside the try, not at interpreter exit
            return code
        except BrokenPipeError:
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            return EXIT_BROKEN_PIPE
        finally:
            sys.stdout, sys.stderr = saved

    return run


def let_style_through(on: bool) -> None:
    """kb colours answers only after visible_data() escaped them: its SGR codes may then pass stdout."""
    if isinstance(sys.stdout, _Visible):
        sys.stdout.style = on


def json_text(command: str, payload: dict) -> str:
    """COMMAND's answer in the envelope of every --json output (docs/json.md), as indented JSON:
    non-ASCII kept but DEL, C1, bidi controls and lone surrogates as \\u escapes."""
    import json

    data = {"format": JSON_FORMAT, "command": command} | payload
    return json.dumps(data, indent=2, ensure_ascii=False).translate(_table("json"))


def print_json(command: str, payload: dict) -> None:
    sys.stdout.write(json_text(command, payload) + "\n")


def fail(message: str) -> int:
    print(message, file=sys.stderr)
    return EXIT_ERROR
