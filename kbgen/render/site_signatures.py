"""What symbol pages show of a symbol's declaration: its signature (a fact, always) and its description.

The description is libvirt's prose: it is in a knowledge base a build wrote, never in one made from
the committed snapshot, and the page then goes without it.
"""

from __future__ import annotations

import json
import re
import sqlite3

_SYMBOL_IN_TYPE = re.compile(r"(\bvir[A-Z]\w*)")
_ONE_LINE = 80  # a longer signature gets one argument per line


def signature_facts(conn: sqlite3.Connection) -> dict[str, dict]:
    return {
        "signatures": {r["name"]: dict(r, args=json.loads(r["args"])) for r in conn.execute("SELECT * FROM signatures ORDER BY name")},
        "descriptions": {r["name"]: dict(r, paragraphs=_paragraphs(r["text"]), file=r["origin"].rsplit("/", 1)[-1])
                         for r in conn.execute("SELECT * FROM descriptions ORDER BY name")},
    }


def _paragraphs(text: str) -> list[str]:
    return [" ".join(p.split()) for p in re.split(r"\n\s*\n", text) if p.strip()]


def type_parts(ctype: str) -> list[str]:
    """A C type split so that every odd-numbered part is a libvirt identifier (a page to link, if it is a symbol)."""
    return _SYMBOL_IN_TYPE.split(ctype)


def declaration(name: str, kind: str, signature: dict) -> dict:
    """The parts of a C declaration of NAME: return type, the name as declared, and the arguments (type parts, separator, name)."""
    args = [{"type": type_parts(t), "sep": "" if t.endswith("*") else " ", "name": n} for n, t in signature["args"]]
    declared = f"(*{name})" if kind == "functype" else name
    flat = f"{signature['returns']} {declared}(" + ", ".join(f"{t} {n}" for n, t in signature["args"]) + ")"
    return {"prefix": "typedef " if kind == "functype" else "", "returns": type_parts(signature["returns"]),
            "returns_sep": "" if signature["returns"].endswith("*") else " ", "name": declared, "args": args,
            "multiline": len(flat) > _ONE_LINE}
