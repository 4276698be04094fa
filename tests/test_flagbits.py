"""Flags are bits, not names: a driver accepts a bit under every name it has, with bounds that never invert."""

from kbgen.answers.flagbits import bits_of, name_version
from kbgen.merge.flagbits import bit_bounds, mask_bits
from kbgen.parse.checkflags import FlagCheck
from kbgen.parse.tree import TreeFacts

VALUES = {"VIR_DOMAIN_AFFECT_LIVE": 1, "VIR_DOMAIN_AFFECT_CONFIG": 2, "VIR_DOMAIN_SETVCPU_AFFECT_LIVE": 1,
          "VIR_DOMAIN_VCPU_HOTPLUGGABLE": 16, "VIR_BOTH": 3, "VIR_NO_VALUE": None}


def tree(release: str, flags: tuple[str, ...] | None, walk: str | None = None) -> TreeFacts:
    facts = TreeFacts(release, f"libvirt_{release}.orig.tar.xz", walk)
    facts.checks = {("virDomainSetVcpu", "qemu"): FlagCheck("qemuDomainSetVcpu", flags, (), "virCheckFlags in qemu_driver.c:1")}
    return facts


def rows(*trees, api_since="3.1.0"):
    return {r["bit"]: r for r in bit_bounds("virDomainSetVcpu", "qemu", list(trees), VALUES, api_since)}


def test_a_mask_accepts_the_bits_of_its_names_values():
    assert mask_bits(("VIR_DOMAIN_AFFECT_LIVE", "VIR_DOMAIN_SETVCPU_AFFECT_LIVE", "VIR_BOTH"), VALUES) == {
        1: ["VIR_DOMAIN_AFFECT_LIVE", "VIR_DOMAIN_SETVCPU_AFFECT_LIVE", "VIR_BOTH"], 2: ["VIR_BOTH"]}
    assert mask_bits(("VIR_NO_VALUE", "VIR_UNKNOWN"), VALUES) == {}


def test_a_bit_is_bounded_by_the_apis_driver_support_and_the_first_tree_accepting_it():
    found = rows(tree("7.0.0", ("VIR_DOMAIN_AFFECT_LIVE", "VIR_DOMAIN_AFFECT_CONFIG")), tree("9.0.0", ("VIR_DOMAIN_AFFECT_LIVE",)))
    assert set(found) == {1, 2}
    assert (found[1]["lower"], found[1]["after"], found[1]["upper"], found[1]["exact"]) == ("3.1.0", None, "7.0.0", False)
    assert found[1]["names"] == "VIR_DOMAIN_AFFECT_LIVE"


def test_a_bit_named_differently_in_a_later_tree_keeps_its_first_tree_and_gains_the_name():
    found = rows(tree("7.0.0", ("VIR_DOMAIN_AFFECT_LIVE",)), tree("11.3.0", ("VIR_DOMAIN_SETVCPU_AFFECT_LIVE",)))
    assert found[1]["upper"] == "7.0.0"
    assert found[1]["names"] == "VIR_DOMAIN_AFFECT_LIVE VIR_DOMAIN_SETVCPU_AFFECT_LIVE"


def test_a_bit_first_accepted_in_a_later_tree_is_after_the_last_tree_lacking_it():
    found = rows(tree("7.0.0", ("VIR_DOMAIN_AFFECT_LIVE",)), tree("9.0.0", None), tree("11.3.0", ("VIR_DOMAIN_AFFECT_LIVE", "VIR_DOMAIN_VCPU_HOTPLUGGABLE")))
    assert (found[16]["after"], found[16]["upper"], found[16]["exact"]) == ("7.0.0", "11.3.0", False)


def test_neighbouring_tags_of_one_walk_make_a_bit_exact():
    found = rows(tree("7.0.0", (), walk="clone"), tree("7.1.0", ("VIR_DOMAIN_AFFECT_LIVE",), walk="clone"))
    assert (found[1]["lower"], found[1]["after"], found[1]["exact"]) == ("7.1.0", None, True)


def test_a_name_newer_than_its_bits_acceptance_is_accepted_from_its_own_release():
    bit = {"lower": "3.1.0", "after": None, "upper": "7.0.0", "exact": False}
    assert name_version(bit, {"version": "12.4.0", "exact": True}) == {"version": "12.4.0", "exact": True}


def test_a_name_inside_the_bits_bounds_raises_the_lower_bound_and_never_inverts_them():
    bit = {"lower": "3.1.0", "after": None, "upper": "7.0.0", "exact": False}
    assert name_version(bit, {"version": "5.0.0", "exact": True}) == {"lower": "5.0.0", "after": None, "upper": "7.0.0", "exact": False}
    assert name_version(bit, {"version": "1.0.0", "exact": True}) == bit
    assert name_version({"version": "7.0.0", "exact": True}, {"version": "1.0.0", "exact": True}) == {"version": "7.0.0", "exact": True}


def test_bits_of_a_value():
    assert bits_of(0x13) == [1, 2, 16]
    assert bits_of(0) == [] and bits_of(None) == [] and bits_of(-1) == []
