import re
import sqlite3
from pathlib import Path

import pytest

from kbgen.errors import KbgenError
from kbgen.store.reader import open_database
from kbgen.store.schema import SCHEMA
from kbgen.store.writer import write_database

DOC = Path(__file__).parent.parent / "docs" / "schema.md"


def documented_schema() -> dict[str, dict[str, str]]:
    tables, current = {}, None
    for line in DOC.read_text().splitlines():
        if line.startswith("### "):
            current = tables.setdefault(line[4:].strip(), {})
        elif current is not None and (m := re.match(r"\| (\w+) \| (TEXT|INTEGER) \|", line)):
            current[m.group(1)] = m.group(2)
    return tables


def test_the_documented_schema_is_the_real_one(fixture_db):
    conn = sqlite3.connect(fixture_db)
    real = {
        table: {row[1]: row[2] for row in conn.execute(f"PRAGMA table_info({table})")}
        for (table,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
    }
    assert real == documented_schema()


def test_every_table_is_filled(fixture_db):
    conn = sqlite3.connect(fixture_db)
    for table in SCHEMA:
        assert conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0] > 0, table


def test_a_failed_write_leaves_the_previous_database(tmp_path, fixture_tables):
    path = tmp_path / "kb.sqlite"
    write_database(path, fixture_tables)
    before = path.read_bytes()
    broken = dict(fixture_tables, symbols=fixture_tables["symbols"] + fixture_tables["symbols"][:1])
    with pytest.raises(sqlite3.IntegrityError):
        write_database(path, broken)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["kb.sqlite"]


def test_missing_database(tmp_path):
    with pytest.raises(KbgenError, match="run `kbgen build`"):
        open_database(tmp_path / "none.sqlite")


def test_garbage_file(tmp_path):
    path = tmp_path / "kb.sqlite"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(KbgenError, match="not a kbgen knowledge base"):
        open_database(path)


def test_foreign_sqlite_file(tmp_path):
    path = tmp_path / "other.sqlite"
    sqlite3.connect(path).execute("CREATE TABLE t (x)")
    with pytest.raises(KbgenError, match="not a kbgen knowledge base"):
        open_database(path)


def test_other_schema_version(tmp_path, fixture_tables):
    path = tmp_path / "kb.sqlite"
    write_database(path, dict(fixture_tables, meta=[{"key": "schema_version", "value": "0"}]))
    with pytest.raises(KbgenError, match="schema 0"):
        open_database(path)


def test_the_database_is_opened_read_only(fixture_db):
    conn = open_database(fixture_db)
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        conn.execute("DELETE FROM symbols")
