"""Merging source-tree facts: flag constants defined as other constants, and the page generator's derived rows."""

from kbgen.checks.source_vs_hvsupport import table_support
from kbgen.merge.aliases import with_enum_values
from kbgen.parse.drivertable import TableEntry
from kbgen.parse.tree import TreeFacts


def enum(name, value, enum_type):
    return {"name": name, "kind": "enum", "value": value, "enum_type": enum_type}


def merged(*rows):
    return {row["name"]: row for row in with_enum_values(list(rows))}


SYMBOLS = merged(
    enum("VIR_DOMAIN_AFFECT_LIVE", "1", "virDomainModificationImpact"),
    enum("VIR_DOMAIN_AFFECT_CONFIG", "2", "virDomainModificationImpact"),
    enum("VIR_DOMAIN_DEVICE_MODIFY_LIVE", "VIR_DOMAIN_AFFECT_LIVE", "virDomainDeviceModifyFlags"),
    enum("VIR_DOMAIN_DEVICE_MODIFY_CONFIG", "VIR_DOMAIN_AFFECT_CONFIG", "virDomainDeviceModifyFlags"),
    enum("VIR_DOMAIN_DEVICE_MODIFY_FORCE", "4", "virDomainDeviceModifyFlags"),
)


def test_an_alias_takes_the_value_of_the_constant_it_stands_for():
    row = SYMBOLS["VIR_DOMAIN_DEVICE_MODIFY_CONFIG"]
    assert (row["alias_of"], row["int_value"]) == ("VIR_DOMAIN_AFFECT_CONFIG", 2)
    assert (SYMBOLS["VIR_DOMAIN_DEVICE_MODIFY_FORCE"]["alias_of"], SYMBOLS["VIR_DOMAIN_DEVICE_MODIFY_FORCE"]["int_value"]) == (None, 4)


def test_alias_cycles_end():
    cyclic = merged(enum("A", "B", "t"), enum("B", "A", "t"))
    assert cyclic["A"]["alias_of"] in {None, "B"}
    assert cyclic["A"]["int_value"] is None


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
