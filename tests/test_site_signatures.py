"""Symbol pages' signature (a fact, in the snapshot) and description (libvirt's prose, never in the snapshot)."""

from __future__ import annotations

import gzip
from html import unescape
import os
import re
import sqlite3
from pathlib import Path

import pytest
from site_fixture import DESCRIPTIONS, HOSTILE_NAME, site_tables
from test_site import Page

from kbgen.render.site import page_names, render_site
from kbgen.store.reader import default_db_path
from kbgen.store.snapshot import read_snapshot, snapshot_dir, write_snapshot
from kbgen.store.writer import write_database


def render(tables: dict, tmp: Path) -> Path:
    write_database(tmp / "kb.sqlite", tables)
    return render_site(tmp / "kb.sqlite", tmp / "site").out


@pytest.fixture(scope="module")
def full(tmp_path_factory) -> Path:
    return render(site_tables(), tmp_path_factory.mktemp("full"))


@pytest.fixture(scope="module")
def from_snapshot(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("snap")
    write_snapshot(site_tables(), tmp / "snapshot")
    return render(read_snapshot(tmp / "snapshot"), tmp)


def symbol_html(out: Path, name: str) -> str:
    return (out / "symbol" / f"{page_names([name])[name]}.html").read_text(encoding="utf-8")


def signature(html: str) -> str:
    match = re.search(r'<pre class="signature"><code>(.*?)</code></pre>', html, re.DOTALL)
    assert match, "no signature"
    return " ".join(unescape(re.sub(r"<[^>]+>", "", match.group(1))).split())


def test_symbol_page_shows_the_signature_with_known_types_linked(full):
    html = symbol_html(full, "virConnectDomainEventRegisterAny")
    assert signature(html) == ("int virConnectDomainEventRegisterAny( virConnectPtr conn, int eventID, "
                               "virConnectDomainEventPMSuspendCallback cb, void *opaque );")  # one argument a line
    assert '<a href="../symbol/virConnectDomainEventPMSuspendCallback.html">virConnectDomainEventPMSuspendCallback</a> cb' in html
    assert '<a href="../symbol/virConnectPtr.html"' not in html  # not a symbol of this knowledge base: no link
    assert signature(symbol_html(full, "virDomainUndefineFlags")) == "int virDomainUndefineFlags(virDomainPtr domain, unsigned int flags);"


def test_signature_is_escaped(full):
    html = symbol_html(full, HOSTILE_NAME)
    assert "&lt;b&gt;arg&lt;/b&gt;" in html and "<b>arg</b>" not in html


def test_symbol_page_shows_the_description_as_text_with_its_source(full):
    html = symbol_html(full, "virDomainUndefineFlags")
    section = re.search(r'<section class="description"[^>]*>(.*?)</section>', html, re.DOTALL).group(1)
    assert re.findall(r"<p>(.*?)</p>", section) == ["Fixture words: forgets a &lt;defined&gt; domain.", "A second fixture paragraph."]
    assert "from libvirt-api.xml of 11.3.0" in Page(section).text
    assert 'class="description"' not in symbol_html(full, "virDomainFDAssociate")  # no description on record


def test_a_knowledge_base_from_the_snapshot_has_signatures_but_no_description(from_snapshot):
    html = symbol_html(from_snapshot, "virDomainUndefineFlags")
    assert signature(html) == "int virDomainUndefineFlags(virDomainPtr domain, unsigned int flags);"
    assert 'class="description"' not in html and "Fixture words" not in html


def test_snapshot_files_never_hold_descriptions(tmp_path):
    write_snapshot(site_tables(), tmp_path)
    text = "".join(gzip.decompress(p.read_bytes()).decode() for p in tmp_path.iterdir())
    assert "signatures" in {p.name.split(".")[0] for p in tmp_path.iterdir()}
    assert not [d for d in DESCRIPTIONS if d["text"] in text] and "descriptions" not in {p.name.split(".")[0] for p in tmp_path.iterdir()}


def real_descriptions() -> list[str]:
    path = default_db_path()
    if not os.path.isfile(path):
        pytest.skip(f"no knowledge base built at {path}")
    try:
        rows = sqlite3.connect(f"file:{path}?mode=ro", uri=True).execute("SELECT text FROM descriptions").fetchall()
    except sqlite3.DatabaseError:
        pytest.skip(f"{path}: a knowledge base of another schema")
    if not rows:
        pytest.skip(f"{path}: made from the snapshot, no descriptions")
    return [r[0] for r in rows]


def test_the_committed_snapshot_holds_no_real_description():
    """Every description a real build read (its first sentence of 30 characters or more) is absent from data/snapshot."""
    sentences = {s for text in real_descriptions() for s in re.split(r"(?<=\.)\s", " ".join(text.split())) if len(s) >= 30}
    snapshot = " ".join(" ".join(gzip.decompress(p.read_bytes()).decode().split()) for p in snapshot_dir().glob("*.jsonl.gz"))
    assert sentences and not [s for s in sentences if s in snapshot]
