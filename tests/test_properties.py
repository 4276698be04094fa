"""Property-based tests (hypothesis): versions, and every parser under random inputs.

- kbgen.versions: parse / key / round trip, and its order is packaging.version's.
- Round trips: API XML, hvsupport.html, syms files and protocol enums written from
  random facts read back as exactly those facts (nothing is lost).
- Mutations of the fixture files (byte flips, truncations, duplicated, deleted and
  swapped lines, stray markup): each parser succeeds or raises the project's own
  error, whose message starts with the file's name; never anything else.

Examples are derandomized (the same ones on every run, so CI is stable); random
exploration over a time budget is bench/fuzz.py's job.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from archives import release_deb, tree_tarball
from conftest import FIXTURES
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from packaging.version import Version

from kbgen.errors import InputError, KbgenError
from kbgen.inputs.debian import deb_members
from kbgen.inputs.sourcetree import unpack_tree
from kbgen.parse.apixml import SYMBOL_KINDS, parse_api_xml
from kbgen.parse.checkflags import CSources
from kbgen.parse.drivertable import parse_driver_fields, parse_driver_tables
from kbgen.parse.hvsupport import parse_hvsupport
from kbgen.parse.protocol import parse_protocol
from kbgen.parse.symsfile import parse_syms
from kbgen.versions import is_version, key_version, parse_version, version_key

FAST = settings(max_examples=60, deadline=2000, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
MORE = settings(FAST, max_examples=150)


@pytest.fixture(scope="module")
def scratch(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("properties")


# --- versions -----------------------------------------------------------------------

parts = st.tuples(st.integers(0, 9999), st.integers(0, 999), st.integers(0, 999))
versions = parts.map(lambda p: f"{p[0]}.{p[1]}.{p[2]}")


@MORE
@given(parts)
def test_a_version_its_key_and_back(p):
    text = f"{p[0]}.{p[1]}.{p[2]}"
    assert is_version(text)
    assert version_key(text) == p[0] * 1_000_000 + p[1] * 1_000 + p[2]
    assert key_version(version_key(text)) == text
    assert parse_version(text) == Version(text)


@MORE
@given(versions, versions)
def test_keys_order_versions_as_packaging_does(a, b):
    assert (version_key(a) < version_key(b)) == (Version(a) < Version(b))
    assert (version_key(a) == version_key(b)) == (Version(a) == Version(b))


@MORE
@given(parts, st.integers(1, 3))
def test_leading_zeros_name_the_same_release(p, width):
    text = ".".join(str(n).zfill(width) for n in p)
    if is_version(text):
        assert version_key(text) == version_key(f"{p[0]}.{p[1]}.{p[2]}")
        assert key_version(version_key(text)) == str(parse_version(text))


@MORE
@given(st.text(alphabet="0123456789.-+ abv\n", max_size=14))
def test_ascii_text_is_a_version_exactly_when_it_parses(text):
    if is_version(text):
        assert key_version(version_key(text)) == str(parse_version(text))
    else:
        with pytest.raises(ValueError):
            parse_version(text)
        with pytest.raises(ValueError):
            version_key(text)


@FAST
@given(st.text(max_size=12))
@example("١.٢.٣")
def test_any_text_is_a_version_exactly_when_it_parses(text):
    if is_version(text):
        parse_version(text)
    else:
        with pytest.raises(ValueError):
            parse_version(text)


# --- round trips: what is written is read back, all of it --------------------------------

names = st.from_regex(r"vir[A-Z][A-Za-z0-9_]{0,20}", fullmatch=True)
info_text = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Cn")), max_size=40)


@st.composite
def api_symbols(draw):
    unique = draw(st.lists(names, min_size=1, max_size=15, unique=True))
    symbols = []
    for name in unique:
        kind = draw(st.sampled_from(SYMBOL_KINDS))
        symbols.append({
            "name": name, "kind": kind, "file": draw(st.sampled_from(["libvirt-domain", "libvirt-host", ""])),
            "version": draw(st.none() | versions), "value": draw(st.integers(0, 1 << 31)),
            "enum_type": draw(names), "string": draw(st.none() | info_text), "info": draw(info_text),
            "flags": draw(st.none() | info_text) if kind == "function" else None,
        })
    return symbols


def api_xml(module: str, symbols: list[dict]) -> str:
    from xml.sax.saxutils import escape, quoteattr

    out = [f"<?xml version='1.0' encoding='UTF-8'?>\n<api name='{module}'>\n  <files><file name='x'/></files>\n  <symbols>\n"]
    for s in symbols:
        attrs = f" name={quoteattr(s['name'])} file={quoteattr(s['file'])}"
        attrs += f" version='{s['version']}'" if s["version"] else ""
        if s["kind"] == "enum":
            attrs += f" value='{s['value']}' type={quoteattr(s['enum_type'])}"
        if s["kind"] == "macro" and s["string"] is not None:
            attrs += f" string={quoteattr(s['string'])}"
        body = f"<info>{escape(s['info'])}</info>"
        if s["flags"] is not None:
            body += f"<arg name='domain' type='virDomainPtr' info='x'/><arg name='flags' type='unsigned int' info={quoteattr(s['flags'])}/>"
        out.append(f"    <{s['kind']}{attrs}>{body}</{s['kind']}>\n")
    out.append("  </symbols>\n</api>\n")
    return "".join(out)


@MORE
@given(st.sampled_from(["libvirt", "libvirt-qemu", "libvirt-admin"]), api_symbols())
def test_api_xml_round_trip(scratch, module, symbols):
    path = scratch / "libvirt-api.xml"
    path.write_text(api_xml(module, symbols), encoding="utf-8")
    doc = parse_api_xml(path)
    assert doc.module == module.removeprefix("libvirt-")
    assert [s.name for s in doc.symbols] == [s["name"] for s in symbols]
    for got, want in zip(doc.symbols, symbols):
        assert (got.kind, got.file, got.version) == (want["kind"], want["file"], want["version"])
        assert got.value == (str(want["value"]) if want["kind"] == "enum" else want["string"] if want["kind"] == "macro" else None)
        assert got.enum_type == (want["enum_type"] if want["kind"] == "enum" else None)
        assert got.has_flags == (want["flags"] is not None)


GROUPS = ["commonapis", "virHypervisorDriver", "virNetworkDriver", "virStorageDriver"]
DRIVERS = ["qemu", "lxc", "remote", "test", "esx", "vz", "ch", "storage"]


@st.composite
def matrices(draw):
    tables = {}
    for anchor in draw(st.lists(st.sampled_from(GROUPS), min_size=1, max_size=3, unique=True)):
        drivers = draw(st.lists(st.sampled_from(DRIVERS), min_size=1, max_size=5, unique=True))
        rows = []
        for api in draw(st.lists(names, min_size=1, max_size=5, unique=True)):
            cells = {}
            for driver in drivers:
                span = draw(st.none() | st.tuples(versions, st.none() | versions))
                if span and span[1] and version_key(span[1]) <= version_key(span[0]):
                    span = (span[0], None)
                cells[driver] = span
            rows.append((api, draw(st.none() | versions), draw(st.booleans()), cells))
        tables[anchor] = (drivers, rows)
    return tables


def hvsupport_html(tables) -> str:
    out = ['<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE html>\n<html><head><meta charset="UTF-8"/></head><body>\n']
    for anchor, (drivers, rows) in tables.items():
        out.append(f'<h2><a id="{anchor}">{anchor}</a></h2>\n<table class="top_table"><thead><tr><th>API</th><th>Version</th>')
        out.append("".join(f"<th>{d}</th>" for d in drivers) + "</tr></thead>\n<tbody>\n")
        for api, version, linked, cells in rows:
            name = f'<a href="x.html#{api}">{api}</a>' if linked else api
            out.append(f"<tr><td>\n{name}\n</td><td>{version or ''}</td>")
            for driver in drivers:
                span = cells[driver]
                text = "" if span is None else span[0] if span[1] is None else f'{span[0]} - <span class="removedhv">{span[1]}</span>'
                out.append(f"<td>{text}</td>")
            out.append("</tr>\n")
        out.append("</tbody></table>\n")
    out.append("</body></html>\n")
    return "".join(out)


@FAST
@given(matrices())
def test_hvsupport_round_trip(scratch, tables):
    path = scratch / "hvsupport.html"
    path.write_text(hvsupport_html(tables), encoding="utf-8")
    from kbgen.parse.hvsupport import group_name

    matrix = parse_hvsupport(path)
    assert matrix.drivers == {group_name(anchor): drivers for anchor, (drivers, _) in tables.items()}
    assert [(r.api, r.group, r.version, r.linked) for r in matrix.rows] == [
        (api, group_name(anchor), version, linked) for anchor, (_, rows) in tables.items() for api, version, linked, _ in rows]
    assert [(c.api, c.driver, c.group, c.since, c.removed) for c in matrix.cells] == [
        (api, driver, group_name(anchor), span[0], span[1])
        for anchor, (drivers, rows) in tables.items() for api, _, _, cells in rows
        for driver in drivers if (span := cells[driver]) is not None]


@MORE
@given(st.lists(st.tuples(versions, st.lists(names, max_size=5, unique=True), st.booleans()), min_size=1, max_size=6))
def test_syms_round_trip(sections):
    lines, expected = [], []
    for version, symbols, private in sections:
        header = f"LIBVIRT_{'PRIVATE_' if private else ''}{version}"
        lines += [f"{header} {{", "    global:"] + [f"        {s};" for s in symbols] + ["} LIBVIRT_0.0.1;", ""]
        if not private:
            expected.append((header, version, tuple(symbols)))
    parsed = parse_syms("\n".join(lines), "src/libvirt_public.syms", "libvirt")
    assert [(s.section, s.version, s.symbols) for s in parsed] == expected


@MORE
@given(st.dictionaries(st.integers(0, 2**31 - 1), st.from_regex(r"[A-Z][A-Z0-9_]{0,30}", fullmatch=True), min_size=1, max_size=20))
def test_protocol_round_trip(procedures):
    body = ",\n".join(f"    /* @generate: both */\n    REMOTE_PROC_{name} = {number}" for number, name in procedures.items())
    parsed = parse_protocol(f"enum remote_procedure {{\n{body}\n}};\n", "src/remote/remote_protocol.x", "remote")
    assert [(p.number, p.name) for p in parsed] == [(n, f"REMOTE_PROC_{name}") for n, name in procedures.items()]


# --- mutations of the fixtures: the project's own error or success, nothing else ---------------

TOKENS = [b"<", b">", b"/>", b"&", b"&amp;", b"'", b'"', b"<!DOCTYPE x>", b"<!--", b"-->", b"<![CDATA[", b"]]>",
          b"{", b"}", b"(", b")", b"/*", b"*/", b";", b",", b"=", b"|", b"-", b" - ", b"0.9.4", b"99999999999",
          b"\x00", b"\xff", b"\xd9\xa3", b"\n", b"virCheckFlags(", b"#define X ", b"<td>", b"</tr>", b"<table>", b"<th>"]

operations = st.one_of(
    st.tuples(st.just("flip"), st.floats(0, 1, exclude_max=True), st.integers(0, 255)),
    st.tuples(st.just("truncate"), st.floats(0, 1, exclude_max=True), st.just(0)),
    st.tuples(st.just("duplicate-line"), st.floats(0, 1, exclude_max=True), st.integers(1, 3)),
    st.tuples(st.just("delete-line"), st.floats(0, 1, exclude_max=True), st.integers(1, 3)),
    st.tuples(st.just("swap-lines"), st.floats(0, 1, exclude_max=True), st.integers(1, 5)),
    st.tuples(st.just("insert"), st.floats(0, 1, exclude_max=True), st.integers(0, len(TOKENS) - 1)),
)


def mutate(data: bytes, ops) -> bytes:
    for op, where, arg in ops:
        if not data:
            return data
        at = int(where * len(data))
        if op == "flip":
            data = data[:at] + bytes([arg]) + data[at + 1:]
        elif op == "truncate":
            data = data[:at]
        elif op == "insert":
            data = data[:at] + TOKENS[arg] + data[at:]
        else:
            lines = data.split(b"\n")
            i = int(where * len(lines))
            if op == "duplicate-line":
                lines[i:i] = lines[i:i + 1] * arg
            elif op == "delete-line":
                del lines[i:i + arg]
            else:
                j = min(len(lines) - 1, i + arg)
                lines[i], lines[j] = lines[j], lines[i]
            data = b"\n".join(lines)
    return data


mutations = st.lists(operations, min_size=1, max_size=6)


def only_our_errors(call, path) -> None:
    try:
        call()
    except KbgenError as err:
        if isinstance(err, InputError):
            assert err.path == str(path) and str(err).startswith(f"{path}: ")


XML_SEEDS = [FIXTURES / "release-new" / "libvirt-api.xml", FIXTURES / "release-old" / "libvirt-api.xml",
             FIXTURES / "release-new" / "libvirt-qemu-api.xml"]
HTML_SEEDS = [FIXTURES / "release-new" / "hvsupport.html", FIXTURES / "release-old" / "hvsupport.html"]


@MORE
@given(st.sampled_from(XML_SEEDS), mutations)
def test_mutated_api_xml(scratch, seed, ops):
    path = scratch / "libvirt-api.xml"
    path.write_bytes(mutate(seed.read_bytes(), ops))
    only_our_errors(lambda: parse_api_xml(path), path)


@MORE
@given(st.sampled_from(HTML_SEEDS), mutations)
def test_mutated_hvsupport(scratch, seed, ops):
    path = scratch / "hvsupport.html"
    path.write_bytes(mutate(seed.read_bytes(), ops))
    only_our_errors(lambda: parse_hvsupport(path), path)


def text_of(relative: str, tree: str = "srctree") -> bytes:
    return (FIXTURES / tree / relative).read_bytes()


@MORE
@given(st.sampled_from(["srctree", "srctree-old"]), mutations)
def test_mutated_protocol(tree, ops):
    path = "src/remote/remote_protocol.x"
    text = mutate(text_of(path, tree), ops).decode("utf-8", "replace")
    only_our_errors(lambda: parse_protocol(text, path, "remote"), path)


@MORE
@given(st.sampled_from(["srctree", "srctree-old"]), mutations)
def test_mutated_syms(tree, ops):
    path = "src/libvirt_public.syms"
    text = mutate(text_of(path, tree), ops).decode("utf-8", "replace")
    only_our_errors(lambda: parse_syms(text, path, "libvirt"), path)


@MORE
@given(st.sampled_from(["src/driver-hypervisor.h", "src/driver-nodedev.h"]), mutations)
def test_mutated_driver_headers(header, ops):
    text = mutate(text_of(header), ops).decode("utf-8", "replace")
    only_our_errors(lambda: parse_driver_fields(text, header), header)


@MORE
@given(st.sampled_from(["src/fake/fake_driver.c", "src/node_device/node_device_udev.c"]), mutations)
def test_mutated_driver_tables(source, ops):
    text = mutate(text_of(source), ops).decode("utf-8", "replace")
    only_our_errors(lambda: parse_driver_tables(text, source, {"virHypervisorDriver", "virNodeDeviceDriver"}), source)


@MORE
@given(mutations)
def test_mutated_c_sources_give_an_answer_for_every_function(ops):
    text = mutate(text_of("src/fake/fake_driver.c"), ops).decode("utf-8", "replace")
    sources = CSources({"src/fake/fake_driver.c": text})
    for function in ["fakeDomainUndefineFlags", "fakeDomainSetMetadata", "fakeDomainReboot", "fakeConnectOpen", *list(sources._functions)[:10]]:
        check = sources.check(function)  # never raises: an unreadable mask is an answer with its reason
        assert check.function == function and check.reason


DEB, TARBALL = release_deb(FIXTURES / "release-new"), tree_tarball(FIXTURES / "srctree", "gz")


@FAST
@given(mutations)
def test_mutated_debs(scratch, ops):
    path = scratch / "libvirt-dev.deb"
    path.write_bytes(mutate(DEB, ops))
    only_our_errors(lambda: deb_members(path, lambda name: True), path)


@FAST
@given(mutations)
def test_mutated_tarballs_unpack_whole_or_not_at_all(scratch, ops):
    import shutil

    target = scratch / "tree"
    shutil.rmtree(target, ignore_errors=True)
    origin = "libvirt_1.0.0.orig.tar.gz"
    try:
        unpack_tree(io.BytesIO(mutate(TARBALL, ops)), target, origin, strip_top=True)
    except KbgenError as err:
        assert str(err).startswith(f"{origin}: ")
        assert not target.exists()
    else:
        assert (target / "src" / "libvirt_public.syms").is_file()
    assert not list(scratch.glob("tree.partial*"))
