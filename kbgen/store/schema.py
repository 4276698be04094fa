"""The schema of the knowledge base file: every table, its columns, key and indexes.

The schema is documented column by column in docs/schema.md (a test keeps the
two in step). The writer (writer.py) creates it; the reader (reader.py) checks it.
"""

from __future__ import annotations

SCHEMA_VERSION = "7"

# Tables of libvirt's prose: in the knowledge base a build writes, never in the committed snapshot
# (data/snapshot), so a knowledge base made from the snapshot has them empty.
PROSE_TABLES = frozenset({"descriptions"})

# table -> (columns with SQLite types, primary key, indexes)
SCHEMA: dict[str, tuple[dict[str, type], tuple[str, ...], list[tuple[str, ...]]]] = {
    "meta": ({"key": str, "value": str}, ("key",), []),
    "releases": (
        {"version": str, "version_key": int, "suite": str, "symbols": int, "has_hvsupport": bool, "has_source": bool},
        ("version",),
        [],
    ),
    "release_dates": ({"version": str, "version_key": int, "date": str, "origin": str}, ("version",), [("version_key",)]),
    "inputs": ({"release": str, "name": str, "origin": str, "sha256": str}, ("release", "name"), []),
    "symbols": (
        {
            "name": str, "kind": str, "module": str, "file": str, "enum_type": str, "value": str,
            "alias_of": str, "int_value": int, "has_flags": bool, "since": str, "since_key": int, "since_exact": bool,
            "since_source": str, "since_origin": str, "first_release": str, "last_release": str,
        },
        ("name",),
        [("kind",), ("since_key",), ("enum_type",), ("module",)],
    ),
    "signatures": ({"name": str, "returns": str, "args": str, "release": str, "origin": str}, ("name",), []),
    "descriptions": ({"name": str, "text": str, "release": str, "origin": str}, ("name",), []),
    "flag_links": ({"function": str, "enum_type": str}, ("function", "enum_type"), [("enum_type",)]),
    "argument_links": (
        {"function": str, "argument": str, "enum_type": str, "role": str}, ("function", "argument"), [("enum_type",)],
    ),
    "driver_support": (
        {
            "api": str, "driver": str, "driver_group": str, "since": str, "since_key": int, "since_exact": bool,
            "removed_in": str, "removed_key": int, "public": bool, "origin": str,
        },
        ("api", "driver"),
        [("driver",), ("since_key",)],
    ),
    "driver_tables": (
        {
            "api": str, "driver": str, "backend": str, "driver_group": str, "since": str, "removed_in": str,
            "listed": bool, "public": bool, "first_tree": str, "tree": str, "origin": str,
        },
        ("api", "driver", "backend"),
        [("driver",)],
    ),
    "matrix_apis": (
        {"api": str, "driver_group": str, "version": str, "version_key": int, "linked": bool, "origin": str},
        ("api",),
        [],
    ),
    "disagreements": ({"subject": str, "kind": str, "detail": str, "values": str}, (), [("subject",)]),
    "checks": ({"kind": str, "description": str}, ("kind",), []),
    "procedures": (
        {
            "protocol": str, "number": int, "name": str, "api": str, "label": str, "lower": str, "since": str, "since_key": int,
            "since_exact": bool, "since_source": str, "first_tree": str, "origin": str,
        },
        ("protocol", "number"),
        [("api",)],
    ),
    "symbol_sections": (
        {"symbol": str, "module": str, "section": str, "version": str, "origin": str},
        ("module", "symbol"),
        [("section",)],
    ),
    "implementations": (
        {"function": str, "driver": str, "backend": str, "api": str, "first_tree": str, "last_tree": str, "last_key": int, "origin": str},
        ("function", "api"),
        [("api",)],
    ),
    "flag_checks": (
        {"api": str, "driver": str, "release": str, "function": str, "known": bool, "flags": str, "via": str, "performer": str,
         "reason": str},
        ("api", "driver", "release"),
        [],
    ),
    "driver_flags": (
        {
            "api": str, "driver": str, "bit": int, "names": str, "lower": str, "after": str, "upper": str, "upper_key": int,
            "exact": bool, "origin": str,
        },
        ("api", "driver", "bit"),
        [("bit",)],
    ),
    "param_checks": (
        {"api": str, "driver": str, "release": str, "function": str, "known": bool, "params": str, "via": str, "reason": str},
        ("api", "driver", "release"),
        [],
    ),
    "driver_params": (
        {
            "api": str, "driver": str, "param": str, "lower": str, "after": str, "upper": str, "upper_key": int,
            "exact": bool, "origin": str,
        },
        ("api", "driver", "param"),
        [("param",)],
    ),
    "enum_checks": (
        {
            "api": str, "driver": str, "argument": str, "release": str, "function": str, "known": bool, "values": str,
            "via": str, "reason": str,
        },
        ("api", "driver", "argument", "release"),
        [],
    ),
    "virsh_commands": (
        {"name": str, "alias_of": str, "handler": str, "file": str, "unknown": str, "first_tree": str, "tree": str, "origin": str},
        ("name",),
        [],
    ),
    "virsh_options": (
        {"command": str, "option": str, "position": int, "type": str, "alias_of": str, "flags": str, "enum_type": str,
         "values": str},
        ("command", "option"),
        [],
    ),
    "virsh_calls": ({"command": str, "api": str, "via": str, "fallback_of": str}, ("command", "api"), [("api",)]),
    "bindings": (
        {
            "name": str, "module": str, "class_name": str, "member": str, "kind": str, "c_symbol": str,
            "first_release": str, "first_key": int, "last_release": str, "last_key": int, "origin": str,
        },
        ("name",),
        [("member",), ("c_symbol",)],
    ),
    "binding_releases": ({"release": str, "methods": int, "functions": int, "constants": int}, ("release",), []),
    "xml_paths": (
        {
            "path": str, "format": str, "kind": str, "first_release": str, "first_key": int, "last_release": str,
            "last_key": int, "schema_origin": str, "since": str, "since_key": int, "hypervisors": str,
            "hypervisor_versions": str, "doc_method": str, "doc_origin": str,
        },
        ("path",),
        [("format",), ("first_key",), ("last_key",)],  # first_key, last_key: the releases with schemas (answers/xmlpaths.py)
    ),
    "xml_notes": (
        {
            "release": str, "page": str, "line": int, "since": str, "since_key": int, "hypervisors": str,
            "hypervisor_versions": str, "subject": str, "path": str, "method": str, "reason": str, "schema_release": str,
            "origin": str,
        },
        (),
        [("path",)],
    ),
    "messages": (
        {
            "template": str, "code": str, "function": str, "file": str, "component": str, "first_tree": str, "last_tree": str,
            "apis": str, "api_count": int,
        },
        (),
        [("function",)],
    ),
    "error_codes": ({"code": str, "text": str, "text_info": str, "tree": str}, ("code",), []),
}
