"""The site in a real browser (Debian's chromium driven by Playwright), served over HTTP."""

from __future__ import annotations

import contextlib
import functools
import importlib.util
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote

import pytest
from httpserver import Reply
from site_fixture import HOSTILE_NAME, write_site_db

from kbgen.render.site import render_site

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium (apt-get install chromium)"),
    pytest.mark.skipif(importlib.util.find_spec("playwright") is None, reason="needs Playwright for Python (pip install playwright)"),
]


class SiteHandler(SimpleHTTPRequestHandler):
    """Serves the site directory; a missing path gets 404.html with status 404, like a static host."""

    def send_error(self, code, message=None, explain=None):
        not_found = Path(self.directory) / "404.html"
        if code != 404 or not not_found.is_file():
            return super().send_error(code, message, explain)
        body = not_found.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def site_dir(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("browser")
    return render_site(write_site_db(root / "kb.sqlite"), root / "site").out


@contextlib.contextmanager
def serving(directory: Path) -> Iterator[str]:
    """DIRECTORY served on a free port of 127.0.0.1; its URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(SiteHandler, directory=str(directory)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def base_url(site_dir) -> Iterator[str]:
    with serving(site_dir) as url:
        yield url


@pytest.fixture(scope="module")
def rooted_url(tmp_path_factory) -> Iterator[str]:
    """A site rendered with --base-url naming the origin that serves it."""
    root = tmp_path_factory.mktemp("rooted")
    with serving(root / "site") as url:
        render_site(write_site_db(root / "kb.sqlite"), root / "site", base_url=url)
        yield url


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context()
    tab = context.new_page()
    dialogs: list[str] = []
    tab.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    yield tab
    context.close()
    assert dialogs == [], "the page opened a dialog: some data ran as script"


def search_for(page, base_url: str, text: str):
    page.goto(base_url + "index.html")
    page.fill("#q", text)
    results = page.locator("#results li .name")
    results.first.wait_for()
    return results


def test_typing_finds_the_function_and_enter_opens_its_page(page, base_url):
    results = search_for(page, base_url, "undefineflags")
    assert results.first.text_content() == "virDomainUndefineFlags"
    page.press("#q", "Enter")
    page.wait_for_url("**/symbol/virDomainUndefineFlags.html")
    assert "0.9.4" in page.locator(".facts .since strong").text_content()
    qemu = page.locator('tr[data-driver="qemu"]')
    assert " ".join(qemu.inner_text().split()) == "qemu 0.9.4 ✓ supported"


def test_initials_find_camel_case_words(page, base_url):
    results = search_for(page, base_url, "undefflags")
    assert results.first.text_content() == "virDomainUndefineFlags"
    assert "virDomainUndefineFlagsValues" in results.all_text_contents()


def test_results_show_kind_module_and_release(page, base_url):
    search_for(page, base_url, "virDomainUndefineFlags")
    first = page.locator("#results li").first
    assert [first.locator(f".{part}").text_content() for part in ("name", "kind", "module", "since")] == [
        "virDomainUndefineFlags", "function", "libvirt", "0.9.4"]
    upper = search_for(page, base_url, "virConnectOldFeature")
    assert page.locator("#results li .since").first.text_content() == "≤ 7.0.0 (first seen)"
    assert upper.count() == 1


def test_arrow_keys_choose_the_result_enter_opens(page, base_url):
    results = search_for(page, base_url, "VIR_DOMAIN_UNDEFINE")
    names = results.all_text_contents()
    page.press("#q", "ArrowDown")
    page.press("#q", "ArrowDown")
    page.press("#q", "ArrowUp")
    assert page.locator('#results li[aria-selected="true"] .name').text_content() == names[1]
    page.press("#q", "Enter")
    page.wait_for_url(f"**/symbol/{names[1]}.html")


def test_slash_focuses_the_search_box(page, base_url):
    page.goto(base_url + "release/9.0.0.html")
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "q"


def test_header_search_on_any_page_answers_as_you_type(page, base_url):
    page.goto(base_url + "driver/qemu.html")
    page.fill("#q", "fdassoc")
    page.locator("#results li .name").first.wait_for()
    assert page.locator("#results li .name").first.text_content() == "virDomainFDAssociate"
    page.press("#q", "Enter")
    page.wait_for_url("**/symbol/virDomainFDAssociate.html")


def test_markup_in_a_name_stays_text(page, base_url):
    results = search_for(page, base_url, "alert")
    assert results.first.text_content() == HOSTILE_NAME
    page.press("#q", "Enter")
    page.wait_for_url("**/symbol/*.html")
    assert page.locator("h1 code").text_content() == HOSTILE_NAME


def test_release_page_opens_from_the_index(page, base_url):
    page.goto(base_url + "releases.html")
    page.click("text=9.0.0")
    page.wait_for_url("**/release/9.0.0.html")
    assert page.locator("h1").text_content() == "New in 9.0.0 2023-01-16"
    assert "virDomainFDAssociate" in page.locator("#function").inner_text()


def test_missing_page_gets_the_404_page_with_working_links(page, base_url):
    response = page.goto(base_url + "symbol/virNoSuchThing.html")
    assert response.status == 404
    assert page.locator("h1").text_content() == "Page not found"
    assert page.locator("a.brand").evaluate("a => a.href") == base_url + "index.html"
    assert page.evaluate("getComputedStyle(document.querySelector('header')).borderBottomStyle") == "solid"


EVIL_SCRIPT = b"window.kbEvil = 1; document.documentElement.dataset.evil = '1';"
HOSTILE_404_PATHS = ["//{host}/symbol/x", "///{host}/symbol/x", "/\\{host}/symbol/x", "/\\\\{host}/symbol/x",
                     "/%2F%2F{host}/symbol/x", "/%5C%5C{host}/symbol/x", "/x//{host}/symbol/x", "//{host}/driver/x.html"]


@pytest.fixture
def evil_origin(http_server):
    """Another origin on loopback serving the site's asset names with a script that leaves a marker."""
    http_server.route("/assets/site.js", Reply(body=EVIL_SCRIPT, headers={"Content-Type": "text/javascript"}))
    http_server.route("/assets/site.css", Reply(body=b"body { display: none }", headers={"Content-Type": "text/css"}))
    return http_server


def open_404(page, url: str) -> list[str]:
    """Open URL (answered by 404.html); every URL the page requested."""
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    response = page.goto(url)
    assert response.status == 404
    page.wait_for_load_state("networkidle")
    assert page.locator("h1").text_content() == "Page not found"
    return requested


def same_origin(url: str, origin: str) -> bool:
    return url.startswith(origin) or url.startswith("data:")


@pytest.mark.parametrize("site", ["relative", "rooted"])
@pytest.mark.parametrize("path", HOSTILE_404_PATHS)
def test_the_404_page_never_loads_anything_from_another_origin(page, request, evil_origin, site, path):
    origin = request.getfixturevalue({"relative": "base_url", "rooted": "rooted_url"}[site])
    evil_host = evil_origin.url("").removeprefix("http://")
    requested = open_404(page, origin.rstrip("/") + path.format(host=evil_host))
    assert dict(evil_origin.requests) == {}
    assert page.evaluate("window.kbEvil") is None
    assert [url for url in requested if not same_origin(url, origin)] == []
    assert page.evaluate("getComputedStyle(document.querySelector('header')).borderBottomStyle") == "solid"
    links = page.locator("a[href]").evaluate_all("all => all.map(a => a.href)")
    assert [link for link in links if not same_origin(link, origin) and "libvirt.org" not in link] == []


def test_the_404_search_box_leads_to_results_whatever_the_path(page, rooted_url, evil_origin):
    evil_host = evil_origin.url("").removeprefix("http://")
    open_404(page, rooted_url.rstrip("/") + f"//{evil_host}/symbol/x")
    page.keyboard.press("/")
    page.keyboard.type("undefineflags")
    page.keyboard.press("Enter")
    page.wait_for_url(rooted_url + "index.html?q=undefineflags")
    page.locator("#results li .name").first.wait_for()
    assert page.locator("#results li .name").first.text_content() == "virDomainUndefineFlags"
    assert dict(evil_origin.requests) == {}


def test_the_404_search_box_works_on_a_relative_site(page, base_url):
    open_404(page, base_url + "symbol/virNoSuchThing.html")
    page.fill("#q", "undefineflags")
    page.press("#q", "Enter")
    page.wait_for_url(base_url + "index.html?q=undefineflags")
    page.locator("#results li .name").first.wait_for()
    assert page.locator("#results li .name").first.text_content() == "virDomainUndefineFlags"


def test_search_works_from_file_url(page, site_dir):
    page.goto((site_dir / "index.html").as_uri() + "?q=undefineflags")
    page.locator("#results li .name").first.wait_for()
    assert page.locator("#results li .name").first.text_content() == "virDomainUndefineFlags"


def explain(page, url: str, text: str | None = None):
    """Open explain.html at URL, paste TEXT if given; the findings once the first is shown."""
    page.goto(url)
    if text is not None:
        page.fill("#explain-input", text)
    findings = page.locator("#explain-results .finding")
    findings.first.wait_for()
    return findings


def words(locator) -> str:
    return " ".join(locator.inner_text().split())


def test_explain_names_the_api_behind_an_unknown_procedure(page, base_url):
    finding = explain(page, base_url + "explain.html", "error: unknown procedure: 261").first
    assert "the client called virDomainPMSuspendForDuration (remote procedure 261), added in 0.9.10" in words(finding)
    assert "upgrade the daemon to libvirt 0.9.10 or later" in words(finding)
    assert page.locator("#explain-status").text_content() == "1 message explained."
    finding.locator("a", has_text="virDomainPMSuspendForDuration").click()
    page.wait_for_url("**/symbol/virDomainPMSuspendForDuration.html")


def test_explain_decodes_unsupported_flags(page, base_url):
    finding = explain(page, base_url + "explain.html", "error: unsupported flags (0x40) in function lxcDomainUndefineFlags").first
    text = words(finding)
    assert "the lxc driver's virDomainUndefineFlags rejected flags 0x40: VIR_DOMAIN_UNDEFINE_KEEP_TPM" in text
    assert "VIR_DOMAIN_UNDEFINE_KEEP_TPM: whether the lxc driver accepts it is not known" in text
    assert "VIR_DOMAIN_UNDEFINE_KEEP_TPM = 0x40: the lxc driver's mask does not include it; also accepted by qemu" in text


def test_explain_decodes_flags_defined_as_other_flags(page, base_url):
    finding = explain(page, base_url + "explain.html", "unsupported flags (0x5) in function qemuDomainSetVcpusFlags").first
    text = words(finding)
    assert "rejected flags 0x5: VIR_DOMAIN_VCPU_LIVE, VIR_DOMAIN_VCPU_MAXIMUM" in text
    assert "upgrade the daemon: the qemu driver accepts VIR_DOMAIN_VCPU_LIVE between 0.9.2 and 7.0.0, VIR_DOMAIN_VCPU_MAXIMUM" in text


def test_explain_answers_every_message_of_a_paste_in_order(page, base_url):
    pasted = (
        "error: this function is not supported by the connection driver: virDomainFDAssociate\n"
        "virsh: /lib64/libvirt.so.0: version `LIBVIRT_9.0.0' not found (required by virsh)\n"
        "Running against daemon: 7.0.0\n"
        "error: unknown procedure: 999\n"
    )
    findings = explain(page, base_url + "explain.html", pasted)
    assert findings.evaluate_all("all => all.map(f => f.dataset.kind)") == [
        "not-supported", "symbol-version", "unknown-procedure", "daemon-version"]
    texts = [words(f) for f in findings.all()]
    assert "drivers that do: lxc 8.9.0 (removed in 10.0.0), qemu 9.0.0, remote 9.0.0" in texts[0]
    assert f"the program needs symbols of LIBVIRT_9.0.0 ({HOSTILE_NAME}, virDomainFDAssociate)" in texts[1]
    assert "the remote protocol of the ingested source trees ends at 318" in texts[2]
    assert "the daemon is libvirt 7.0.0: a client calling any of the 0 APIs added after 7.0.0 gets 'unknown procedure' from it" in texts[3]
    assert page.locator("#explain-results code", has_text=HOSTILE_NAME).count() >= 1


def test_explain_takes_the_text_from_the_address(page, base_url):
    text = "error: unknown procedure: 261"
    finding = explain(page, base_url + "explain.html?q=" + quote(text)).first
    assert page.input_value("#explain-input") == text
    assert "virDomainPMSuspendForDuration" in words(finding)


def test_explain_works_from_file_url(page, site_dir):
    finding = explain(page, (site_dir / "explain.html").as_uri() + "?q=" + quote("unknown procedure: 261")).first
    assert "added in 0.9.10" in words(finding)


PROPERTY_WORDS = ["constructor", "__proto__", "toString", "hasOwnProperty", "valueOf"]
MESSAGE_FORMS = ["error: unknown procedure: {word}", "error: unsupported flags (0x1) in function {word}",
                 "error: this function is not supported by the connection driver: {word}", "version `LIBVIRT_{word}' not found",
                 "libvirt version: {word}", "Running against daemon: {word}"]


@pytest.mark.parametrize("word", PROPERTY_WORDS)
def test_explain_takes_words_naming_object_properties_as_plain_names(page, base_url, word):
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    pasted = "\n".join(form.format(word=word) for form in MESSAGE_FORMS)
    findings = explain(page, base_url + "explain.html?q=" + quote(pasted))
    assert findings.evaluate_all("all => all.map(f => f.dataset.kind)") == ["unsupported-flags", "not-supported"]
    texts = [words(f) for f in findings.all()]
    assert f"{word} is not a driver implementation known to this knowledge base" in texts[0]
    assert f"the connection's driver does not implement {word}; no driver implements it" in texts[1]
    assert not [t for t in texts if "undefined" in t or "native code" in t]
    for form in MESSAGE_FORMS:
        page.fill("#explain-input", form.format(word=word))
        assert page.locator("#explain-status").text_content() in ("1 message explained.", "No message that points to a version mismatch "
                                                                   "was found; the list below says which ones are recognised.")
    assert errors == []


@pytest.mark.parametrize("path", ["index.html?q=undefine", "symbol/virDomainUndefineFlags.html", "release/9.0.0.html",
                                  "explain.html?q=" + quote("error: unsupported flags (0x40) in function lxcDomainUndefineFlags")])
def test_phone_width_has_no_sideways_scrolling(browser, base_url, path):
    context = browser.new_context(viewport={"width": 375, "height": 740})
    tab = context.new_page()
    tab.goto(base_url + path)
    tab.wait_for_load_state("networkidle")
    assert tab.evaluate("document.documentElement.scrollWidth") <= 375
    context.close()


def test_dark_scheme_changes_the_colours(browser, base_url):
    backgrounds = []
    for scheme in ("light", "dark"):
        context = browser.new_context(color_scheme=scheme)
        tab = context.new_page()
        tab.goto(base_url + "index.html")
        backgrounds.append(tab.evaluate("getComputedStyle(document.body).backgroundColor"))
        context.close()
    assert backgrounds[0] != backgrounds[1]


# --- search ranks: what users type, and what they mean (issue 14) -------------------

SEARCH_RANKS = [
    # (typed, the result meant, its rank)
    ("pmsuspend", "virDomainPMSuspendForDuration", 1),  # a function above constants, typedefs and callbacks
    ("migrate", "virDomainMigrate", 1),  # above the virsh command and VIR_MIGRATE_*
    ("undefineflags", "virDomainUndefineFlags", 1),
    ("undefflags", "virDomainUndefineFlags", 1),
    ("inbound.average", "VIR_DOMAIN_BANDWIDTH_IN_AVERAGE", 1),  # a typed-parameter name
    ("total_bytes_sec", "VIR_DOMAIN_BLOCK_IOTUNE_TOTAL_BYTES_SEC", 1),
    ("cpu_shares", "VIR_DOMAIN_SCHEDULER_CPU_SHARES", 1),
    ("0x40", "VIR_MIGRATE_NON_SHARED_DISK", 1),  # a hex value: both constants of value 64, shortest first
    ("0x40", "VIR_DOMAIN_UNDEFINE_KEEP_TPM", 2),
    ("qemuDomainUndefineFlags", "virDomainUndefineFlags", 1),  # an implementation's name, from an error message
    ("lxcDomainUndefineFlags", "virDomainUndefineFlags", 1),
    ("qemuDomainSetVcpusInternal", "virDomainSetVcpusFlags", 1),  # the helper checking the flags
    ("domain/devices/disk/@type", "domain/devices/disk/@type", 1),  # XML paths
    ("@migratable", "domain/cpu/@migratable", 1),
    ("dompmsuspend", "dompmsuspend", 1),  # virsh commands
    ("blkdeviotune", "blkdeviotune", 1),
    ("virConnectOpen", "virConnectOpen", 1),
    ("connectopen", "virConnectOpen", 1),
    ("fdassoc", "virDomainFDAssociate", 1),
    ("setvcpus", "virDomainSetVcpusFlags", 1),
    ("VIR_DOMAIN_AFFECT_LIVE", "VIR_DOMAIN_AFFECT_LIVE", 1),
    ("affect_live", "VIR_DOMAIN_AFFECT_LIVE", 1),
    ("migrate_live", "VIR_MIGRATE_LIVE", 1),
    ("migratetouri", "virDomainMigrateToURI", 1),
    ("domain migrate", "virDomainMigrate", 1),
    ("suspend target mem", "VIR_NODE_SUSPEND_TARGET_MEM", 1),
    ("qemuattach", "virDomainQemuAttach", 1),
    ("eventregisterany", "virConnectDomainEventRegisterAny", 1),
    ("network create", "virNetworkCreate", 1),
]


def test_search_ranks_what_users_type(page, base_url):
    page.goto(base_url + "index.html")
    page.wait_for_function("document.getElementById('status').textContent === ''")
    got = []
    for text, target, _ in SEARCH_RANKS:
        page.fill("#q", text)
        names = page.eval_on_selector_all("#results li .name", "items => items.map(i => i.textContent)")
        got.append((text, target, names.index(target) + 1 if target in names else None))
    assert got == SEARCH_RANKS


def test_an_implementation_name_leads_to_its_api_and_says_why(page, base_url):
    search_for(page, base_url, "qemuDomainUndefineFlags")
    first = page.locator("#results li").first
    assert "implemented by qemuDomainUndefineFlags (qemu)" in first.inner_text()
    page.press("#q", "Enter")
    page.wait_for_url("**/symbol/virDomainUndefineFlags.html")


def test_a_virsh_command_leads_to_its_page_and_says_what_it_calls(page, base_url):
    search_for(page, base_url, "dompmsuspend")
    assert "calls virDomainPMSuspendForDuration" in page.locator("#results li").first.inner_text()
    page.locator("#results li").first.click()
    page.wait_for_url("**/virsh/dompmsuspend.html")


def test_nothing_found_suggests_names_and_the_explain_page(page, base_url):
    page.goto(base_url + "index.html")
    page.fill("#q", "undefineflgas")
    page.locator("#results-more a").first.wait_for()
    assert page.locator("#status").text_content().startswith("Nothing matches")
    assert page.locator("#results-more a").first.text_content() == "virDomainUndefineFlags"
    page.fill("#q", "error: unknown procedure: 261")
    link = page.locator("#results-more a", has_text="Explain this error")
    link.click()
    page.wait_for_url("**/explain.html?q=*")
    assert page.locator("#explain-input").input_value() == "error: unknown procedure: 261"


def test_results_past_the_first_fifty_are_reachable_and_filter_by_kind(page, base_url):
    page.goto(base_url + "index.html")
    page.fill("#q", "e")
    page.locator("#results li").first.wait_for()
    total = int(page.locator("#status").text_content().split()[0])
    assert total > 50 and page.locator("#results li").count() == 50
    page.locator("#results-more button", has_text="more").click()
    assert page.locator("#results li").count() == total
    page.locator("#results-more button", has_text="XML path").click()
    kinds = set(page.eval_on_selector_all("#results li .kind", "items => items.map(i => i.textContent)"))
    assert kinds == {"XML path"}
    assert page.locator("#results-more button[aria-pressed=true]").text_content().startswith("XML path")


def test_results_hold_no_links_inside_options(page, base_url):
    search_for(page, base_url, "undefine")
    assert page.locator("#results [role=option] a, #results [role=option] button").count() == 0


# --- "my daemon": ?server=X&driver=Y (issue 14) ----------------------------------------


def daemon_view(page, url: str) -> list[str]:
    page.goto(url)
    return [" ".join(t.split()) for t in page.locator(".daemon-verdict").all_inner_texts()]


def test_my_daemon_says_whether_a_function_works_there(page, base_url):
    verdicts = daemon_view(page, base_url + "symbol/virDomainUndefineFlags.html?server=9.0.0&driver=qemu")
    assert verdicts[0] == "On your daemon (libvirt 9.0.0, qemu driver): ✓ works: the qemu driver has it since 0.9.4"
    flags = page.locator("table.flags-by-driver tbody tr")
    keep_tpm = flags.filter(has_text="VIR_DOMAIN_UNDEFINE_KEEP_TPM")
    assert keep_tpm.locator(".daemon-verdict").inner_text() == "✓ accepted (from 9.0.0)"
    future = flags.filter(has_text="VIR_DOMAIN_UNDEFINE_FUTURE")
    assert future.locator(".daemon-verdict").inner_text() == "✗ flag too new: added in 12.2.0"
    daemon_view(page, base_url + "symbol/virDomainUndefineFlags.html?server=7.0.0&driver=qemu")
    assert flags.filter(has_text="VIR_DOMAIN_UNDEFINE_KEEP_TPM").locator(".daemon-verdict").inner_text() == "✗ flag too new: added in 8.9.0"
    assert flags.filter(has_text="SNAPSHOTS_METADATA").locator(".daemon-verdict").inner_text() == (
        "✗ flag not accepted: the driver accepts it from a release after 7.0.0")


@pytest.mark.parametrize(("query", "verdict"), [
    ("server=7.0.0&driver=qemu", "✗ API too new: added in 9.0.0"),
    ("server=11.3.0&driver=lxc", "✗ the lxc driver lacks it: removed in 10.0.0"),
    ("server=11.3.0&driver=esx", "✗ the esx driver lacks it"),
    ("server=13.0.0&driver=qemu", "? unknown: 13.0.0 is newer than the newest analysed release (11.3.0)"),
])
def test_my_daemon_says_why_not_in_words(page, base_url, query, verdict):
    verdicts = daemon_view(page, base_url + "symbol/virDomainFDAssociate.html?" + query)
    assert verdicts[0].split("): ", 1)[1] == verdict


def test_my_daemon_is_carried_across_pages(page, base_url):
    page.goto(base_url + "symbol/virDomainUndefineFlags.html?server=9.0.0&driver=qemu")
    page.locator("nav a", has_text="Support matrix").click()
    page.wait_for_url("**/matrix/index.html?server=9.0.0&driver=qemu")
    page.locator("main a", has_text="hypervisor").first.click()
    page.wait_for_url("**/matrix/hypervisor.html?server=9.0.0&driver=qemu")
    row = page.locator("table.matrix tbody tr", has_text="virDomainFDAssociate")
    assert row.locator(".daemon-verdict").inner_text() == "✓ works: the qemu driver has it since 9.0.0"
    assert page.locator("table.matrix tbody tr", has_text="virDomainQemuAttach").locator(".daemon-verdict").inner_text() == (
        "✗ the qemu driver lacks it: removed in 5.5.0")
    page.fill(".daemon input[name=server]", "7.0.0")
    page.locator(".daemon button", has_text="Change").click()
    page.wait_for_url("**/matrix/hypervisor.html?server=7.0.0&driver=qemu")
    assert row.locator(".daemon-verdict").inner_text() == "✗ API too new: added in 9.0.0"
    page.fill("#q", "fdassoc")
    page.locator("#results li").first.wait_for()
    page.press("#q", "Enter")
    page.wait_for_url("**/symbol/virDomainFDAssociate.html?server=7.0.0&driver=qemu")


# --- accessibility: axe-core in the real browser (issue 14) ----------------------------

AXE = Path(__file__).resolve().parent.parent / ".axe" / "node_modules" / "axe-core" / "axe.min.js"
AXE_PAGES = [
    "index.html?q=undefine",  # home, with results
    "symbol/virDomainFDAssociate.html?server=9.0.0&driver=qemu",  # a function: not implemented rows, the daemon's verdicts
    "symbol/virDomainUndefineFlags.html",  # flags by driver
    "symbol/VIR_DOMAIN_UNDEFINE_KEEP_TPM.html",  # an enum constant
    "symbol/VIR_DOMAIN_SCHEDULER_CPU_SHARES.html",  # a macro
    "matrix/hypervisor.html?server=9.0.0&driver=qemu",
    "driver/qemu.html",
    "release/9.0.0.html",
    "virsh/undefine.html",  # options, flags, APIs with their drivers, a fallback
    "compare.html?from=7.0.0&to=11.3.0",
    "xml/domain.html",  # an XML format's element tree
    "xml/domain/devices/disk.html?server=7.0.0&driver=lxc#type=vhostuser",  # an element's rows, a targeted one, the daemon's verdicts
    "explain.html?q=error%3A%20unknown%20procedure%3A%20261",
]


@pytest.mark.skipif(not AXE.is_file(), reason="needs axe-core in .axe/ (make test-deps)")
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_no_serious_or_critical_accessibility_violation(browser, base_url, scheme):
    assert serious_violations(browser, base_url, scheme, AXE_PAGES) == {}


def serious_violations(browser, base_url: str, scheme: str, pages: list[str], ready: str | None = None) -> dict[str, list[str]]:
    """axe-core's serious and critical violations of each page (in the colour SCHEME), once the READY selector shows."""
    context = browser.new_context(color_scheme=scheme)
    tab = context.new_page()
    found = {}
    for path in pages:
        tab.goto(base_url + path)
        tab.wait_for_load_state("networkidle")
        if ready:
            tab.locator(ready).first.wait_for()
        tab.add_script_tag(path=str(AXE))
        violations = tab.evaluate("axe.run(document, {resultTypes: ['violations']}).then(r => r.violations"
                                  ".filter(v => v.impact === 'serious' || v.impact === 'critical')"
                                  ".map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).slice(0, 3).join(', ')))")
        if violations:
            found[path] = violations
    context.close()
    return found


# --- phone width (issue 14) ------------------------------------------------------------

PHONE = {"width": 390, "height": 844}


def test_phone_matrix_name_column_leaves_room_for_the_drivers(browser, base_url):
    context = browser.new_context(viewport=PHONE)
    tab = context.new_page()
    tab.goto(base_url + "matrix/hypervisor.html")
    name = tab.locator("table.matrix tbody th").first.bounding_box()
    wrap = tab.locator(".matrix-wrap").bounding_box()
    assert name["width"] <= 0.45 * wrap["width"], (name, wrap)
    tab.locator(".matrix-wrap").evaluate("w => { w.scrollLeft = 400; }")
    assert abs(tab.locator("table.matrix tbody th").first.bounding_box()["x"] - wrap["x"]) <= 2
    context.close()


def test_phone_flags_by_driver_keeps_its_flag_column_when_scrolled(browser, base_url):
    context = browser.new_context(viewport=PHONE)
    tab = context.new_page()
    tab.goto(base_url + "symbol/virDomainUndefineFlags.html?server=9.0.0&driver=qemu")
    scroller = tab.locator("#flags-by-driver .scroll")
    left = scroller.bounding_box()["x"]
    scroller.evaluate("s => { s.scrollLeft = s.scrollWidth; }")
    assert scroller.evaluate("s => s.scrollLeft") > 0
    flag = tab.locator("table.flags-by-driver tbody th").first
    assert abs(flag.bounding_box()["x"] - left) <= 2 and flag.is_visible()
    context.close()


# --- compare two releases (issue 14) ----------------------------------------------------


def compared(page, url: str) -> dict[str, list[str]]:
    """Section id -> the symbol names listed there, once compare.html has rendered."""
    page.goto(url)
    page.locator("#compare-result .compare-summary").wait_for()
    return page.evaluate("""() => Object.fromEntries([...document.querySelectorAll('#compare-result section')]
        .map(s => [s.id, [...s.querySelectorAll('tr[data-symbol]')].map(r => r.dataset.symbol)]))""")


def test_compare_lists_what_the_newer_release_added_with_dates(page, base_url):
    found = compared(page, base_url + "compare.html?from=7.0.0&to=11.3.0")
    assert found["compare-function"] == [HOSTILE_NAME, "virDomainFDAssociate"] and found["compare-enum"] == ["VIR_DOMAIN_UNDEFINE_KEEP_TPM"]
    listed = {name for names in found.values() for name in names}
    assert not listed & {"virDomainUndefineFlags", "VIR_DOMAIN_UNDEFINE_FUTURE", "virConnectOldFeature"}  # older, newer, bound <= 7.0.0
    row = page.locator('tr[data-symbol="VIR_DOMAIN_UNDEFINE_KEEP_TPM"]')
    assert row.locator("td").last.text_content() == "8.9.0 (2022-11-01)"
    row.locator("a").click()
    page.wait_for_url("**/symbol/VIR_DOMAIN_UNDEFINE_KEEP_TPM.html")


def test_compare_keeps_a_release_and_lists_straddling_bounds_apart(page, base_url):
    found = compared(page, base_url + "compare.html?from=9.0.0&to=11.3.0")
    assert "virDomainFDAssociate" not in str(found)  # added in 9.0.0 itself: the older release has it
    assert found["compare-bound"] == ["VIR_FIXTURE_FIRST_SEEN"] and "compare-macro" not in found
    assert "may be missing" in page.locator("#compare-bound h2").text_content().lower()


def test_compare_defaults_to_9_and_11_and_keeps_the_choice_in_the_address(page, base_url):
    compared(page, base_url + "compare.html")
    assert (page.input_value("#compare-from"), page.input_value("#compare-to")) == ("9.0.0", "11.3.0")
    page.select_option("#compare-from", "7.0.0")
    page.wait_for_url("**/compare.html?from=7.0.0&to=11.3.0")
    assert page.locator('tr[data-symbol="VIR_DOMAIN_UNDEFINE_KEEP_TPM"]').count() == 1


def test_compare_works_from_file_urls(page, site_dir):
    found = compared(page, (site_dir / "compare.html").as_uri() + "?from=7.0.0&to=11.3.0")
    assert "VIR_DOMAIN_UNDEFINE_KEEP_TPM" in found["compare-enum"]
    assert page.locator('tr[data-symbol="VIR_DOMAIN_UNDEFINE_KEEP_TPM"] a').get_attribute("href").startswith("file://")


# --- anchors and copy buttons (issue 14) ------------------------------------------------

ANCHORS = """() => ({
  headings: [...document.querySelectorAll('main h2, main h3')].map(h => [h.id, h.querySelector('a.anchor')?.getAttribute('href'),
                                                                           h.querySelector('a.anchor')?.getAttribute('aria-label')]),
  rows: [...document.querySelectorAll('main tbody tr[id]')].map(r => [r.id, r.querySelector('a.anchor')?.getAttribute('href')]),
  ids: [...document.querySelectorAll('main [id]')].map(e => e.id),
})"""


@pytest.mark.parametrize("path", ["symbol/virDomainUndefineFlags.html", "driver/qemu.html", "matrix/hypervisor.html", "release/9.0.0.html"])
def test_headings_and_rows_have_stable_unique_anchors(page, base_url, path):
    page.goto(base_url + path)
    first = page.evaluate(ANCHORS)
    assert all(id_ and href == "#" + id_ and label.startswith("Link to section") for id_, href, label in first["headings"])
    assert first["rows"] and all(href == "#" + id_ for id_, href in first["rows"])
    assert first["headings"] or path.startswith("matrix/")  # a matrix page is one table
    assert len(first["ids"]) == len(set(first["ids"]))
    page.reload()
    assert page.evaluate(ANCHORS) == first


def test_row_anchor_names_the_driver_and_shows_on_focus(page, base_url):
    page.goto(base_url + "symbol/virDomainUndefineFlags.html#row-qemu")
    row = page.locator("#row-qemu")
    assert row.get_attribute("data-driver") == "qemu"
    link = row.locator("a.anchor")
    assert link.evaluate("a => getComputedStyle(a).opacity") == "0"
    link.focus()
    assert link.evaluate("a => getComputedStyle(a).opacity") == "1" and link.get_attribute("aria-label") == "Link to row qemu"


def test_copy_button_copies_the_symbol_name(browser, base_url):
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    tab = context.new_page()
    tab.goto(base_url + "symbol/virDomainUndefineFlags.html")
    tab.get_by_role("button", name="Copy the name virDomainUndefineFlags").click()
    tab.locator("h1 .copied", has_text="Copied virDomainUndefineFlags").wait_for()  # once the clipboard has answered
    assert tab.evaluate("navigator.clipboard.readText()") == "virDomainUndefineFlags"
    context.close()


def test_copy_button_falls_back_from_file_urls(page, site_dir):
    page.goto((site_dir / "symbol" / "virDomainUndefineFlags.html").as_uri())
    page.get_by_role("button", name="Copy the name virDomainUndefineFlags").click()
    status = page.locator("h1 .copied")
    page.wait_for_function("document.querySelector('h1 .copied').textContent !== ''")
    assert status.get_attribute("role") == "status" and status.text_content() in ("Copied virDomainUndefineFlags",
                                                                                    "Could not copy: select the name and copy it")
