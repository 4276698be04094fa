"""Plain-text rendering of query answers for a terminal (the `kb` default output)."""

from __future__ import annotations

import os
import sys
import textwrap

SOURCE_LABELS = {
    "xml-version": "version attribute in",
    "hvsupport": "Version column of",
    "first-seen": "first ingested release containing it (upper bound):",
}


class Style:
    """ANSI styling, only on a terminal and never with NO_COLOR set."""

    def __init__(self, stream=None):
        stream = stream or sys.stdout
        self.on = stream.isatty() and not os.environ.get("NO_COLOR") and os.environ.get("TERM") != "dumb"

    def _wrap(self, code: str, text: str) -> str:
        return f"\033[{code}m{text}\033[0m" if self.on else text

    def bold(self, text: str) -> str:
        return self._wrap("1", text)

    def version(self, text: str) -> str:
        return self._wrap("32", text)

    def removed(self, text: str) -> str:
        return self._wrap("31", text)

    def dim(self, text: str) -> str:
        return self._wrap("2", text)


def width() -> int:
    try:
        columns = os.get_terminal_size(sys.stdout.fileno()).columns
    except (OSError, ValueError, AttributeError):
        columns = int(os.environ.get("COLUMNS", 100)) if os.environ.get("COLUMNS", "").isdigit() else 100
    return max(60, min(columns, 120))


def since(answer: dict, s: Style) -> list[str]:
    kind = "enum constant" if answer["kind"] == "enum" else answer["kind"]
    where = f" ({answer['file']})" if answer.get("file") else ""
    lines = [f"{s.bold(answer['name'])}  {kind}{where}  added in {s.version(answer['since_display'])}"]
    if answer.get("module") and answer["module"] != "libvirt":
        lines.append(_field("module", answer["module"]))
    if answer["kind"] == "enum":
        lines.append(_field("type", f"{answer['enum_type']} = {answer['value']}"))
        taken = ", ".join(f"{f['name']} ({f['since']})" for f in answer.get("taken_by", []))
        lines.append(_field("taken by", taken or "no function names this type in its flags argument"))
    elif answer["kind"] == "macro" and answer.get("value"):
        lines.append(_field("value", f'"{answer["value"]}"'))
    if answer["kind"] == "internal":
        lines.append(_field("note", "internal driver entry point listed in hvsupport.html, not a public API"))
    if "drivers" in answer:
        lines += _drivers(answer["drivers"], s)
    for flag_type in answer.get("flags", []):
        lines += _flags(flag_type, s)
    lines.append(_field("source", _source(answer), s.dim))
    return lines


def _field(label: str, text: str, paint=lambda t: t) -> str:
    return f"  {label:<8} {paint(text)}"


def _source(answer: dict) -> str:
    label = SOURCE_LABELS.get(answer["since_source"], answer["since_source"])
    return f"{label} {answer['since_origin']}"


def _drivers(drivers: list[dict], s: Style) -> list[str]:
    if not drivers:
        return [_field("drivers", "none listed in hvsupport.html")]
    items = [f"{d['driver']} {d['since']}" + (f" (removed in {d['removed_in']})" if d["removed_in"] else "") for d in drivers]
    return [_field("drivers" if i == 0 else "", line) for i, line in enumerate(_pack(items, " · ", width() - 11))]


def _pack(items: list[str], sep: str, limit: int) -> list[str]:
    """Join items into lines of at most `limit` characters, never splitting an item."""
    lines = [items[0]]
    for item in items[1:]:
        if len(lines[-1]) + len(sep) + len(item) > limit:
            lines[-1] += sep.rstrip()
            lines.append(item)
        else:
            lines[-1] += sep + item
    return lines


def _flags(flag_type: dict, s: Style) -> list[str]:
    lines = [_field("flags", flag_type["enum_type"])]
    constants = flag_type["constants"]
    pad = max((len(c["name"]) for c in constants), default=0) + 2
    lines += [_field("", f"{c['name']:<{pad}}{s.version(c['since_display'])}") for c in constants]
    return lines


def show(answer: dict, s: Style) -> list[str]:
    lines = since(answer, s)
    lines.append(_field("present", f"{answer.get('first_release')} .. {answer.get('last_release')} (ingested releases)"))
    if answer.get("siblings"):
        lines.append(_field("siblings", f"{len(answer['siblings'])} constants of {answer['enum_type']}"))
        pad = max(len(c["name"]) for c in answer["siblings"]) + 2
        lines += [_field("", f"{c['name']:<{pad}}{c['value']:>6}  {c['since_display']}") for c in answer["siblings"]]
    if answer.get("hvsupport"):
        h = answer["hvsupport"]
        lines.append(_field("matrix", f"{h['driver_group']} table, Version {h['version']} ({h['origin']})"))
    for d in answer.get("disagreements", []):
        lines.append(_field("CONFLICT", d["detail"], s.removed))
    return lines


def search(answer: dict, s: Style) -> list[str]:
    results = answer["results"]
    if not results:
        return [f"no symbol matches {answer['pattern']!r}"]
    pad = max(len(r["name"]) for r in results) + 2
    lines = [f"{r['name']:<{pad}}{r['kind']:<10}{(r['module'] or ''):<9}{s.version(r['since_display'])}" for r in results]
    if answer["total"] > len(results):
        lines.append(s.dim(f"... {answer['total'] - len(results)} more; use --limit"))
    return lines


def diff(answer: dict, s: Style) -> list[str]:
    lines = [s.bold(f"new after {answer['from']}, up to {answer['to']}")]
    for kind, modules in answer["added"].items():
        for module, names in modules.items():
            lines.append(f"  {kind} ({module}): {len(names)}")
            lines += textwrap.wrap(", ".join(names), width=width(), initial_indent="    ", subsequent_indent="    ")
    for label, key in (("driver support gained", "drivers_gained"), ("driver support removed", "drivers_lost")):
        changes = answer[key]
        if changes:
            lines.append(s.bold(label))
            for driver, items in changes.items():
                text = ", ".join(f"{c['api']} ({c['version']})" for c in items)
                lines += textwrap.wrap(f"{driver} [{len(items)}]: {text}", width=width(), initial_indent="  ", subsequent_indent="    ")
    if len(lines) == 1:
        lines.append("  nothing")
    return lines


def drivers(answer: dict, s: Style) -> list[str]:
    if "drivers" in answer:
        lines = [f"{'driver':<11}{'APIs':>5}{'removed':>9}  {'first':<8}  groups"]
        for d in answer["drivers"]:
            lines.append(f"{d['driver']:<11}{d['apis']:>5}{d['removed']:>9}  {d['first']:<8}  {', '.join(d['groups'])}")
        return lines
    lines = [s.bold(f"{answer['driver']}: {len(answer['apis'])} APIs")]
    for g in answer["gained"]:
        lines += textwrap.wrap(f"{g['version']:>7}  " + ", ".join(g["apis"]), width=width(), subsequent_indent=" " * 9)
    removed = [a for a in answer["apis"] if a["removed_in"]]
    if removed:
        lines.append(s.bold("removed"))
        lines += [f"  {a['api']} ({a['since']}-{a['removed_in']})" for a in removed]
    return lines


def not_found(name: str, suggestions: list[str]) -> str:
    text = f"{name!r}: not a libvirt symbol in this knowledge base"
    if suggestions:
        text += f"; did you mean {' or '.join(suggestions[:3])}?"
    return text
