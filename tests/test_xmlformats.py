"""RelaxNG paths, format pages' Since notes and their merge, on the hand-written fixtures."""

from __future__ import annotations

import pytest
from conftest import FIXTURES

from kbgen.errors import InputError
from kbgen.merge.xmlpaths import PathIndex
from kbgen.parse.formatdocs import parse_format_doc
from kbgen.parse.rng import parse_schemas


def paths(release: str) -> dict[str, str]:
    (fmt,) = parse_schemas(FIXTURES / release / "schemas")
    return {p.path: p.kind for p in fmt.paths}


def test_refs_includes_and_values_resolve_into_paths():
    found = paths("release-new")
    assert found["domain/devices/disk/@type=vhostuser"] == "value"
    assert found["domain/cpu/@migratable"] == "attribute"
    assert found["domain/cpu/@migratable=on"] == "value"
    assert found["domain/metadata/*"] == "element"


def test_recursion_stops_at_the_first_repetition():
    assert "domain/devices/disk/backingStore" in paths("release-old")
    assert "domain/devices/disk/backingStore/backingStore" not in paths("release-old")


def test_a_doctype_is_refused(tmp_path):
    (tmp_path / "domain.rng").write_text('<!DOCTYPE g [<!ENTITY a "b">]><grammar xmlns="http://relaxng.org/ns/structure/1.0"/>')
    with pytest.raises(InputError, match="DOCTYPE"):
        parse_schemas(tmp_path)


def test_notes_record_how_they_were_attached():
    notes = {(n.line, n.since): n for n in parse_format_doc(FIXTURES / "release-new" / "formatdomain.html")}
    assert notes[(17, "6.0.0")].method == "value-list" and notes[(17, "6.0.0")].target.value == "nvme"
    assert notes[(17, "7.1.0")].hypervisor_versions == (("qemu", "5.0"),)
    assert notes[(7, "1.2.3")].method == "dt-term"
    assert notes[(19, "9.9.9")].target is None and notes[(19, "9.9.9")].reason == "2 names in the sentence before"
    assert notes[(25, "1.0.0")].hypervisors == ("libxl",) and notes[(25, "1.0.0")].target is None


def test_documented_versions_and_schema_bounds_merge(fixture_tables):
    rows = {r["path"]: r for r in fixture_tables["xml_paths"]}
    assert (rows["domain/devices/disk/@type=vhostuser"]["first_release"], rows["domain/devices/disk/@type=vhostuser"]["since"]) == ("12.8.0", "7.1.0")
    assert rows["domain/devices/disk/@type=nvme"]["doc_method"] == "value-list"
    kinds = [d["subject"] for d in fixture_tables["disagreements"] if d["kind"] == "xml-since-vs-schema"]
    assert kinds == ["domain/devices/disk/backingStore"]


def _page(tmp_path, body: str):
    page = tmp_path / "formatthing.html"
    page.write_text(f"<html><body>{body}</body></html>")
    return {n.line: n for n in parse_format_doc(page)}


_TWO_PLACES = {"thing/left/@size": "attribute", "thing/right/@size": "attribute"}


def test_the_sections_example_chooses_among_paths_that_fit(tmp_path):
    notes = _page(tmp_path, "<section><h2>Right side</h2>\n<pre>&lt;thing&gt;\n  &lt;right size='4'/&gt;\n&lt;/thing&gt;</pre>\n"
                            "<dl><dt><code>size</code></dt>\n<dd><p>How big it is. <span class='since'>Since 2.0.0</span></p></dd></dl></section>")
    (note,) = notes.values()
    assert (note.method, note.target.scope) == ("dd-term", ("thing", "right"))
    assert PathIndex(_TWO_PLACES).resolve(note.target) == ("thing/right/@size", None, True)


@pytest.mark.parametrize("pre", [
    "&lt;thing&gt;&lt;left size='1'/&gt;&lt;right size='2'/&gt;&lt;/thing&gt;",  # the example shows it at two places
    "&lt;thing&gt;&lt;right/&gt;&lt;/thing&gt;",  # the example does not show it
])
def test_an_example_that_does_not_show_one_place_chooses_nothing(tmp_path, pre):
    notes = _page(tmp_path, f"<section><pre>{pre}</pre>\n<dl><dt><code>size</code></dt>\n"
                            "<dd><p>How big it is. <span class='since'>Since 2.0.0</span></p></dd></dl></section>")
    (note,) = notes.values()
    assert note.target.scope is None
    assert PathIndex(_TWO_PLACES).resolve(note.target) == (None, "2 schema paths fit", False)


def test_an_example_below_the_note_or_in_another_section_is_not_read(tmp_path):
    notes = _page(tmp_path, "<section><pre>&lt;thing&gt;&lt;right size='2'/&gt;&lt;/thing&gt;</pre></section>\n<section>"
                            "<dl><dt><code>size</code></dt>\n<dd><p>How big. <span class='since'>Since 2.0.0</span></p></dd></dl>"
                            "<pre>&lt;thing&gt;&lt;right size='2'/&gt;&lt;/thing&gt;</pre></section>")
    (note,) = notes.values()
    assert note.method == "dd-term" and note.target.scope is None


def test_a_paragraph_naming_something_else_is_not_taken_for_its_term(tmp_path):
    notes = _page(tmp_path, "<dl><dt><code>size</code></dt>\n<dd><p>The <code>size</code> is a number. It may be large.\n"
                            "<span class='since'>Since 1.0.0</span></p>\n<p>A <code>unit</code> may follow it. Then it is scaled.\n"
                            "<span class='since'>Since 3.0.0</span></p></dd></dl>")
    first, second = (notes[line] for line in sorted(notes))
    assert (first.method, first.target.name) == ("dd-term", "size")
    assert (second.target, second.reason) == (None, "another name in its paragraph")


def test_a_list_item_under_a_term_is_not_taken_for_the_term(tmp_path):
    notes = _page(tmp_path, "<dl><dt><code>kind</code></dt>\n<dd><p>Says what it is.</p><ul><li><p>'round' - a circle.\n"
                            "<span class='since'>Since 4.0.0</span></p></li></ul></dd></dl>")
    (note,) = notes.values()
    assert (note.target, note.reason) == (None, "a list item under the term")
