"""The message catalogue as rows: each template once per (code, function, component), with the first and last
analysed tree it appears in, and each error code's prefix as the newest tree prints it.

Templates are compared with every placeholder read as %s (7.0.0 writes `%s` where 9.0.0 writes `%1$s`);
the row keeps the newest tree's wording.
"""

from __future__ import annotations

from kbgen.parse.messages import PLACEHOLDER
from kbgen.parse.tree import TreeFacts

MAX_APIS = 8  # APIs listed per message; api_count says how many reach it


def message_key(template: str) -> str:
    return PLACEHOLDER.sub("%s", template)


def message_tables(trees: list[TreeFacts]) -> dict[str, list[dict]]:
    """trees: oldest first."""
    read = [t for t in trees if t.messages]
    if not read:
        return {}
    rows: dict[tuple, dict] = {}
    for tree in read:
        for m in tree.messages:
            key = (message_key(m.template), m.code, m.function, m.component)
            apis = tree.message_apis.get(m.function, []) if m.function else []
            row = rows.setdefault(key, {"first_tree": tree.release})
            row.update(template=m.template, code=m.code, function=m.function, file=m.file, component=m.component,
                       last_tree=tree.release, apis=" ".join(apis[:MAX_APIS]) or None, api_count=len(apis))
    codes = {c.code: (tree.release, c) for tree in read for c in tree.error_codes}
    return {"messages": sorted(rows.values(), key=lambda r: (r["template"], r["code"] or "", r["function"] or "", r["component"])),
            "error_codes": [{"code": code, "text": c.text, "text_info": c.text_info, "tree": release}
                            for code, (release, c) in sorted(codes.items())]}
