"""The static site: every page kind, links, escaping, determinism and the atomic swap."""

from __future__ import annotations

import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urldefrag, urlsplit

import pytest
from site_fixture import BUILT_AT, CASE_NAMES, HOSTILE_NAME, LONG_NAME, RESERVED_NAMES, SYMBOLS, WIDE_NAME, write_site_db

from kbgen.errors import KbgenError
from kbgen.render import site as site_module
from kbgen.render.site import LONGEST_STEM, SITE_MARKER, page_names, render_site, search_index, slug


class Page(HTMLParser):
    """What the tests read from one HTML file: links, ids, title, description, text."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.ids: set[str] = set()
        self.title = ""
        self.description: str | None = None
        self.text_parts: list[str] = []
        self._in_title = False
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.links += [attrs[a] for a in ("href", "src") if attrs.get(a) is not None]
        if "id" in attrs:
            self.ids.add(attrs["id"])
        if tag == "meta" and attrs.get("name") == "description":
            self.description = attrs.get("content")
        self._in_title = tag == "title"

    def handle_endtag(self, tag):
        self._in_title = False

    def handle_data(self, data):
        if self._in_title:
            self.title += data
        self.text_parts.append(data)

    @property
    def text(self) -> str:
        return " ".join(" ".join(self.text_parts).split())


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> Path:
    return write_site_db(tmp_path_factory.mktemp("kb") / "kb.sqlite")


@pytest.fixture(scope="module")
def built(db, tmp_path_factory):
    out = tmp_path_factory.mktemp("public") / "site"
    return render_site(db, out)


@pytest.fixture(scope="module")
def out(built) -> Path:
    return built.out


def page(out: Path, path: str) -> Page:
    return Page((out / path).read_text(encoding="utf-8"))


def html_files(out: Path) -> list[Path]:
    return sorted(out.rglob("*.html"))


def tree_bytes(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def section(out: Path, path: str, section_id: str) -> str:
    match = re.search(rf'<section id="{section_id}">(.*?)</section>', (out / path).read_text(), re.DOTALL)
    assert match, f"{path} has no section {section_id}"
    return Page(match.group(1)).text


def flag_cells(html: str) -> dict[tuple[str, str], tuple[str, str]]:
    """(flag, driver) -> (cell class, cell text) of a symbol page's flags-by-driver table (a row per bit: "0x1 NAME, NAME")."""
    match = re.search(r'<table class="flags-by-driver">(.*?)</table>', html, re.DOTALL)
    assert match, "no flags-by-driver table"
    head, body = match.group(1).split("</thead>")
    drivers = [Page(h).text for h in re.findall(r'<th scope="col"[^>]*>(.*?)</th>', head)][1:]
    cells = {}
    for header, row in re.findall(r'<tr[^>]*><th scope="row">(.*?)</th>(.*?)</tr>', body):
        names = Page(header).text.partition(" ")[2].replace(" ", "").split(",")
        for driver, (kind, text) in zip(drivers, re.findall(r'<td class="(\w+)"[^>]*>(.*?)</td>', row), strict=True):
            cells.update({(name, driver): (kind, Page(text).text) for name in names})
    return cells


def support_row(html: str, driver: str) -> tuple[str, str]:
    match = re.search(rf'<tr class="(\w+)" data-driver="{driver}"[^>]*>(.*?)</tr>', html, re.DOTALL)
    assert match, f"no {driver} row"
    return match.group(1), Page(match.group(2)).text


# --- every page kind ---------------------------------------------------------------


def test_every_page_kind_is_rendered(out):
    expected = ["index.html", "releases.html", "404.html", "sitemap.xml", "search-index.json", "search-index.js",
                "explain.html", "explain-data.json", "explain-data.js",
                "assets/site.css", "assets/site.js", "assets/explain.js", "matrix/index.html", "matrix/hypervisor.html", "matrix/network.html",
                "driver/index.html", "driver/qemu.html", "driver/bridge.html",
                "release/7.0.0.html", "release/9.0.0.html", "release/11.3.0.html", SITE_MARKER]
    expected += [f"symbol/{stem}.html" for stem in page_names(s["name"] for s in SYMBOLS).values()]
    assert [p for p in expected if not (out / p).is_file()] == []


def test_report_counts_pages_and_bytes(built):
    files = [p for p in built.out.rglob("*") if p.is_file()]
    assert built.pages == len(html_files(built.out))
    assert built.bytes_total == sum(p.stat().st_size for p in files)
    assert built.seconds >= 0


def test_every_page_has_a_title_and_a_description(out):
    for path in html_files(out):
        parsed = page(out, str(path.relative_to(out)))
        assert parsed.title.strip(), path
        assert parsed.description, path


def test_no_broken_internal_links(out):
    pages = {p: page(out, str(p.relative_to(out))) for p in html_files(out)}
    broken = []
    for path, parsed in pages.items():
        for link in parsed.links:
            if urlsplit(link).scheme in ("http", "https", "mailto"):
                continue
            target, fragment = urldefrag(urlsplit(link)._replace(query="").geturl())
            resolved = (path.parent / target).resolve() if target else path
            missing_anchor = fragment and resolved in pages and fragment not in pages[resolved].ids
            if not resolved.is_file() or missing_anchor:
                broken.append((str(path.relative_to(out)), link))
    assert broken == []


def test_assets_are_local(out):
    for path in html_files(out):
        parsed = page(out, str(path.relative_to(out)))
        assert all(not link.startswith(("http:", "https:", "//")) for link in parsed.links if link.endswith((".css", ".js"))), path
    css = (out / "assets/site.css").read_text()
    assert "prefers-color-scheme: dark" in css
    assert "@import" not in css and "@font-face" not in css


# --- what the pages say ------------------------------------------------------------


def test_function_page_shows_release_source_reference_and_drivers(out):
    html = (out / "symbol/virDomainUndefineFlags.html").read_text()
    text = Page(html).text
    assert "Added in 0.9.4" in text
    assert "source: xml-version" in text
    assert "libvirt/libvirt-domain.h" in text
    assert 'href="https://libvirt.org/html/libvirt-libvirt-domain.html#virDomainUndefineFlags"' in html
    assert support_row(html, "qemu") == ("ok", "qemu 0.9.4 ✓ supported")
    assert support_row(html, "esx") == ("none", "esx ✗ not implemented")


def test_function_page_lists_its_flags_with_versions(out):
    text = page(out, "symbol/virDomainUndefineFlags.html").text
    assert "Flags: virDomainUndefineFlagsValues" in text
    assert "VIR_DOMAIN_UNDEFINE_MANAGED_SAVE 1 0.9.4" in text
    assert "VIR_DOMAIN_UNDEFINE_KEEP_TPM 64 8.9.0" in text


def test_function_page_shows_its_rpc_procedure(out):
    html = (out / "symbol/virDomainPMSuspendForDuration.html").read_text()
    assert '<span class="proc">remote procedure 261 (<code>REMOTE_PROC_DOMAIN_PM_SUSPEND_FOR_DURATION</code>)</span>' in html
    assert "Added in 0.9.10; an older daemon answers unknown procedure: 261" in Page(html).text
    assert 'href="../explain.html?q=unknown%20procedure%3A%20261"' in html
    assert "qemu procedure 2 (<code>QEMU_PROC_DOMAIN_ATTACH</code>)" in (out / "symbol/virDomainQemuAttach.html").read_text()
    assert "RPC procedure" not in page(out, "symbol/virConnectOpen.html").text


def test_flags_by_driver_shows_each_drivers_newest_mask(out):
    cells = flag_cells((out / "symbol/virDomainUndefineFlags.html").read_text())
    assert cells["VIR_DOMAIN_UNDEFINE_KEEP_TPM", "qemu"] == ("ok", "9.0.0")
    assert cells["VIR_DOMAIN_UNDEFINE_SNAPSHOTS_METADATA", "qemu"] == ("ok", "after 7.0.0, by 11.3.0 (3 releases)")
    assert cells["VIR_DOMAIN_UNDEFINE_MANAGED_SAVE", "qemu"] == ("ok", "between 0.9.4 and 7.0.0 (4 releases)")
    assert cells["VIR_DOMAIN_UNDEFINE_MANAGED_SAVE", "test"] == ("ok", "between 0.9.4 and 11.3.0 (7 releases)")
    assert cells["VIR_DOMAIN_UNDEFINE_KEEP_TPM", "test"] == ("no", "— not accepted")
    assert cells["VIR_DOMAIN_UNDEFINE_KEEP_TPM", "lxc"] == ("unknown", "? unknown")
    assert {driver for _, driver in cells} == {"lxc", "qemu", "test"}


def test_flags_by_driver_gives_the_reason_a_mask_is_unknown(out):
    html = (out / "symbol/virDomainUndefineFlags.html").read_text()
    assert 'title="mask unknown: no virCheckFlags, and flags is not passed to a function in the given sources"' in html
    footnote = re.search(r'<li id="mask-lxc">(.*?)</li>', html)
    assert footnote, "no footnote for lxc"
    assert Page(footnote.group(1)).text == (
        "? lxc : mask unknown in lxcDomainUndefineFlags (libvirt 11.3.0): no virCheckFlags, and flags is not passed to a function in the given sources")
    assert 'href="#mask-lxc"' in html


def test_flags_by_driver_follows_flags_defined_as_other_flags(out):
    cells = flag_cells((out / "symbol/virDomainSetVcpusFlags.html").read_text())
    assert cells["VIR_DOMAIN_VCPU_LIVE", "qemu"] == ("ok", "between 0.9.2 and 7.0.0 (4 releases)")
    assert cells["VIR_DOMAIN_VCPU_MAXIMUM", "qemu"] == ("ok", "between 0.8.5 and 7.0.0 (4 releases)")
    assert "VIR_DOMAIN_VCPU_CURRENT: value 0, accepted by every driver" in section(out, "symbol/virDomainSetVcpusFlags.html", "flags-by-driver")


def test_flags_by_driver_has_a_row_per_bit_with_every_name_of_it(out):
    html = (out / "symbol/virDomainSetVcpusFlags.html").read_text()
    header = next(Page(h).text for h in re.findall(r'<tr[^>]*><th scope="row">(.*?)</th>', html) if "LIVE" in h)
    assert header.replace(" ", "").replace(",", ", ") == "0x1VIR_DOMAIN_VCPU_LIVE, VIR_DOMAIN_AFFECT_LIVE"


def test_flags_by_driver_says_unknown_past_the_newest_analysed_tree_in_words(out):
    cells = flag_cells((out / "symbol/virDomainUndefineFlags.html").read_text())
    assert cells["VIR_DOMAIN_UNDEFINE_FUTURE", "qemu"] == ("past", "? unknown (newest analysed source: 11.3.0)")
    assert cells["VIR_DOMAIN_UNDEFINE_FUTURE", "test"] == ("past", "? unknown (newest analysed source: 11.3.0)")
    assert cells["VIR_DOMAIN_UNDEFINE_FUTURE", "lxc"] == ("unknown", "? unknown")


def test_a_flag_newer_than_every_tree_says_its_acceptance_is_unknown(out):
    text = section(out, "symbol/VIR_DOMAIN_UNDEFINE_FUTURE.html", "past-sources")
    assert "Unknown (newest analysed source: 11.3.0)" in text
    assert "past-sources" not in page(out, "symbol/VIR_DOMAIN_UNDEFINE_KEEP_TPM.html").ids


def test_explain_data_knows_older_names_and_the_functions_performing_the_check(out):
    implementations = json.loads((out / "explain-data.json").read_text())["implementations"]
    assert implementations["qemuDomainUndefineFlagsOld"] == ["qemu", "virDomainUndefineFlags"]
    assert implementations["qemuDomainSetVcpusInternal"] == ["qemu", "virDomainSetVcpusFlags"]


def test_flags_by_driver_says_when_no_flag_is_accepted(out):
    assert "No flag is accepted: flags must be 0 for qemu." in section(out, "symbol/virDomainPMSuspendForDuration.html", "flags-by-driver")


def test_enum_constant_page_lists_the_drivers_accepting_it(out):
    assert (section(out, "symbol/VIR_DOMAIN_UNDEFINE_MANAGED_SAVE.html", "accepted-by").endswith(
        "qemu virDomainUndefineFlags between 0.9.4 and 7.0.0 (4 releases) test virDomainUndefineFlags between 0.9.4 and 11.3.0 (7 releases)"))
    assert "qemu virDomainSetVcpusFlags between 0.9.2 and 7.0.0 (4 releases)" in section(out, "symbol/VIR_DOMAIN_VCPU_LIVE.html", "accepted-by")
    assert "accepted-by" not in page(out, "symbol/VIR_DOMAIN_VCPU_CURRENT.html").ids


def test_driver_page_counts_known_flag_masks(out):
    assert "Flag masks known for 3 of 4 flag-taking APIs" in page(out, "driver/qemu.html").text
    assert "Flag masks known for 0 of 1 flag-taking APIs" in page(out, "driver/lxc.html").text
    assert "Flag masks" not in page(out, "driver/bridge.html").text


def test_removed_driver_support_is_said_in_words(out):
    html = (out / "symbol/virDomainQemuAttach.html").read_text()
    assert support_row(html, "qemu") == ("removed", "qemu 0.9.4 ⚠ removed in 5.5.0")


def test_enum_constant_page_shows_type_value_siblings_and_takers(out):
    text = page(out, "symbol/VIR_DOMAIN_UNDEFINE_SNAPSHOTS_METADATA.html").text
    assert "Enum type virDomainUndefineFlagsValues" in text
    assert "Value 2" in text
    assert "VIR_DOMAIN_UNDEFINE_MANAGED_SAVE 1 0.9.4" in text and "VIR_DOMAIN_UNDEFINE_KEEP_TPM 64 8.9.0" in text
    assert "Functions taking virDomainUndefineFlagsValues virDomainUndefineFlags" in text


def test_upper_bound_is_marked_as_first_seen(out):
    text = page(out, "symbol/virConnectOldFeature.html").text
    assert "≤ 7.0.0 (first seen)" in text
    assert "source: first-seen" in text


def test_release_page_lists_what_arrived_in_its_window(out):
    functions = section(out, "release/9.0.0.html", "function")
    assert "virDomainFDAssociate" in functions and HOSTILE_NAME in functions
    assert "virDomainUndefineFlags " not in functions
    assert "enum" not in page(out, "release/9.0.0.html").ids
    assert "qemu 1 virDomainFDAssociate 9.0.0" in section(out, "release/9.0.0.html", "gained")
    assert "VIR_DOMAIN_UNDEFINE_KEEP_TPM libvirt-domain 8.9.0" in section(out, "release/8.9.0.html", "enum")
    assert "lxc 1 virDomainFDAssociate 8.9.0" in section(out, "release/8.9.0.html", "gained")


def test_every_dated_release_has_a_page_with_its_date_between_its_neighbours(out):
    from site_fixture import RELEASE_DATES, RELEASES

    assert {p.stem for p in (out / "release").glob("*.html")} == set(RELEASE_DATES) | set(RELEASES)
    text = page(out, "release/0.9.10.html").text
    assert "New in 0.9.10 2012-02-13" in text and "← 0.9.4 (2011-08-03)" in text and "0.9.11 (2012-04-03) →" in text
    assert "0.9.10 2012-02-13" in page(out, "releases.html").text


def test_release_page_keeps_upper_bounds_apart(out):
    parsed = page(out, "release/11.3.0.html")
    assert "macro" not in parsed.ids
    assert "VIR_FIXTURE_FIRST_SEEN" in section(out, "release/11.3.0.html", "upper-bound")
    assert "lxc 1 virDomainFDAssociate 10.0.0" in section(out, "release/11.3.0.html", "lost")
    assert "virConnectOldFeature" in section(out, "release/7.0.0.html", "upper-bound")
    assert "virConnectOldFeature" not in section(out, "release/7.0.0.html", "function")


def test_matrix_links_public_apis_only(out):
    html = (out / "matrix/hypervisor.html").read_text()
    assert '<a href="../symbol/virDomainUndefineFlags.html">' in html
    assert "<code>virDomainMigratePrepare3</code>" in html
    assert "symbol/virDomainMigratePrepare3.html" not in html
    assert 'title="added in 0.9.4, removed in 5.5.0">0.9.4&nbsp;– 5.5.0</td>' in html


def test_driver_page_shows_history(out):
    text = page(out, "driver/lxc.html").text
    assert "10.0.0 virDomainFDAssociate" in text
    assert "8.9.0 virDomainFDAssociate" in text
    assert "removed in 10.0.0" in text


def test_symbol_page_reports_disagreements(out):
    assert "Sources disagree driver-since-changed" in page(out, "symbol/virDomainFDAssociate.html").text


def test_explain_page_is_linked_from_every_page(out):
    for path in html_files(out):
        assert any(link.endswith("explain.html") for link in page(out, str(path.relative_to(out))).links), path
    assert page(out, "explain.html").title.startswith("Explain a libvirt error")


def test_explain_data_answers_the_messages(out):
    data = json.loads((out / "explain-data.json").read_text())
    assert data["procedures"]["261"] == ["REMOTE_PROC_DOMAIN_PM_SUSPEND_FOR_DURATION", "virDomainPMSuspendForDuration", "api", "0.9.10", "0.9.10"]
    assert data["procedures"]["318"][1:3] == [None, "event"]
    assert "2" not in data["procedures"]
    assert data["implementations"]["lxcDomainUndefineFlags"] == ["lxc", "virDomainUndefineFlags"]
    assert data["flags"]["virDomainUndefineFlags"][-2] == ["VIR_DOMAIN_UNDEFINE_KEEP_TPM", 64, {"qemu": "since 9.0.0"}, "8.9.0"]
    assert data["flags"]["virDomainSetVcpusFlags"][0] == ["VIR_DOMAIN_VCPU_LIVE", 1, {"qemu": "between 0.9.2 and 7.0.0"}, "0.8.5"]
    assert data["support"]["virDomainFDAssociate"] == [["lxc", "8.9.0", "10.0.0"], ["qemu", "9.0.0"], ["remote", "9.0.0"]]
    assert data["sections"]["LIBVIRT_QEMU_0.8.3"] == ["virDomainQemuAttach"]
    assert data["programs"]["qemu"]["2"][:2] == ["QEMU_PROC_DOMAIN_ATTACH", "virDomainQemuAttach"]
    assert data["events"]["virDomainEventID"] == {"registered": ["virConnectDomainEventRegisterAny"],
                                                  "ids": {"1": ["VIR_DOMAIN_EVENT_ID_REBOOT", "0.8.0", "0.8.0"]}}
    assert data["params"]["cpu_shares"] == [["VIR_DOMAIN_SCHEDULER_CPU_SHARES", "0.9.7",
                                             [["qemu", "virDomainSetSchedulerParameters", "between 0.9.7 and 7.0.0"]]]]
    assert data["masks"]["virDomainUndefineFlags"] == {"qemu": "11.3.0", "test": "11.3.0"}
    assert data["newest_release"] == "11.3.0"
    script = (out / "explain-data.js").read_text()
    assert script == f"window.KB_EXPLAIN={(out / 'explain-data.json').read_text().strip()};\n"


def test_generated_at_comes_from_the_database(out):
    assert f"Generated at {BUILT_AT}" in page(out, "index.html").text


def test_sitemap_lists_pages_but_not_404(out):
    sitemap = (out / "sitemap.xml").read_text()
    assert "<loc>symbol/virDomainUndefineFlags.html</loc>" in sitemap
    assert "404.html" not in sitemap
    assert sitemap.count("<loc>") == len(html_files(out)) - 1


def test_sitemap_takes_a_base_url(db, tmp_path):
    report = render_site(db, tmp_path / "site", base_url="https://kb.example/")
    assert "<loc>https://kb.example/releases.html</loc>" in (report.out / "sitemap.xml").read_text()


@pytest.mark.parametrize("base_url", ["https://kb.example//evil.example/", "https://kb.example/\\evil.example/", "//evil.example",
                                      "https://kb.example/kb"])
def test_the_404_page_links_stay_on_the_origin_and_loads_no_file(db, tmp_path, base_url):
    html = (render_site(db, tmp_path / "site", base_url=base_url).out / "404.html").read_text()
    links = [link for link in Page(html).links if not link.startswith(("https://libvirt.org/", "#"))]
    assert links and all(re.match(r"/[^/\\]", link) for link in links), links
    assert "<base" not in html and "<link" not in html and "<script src" not in html


def test_the_404_page_without_a_base_url_computes_an_origin_relative_base(out):
    html = (out / "404.html").read_text()
    assert "new URL(" in html and "base.origin !== location.origin" in html
    assert not [link for link in Page(html).links if link.endswith((".css", ".js"))]


# --- escaping and the search index -------------------------------------------------


def test_markup_in_a_name_is_escaped_everywhere(out):
    data_files = ["sitemap.xml", "search-index.json", "search-index.js", "explain-data.json", "explain-data.js"]
    for path in [*html_files(out), *(out / name for name in data_files)]:
        assert "<script>alert" not in path.read_text(), path
    hostile = page(out, f"symbol/{slug(HOSTILE_NAME)}.html")
    assert hostile.title.startswith(HOSTILE_NAME)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in (out / f"symbol/{slug(HOSTILE_NAME)}.html").read_text()


def test_search_index_round_trips_every_symbol(out):
    index = json.loads((out / "search-index.json").read_text())
    by_name = {row[0]: row for row in index["symbols"]}
    assert set(by_name) == {s["name"] for s in SYMBOLS}
    _, kind, module, since, exact = by_name["virDomainUndefineFlags"]
    assert (index["kinds"][kind], index["modules"][module], since, exact) == ("function", "libvirt", "0.9.4", 1)
    assert by_name["virConnectOldFeature"][4] == 0
    assert by_name[HOSTILE_NAME][5] == slug(HOSTILE_NAME)
    script = (out / "search-index.js").read_text()
    assert script == f"window.KB_INDEX={(out / 'search-index.json').read_text().strip()};\n"


def test_search_index_rows_are_arrays():
    index = search_index([dict(s, since_exact=bool(s["since_exact"])) for s in SYMBOLS], page_names(s["name"] for s in SYMBOLS))
    assert all(isinstance(row, list) and len(row) in (5, 6) for row in index["symbols"])


@pytest.mark.parametrize("name", ["virDomainUndefineFlags", "VIR_DOMAIN_NONE", "1.2.3"])
def test_slug_keeps_identifiers_and_versions(name):
    assert slug(name) == name


def test_slug_encodes_everything_else_without_collisions():
    names = ["a-b", "a-2db", "a/b", "a b", "a<b", "é", HOSTILE_NAME]
    slugs = [slug(n) for n in names]
    assert len(set(slugs)) == len(names)
    assert all(re.fullmatch(r"[A-Za-z0-9_.-]+", s) for s in slugs)


# --- page file names ----------------------------------------------------------------


def heading(out: Path, path: str) -> str:
    match = re.search(r"<h1[^>]*>(.*?)</h1>", (out / path).read_text(), re.DOTALL)
    assert match, f"{path} has no h1"
    return Page(match.group(1)).text


def test_names_that_would_clash_get_pages_of_their_own(out):
    names = [*CASE_NAMES, LONG_NAME, WIDE_NAME, *RESERVED_NAMES, HOSTILE_NAME]
    stems = page_names(s["name"] for s in SYMBOLS)
    assert [heading(out, f"symbol/{stems[name]}.html") for name in names] == [f"{n} function" for n in CASE_NAMES] + [
        f"{n} macro" for n in (LONG_NAME, WIDE_NAME, *RESERVED_NAMES)] + [f"{HOSTILE_NAME} function"]
    index_page = f"{page_names(['index'])['index']}.html"
    assert [heading(out, path) for path in ("driver/index.html", f"driver/{index_page}", "matrix/index.html", f"matrix/{index_page}")] == [
        "Drivers", "driver index", "Driver support matrix", "index support matrix"]


def test_page_files_are_distinct_ignoring_case_and_fit_every_file_system(out):
    files = [str(p.relative_to(out)) for p in out.rglob("*")]
    assert len({f.lower() for f in files}) == len(files)
    assert max(len(p.name.encode()) for p in out.rglob("*")) <= LONGEST_STEM + len(".html")


def test_the_search_index_points_at_each_symbols_own_page(out):
    index = json.loads((out / "search-index.json").read_text())
    for row in index["symbols"]:
        path = f"symbol/{row[5] if len(row) > 5 else row[0]}.html"
        assert page(out, path).title.startswith(row[0]), path


def test_page_names_keep_plain_names_and_hash_the_rest():
    names = ["virDomainUndefineFlags", "1.2.3", "virFoo", "virfoo", "VIRFOO", "index", "Index", "CON", "lpt1", "x" * 300, "é" * 100, ""]
    stems = page_names(names)
    assert stems["virDomainUndefineFlags"] == "virDomainUndefineFlags" and stems["1.2.3"] == "1.2.3"
    assert all(re.fullmatch(r"[A-Za-z0-9_.-]*--[0-9a-f]{12}", stems[n]) for n in names[2:]), stems
    assert len({s.lower() for s in stems.values()}) == len(names)
    assert max(len(s) for s in stems.values()) <= LONGEST_STEM
    assert page_names(reversed(names)) == stems


# --- determinism and the swap ------------------------------------------------------


def test_two_renders_are_byte_identical(db, tmp_path):
    first = render_site(db, tmp_path / "one").out
    second = render_site(db, tmp_path / "two").out
    assert tree_bytes(first) == tree_bytes(second)


def test_rerender_replaces_the_previous_site(db, tmp_path):
    target = tmp_path / "site"
    render_site(db, target)
    (target / "stale.html").write_text("old")
    render_site(db, target)
    assert not (target / "stale.html").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == [".site.lock", "site"]


def test_failed_render_leaves_the_previous_site_untouched(db, tmp_path, monkeypatch):
    target = tmp_path / "site"
    render_site(db, target)
    before = tree_bytes(target)
    broken = tmp_path / "templates"
    shutil.copytree(site_module.templates_dir(), broken)
    (broken / "release.html").write_text("{{ 1 // 0 }}")
    monkeypatch.setattr(site_module, "templates_dir", lambda: broken)
    with pytest.raises(KbgenError, match=r"ZeroDivisionError.*previous site is unchanged"):
        render_site(db, target)
    assert tree_bytes(target) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [".site.lock", "site", "templates"]


def test_refuses_to_replace_a_directory_it_did_not_make(db, tmp_path):
    precious = tmp_path / "precious"
    precious.mkdir()
    (precious / "thesis.tex").write_text("years of work")
    with pytest.raises(KbgenError, match="did not generate"):
        render_site(db, precious)
    assert (precious / "thesis.tex").read_text() == "years of work"


def test_missing_database_is_a_kbgen_error(tmp_path):
    with pytest.raises(KbgenError, match="no knowledge base"):
        render_site(tmp_path / "nope.sqlite", tmp_path / "site")
    assert [p.name for p in tmp_path.iterdir()] == [".site.lock"]


def test_a_tbd_driver_entry_is_shown_as_a_bound(out):
    page = (out / "symbol" / "virDomainUndefineFlags.html").read_text()
    assert '<th scope="row"><a href="../driver/bhyve.html">bhyve</a></th>\n    <td>≤ 9.0.0 (first seen)</td>' in page
    matrix = (out / "matrix" / "hypervisor.html").read_text()
    assert 'title="in the bhyve driver\'s table without a version (TBD): implemented, ≤ 9.0.0 (first seen)">≤ 9.0.0 (first seen)</td>' in matrix


def test_function_page_lists_typed_parameters_by_driver(out):
    text = words(page(out, "symbol/virDomainSetSchedulerParameters.html").text)
    assert "Typed parameters by driver" in text and "VIR_DOMAIN_SCHEDULER_CPU_SHARES between 0.9.7 and 7.0.0" in text
    assert "unknown as of 11.3.0 (no virTypedParamsValidate" in text


def test_macro_page_lists_the_functions_taking_it_and_the_drivers_accepting_it(out):
    text = words(page(out, "symbol/VIR_DOMAIN_SCHEDULER_CPU_SHARES.html").text)
    assert "virDomainSetSchedulerParameters, qemu: accepted between 0.9.7 and 7.0.0" in text
    assert "virDomainSetSchedulerParameters, qemu: unknown (newest analysed source: 11.3.0)" in words(page(
        out, "symbol/VIR_DOMAIN_SCHEDULER_FUTURE.html").text)


def test_event_id_page_names_its_register_function(out):
    text = words(page(out, "symbol/VIR_DOMAIN_EVENT_ID_REBOOT.html").text)
    assert "virConnectDomainEventRegisterAny, argument eventID: the event to register for" in text


def test_validated_values_by_driver_on_function_and_constant_pages(out):
    text = words(page(out, "symbol/virDomainPMSuspendForDuration.html").text)
    assert "qemu: VIR_NODE_SUSPEND_TARGET_MEM, VIR_NODE_SUSPEND_TARGET_DISK (as of 11.3.0)" in text
    assert "libxl: validated at run time, values not determined" in text
    assert "qemu (virDomainPMSuspendForDuration): accepted (as of 11.3.0)" in words(
        page(out, "symbol/VIR_NODE_SUSPEND_TARGET_DISK.html").text)


def words(text: str) -> str:
    """Page text with the spaces that joining its parts puts before punctuation taken out."""
    for mark in ",:)":
        text = text.replace(f" {mark}", mark)
    return text.replace("( ", "(")


def test_search_index_finds_values_implementations_virsh_commands_and_xml_paths(out):
    index = json.loads((out / "search-index.json").read_text())
    name = [row[0] for row in index["symbols"]]
    assert [name[i] for i, v in index["values"] if v == "inbound.average"] == ["VIR_DOMAIN_BANDWIDTH_IN_AVERAGE"]
    assert sorted(name[i] for i, v in index["ints"] if v == 64) == ["VIR_DOMAIN_UNDEFINE_KEEP_TPM", "VIR_MIGRATE_NON_SHARED_DISK"]
    assert ["qemuDomainUndefineFlags", name.index("virDomainUndefineFlags"), "qemu"] in index["impls"]
    assert ["dompmsuspend", name.index("virDomainPMSuspendForDuration")] in index["virsh"]
    paths = {row[0]: row for row in index["xml"]}
    assert paths["domain/devices/disk/@type=nvme"] == ["domain/devices/disk/@type=nvme", "6.0.0"]  # its page: tests/test_site_xml.py


def test_a_driver_built_from_backends_shows_each(out):
    page = (out / "symbol" / "virDomainUndefineFlags.html").read_text()
    assert '<span class="note">(backends: new 1.0.0, old 0.9.4)</span>' in page


def test_versions_on_symbol_and_release_pages_carry_their_dates(out):
    since = re.search(r'<dd class="since">(.*?)</dd>', (out / "symbol/virDomainUndefineFlags.html").read_text(), re.DOTALL).group(1)
    assert Page(since).text.startswith("0.9.4 (2011-08-03)")
    assert "9.0.0 (2023-01-16)" in section(out, "release/9.0.0.html", "function")  # virDomainFDAssociate
    assert "(2011-08-03)" not in section(out, "release/11.3.0.html", "upper-bound")  # a bound has no date


def test_compare_page_is_linked_from_the_release_pages(out):
    assert "compare.html" in page(out, "releases.html").links and (out / "compare-data.js").is_file()
    assert "../compare.html?from=9.0.0&to=11.3.0" in page(out, "release/9.0.0.html").links  # to the newest
    assert "../compare.html?from=9.0.0&to=11.3.0" in page(out, "release/11.3.0.html").links  # the newest: from the one before
