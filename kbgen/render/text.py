"""Plain-text rendering of query answers for a terminal (the `kb` default output)."""

from __future__ import annotations

import os
import sys

from kbgen.render import bindingtext
from kbgen.render.bounds import bound_text, date_suffix, dated_text, since_text

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


def _argtext():
    """The renderer of typed parameters and validated arguments, imported only for answers that have them: kb's start-up."""
    from kbgen.render import argtext

    return argtext


def since(answer: dict, s: Style) -> list[str]:
    if "path" in answer:
        from kbgen.render import xmltext  # only for its commands: kb's start-up

        return xmltext.since(answer, s)
    kind = "enum constant" if answer["kind"] == "enum" else answer["kind"]
    where = f" ({answer['file']})" if answer.get("file") else ""
    lines = [f"{s.bold(answer['name'])}  {kind}{where}  added in {s.version(dated_text(answer['since']))}"]
    lines += bindingtext.typed_as_lines(answer)
    if answer.get("module") and answer["module"] != "libvirt":
        lines.append(_field("module", answer["module"]))
    if answer["kind"] == "enum":
        lines.append(_field("type", f"{answer['enum_type']} = {_enum_value(answer)}"))
        taken = ", ".join(f"{f['name']} ({bound_text(f['since'])})" for f in answer.get("taken_by", []))
        if taken or not answer.get("taken_as_argument"):
            lines.append(_field("taken by", taken or "no function names this type in its flags argument"))
        lines += _argtext().enum_lines(answer)
    elif answer["kind"] == "macro" and answer.get("macro_value"):
        lines.append(_field("value", f'"{answer["macro_value"]}"'))
        lines += _argtext().macro_lines(answer)
    if answer["kind"] == "internal":
        lines.append(_field("note", "internal driver entry point listed in hvsupport.html, not a public API"))
    if answer.get("procedures"):
        lines.append(_field("rpc", ", ".join(f"{p['protocol']} procedure {p['number']}" for p in answer["procedures"])))
    if "drivers" in answer:
        lines += _drivers(answer["drivers"], s)
    for flag_type in answer.get("flags", []):
        lines += _flags(flag_type, s)
    if answer.get("flags_by_driver"):
        lines += _flags_by_driver(answer["flags_by_driver"], _flag_prefix(answer))
    if answer.get("params_by_driver") or answer.get("validated_arguments"):
        lines += _argtext().function_lines(answer, width())
    for verdict in answer.get("driver_acceptance", []):
        lines.append(_field("accepted", _acceptance(verdict)))
    lines += bindingtext.bindings_line(answer)
    lines.append(_field("source", _source(answer), s.dim))
    return lines


def _flag_prefix(answer: dict) -> str:
    names = [c["name"] for t in answer.get("flags", []) for c in t["constants"]]
    prefix = os.path.commonprefix(names) if len(names) > 1 else ""
    return prefix[: prefix.rfind("_") + 1]


def _flags_by_driver(drivers: list[dict], prefix: str) -> list[str]:
    lines = [_field("accepts", "flags by driver, from the virCheckFlags masks of the source trees" + (f" ({prefix}*)" if prefix else ""))]
    pad = max(len(d["driver"]) for d in drivers) + 2
    for d in drivers:
        if not d["known"]:
            text = f"unknown as of {d['tree']} ({d['reason']})"
        elif not d["bits"]:
            text = f"no flags (as of {d['tree']})"
        else:
            text = " · ".join(f"{_bit_names(b, prefix)} {bound_text(b['since'])}" for b in d["bits"])
        for i, line in enumerate(_pack(text.split(" · "), " · ", width() - 11 - pad)):
            lines.append(_field("", f"{d['driver'] if i == 0 else '':<{pad}}{line}"))
    return lines


def _bit_names(bit: dict, prefix: str) -> str:
    """'0x1 AFFECT_LIVE (VIR_DOMAIN_AFFECT_LIVE)': a bit, the API's own name for it and the names its masks used."""
    names = [n.removeprefix(prefix) for n in bit["names"]]
    return f"{bit['bit']:#x} {names[0]}" + (f" ({', '.join(names[1:])})" if names[1:] else "")


def _acceptance(verdict: dict) -> str:
    where = f"{verdict['function']} ({verdict['driver']})"
    if verdict["status"] == "accepted":
        bit = f"; bit {verdict['bit']:#x} {since_text(verdict['bit_since'])} as {', '.join(verdict['bit_names'])}"
        return f"{where}: {since_text(verdict['since'])}" + (bit if bound_text(verdict["bit_since"]) != bound_text(verdict["since"]) else "")
    return f"{where}: " + {
        "rejected": f"not accepted (as of {verdict['tree']})",
        "unknown": f"unknown ({verdict['reason']})",
        "past-sources": f"unknown (newest analysed source: {verdict['tree']})",
        "zero": "value 0, nothing to reject",
    }.get(verdict["status"], "no flag check known (the driver may not implement it)")


def _field(label: str, text: str, paint=lambda t: t) -> str:
    return f"  {label:<8} {paint(text)}"


def _source(answer: dict) -> str:
    label = SOURCE_LABELS.get(answer["since_source"], answer["since_source"])
    return f"{label} {answer['since_origin']}"


def _drivers(drivers: list[dict], s: Style) -> list[str]:
    if not drivers:
        return [_field("drivers", "none listed in hvsupport.html")]
    items = [f"{d['driver']} {bound_text(d['since'])}{date_suffix(d['since'])}" + _backends(d) + (f" (removed in {d['removed_in']})" if d["removed_in"] else "")
             for d in drivers]
    return [_field("drivers" if i == 0 else "", line) for i, line in enumerate(_pack(items, " · ", width() - 11))]


def _backends(support: dict) -> str:
    """' (netcf 0.7.0, udev 1.0.0)': the backends of a driver built from one of several."""
    if not support.get("backends"):
        return ""
    return " (" + ", ".join(f"{b['backend']} {bound_text(b['since'])}" for b in support["backends"]) + ")"


def _pack(items: list[str], sep: str, limit: int) -> list[str]:
    """Join items into lines of at most `limit` characters, never splitting an item."""
    if not items:
        return []
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
    lines += [_field("", f"{c['name']:<{pad}}{s.version(bound_text(c['since']))}{date_suffix(c['since'])}") for c in constants]
    return lines


def _enum_value(constant: dict) -> str:
    value = "?" if constant["value"] is None else str(constant["value"])
    return f"{constant['alias_of']} = {value}" if constant["alias_of"] else value


def show(answer: dict, s: Style) -> list[str]:
    lines = since(answer, s)
    lines.append(_field("present", f"{answer.get('first_release')} .. {answer.get('last_release')} (ingested releases)"))
    if answer.get("siblings"):
        lines.append(_field("siblings", f"{len(answer['siblings'])} constants of {answer['enum_type']}"))
        pad = max(len(c["name"]) for c in answer["siblings"]) + 2
        lines += [_field("", f"{c['name']:<{pad}}{_enum_value(c):>6}  {bound_text(c['since'])}") for c in answer["siblings"]]
    if answer.get("hvsupport"):
        h = answer["hvsupport"]
        lines.append(_field("matrix", f"{h['driver_group']} table, Version {h['version']} ({h['origin']})"))
    for d in answer.get("disagreements", []):
        lines.append(_field("CONFLICT", d["detail"], s.removed))
    return lines


def search(answer: dict, s: Style) -> list[str]:
    results = answer["results"]
    if not results and not answer["paths"] and not answer.get("bindings") and not answer.get("virsh"):
        return [f"no symbol, XML path, binding or virsh command matches {answer['pattern']!r}"]
    pad = max((len(r["name"]) for r in results), default=0) + 2
    lines = [f"{r['name']:<{pad}}{r['kind']:<10}{(r['module'] or ''):<9}{s.version(bound_text(r['since']))}" for r in results]
    if answer["total"] > len(results):
        lines.append(s.dim(f"... {answer['total'] - len(results)} more; use --limit"))
    from kbgen.render import xmltext  # only for its commands: kb's start-up

    return lines + xmltext.search_paths(answer, s) + bindingtext.search_lines(answer) + _virsh_commands(answer)


def _virsh_commands(answer: dict) -> list[str]:
    found = answer.get("virsh") or []
    pad = max((len(c["command"]) for c in found), default=0) + 2
    return ["virsh commands:"] * bool(found) + [
        f"  {c['command']:<{pad}}" + (f"alias of {c['alias_of']}; " if c["alias_of"] else "")
        + (f"calls {', '.join(c['apis'][:4])}" + (f" and {len(c['apis']) - 4} more" if len(c["apis"]) > 4 else "") if c["apis"] else "calls no public API")
        + f"  (kb virsh {c['command']})" for c in found]


def diff(answer: dict, s: Style) -> list[str]:
    ends = [f"{r['version']}{date_suffix(r)}" for r in (answer["from_release"], answer["to_release"])]
    lines = [s.bold(f"new after {ends[0]}, up to {ends[1]}") + _window(answer["window"])]
    for kind, modules in answer["added"].items():
        for module, names in modules.items():
            lines.append(f"  {kind} ({module}): {len(names)}")
            lines += _indented(names, "    ", "    ")
    for label, key in (("driver support gained", "drivers_gained"), ("driver support removed", "drivers_lost")):
        changes = answer[key]
        if changes:
            lines.append(s.bold(label))
            for driver, items in changes.items():
                lines += _indented([f"{c['api']} ({c['version']})" for c in items], f"  {driver} [{len(items)}]: ", "    ")
    if len(lines) == 1:
        lines.append("  nothing")
    return lines


def _window(releases: list[dict]) -> str:
    """': 2 releases (0.9.10 2012-02-13, 0.9.11 2012-04-03)': the known releases of a diff's window, at most the first and last."""
    if not releases:
        return ": no known release in this window"
    shown = releases if len(releases) <= 2 else [releases[0], releases[-1]]
    return f": {len(releases)} release{'s' if len(releases) > 1 else ''} (" + (" ... " if len(releases) > 2 else ", ").join(
        f"{r['version']} {r['date']}" for r in shown) + ")"


def outside(release: dict) -> str | None:
    """The warning for a release given that lies outside the knowledge base (docs/json.md GIVEN_RELEASE); None for a known one."""
    version = release["version"] if release["given"] == release["version"] else f"{release['given']} (read as {release['version']})"
    if release["status"] == "never-released":
        return (f"{version} was never released (the known releases around it are {release['before'] or 'none'} and {release['next']}): "
                "the answer is outside the knowledge base")
    if release["status"] == "after-newest":
        return f"{version} lies past the newest known release, {release['newest']}: the answer is outside the knowledge base"
    return None


def _indented(items: list[str], first: str, rest: str) -> list[str]:
    """Items joined by commas into lines that fit the terminal: `first` before the first line, `rest` before the others."""
    lines = _pack(items, ", ", width() - max(len(first), len(rest)))
    return [(first if i == 0 else rest) + line for i, line in enumerate(lines)]


def drivers(answer: dict, s: Style) -> list[str]:
    if "drivers" in answer:
        lines = [f"{'driver':<11}{'APIs':>5}{'removed':>9}  {'first':<8}  groups"]
        for d in answer["drivers"]:
            lines.append(f"{d['driver']:<11}{d['api_count']:>5}{d['removed_count']:>9}  {d['first']:<8}  {', '.join(d['groups'])}")
        return lines
    lines = [s.bold(f"{answer['driver']}: {len(answer['apis'])} APIs")]
    for g in answer["gained"]:
        label = bound_text(g["since"])
        lines += _indented(g["apis"], f"{label:>7}  ", " " * max(9, len(label) + 2))
    removed = [a for a in answer["apis"] if a["removed_in"]]
    if removed:
        lines.append(s.bold("removed"))
        lines += [f"  {a['api']} ({bound_text(a['since'])}, removed in {a['removed_in']})" for a in removed]
    return lines


def not_found(name: str, suggestions: list[str]) -> str:
    if suggestions and suggestions[0].startswith("kb virsh "):
        return f"{name!r} is a virsh command, not a libvirt symbol: `{suggestions[0]}` shows the APIs it calls"
    text = f"{name!r}: " + ("in no ingested XML schema" if "/" in name else "not a libvirt symbol in this knowledge base")
    if suggestions:
        text += f"; did you mean {' or '.join(suggestions[:3])}?"
    return text


PROCEDURE_SOURCES = {
    "remote-driver": "the remote driver's version in hvsupport.html",
    "api": "the API's version",
    "first-seen": "first ingested source tree containing it (upper bound)",
    "order": "the neighbouring procedures (numbers are only appended)",
}


def proc(answer: dict, s: Style) -> list[str]:
    api = answer["api"] or f"no public API ({answer['label']})"
    return [
        f"{s.bold(answer['protocol'] + ' procedure ' + str(answer['number']))}  {answer['name']}",
        _field("api", api),
        _field("added", s.version(bound_text(answer["since"]))),
        _field("source", f"{PROCEDURE_SOURCES.get(answer['since_source'], answer['since_source'])}; number from {answer['origin']}", s.dim),
    ]


def conflicts(answer: dict, s: Style) -> list[str]:
    if not answer["conflicts"]:
        return [f"no disagreements between sources ({len(answer['checks'])} check(s) ran)"]
    lines = []
    for kind, items in answer["conflicts"].items():
        lines.append(s.bold(f"{kind} ({len(items)})"))
        lines += [f"  {item['detail']}" for item in items]
    return lines


def explain(answer: dict, s: Style) -> list[str]:
    if not answer["findings"]:
        return ["no message kb knows was found in the text: it recognises unknown procedure, unsupported flags, unsupported event ID,",
                "parameter not supported, 'not supported by the connection driver', version `LIBVIRT_x' not found, libvirt version lines,",
                "Python's missing libvirt attributes and imports, C compilers' undeclared vir*/VIR_* names",
                "and the messages of the analysed source trees"] + _read_limits(answer, s)
    lines = []
    for f in answer["findings"]:
        times = f"  ({f['count']} times)" if f.get("count", 1) > 1 else ""
        lines += [s.bold(f["matched"]) + times, _field("means", f["meaning"])]
        for flag in f.get("flags", []):
            accepted = _decoded_flag(flag)
            others = f"; accepted by {', '.join(flag['accepted_by'])}" if flag["accepted_by"] else ""
            lines.append(_field("", f"{flag['flag']} (0x{flag['value']:x}): {accepted}{others}"))
        if f.get("advice"):
            lines.append(_field("do", f["advice"]))
    return lines + _read_limits(answer, s)


def _decoded_flag(flag: dict) -> str:
    if flag["driver_accepts_since"]:
        return f"accepted {since_text(flag['driver_accepts_since'])}"
    return {"rejected": "not accepted by this driver", "past-sources": f"unknown (newest analysed source: {flag['tree']})"}.get(
        flag["status"], "unknown (mask not read)")


def _read_limits(answer: dict, s: Style) -> list[str]:
    notes = []
    if answer.get("lines_cut"):
        notes.append(f"{answer['lines_cut']} line(s) longer than {answer['max_line']} characters: only their first {answer['max_line']} were read")
    if answer.get("truncated"):
        notes.append(f"stopped at line {answer['lines_read']}, after {answer['max_findings']} distinct messages: the rest was not read")
    return [s.dim(note) for note in notes]


def check(answer: dict, s: Style) -> list[str]:
    if answer["kind"] == "xml-document":
        from kbgen.render import xmltext  # only for its commands: kb's start-up

        return xmltext.check(answer, s)
    where = f"libvirt {answer['server']}{date_suffix(answer['server_release'])}" + (f", driver {answer['driver']}" if answer["driver"] else "")
    verdict = {True: s.version("works"), False: s.removed("fails"), None: "cannot tell"}[answer["works"]]
    lines = [f"{s.bold(answer['name'])} against {where}: {verdict}"]
    if answer.get("error"):
        lines.append(_field("error", f"error: {answer['error']}"))
    lines.append(_field("why", answer["reason"]))
    if answer["works_from"] and answer["works"] is not True:
        lines.append(_field("works", since_text(answer["works_from"], "from")))
    elif answer["works"] is False:
        lines.append(_field("works", "from no known release"))
    if len(answer.get("functions", [])) > 1:
        lines += _per_function(answer["functions"], s)
    return lines


def _per_function(verdicts: list[dict], s: Style) -> list[str]:
    pad = max(len(v["function"]) for v in verdicts) + 2
    lines = []
    for v in verdicts:
        word = {True: s.version("works"), False: s.removed("fails"), None: "cannot tell"}[v["works"]]
        lines.append(f"  {v['function']:<{pad}}{word}: {v['reason']}")
        if v.get("error"):
            lines.append(f"  {'':<{pad}}error: {v['error']}")
    return lines


def virsh(answer: dict, s: Style) -> list[str]:
    from kbgen.render import virshtext  # only for its commands: kb's start-up

    return virshtext.virsh(answer, s) if "virsh_command" in answer else virshtext.commands(answer, s)
