"""The site's virsh pages, the symbol pages' "Used by virsh" and "Python binding", and binding names in the search box."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from site_fixture import write_site_db
from test_site import page, words
from test_site_browser import CHROMIUM, base_url, browser, search_for, site_dir  # noqa: F401 (fixtures)
from test_site_browser import page as tab  # noqa: F401 (fixture)

from kbgen.render.site import plain_names, render_site


@pytest.fixture(scope="module")
def out(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("virsh")
    return render_site(write_site_db(root / "kb.sqlite"), root / "site").out


def row_text(html: str, row_id: str) -> str:
    match = re.search(rf'<(tr|li) id="{re.escape(row_id)}">(.*?)</\1>', html, re.DOTALL)
    assert match, row_id
    return " ".join(re.sub(r"<[^>]+>", " ", match.group(2)).split())


def test_a_command_page_shows_options_flags_apis_drivers_fallbacks_and_source(out):
    html = (out / "virsh" / "undefine.html").read_text()
    text = words(page(out, "virsh/undefine.html").text)
    assert "virsh undefine virsh command" in text
    assert "Aliases undef-alias" in text and "Handler cmdUndefine in tools/virsh-domain.c" in text
    assert "the libvirt 11.3.0 source tree (11.3.0:libvirt_11.3.0.orig.tar.xz); the oldest analysed tree having the command: 9.0.0" in text
    assert row_text(html, "option-managed-save") == "--managed-save bool VIR_ DOMAIN_ UNDEFINE_ MANAGED_ SAVE 0.9.4 (2011-08-03)"
    assert row_text(html, "option-keep-tpm") == "--keep-tpm bool VIR_ DOMAIN_ UNDEFINE_ KEEP_ TPM 8.9.0 (2022-11-01)"
    assert row_text(html, "option-keep-the-tpm") == "--keep-the-tpm alias (alias of --keep-tpm )"
    assert 'href="../symbol/VIR_DOMAIN_UNDEFINE_MANAGED_SAVE.html"' in html
    flags_api = row_text(html, "api-virDomainUndefineFlags")
    assert flags_api.startswith("virDomainUndefineFlags 0.9.4 (2011-08-03)")
    # the support matrix's rows as the function page shows them: bhyve's TBD entry stays a bound
    assert "qemu 0.9.4" in flags_api and "lxc 0.9.4" in flags_api and "bhyve ≤ 9.0.0 (first seen)" in flags_api
    assert row_text(html, "api-virDomainUndefine") == (
        "virDomainUndefine through virshUndefineHelper (fallback of virDomainUndefineFlags ) unknown (not in the ingested API) "
        "not in the support matrix (not dispatched to a driver)")
    assert row_text(html, "fallback-virDomainUndefine") == (
        "virDomainUndefine is used when the daemon lacks virDomainUndefineFlags (answers it with VIR_ERR_NO_SUPPORT ).")
    assert "Not determined" not in text


def test_string_values_lead_to_their_enum_constants_or_say_none_is_known(out):
    html = (out / "virsh" / "dompmsuspend.html").read_text()
    assert row_text(html, "option-target-mem") == "mem → VIR_ NODE_ SUSPEND_ TARGET_ MEM 0.9.8"
    assert row_text(html, "option-target-hybrid") == "hybrid → no constant of that value is known"
    assert 'href="../symbol/virNodeSuspendTarget.html"' not in html  # not a symbol of the fixture: named, not linked
    assert "a value of virNodeSuspendTarget:" in words(page(out, "virsh/dompmsuspend.html").text)


def test_what_the_analysis_could_not_determine_is_said(out):
    text = words(page(out, "virsh/migrate.html").text)
    assert "Not determined What the analysis of the source could not determine: cmdMigrate: the helper doMigrate was not followed" in text


def test_the_index_lists_every_command_with_handler_and_api_count_and_the_nav_links_it(out):
    html = (out / "virsh" / "index.html").read_text()
    assert row_text(html, "undefine") == "undefine cmdUndefine 2 undef-alias"
    assert row_text(html, "migrate") == "migrate cmdMigrate 1 (not all determined)"
    assert sorted(p.name for p in (out / "virsh").iterdir()) == ["blkdeviotune.html", "dompmsuspend.html", "index.html", "migrate.html",
                                                                 "undefine.html"]
    assert '<a href="../virsh/index.html">virsh</a>' in (out / "symbol" / "virConnectOpen.html").read_text()
    assert "virsh/undefine.html" in (out / "sitemap.xml").read_text()


def test_symbol_pages_link_the_commands_and_options_using_them_and_back(out):
    flag = (out / "symbol" / "VIR_DOMAIN_UNDEFINE_MANAGED_SAVE.html").read_text()
    assert ('<a href="../virsh/undefine.html#option-managed-save"><code>virsh undefine --managed-save</code></a>') in flag
    value = (out / "symbol" / "VIR_NODE_SUSPEND_TARGET_MEM.html").read_text()
    assert '<a href="../virsh/dompmsuspend.html#option-target-mem"><code>virsh dompmsuspend --target mem</code></a>' in value
    function = words(page(out, "symbol/virDomainUndefineFlags.html").text)
    assert "Used by virsh virsh undefine Python binding" in function
    assert '<a href="../virsh/undefine.html#api-virDomainUndefineFlags">' in (out / "symbol" / "virDomainUndefineFlags.html").read_text()
    for target in ("#option-managed-save", "#option-target-mem", "#api-virDomainUndefineFlags"):
        name = "undefine" if "target" not in target else "dompmsuspend"
        assert target[1:] in page(out, f"virsh/{name}.html").ids
    assert "Used by virsh" not in page(out, "symbol/virConnectOpen.html").text


def test_symbol_pages_name_python_bindings_never_as_added_in_a_release(out):
    function = words(page(out, "symbol/virDomainUndefineFlags.html").text)
    assert ("virDomain.undefineFlags (method; in every ingested python3-libvirt release from 7.0.0, the oldest ingested: "
            "it may be older)") in function
    constant = words(page(out, "symbol/VIR_DOMAIN_UNDEFINE_KEEP_TPM.html").text)
    assert "libvirt.VIR_DOMAIN_UNDEFINE_KEEP_TPM (constant; in every ingested python3-libvirt release from 9.0.0)" in constant
    section = re.search(r'<section aria-labelledby="python-binding">.*?</section>', (out / "symbol" / "virDomainFDAssociate.html").read_text(), re.DOTALL)
    assert "added" not in section.group(0).lower() and "from 11.3.0" in section.group(0)
    assert "Python binding" not in page(out, "symbol/VIR_DOMAIN_UNDEFINE_MANAGED_SAVE.html").text  # no binding row in the fixture


def test_the_search_index_leads_virsh_commands_to_their_pages_and_holds_binding_names(out):
    index = json.loads((out / "search-index.json").read_text())
    name = [row[0] for row in index["symbols"]]
    assert index["virshalias"] == {"undef-alias": "undefine"}
    assert index["virshpages"] == {}
    for row in index["virsh"]:
        assert (out / "virsh" / f"{index['virshalias'].get(row[0], row[0])}.html").is_file()
    assert ["undef-alias", name.index("virDomainUndefineFlags")] in index["virsh"]
    assert [name.index("virDomainUndefineFlags"), "virDomain.undefineFlags"] in index["py"]
    assert name.index("VIR_DOMAIN_UNDEFINE_KEEP_TPM") in index["pyconsts"]["libvirt"]
    assert not any(b == "virDomain.create" for _, b in index["py"])  # a pure-Python method calls no C symbol
    assert index["receivers"]["conn"] == "virConnect" and index["receivers"]["dom"] == "virDomain"


def test_virsh_page_names_are_the_commands_unless_they_could_clash():
    stems = plain_names(["net-list", "index", "Net-List", "a--b", "nodedev-dettach"])
    assert stems["net-list"] == "net-list" and stems["nodedev-dettach"] == "nodedev-dettach"
    assert all("--" in stems[n] for n in ("index", "Net-List", "a--b"))


# --- in the browser ------------------------------------------------------------------------


def in_browser(test):
    return pytest.mark.browser(pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium")(test))


@in_browser
@pytest.mark.parametrize("typed", ["dom.undefineFlags", "virDomain.undefineFlags", "undefineFlags"])
def test_a_binding_name_finds_the_c_symbol_and_says_which_binding(tab, base_url, typed):  # noqa: F811
    search_for(tab, base_url, typed)
    first = tab.locator("#results li").first
    assert first.locator(".name").inner_text() == "virDomainUndefineFlags"
    assert first.locator(".module").inner_text() == "Python: virDomain.undefineFlags"
    tab.press("#q", "Enter")
    tab.wait_for_url("**/symbol/virDomainUndefineFlags.html")


@in_browser
def test_a_variable_name_is_read_as_its_class_even_when_the_shorter_query_matched_nothing(tab, base_url):  # noqa: F811
    tab.goto(base_url + "index.html")
    tab.wait_for_function("document.getElementById('status').textContent === ''")
    for text in ("guest", "guest.", "guest.undefineflags"):  # each search narrows what the previous one matched
        tab.fill("#q", text)
    tab.wait_for_function("(document.querySelector('#results li .name') || {}).textContent === 'virDomainUndefineFlags'")  # first


@in_browser
def test_virsh_results_open_the_command_page_and_an_alias_its_command(tab, base_url):  # noqa: F811
    search_for(tab, base_url, "undef-alias")
    first = tab.locator("#results li").first
    tab.locator("#results li", has_text="alias of undefine; calls virDomainUndefineFlags").first.wait_for()  # while the list is redrawn
    assert "alias of undefine; calls virDomainUndefineFlags" in first.inner_text()
    first.click()
    tab.wait_for_url("**/virsh/undefine.html")
