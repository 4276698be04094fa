"""Merging releases: where each `since` comes from, and every disagreement reported."""

import json
import shutil

import pytest
from conftest import FIXTURES, NEW, OLD, fixture_releases, local_resolver


def symbol(tables, name):
    return next(s for s in tables["symbols"] if s["name"] == name)


def disagreements(tables, kind):
    return {d["subject"]: d for d in tables["disagreements"] if d["kind"] == kind}


def test_since_comes_from_the_version_attribute(fixture_tables):
    row = symbol(fixture_tables, "virDomainUndefineFlags")
    assert (row["since"], row["since_exact"], row["since_source"]) == ("0.9.4", True, "xml-version")
    assert row["since_origin"].startswith(f"{NEW}:") and row["since_origin"].endswith("release-new/libvirt-api.xml")
    assert (row["first_release"], row["last_release"]) == (OLD, NEW)


def test_symbol_only_in_an_old_release_gets_an_upper_bound(fixture_tables):
    row = symbol(fixture_tables, "VIR_DOMAIN_OLD_ONLY")
    assert (row["since"], row["since_exact"], row["since_source"]) == (OLD, False, "first-seen")


def test_function_without_version_attribute_falls_back_to_hvsupport(tmp_path):
    from kbgen.build import build_tables

    tables = build_tables(fixture_releases()[:1], local_resolver(tmp_path))
    row = symbol(tables, "virDomainUndefineFlags")
    assert (row["since"], row["since_exact"], row["since_source"]) == ("0.9.4", True, "hvsupport")
    enum = symbol(tables, "VIR_DOMAIN_UNDEFINE_NVRAM")
    assert (enum["since"], enum["since_exact"]) == (OLD, False)


def test_xml_and_hvsupport_disagreement_is_reported_and_xml_wins(fixture_tables):
    found = disagreements(fixture_tables, "xml-vs-hvsupport")["virDomainPMSuspendForDuration"]
    assert json.loads(found["values"]) == {"xml": "0.9.10", "hvsupport": "0.9.9"}
    assert symbol(fixture_tables, "virDomainPMSuspendForDuration")["since"] == "0.9.10"


def test_driver_version_changing_between_releases_is_reported(fixture_tables):
    found = disagreements(fixture_tables, "driver-since-changed")["virDomainUndefineFlags / remote"]
    assert json.loads(found["values"]) == {OLD: "0.9.3", NEW: "0.9.4"}


def test_symbol_missing_from_the_newest_release_is_reported(fixture_tables):
    assert "VIR_DOMAIN_OLD_ONLY" in disagreements(fixture_tables, "symbol-vanished")


def test_no_other_disagreements(tmp_path):
    from kbgen.build import build_tables

    tables = build_tables(fixture_releases(trees=False), local_resolver(tmp_path))
    kinds = sorted(d["kind"] for d in tables["disagreements"])
    # xml-since-vs-schema: the fixture's formatdomain.html dates backingStore 8.0.0, its 7.0.0 schema has it already.
    assert kinds == ["driver-since-changed", "symbol-vanished", "xml-since-vs-schema", "xml-vs-hvsupport"]


def test_driver_spans_and_groups(fixture_tables):
    rows = {(r["api"], r["driver"]): r for r in fixture_tables["driver_support"]}
    qemu = rows[("virConnectDomainXMLFromNative", "qemu")]
    assert (qemu["since"], qemu["removed_in"], qemu["driver_group"]) == ("0.6.4", "5.5.0", "hypervisor")
    assert rows[("virDomainUndefineFlags", "ch")]["since"] == "7.5.0"
    assert rows[("virNWFilterFree", "nwfilter")]["driver_group"] == "common"  # the newest page's grouping
    assert rows[("virDomainMigratePrepare3", "qemu")]["public"] is False


def test_flag_links_only_name_known_enum_types(fixture_tables):
    links = {(l["function"], l["enum_type"]) for l in fixture_tables["flag_links"]}
    assert links == {
        ("virDomainUndefineFlags", "virDomainUndefineFlagsValues"),
        ("virDomainBrandNew", "virDomainNewFlags"),
        ("virDomainQemuMonitorCommand", "virDomainQemuMonitorCommandFlags"),
    }


def test_inputs_are_recorded_with_checksums(fixture_tables):
    names = sorted((i["release"], i["name"]) for i in fixture_tables["inputs"])
    assert names == [(NEW, "formatdomain.html"), (NEW, "hvsupport.html"), (NEW, "libvirt-api.xml"), (NEW, "libvirt-qemu-api.xml"),
                     (NEW, "libvirt.py"), (NEW, "libvirt_qemu.py"), (NEW, "news.html"), (NEW, "schemas"), (NEW, "source-tree"),
                     (OLD, "hvsupport.html"), (OLD, "libvirt-api.xml"), (OLD, "libvirt.py"), (OLD, "news.html"), (OLD, "schemas"),
                     (OLD, "source-tree")]
    assert all(len(i["sha256"]) == 64 for i in fixture_tables["inputs"] if i["name"] != "source-tree")


def test_a_release_without_api_xml_is_refused(tmp_path):
    from kbgen.errors import KbgenError
    from kbgen.inputs.manifest import Release, Source

    only_html = tmp_path / "only"
    only_html.mkdir()
    (only_html / "hvsupport.html").write_text((tmp_path.parent / "x").name)
    with pytest.raises(KbgenError, match="no libvirt-api.xml"):
        local_resolver(tmp_path).release_inputs(Release("1.0.0", (Source("path", str(only_html)),)))


def test_every_release_of_the_news_pages_is_dated(fixture_tables):
    dates = {row["version"]: (row["date"], row["origin"]) for row in fixture_tables["release_dates"]}
    assert len(dates) == 17 and dates["0.9.10"][0] == "2012-02-13"
    assert dates["0.9.10"][1].startswith(f"{NEW}:") and dates["0.9.10"][1].endswith("news.html")
    assert [r["version"] for r in fixture_tables["release_dates"]][:2] == ["0.0.1", "0.2.0"]
    assert not [d for d in fixture_tables["disagreements"] if d["kind"] == "release-date-changed"]


def test_news_pages_that_disagree_about_a_date_are_reported(tmp_path):
    from kbgen.build import build_tables
    from kbgen.inputs.manifest import Release, Source

    old = tmp_path / "old"
    shutil.copytree(FIXTURES / "release-old", old)
    news = old / "news.html"
    news.write_text(news.read_text().replace("v0.9.10 (2012-02-13)", "v0.9.10 (2012-02-14)"))
    tables = build_tables([Release(OLD, (Source("path", str(old)),)), Release(NEW, (Source("path", str(FIXTURES / "release-new")),))],
                          local_resolver(tmp_path / "cache"))
    found = [d for d in tables["disagreements"] if d["kind"] == "release-date-changed"]
    assert [d["subject"] for d in found] == ["v0.9.10"]
    assert json.loads(found[0]["values"]) == {OLD: "2012-02-14", NEW: "2012-02-13"}
    assert next(r for r in tables["release_dates"] if r["version"] == "0.9.10")["date"] == "2012-02-13"


def test_a_cell_listed_twice_on_one_page_is_reported_and_the_first_kept(tmp_path):
    from kbgen.build import build_tables
    from kbgen.inputs.manifest import Release, Source

    new = tmp_path / "new"
    shutil.copytree(FIXTURES / "release-new", new)
    page = new / "hvsupport.html"
    row = ('<tr>\n<td>\n<a href="html/libvirt-libvirt-domain.html#virDomainUndefineFlags">virDomainUndefineFlags</a>\n</td>\n'
           "<td>0.9.4</td>\n<td>7.5.0</td>\n<td>0.9.4</td>\n<td>0.9.4</td>\n<td>0.9.4</td>\n</tr>\n")
    html = page.read_text()
    assert row in html
    page.write_text(html.replace(row, row + row.replace("<td>7.5.0</td>", "<td>8.0.0</td>"), 1))
    tables = build_tables([Release(NEW, (Source("path", str(new)),))], local_resolver(tmp_path / "cache"))
    found = [d for d in tables["disagreements"] if d["kind"] == "duplicate-cell"]
    assert [(d["subject"], json.loads(d["values"])) for d in found] == [
        ("virDomainUndefineFlags / ch", {"release": NEW, "kept": "7.5.0", "ignored": "8.0.0"})]
    assert next(r for r in tables["driver_support"] if (r["api"], r["driver"]) == ("virDomainUndefineFlags", "ch"))["since"] == "7.5.0"
