"""virsh's commands as rows: the newest analysed tree's reading, enum strings resolved to constants."""

from __future__ import annotations

import json

from kbgen.parse.tree import TreeFacts
from kbgen.parse.virsh import VirshCommand, VirshEnum


def virsh_tables(trees: list[TreeFacts], symbols: dict[str, dict]) -> dict[str, list[dict]]:
    """trees: oldest first; symbols: name -> symbols row."""
    read = [t for t in trees if t.virsh is not None]
    if not read:
        return {}
    first: dict[str, str] = {}
    newest: dict[str, tuple[TreeFacts, VirshCommand]] = {}
    for tree in read:
        for command in tree.virsh.commands:
            first.setdefault(command.name, tree.release)
            newest[command.name] = (tree, command)
    enums = {(tree.release, e.name): e for tree in read for e in tree.virsh.enums}
    tables = {"virsh_commands": [], "virsh_options": [], "virsh_calls": []}
    for name, (tree, command) in sorted(newest.items()):
        tables["virsh_commands"].append({
            "name": name, "alias_of": command.alias_of, "handler": command.handler, "file": command.path.rpartition("/")[2],
            "unknown": "; ".join(command.unknown) or None, "first_tree": first[name], "tree": tree.release,
            "origin": tree.origin})
        tables["virsh_options"] += _options(command, {n: e for (r, n), e in enums.items() if r == tree.release}, symbols)
        tables["virsh_calls"] += [{"command": name, "api": c.api, "via": " ".join(c.via), "fallback_of": c.fallback_of}
                                  for c in command.calls]
    return tables


def _options(command: VirshCommand, enums: dict[str, VirshEnum], symbols: dict[str, dict]) -> list[dict]:
    effects = {e.option: e for e in command.effects}
    rows = []
    for position, option in enumerate(command.options):
        effect = effects.get(option.name)
        enum = enums.get(effect.enum) if effect and effect.enum else None
        enum_type, values = _values(enum, symbols) if enum else (None, None)
        rows.append({"command": command.name, "option": option.name, "position": position, "type": option.type,
                     "alias_of": option.alias_of, "flags": " ".join(effect.flags) if effect else "",
                     "enum_type": enum_type, "values": json.dumps(values) if values is not None else None})
    return rows


def _values(enum: VirshEnum, symbols: dict[str, dict]) -> tuple[str | None, dict | None]:
    """The public enum behind a VIR_ENUM_IMPL table (the type of its _LAST constant), each string's constant by value."""
    enum_type = symbols.get(enum.last, {}).get("enum_type")
    if enum_type is None:
        return None, {s: None for s in enum.strings}
    by_value = {row["int_value"]: n for n, row in symbols.items()
                if row.get("enum_type") == enum_type and row.get("int_value") is not None and n != enum.last}
    return enum_type, {s: by_value.get(i) for i, s in enumerate(enum.strings)}
