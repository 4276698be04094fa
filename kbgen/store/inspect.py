"""`kbgen inspect`: what a knowledge base file holds, checked against the schema.

For packagers who ship or receive a kb.sqlite: every table with its row count,
and every difference from the schema this kbgen writes (a missing or extra table
or column, a column of another type, a missing index). Uses sqlite-utils'
introspection; build side only, never on `kb`'s path.
"""

from __future__ import annotations

from kbgen.errors import KbgenError
from kbgen.store.reader import uri_path
from kbgen.store.schema import SCHEMA, SCHEMA_VERSION
from kbgen.store.writer import SQL_TYPES


def inspect_database(path) -> dict:
    import sqlite3

    import sqlite_utils

    try:
        db = sqlite_utils.Database(sqlite3.connect(f"file:{uri_path(path)}?mode=ro", uri=True))
        tables = {t.name: t for t in db.tables}
        report = {
            "database": str(path),
            "schema_version": _schema_version(db),
            "expected_schema_version": SCHEMA_VERSION,
            "tables": {name: t.count for name, t in sorted(tables.items())},
            "problems": [p for name in sorted(SCHEMA.keys() | tables.keys()) for p in _problems(name, tables.get(name))],
        }
    except sqlite3.DatabaseError as err:
        raise KbgenError(f"{path}: not a readable SQLite file ({err})") from None
    db.conn.close()
    return report


def _schema_version(db) -> str | None:
    if "meta" not in db.table_names():
        return None
    rows = list(db["meta"].rows_where("key = ?", ["schema_version"]))
    return rows[0]["value"] if rows else None


def _problems(name: str, table) -> list[str]:
    if name not in SCHEMA:
        return [f"table {name}: not in the schema"]
    if table is None:
        return [f"table {name}: missing"]
    columns, _, indexes = SCHEMA[name]
    real = {c.name: c.type for c in table.columns}
    problems = [f"table {name}: column {c} missing" for c in columns if c not in real]
    problems += [f"table {name}: column {c} not in the schema" for c in real if c not in columns]
    problems += [f"table {name}: column {c} is {real[c]}, the schema says {SQL_TYPES[t]}"
                 for c, t in columns.items() if c in real and real[c] != SQL_TYPES[t]]
    indexed = {tuple(i.columns) for i in table.indexes}
    problems += [f"table {name}: no index on ({', '.join(cols)})" for cols in indexes if tuple(cols) not in indexed]
    return problems

