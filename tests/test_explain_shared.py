"""`kb explain` and explain.html read messages alike: one pattern table, one table of test vectors, both sides.

The patterns are kbgen/answers/explain_patterns.json, read by kbgen/answers/diagnose.py and shipped to
explain.html in explain-data; tests/explain_vectors.json says what each side must find in each text,
against the knowledge base of tests/site_fixture.py. The browser side also compares each finding's
words with diagnose's, so the two cannot drift apart.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import zipfile
from collections import Counter
from pathlib import Path

import pytest
from site_fixture import write_site_db
from test_site_browser import base_url, browser, site_dir  # noqa: F401  (the browser side's fixtures)
from test_site_browser import pytestmark as BROWSER

from kbgen.answers import diagnose, transcript
from kbgen.render.bounds import bound_text
from kbgen.store.reader import open_database
from kbgen.versions import is_version

ROOT = Path(__file__).resolve().parent.parent
VECTORS = json.loads(Path(__file__).with_name("explain_vectors.json").read_text(encoding="utf-8"))["vectors"]
TABLE = diagnose.pattern_table()
LIMITS = {
    "101 distinct messages": "\n".join(f"error: unknown procedure: {n}" for n in range(101)),
    "a message cut off at the end of a long line": "x" * (diagnose.MAX_LINE - 10) + "unknown procedure: 261",
    "a long line of characters outside the BMP": "\U0001f600" * (diagnose.MAX_LINE - 30) + " unknown procedure: 261\nunknown procedure: 231",
}


def vector_id(vector: dict) -> str:
    return ascii(vector["text"][:60])


def key_facts(finding: dict) -> dict:
    """A finding of diagnose.explain as the vectors and explain.html's data-fields name its key facts."""
    return {"kind": finding["kind"], "matched": finding["matched"], "count": finding["count"]} | FACTS[finding["kind"]](finding)


def _procedure(f: dict) -> dict:
    p = f.get("procedure")
    return {"number": p["number"] if p else None, "api": p["api"] if p else None, "protocol": p["protocol"] if p else None}


def _flags(f: dict) -> dict:
    flags = f.get("flags", [])
    return {"driver": f.get("driver"), "api": f.get("api"), "flags": [x["flag"] for x in flags],
            "rejected": [x["flag"] for x in flags if not x["driver_accepts_since"]],
            "undecoded": hex(f["undecoded"]) if f.get("undecoded") else None}


def _binding(f: dict) -> dict:
    return {k: f[k] for k in ("typed", "assumed_module", "binding", "c_symbol", "matched_by", "first_release", "needed", "elsewhere", "close")} | {
        "since": bound_text(f["since"]) if f["since"] else None}


def _compiler_name(f: dict) -> dict:
    return {k: f[k] for k in ("name", "symbol_kind", "needed", "close")} | {"since": bound_text(f["since"]) if f["since"] else None}


FACTS = {
    "unknown-procedure": _procedure,
    "unsupported-flags": _flags,
    "not-supported": lambda f: {"api": f["api"], "drivers": [d["driver"] for d in f["drivers"]]},
    "symbol-version": lambda f: {"section": f["section"], "symbols": f["symbols"]},
    "daemon-version": lambda f: {"versions": f["versions"], "refused": len(f["refused"]), "daemon": f["daemon"], "client": f["client"],
                                 "driver": f["driver"]},
    "not-a-version": lambda f: {"version": f["version"]},
    "unsupported-event": lambda f: {"enum_type": f["enum_type"], "number": f["number"], "event": f["event"]},
    "unsupported-parameter": lambda f: {"param": f["param"], "macros": [m["name"] for m in f["macros"]]},
    "private-symbol-version": lambda f: {"version": f["version"]},
    "unknown-version-node": lambda f: {"section": f["section"], "nearest": f["nearest"]},
    "message": lambda f: {"template": f["template"], "code": f["code"], "prefix": f["prefix"], "component": f["component"],
                          "function": f["function"], "problem": f["problem"], "apis": f["apis"], "first_tree": f["first_tree"],
                          "last_tree": f["last_tree"], "site_count": f["site_count"]},
    "symbol": lambda f: {"name": f["name"], "symbol_kind": f["symbol_kind"], "since": bound_text(f["since"])},
    "binding-attribute": _binding,
    "binding-module-attribute": _binding,
    "binding-import": _binding,
    "c-undeclared": _compiler_name,
    "c-implicit-declaration": _compiler_name,
}


@pytest.fixture(scope="module")
def conn(tmp_path_factory):
    db = open_database(write_site_db(tmp_path_factory.mktemp("explain") / "kb.sqlite"))
    yield db
    db.close()


# --- the pattern table ----------------------------------------------------------------------


def test_every_kind_in_the_table_has_an_explainer_and_every_group_a_name():
    kinds = [p["kind"] for p in TABLE["patterns"]]
    assert kinds == list(diagnose.EXPLAINERS)
    for pattern in TABLE["patterns"]:
        assert len(pattern["groups"]) == diagnose.patterns()[pattern["kind"]].groups
        assert all(len(group) == 2 and all(group) for group in pattern["groups"])


@pytest.mark.parametrize("pattern", TABLE["patterns"], ids=lambda p: p["kind"])
def test_patterns_use_only_syntax_python_and_javascript_read_alike(pattern):
    regex = pattern["regex"]
    escapes = re.findall(r"\\(u[0-9a-f]{4}|.)", regex)
    assert set(escapes) <= {"(", ")", ".", "t", "n", "v", "f", "r"} | {e for e in escapes if e.startswith("u")}, escapes
    assert set(re.findall(r"\(\?(.)", regex)) <= {":", "=", "!"}, "no named groups, no lookbehind, no inline flags"
    assert not re.search(r"[.^$]", re.sub(r"\\(u[0-9a-f]{4}|.)", "", regex)), "no . ^ $: they differ between the engines"
    assert set(pattern["flags"]) <= set(diagnose.REGEX_FLAGS)


@pytest.mark.parametrize("text", ["0.9.4", "12.8.0", "9999.999.999", "10000.0.0", "7.0.1000", "07.0.0", "1.2", "\u0667.0.0", " 7.0.0"])
def test_the_table_s_version_grammar_is_libvirt_s(text):
    assert (re.fullmatch(TABLE["version"], text) is not None) == is_version(text)


def test_the_table_ships_in_the_wheel_and_kb_explain_reads_it_there(tmp_path, fixture_db):
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(tmp_path), str(ROOT)],
                   check=True, capture_output=True)
    with zipfile.ZipFile(next(tmp_path.glob("kbgen-*.whl"))) as wheel:
        assert "kbgen/answers/explain_patterns.json" in wheel.namelist()
        wheel.extractall(tmp_path / "site")
    result = subprocess.run([sys.executable, "-m", "kbgen", "--db", str(fixture_db), "explain", "error: unknown procedure: 261"],
                            capture_output=True, text=True, cwd=tmp_path, env={"PYTHONPATH": str(tmp_path / "site")}, check=False)
    assert result.returncode == 0, result.stderr
    assert "virDomainPMSuspendForDuration" in result.stdout


# --- the vectors through kb explain ---------------------------------------------------------------


@pytest.mark.parametrize("vector", VECTORS, ids=vector_id)
def test_kb_explain_finds_what_the_vector_says(conn, vector):
    assert [key_facts(f) for f in diagnose.explain(conn, vector["text"])] == vector["findings"]


def test_the_vectors_cover_every_kind_with_several_texts_and_negatives():
    kinds = Counter(f["kind"] for v in VECTORS for f in v["findings"])
    found = [k for k in diagnose.EXPLAINERS if k not in transcript.CONTEXT] + ["daemon-version", "not-a-version", "unknown-version-node"]
    assert all(kinds[kind] >= 3 for kind in found), kinds
    assert sum(1 for v in VECTORS if not v["findings"]) >= 20


# --- the same vectors through explain.html, in chromium -------------------------------------------


def words(finding: dict) -> list[str]:
    """The meaning and advice of a diagnose finding as explain.html shows them (code without its backquotes)."""
    return [finding["meaning"].replace("`", ""), (finding.get("advice") or "").replace("`", "")]


@pytest.fixture(scope="module")
def explain_page(browser, base_url):  # noqa: F811
    context = browser.new_context()
    page = context.new_page()
    page.goto(base_url + "explain.html")
    page.wait_for_function("!document.getElementById('explain-status').textContent.startsWith('Loading')")
    yield page
    context.close()


def shown(page, text: str) -> list[dict]:
    page.fill("#explain-input", text)
    return page.eval_on_selector_all("#explain-results .finding", """all => all.map(article => ({
        fields: JSON.parse(article.dataset.fields),
        words: Array.from(article.querySelectorAll("dd")).map(dd => dd.textContent).concat([""]).slice(0, 2)
    }))""")


class TestExplainHtml:
    pytestmark = BROWSER

    @pytest.mark.parametrize("vector", VECTORS, ids=vector_id)
    def test_finds_what_the_vector_says_in_the_words_of_kb_explain(self, explain_page, conn, vector):
        findings = shown(explain_page, vector["text"])
        assert [f["fields"] for f in findings] == vector["findings"]
        assert [f["words"] for f in findings] == [words(f) for f in diagnose.explain(conn, vector["text"])]

    @pytest.mark.parametrize("name", LIMITS)
    def test_reads_no_more_than_kb_explain_does(self, explain_page, conn, name):
        text = LIMITS[name]
        answer = diagnose.explain_lines(conn, text.split("\n"))
        assert [f["fields"] for f in shown(explain_page, text)] == [key_facts(f) for f in answer["findings"]]
        status = explain_page.text_content("#explain-status")
        assert (f"only their first {diagnose.MAX_LINE} were read" in status) == bool(answer["lines_cut"])
        assert (f"Stopped at line {answer['lines_read']}, after {diagnose.MAX_FINDINGS} distinct" in status) == answer["truncated"]
