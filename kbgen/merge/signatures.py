"""Each symbol's signature and description, as the newest ingested release that has the symbol declares them.

Signatures (return and argument types and names) are facts and go into the snapshot; descriptions are
libvirt's prose and go only into the knowledge base a build writes (schema.PROSE_TABLES).
"""

from __future__ import annotations

import json


def signature_tables(latest: dict[str, tuple[str, object, str]]) -> dict[str, list[dict]]:
    """latest: symbol name -> (release, its apixml.Symbol there, origin of that XML file)."""
    signatures, descriptions = [], []
    for name, (release, sym, origin) in sorted(latest.items()):
        if sym.returns is not None:
            signatures.append({"name": name, "returns": sym.returns, "args": json.dumps([list(a) for a in sym.args]),
                               "release": release, "origin": origin})
        if sym.info:
            descriptions.append({"name": name, "text": sym.info, "release": release, "origin": origin})
    return {"signatures": signatures, "descriptions": descriptions}
