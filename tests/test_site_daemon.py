"""My daemon (issue 14) in the real browser: verdicts on enum constant, typed-parameter macro, compile-time symbol,
driver and release pages, agreeing with `kb check`; the form's checks said next to each field."""

from __future__ import annotations

import pytest
from test_site_browser import AXE, base_url, browser, page, pytestmark, serious_violations, site_dir  # noqa: F401  (fixtures and marks)

from kbgen.answers import virsh
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


MARKS = {"works": "✓", "fails": "✗", "unknown": "?"}


@pytest.mark.parametrize(("query", "kind", "words"), [
    ("server=11.3.0&driver=qemu", "works", ("✓ virDomainPMSuspendForDuration: the qemu driver's check of target in"
                                             " virDomainPMSuspendForDuration (11.3.0: qemu_driver.c:15942) accepts VIR_NODE_SUSPEND_TARGET_DISK")),
    ("server=9.0.0&driver=qemu", "unknown", ("? virDomainPMSuspendForDuration: the qemu driver's check of target in"
                                             " virDomainPMSuspendForDuration (11.3.0: qemu_driver.c:15942) accepts VIR_NODE_SUSPEND_TARGET_DISK;"
                                             " not known for releases before 11.3.0")),
    ("server=0.9.9&driver=qemu", "fails", "✗ virDomainPMSuspendForDuration: API too new: added in 0.9.10"),
    ("server=11.3.0&driver=esx", "fails", "✗ virDomainPMSuspendForDuration: the esx driver lacks it"),
])
def test_a_validated_enum_value_says_whether_the_daemons_driver_accepts_it(page, base_url, query, kind, words):
    assert said(page, base_url + "symbol/VIR_NODE_SUSPEND_TARGET_DISK.html?" + query) == (kind, words)
    assert page.locator(".daemon-verdict.compile-time").count() == 0


@pytest.mark.parametrize("name", ["VIR_NODE_SUSPEND_TARGET_MEM", "VIR_NODE_SUSPEND_TARGET_DISK"])
@pytest.mark.parametrize(("server", "driver"), [("11.3.0", "qemu"), ("9.0.0", "qemu"), ("7.0.0", "qemu"), ("0.9.9", "qemu"),
                                                ("9.0.0", "esx"), ("11.3.0", "test")])
def test_a_validated_enum_value_page_agrees_with_kb_check(page, base_url, site_dir, name, server, driver):
    """The verdict's class, and per function the class and, where the function itself works (the verdict is the
    driver's check of the value), kb check's words."""
    with open_database(site_dir.parent / "kb.sqlite") as conn:
        answer = check(conn, server, driver, name)
        api_works = {f["function"]: check(conn, server, driver, f["function"])["works"] for f in answer["functions"]}
    found = verdicts(page, base_url + f"symbol/{name}.html?server={server}&driver={driver}")
    assert found[0][0] == CLASSES[answer["works"]]
    single = len(answer["functions"]) == 1
    per_function = [(found[0][0], found[0][1].split("): ", 1)[1])] if single else found[1:]
    assert len(per_function) == len(answer["functions"]) > 0
    for f, (kind, words) in zip(answer["functions"], per_function):
        assert kind == CLASSES[f["works"]]
        if api_works[f["function"]] is True:
            assert words == f"{MARKS[kind]} " + (f"{f['function']}: " if single else "") + f["reason"]
    if not single:
        assert found[0][1].split(": ", 1)[1].split(" ", 1)[1] == answer["reason"]


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


# --- virsh command pages -----------------------------------------------------------------


def virsh_summary(page, url: str, *ticked: str) -> tuple[str, str]:
    """The virsh page's line for the command with the options TICKED: its class and its words after the label."""
    page.goto(url)
    for option in ticked:
        page.locator(f'.virsh-daemon input[value="{option}"]').check()
    line = page.locator("p.virsh-summary")
    return line.get_attribute("class").split()[1], " ".join(line.inner_text().split()).split("On your daemon: ", 1)[1]


def api_verdict(page, api: str) -> tuple[str, str]:
    verdict = page.locator(f'#api-{api} .daemon-verdict')
    return verdict.get_attribute("class").split()[1], verdict.inner_text()


@pytest.mark.parametrize(("command", "query", "ticked", "kind", "words", "api", "row"), [
    ("undefine", "server=9.0.0&driver=qemu", [], "works", "✓ virsh undefine on libvirt 9.0.0 / qemu: works",
     "virDomainUndefineFlags", ("works", "✓ works: the qemu driver has it since 0.9.4")),
    ("undefine", "server=9.0.0&driver=qemu", ["keep-tpm"], "works", "✓ virsh undefine --keep-tpm on libvirt 9.0.0 / qemu: works",
     "virDomainUndefineFlags", ("works", "✓ works: the qemu driver has it since 0.9.4")),
    ("dompmsuspend", "server=0.9.9&driver=qemu", [], "fails",
     "✗ virsh dompmsuspend on libvirt 0.9.9 / qemu: fails: virDomainPMSuspendForDuration: API too new: added in 0.9.10",
     "virDomainPMSuspendForDuration", ("fails", "✗ API too new: added in 0.9.10")),
    ("undefine", "server=9.0.0&driver=esx", [], "works",
     "✓ virsh undefine on libvirt 9.0.0 / esx: works (through the fallback virDomainUndefine)",
     "virDomainUndefineFlags", ("fails", "✗ the esx driver lacks it")),
    ("undefine", "server=9.0.0&driver=esx", ["keep-tpm"], "fails",
     "✗ virsh undefine --keep-tpm on libvirt 9.0.0 / esx: fails: virDomainUndefineFlags: the esx driver lacks it",
     "virDomainUndefineFlags", ("fails", "✗ the esx driver lacks it")),
    # the newer API too new: virsh calls its fallback, which needs no driver of the daemon's (not in the matrix here)
    ("undefine", "server=0.5.0&driver=qemu", [], "works", "✓ virsh undefine on libvirt 0.5.0 / qemu: works (through the fallback virDomainUndefine)",
     "virDomainUndefine", ("unknown", "? not this driver's: the library or another driver answers it")),
    # ... but not with a flag, which only the newer API takes
    ("undefine", "server=0.5.0&driver=qemu", ["managed-save"], "fails",
     "✗ virsh undefine --managed-save on libvirt 0.5.0 / qemu: fails: virDomainUndefineFlags: API too new: added in 0.9.4",
     "virDomainUndefineFlags", ("fails", "✗ API too new: added in 0.9.4")),
    ("undefine", "server=8.0.0&driver=qemu", ["keep-tpm"], "fails",
     "✗ virsh undefine --keep-tpm on libvirt 8.0.0 / qemu: fails: VIR_DOMAIN_UNDEFINE_KEEP_TPM: virDomainUndefineFlags: flag too new: added in 8.9.0",
     "virDomainUndefineFlags", ("works", "✓ works: the qemu driver has it since 0.9.4")),
])
def test_a_virsh_page_says_whether_the_command_works_on_the_daemon_and_why_not(page, base_url, command, query, ticked, kind, words, api, row):
    assert virsh_summary(page, base_url + f"virsh/{command}.html?{query}", *ticked) == (kind, words)
    assert api_verdict(page, api) == row


def test_a_virsh_page_says_per_flag_whether_the_daemons_driver_accepts_it_as_the_enum_page_does(page, base_url):
    for server in ("9.0.0", "8.9.0", "8.0.0"):
        enum_words = said(page, base_url + f"symbol/VIR_DOMAIN_UNDEFINE_KEEP_TPM.html?server={server}&driver=qemu")
        page.goto(base_url + f"virsh/undefine.html?server={server}&driver=qemu")
        verdict = page.locator("#option-keep-tpm .daemon-verdict")
        assert (verdict.get_attribute("class").split()[1], verdict.inner_text()) == enum_words


@pytest.mark.parametrize(("server", "driver"), [("9.0.0", "qemu"), ("8.9.0", "qemu"), ("8.0.0", "qemu"), ("0.9.0", "qemu"),
                                                ("9.0.0", "esx"), ("9.0.0", "lxc"), ("11.3.0", "test")])
def test_a_virsh_page_with_a_flag_agrees_with_kb_check_of_the_command_line(page, base_url, site_dir, server, driver):
    with open_database(site_dir.parent / "kb.sqlite") as conn:
        answer = virsh.virsh(conn, ["undefine", "dom", "--keep-tpm"], driver)
        answers = [check(conn, server, driver, name, api) for name, api in virsh.required_checks(conn, answer)]
    works = [a["works"] for a in answers]
    expected = False if False in works else None if None in works else True
    kind, _ = virsh_summary(page, base_url + f"virsh/undefine.html?server={server}&driver={driver}", "keep-tpm")
    assert kind == CLASSES[expected]


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
    "symbol/VIR_NODE_SUSPEND_TARGET_DISK.html?server=9.0.0&driver=qemu",
    "driver/qemu.html?server=7.0.0&driver=qemu",
    "release/9.0.0.html?server=8.9.0&driver=qemu",
    "virsh/undefine.html?server=8.0.0&driver=qemu",
    "index.html?server=9.0&driver=qemuu",  # both fields in error
]


@pytest.mark.skipif(not AXE.is_file(), reason="needs axe-core in .axe/ (make test-deps)")
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_no_serious_or_critical_accessibility_violation_with_a_daemon_set(browser, base_url, scheme):
    assert serious_violations(browser, base_url, scheme, DAEMON_PAGES, ready=".daemon-verdict, .daemon-message.error") == {}


# --- the search box writes the query into the address once typing pauses (issue 14: latency per key) ------------


def test_the_home_page_puts_the_query_into_the_address_only_once_typing_pauses(page, base_url):
    page.goto(base_url + "index.html?server=9.0.0&driver=qemu")
    page.locator("#q").focus()
    page.wait_for_function("document.getElementById('status').textContent === ''")
    typed_at = page.evaluate("performance.now()")
    page.keyboard.type("undefineflags")
    assert page.evaluate("new URLSearchParams(location.search).get('q')") is None  # not on every key
    assert page.locator("#results li").first.inner_text().startswith("virDomainUndefineFlags")  # the results are
    page.wait_for_function("new URLSearchParams(location.search).get('q') === 'undefineflags'")
    assert page.evaluate("performance.now()") - typed_at >= 300
    assert page.evaluate("new URLSearchParams(location.search).get('server')") == "9.0.0"  # the rest of the address kept
    page.keyboard.type("x")
    page.keyboard.press("Enter")  # Enter does not wait
    assert page.evaluate("new URLSearchParams(location.search).get('q')") == "undefineflagsx"


def test_a_function_no_driver_of_the_daemons_kind_implements_cannot_be_told_as_kb_check_says(page, base_url, site_dir):
    kind, words = said(page, base_url + "symbol/virNetworkCreate.html?server=11.3.0&driver=qemu")
    assert (kind, words) == ("unknown", "? not this driver's: the library or another driver answers it")
    assert check(open_database(site_dir.parent / "kb.sqlite"), "11.3.0", "qemu", "virNetworkCreate")["works"] is None
