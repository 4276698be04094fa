"""Merging source-tree facts: flag constants defined as other constants, and the page generator's derived rows."""

from kbgen.checks.source_vs_hvsupport import table_support
from kbgen.merge.trees import FlagAliases
from kbgen.parse.drivertable import TableEntry
from kbgen.parse.tree import TreeFacts


def enum(value, enum_type):
    return {"kind": "enum", "value": value, "enum_type": enum_type}


SYMBOLS = {
    "VIR_DOMAIN_AFFECT_LIVE": enum("1", "virDomainModificationImpact"),
    "VIR_DOMAIN_AFFECT_CONFIG": enum("2", "virDomainModificationImpact"),
    "VIR_DOMAIN_DEVICE_MODIFY_LIVE": enum("VIR_DOMAIN_AFFECT_LIVE", "virDomainDeviceModifyFlags"),
    "VIR_DOMAIN_DEVICE_MODIFY_CONFIG": enum("VIR_DOMAIN_AFFECT_CONFIG", "virDomainDeviceModifyFlags"),
    "VIR_DOMAIN_DEVICE_MODIFY_FORCE": enum("4", "virDomainDeviceModifyFlags"),
}


def test_a_mask_naming_the_other_constant_accepts_the_functions_own():
    aliases = FlagAliases(SYMBOLS, {"virDomainAttachDeviceFlags": {"virDomainDeviceModifyFlags"}})
    accepted = aliases.accepted("virDomainAttachDeviceFlags", ("VIR_DOMAIN_AFFECT_LIVE",))
    assert accepted == ("VIR_DOMAIN_AFFECT_LIVE", "VIR_DOMAIN_DEVICE_MODIFY_LIVE")
    assert aliases.canonical("VIR_DOMAIN_DEVICE_MODIFY_CONFIG") == "VIR_DOMAIN_AFFECT_CONFIG"
    assert aliases.accepted("virDomainOther", ("VIR_DOMAIN_AFFECT_LIVE",)) == ("VIR_DOMAIN_AFFECT_LIVE",)


def test_alias_cycles_end():
    cyclic = {"A": enum("B", "t"), "B": enum("A", "t")}
    assert FlagAliases(cyclic, {}).canonical("A") in {"A", "B"}


def entry(field, since, removed=None, function="impl"):
    return TableEntry("fake", "virHypervisorDriver", field, function, since, removed, "src/fake/fake_driver.c", 1)


def test_derived_rows_follow_the_page_generator():
    tree = TreeFacts("9.0.0", "tree")
    tree.fields = {"connectOpen": "virConnectOpen", "domainCreateXML": "virDomainCreateXML",
                   "domainMigratePrepare2": "virDomainMigratePrepare2", "domainMigratePrepare3": "virDomainMigratePrepare3"}
    tree.entries = [entry("connectOpen", "0.3.0"), entry("domainCreateXML", "0.0.3"),
                    entry("domainMigratePrepare2", "0.5.0"), entry("domainMigratePrepare3", "0.9.2")]
    support = table_support(tree, {"virConnectOpen", "virDomainCreateXML", "virDomainMigratePrepare2", "virDomainMigratePrepare3"})
    assert support[("virConnectOpenReadOnly", "fake")] == ("0.3.0", None)
    assert support[("virConnectOpenAuth", "fake")] == ("0.4.0", None)  # never older than the API
    assert support[("virDomainCreateLinux", "fake")] == ("0.0.3", None)
    assert support[("virDomainMigrate", "fake")] == ("0.5.0", None)  # the first prepare step in the table
