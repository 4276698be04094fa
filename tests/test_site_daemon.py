"""My daemon (issue 14) in the real browser: verdicts on enum constant, typed-parameter macro, compile-time symbol,
driver and release pages, agreeing with `kb check`; the form's checks said next to each field."""

from __future__ import annotations

import pytest
from test_site_browser import AXE, base_url, browser, page, pytestmark, site_dir  # noqa: F401  (fixtures and marks)

from kbgen.answers.diagnose import check
from kbgen.store.reader import open_database

CLASSES = {True: "works", False: "fails", None: "unknown"}


def verdicts(page, url: str) -> list[tuple[str, str]]:
    """(works | fails | unknown, the words) of every verdict on the page, in order."""
    page.goto(url)
    page.wait_for_load_state("networkidle")
    found = page.locator(".daemon-verdict")
    return [(found.nth(i).get_attribute("class").split()[1], " ".join(found.nth(i).inner_text().split())) for i in range(found.count())]


def said(page, url: str) -> tuple[str, str]:
    """The page's verdict under its heading: its class and its words after the daemon's label."""
    kind, text = verdicts(page, url)[0]
    return kind, text.split("): ", 1)[1]


@pytest.mark.parametrize(("query", "kind", "words"), [
    ("server=9.0.0&driver=qemu", "works", "✓ virDomainUndefineFlags: accepted (from 9.0.0)"),
    ("server=8.9.0&driver=qemu", "fails", "✗ virDomainUndefineFlags: flag not accepted: the driver accepts it from 9.0.0"),
    ("server=8.0.0&driver=qemu", "fails", "✗ virDomainUndefineFlags: flag too new: added in 8.9.0"),
    ("server=9.0.0&driver=test", "fails", "✗ virDomainUndefineFlags: flag not accepted: no analysed mask of the test driver includes it (analysed up to 11.3.0)"),
    ("server=9.0.0&driver=lxc", "unknown", "? virDomainUndefineFlags: unknown: the driver's mask was not read"),
    ("server=9.0.0&driver=esx", "fails", "✗ virDomainUndefineFlags: the esx driver lacks it"),
    ("server=13.0.0&driver=qemu", "unknown", "? virDomainUndefineFlags: unknown: 13.0.0 is newer than the newest analysed release (11.3.0)"),
])
def test_an_enum_constant_says_whether_the_daemons_driver_accepts_it(page, base_url, query, kind, words):
    assert said(page, base_url + "symbol/VIR_DOMAIN_UNDEFINE_KEEP_TPM.html?" + query) == (kind, words)


@pytest.mark.parametrize(("server", "driver"), [("9.0.0", "qemu"), ("8.9.0", "qemu"), ("8.0.0", "qemu"), ("9.0.0", "test"),
                                                ("9.0.0", "lxc"), ("9.0.0", "esx"), ("7.0.0", "qemu"), ("11.3.0", "test")])
def test_an_enum_constant_page_agrees_with_kb_check(page, base_url, site_dir, server, driver):
    with open_database(site_dir.parent / "kb.sqlite") as conn:
        answer = check(conn, server, driver, "VIR_DOMAIN_UNDEFINE_KEEP_TPM")
    kind, _ = said(page, base_url + f"symbol/VIR_DOMAIN_UNDEFINE_KEEP_TPM.html?server={server}&driver={driver}")
    assert kind == CLASSES[answer["works"]]


@pytest.mark.parametrize(("query", "kind", "words"), [
    ("server=9.0.0&driver=qemu", "works",
     "✓ virDomainSetSchedulerParameters: accepted: the qemu driver started to accept it between 0.9.7 and 7.0.0"),
    ("server=0.9.5&driver=qemu", "fails",
     "✗ virDomainSetSchedulerParameters: parameter not accepted: the driver accepts it from 0.9.7 at the earliest"),
    ("server=9.0.0&driver=lxc", "unknown", "? virDomainSetSchedulerParameters: unknown: the driver's parameter list was not read"),
    ("server=9.0.0&driver=esx", "fails", "✗ virDomainSetSchedulerParameters: the esx driver lacks it"),
])
def test_a_typed_parameter_says_whether_the_daemons_driver_accepts_it(page, base_url, query, kind, words):
    assert said(page, base_url + "symbol/VIR_DOMAIN_SCHEDULER_CPU_SHARES.html?" + query) == (kind, words)


def test_a_compile_time_symbol_says_so_rather_than_pretending(page, base_url):
    kind, words = said(page, base_url + "symbol/virDomainUndefineFlagsValues.html?server=9.0.0&driver=qemu")
    assert (kind, words) == ("unknown", "? compile-time: needs libvirt's headers of 0.9.4 or later; the daemon plays no part")
    assert page.locator("p.daemon-verdict.compile-time").count() == 1


@pytest.mark.parametrize(("server", "api", "kind", "words"), [
    ("9.0.0", "virDomainFDAssociate", "works", "✓ works: the qemu driver has it since 9.0.0"),
    ("7.0.0", "virDomainFDAssociate", "fails", "✗ the qemu driver lacks it: added there in 9.0.0"),
    ("7.0.0", "virDomainQemuAttach", "fails", "✗ the qemu driver lacks it: removed in 5.5.0"),
    ("13.0.0", "virDomainFDAssociate", "unknown", "? unknown: 13.0.0 is newer than the newest analysed release (11.3.0)"),
])
def test_a_driver_page_says_whether_that_release_of_the_driver_has_each_api(page, base_url, server, api, kind, words):
    verdicts(page, base_url + f"driver/qemu.html?server={server}&driver=lxc")  # the page's driver, whichever the setting's
    row = page.locator("table.driver-apis tbody tr", has_text=api)
    assert row.locator(".daemon-verdict").get_attribute("class").split()[1] == kind
    assert row.locator(".daemon-verdict").inner_text() == words
    assert page.locator("table.driver-apis thead th").last.inner_text() == f"On libvirt {server}"


@pytest.mark.parametrize(("server", "kind", "words"), [
    ("9.0.0", "works", "✓ your daemon has this release's additions (9.0.0 is 9.0.0 or later)"),
    ("8.9.0", "fails", "✗ API too new: your daemon lacks this release's additions (added in 9.0.0, after 8.9.0)"),
])
def test_a_release_page_says_whether_the_daemon_has_its_additions(page, base_url, server, kind, words):
    assert said(page, base_url + f"release/9.0.0.html?server={server}&driver=qemu") == (kind, words)
    gained = page.locator('#gained dt[data-driver="qemu"] .daemon-verdict')
    assert gained.inner_text() == ("✓ the qemu driver has these" if kind == "works" else "✗ the qemu driver lacks these: added there in 9.0.0")


# --- the form ---------------------------------------------------------------------------


def message_of(page, name: str):
    field = page.locator(f".daemon input[name={name}]")
    return field, page.locator("#" + field.get_attribute("aria-describedby"))


def test_the_form_refuses_a_server_that_is_no_release_and_says_why_next_to_it(page, base_url):
    page.goto(base_url + "symbol/virDomainUndefineFlags.html")
    page.locator(".daemon input[name=server]").focus()
    page.keyboard.type("9.0")
    page.keyboard.press("Tab")
    page.keyboard.type("qemu")
    page.keyboard.press("Enter")
    field, message = message_of(page, "server")
    message.filter(has_text="not a libvirt release").wait_for()
    assert message.inner_text() == "“9.0” is not a libvirt release: MAJOR.MINOR.MICRO, e.g. 9.0.0."
    assert field.get_attribute("aria-invalid") == "true"
    assert page.evaluate("document.activeElement.name") == "server"
    assert page.url.endswith("symbol/virDomainUndefineFlags.html")
    assert page.locator(".daemon-verdict").count() == 0


def test_the_form_refuses_an_unknown_driver_and_offers_the_known_ones(page, base_url):
    page.goto(base_url + "index.html")
    page.fill(".daemon input[name=server]", "9.0.0")
    page.fill(".daemon input[name=driver]", "qemuu")
    page.locator(".daemon button", has_text="Show").click()
    field, message = message_of(page, "driver")
    message.filter(has_text="not a known driver").wait_for()
    assert message.inner_text().startswith("“qemuu” is not a known driver: one of ")
    assert field.get_attribute("aria-invalid") == "true"
    options = page.locator("datalist#daemon-drivers option")
    assert field.get_attribute("list") == "daemon-drivers"
    assert "qemu" in [options.nth(i).get_attribute("value") for i in range(options.count())]
    field.fill("qemu")
    page.locator(".daemon button", has_text="Show").click()
    page.wait_for_url("**/index.html?server=9.0.0&driver=qemu")


@pytest.mark.parametrize(("server", "words"), [
    ("9.0.0", "A known release"),
    ("9.0.7", "Not a known libvirt release: verdicts compare it with the known ones."),
    ("13.0.0", "Newer than the newest analysed release: verdicts say unknown past 11.3.0."),
])
def test_the_form_says_whether_the_server_is_a_known_release(page, base_url, server, words):
    page.goto(base_url + f"release/7.0.0.html?server={server}&driver=qemu")
    field, message = message_of(page, "server")
    message.filter(has_text=words).wait_for()
    assert field.get_attribute("aria-invalid") is None
    assert message.get_attribute("class") == "daemon-message"


# --- accessibility of the verdicts and of the form's messages ----------------------------

DAEMON_PAGES = [
    "symbol/VIR_DOMAIN_UNDEFINE_KEEP_TPM.html?server=9.0.0&driver=test",
    "symbol/VIR_DOMAIN_SCHEDULER_CPU_SHARES.html?server=9.0.0&driver=qemu",
    "symbol/virDomainUndefineFlagsValues.html?server=9.0.0&driver=qemu",
    "driver/qemu.html?server=7.0.0&driver=qemu",
    "release/9.0.0.html?server=8.9.0&driver=qemu",
    "index.html?server=9.0&driver=qemuu",  # both fields in error
]


@pytest.mark.skipif(not AXE.is_file(), reason="needs axe-core in .axe/ (make test-deps)")
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_no_serious_or_critical_accessibility_violation_with_a_daemon_set(browser, base_url, scheme):
    context = browser.new_context(color_scheme=scheme)
    tab = context.new_page()
    found = {}
    for path in DAEMON_PAGES:
        tab.goto(base_url + path)
        tab.wait_for_load_state("networkidle")
        tab.locator(".daemon-verdict, .daemon-message.error").first.wait_for()
        tab.add_script_tag(path=str(AXE))
        violations = tab.evaluate("axe.run(document, {resultTypes: ['violations']}).then(r => r.violations"
                                  ".filter(v => v.impact === 'serious' || v.impact === 'critical')"
                                  ".map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).slice(0, 3).join(', ')))")
        if violations:
            found[path] = violations
    context.close()
    assert found == {}
