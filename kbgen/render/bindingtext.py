"""Terminal text for binding names: what a typed Python or Go name resolved to, and the bindings calling a symbol."""

from __future__ import annotations


def _field(label: str, text: str) -> str:
    return f"  {label:<8} {text}"


def typed_as_lines(answer: dict) -> list[str]:
    """How the name typed led to this symbol, and since which ingested binding release the binding has it."""
    b = answer.get("typed_as")
    if not b:
        return []
    if b["language"] == "go":
        return [_field("go", f"{b['typed']} -> {answer['name']}: matched by the Go module's naming rule, "
                             "not read from the module")]
    verb = "is" if b["kind"] == "constant" else "calls"
    lines = [_field("python", f"{b['typed']} -> {b['binding']} {verb} {answer['name']}" + _how(b))]
    lines.append(_field("binding", _binding_releases(b)))
    if b["ambiguous"]:
        others = ", ".join(f"{c['binding']} ({c['c_symbol']})" for c in b["candidates"][:6])
        more = f" and {len(b['candidates']) - 6} more" if len(b["candidates"]) > 6 else ""
        lines.append(_field("ambiguous", f"also {others}{more}; name the receiver (conn., dom., ...) or the class"))
    return lines


def _how(b: dict) -> str:
    return "" if b["matched_by"] == "binding" else f" (matched by {b['matched_by']})"


def _binding_releases(b: dict) -> str:
    first = b["first_release"]
    if first == b.get("oldest_ingested"):
        text = f"in python3-libvirt {first} (the oldest ingested) and later"
    else:
        text = f"first in python3-libvirt {first} among the ingested releases"
    return f"{text} (newest having it: {b['last_release']})"


def bindings_line(answer: dict) -> list[str]:
    """The Python names of a symbol (when it was not itself reached through one)."""
    names = answer.get("bindings") or []
    if not names or answer.get("typed_as"):
        return []
    shown = ", ".join(f"{n['binding']} ({n['first_release']})" for n in names[:4])
    return [_field("python", shown + (f" and {len(names) - 4} more" if len(names) > 4 else ""))]


def search_lines(answer: dict) -> list[str]:
    found = answer.get("bindings") or []
    if not found:
        return []
    lines = ["binding names:"]
    pad = max(len(b["binding"] or b["c_symbol"]) for b in found) + 2
    for b in found:
        since = b["since"]
        version = (since.get("version") or f"by {since.get('upper')}") if since else "?"
        where = "Go, by rule" if b["language"] == "go" else f"python3-libvirt {b['first_release']}"
        lines.append(f"  {(b['binding'] or b['c_symbol']):<{pad}}-> {b['c_symbol']} {version}  ({where})")
    return lines
