"""virsh's commands, options, the APIs and flags they use, read from C sources."""

from conftest import FIXTURES

from kbgen.parse.virsh import ApiCall, OptionEffect, VirshOption, parse_virsh, virsh_from_data, virsh_to_data

APIS = {"virDomainUndefine", "virDomainUndefineFlags", "virDomainPMSuspendForDuration"}


def parsed():
    path = FIXTURES / "srctree" / "tools" / "virsh-fake.c"
    return parse_virsh({str(path): path.read_text()}, APIS)


def command(name):
    return next(c for c in parsed().commands if c.name == name)


def test_commands_with_their_handlers_and_aliases():
    assert [(c.name, c.handler, c.alias_of) for c in parsed().commands] == [
        ("dompmsuspend", "cmdDomPMSuspend", None), ("undefine", "cmdUndefine", None),
        ("helpless", "cmdHelpless", None), ("delete", None, "undefine")]


def test_options_come_from_the_table_and_its_macros():
    assert command("undefine").options == (
        VirshOption("domain", "string"), VirshOption("managed-save", "bool"), VirshOption("nvram", "bool"),
        VirshOption("managed_save", "alias", "managed-save"))


def test_a_boolean_option_sets_the_flag_its_if_ors_in_through_a_variable_or_directly():
    assert command("undefine").effects == (
        OptionEffect("managed-save", ("VIR_DOMAIN_UNDEFINE_MANAGED_SAVE",)),
        OptionEffect("nvram", ("VIR_DOMAIN_UNDEFINE_NVRAM",)))


def test_a_string_option_goes_through_an_enum_table():
    assert command("dompmsuspend").effects == (OptionEffect("target", (), "virshNodeSuspendTarget"),)
    [enum] = parsed().enums
    assert (enum.name, enum.last, enum.strings) == ("virshNodeSuspendTarget", "VIR_NODE_SUSPEND_TARGET_LAST",
                                                    ("mem", "disk", "hybrid"))


def test_apis_are_found_through_virsh_helpers():
    assert command("dompmsuspend").calls == (ApiCall("virDomainPMSuspendForDuration", ("virshSuspend",)),)


def test_the_older_api_called_after_no_support_is_a_fallback():
    assert command("undefine").calls == (
        ApiCall("virDomainUndefineFlags"), ApiCall("virDomainUndefine", (), "virDomainUndefineFlags"))


def test_a_handler_calling_no_api_says_so():
    assert command("helpless").unknown == ("cmdHelpless calls no public API that the analysis could find",)


def test_the_facts_survive_the_tree_facts_cache():
    facts = parsed()
    assert virsh_from_data(virsh_to_data(facts)) == facts
