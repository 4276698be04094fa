from dataclasses import replace
from pathlib import Path

import pytest
from conftest import FIXTURES

from kbgen.errors import InputError
from kbgen.parse.apixml import parse_api_xml


def by_name(doc):
    return {s.name: s for s in doc.symbols}


def test_new_generation_reads_every_kind_with_versions():
    doc = parse_api_xml(FIXTURES / "release-new" / "libvirt-api.xml")
    symbols = by_name(doc)
    assert doc.module == "libvirt"
    assert {s.kind for s in doc.symbols} == {"function", "enum", "macro", "typedef", "struct", "functype", "variable"}
    assert symbols["virDomainUndefineFlags"].version == "0.9.4"
    assert symbols["virDomainUndefineFlags"].file == "libvirt-domain"
    keep_tpm = symbols["VIR_DOMAIN_UNDEFINE_KEEP_TPM"]
    assert (keep_tpm.kind, keep_tpm.enum_type, keep_tpm.value, keep_tpm.version) == ("enum", "virDomainUndefineFlagsValues", "64", "8.9.0")


def test_old_generation_has_no_versions_but_is_read():
    doc = parse_api_xml(FIXTURES / "release-old" / "libvirt-api.xml")
    assert len(doc.symbols) == 11
    assert all(s.version is None for s in doc.symbols)


def test_flags_argument_names_its_enum_types():
    symbols = by_name(parse_api_xml(FIXTURES / "release-new" / "libvirt-api.xml"))
    assert symbols["virDomainUndefineFlags"].has_flags
    assert symbols["virDomainUndefineFlags"].flags_refs == ("virDomainUndefineFlagsValues",)
    assert symbols["virDomainBrandNew"].flags_refs == ("virDomainNewFlags", "virDomainModificationImpact")
    assert symbols["virDomainPMSuspendForDuration"].has_flags and symbols["virDomainPMSuspendForDuration"].flags_refs == ()
    assert not symbols["VIR_DOMAIN_NEW_THING"].has_flags


def test_module_comes_from_the_api_name():
    doc = parse_api_xml(FIXTURES / "release-new" / "libvirt-qemu-api.xml")
    assert doc.module == "qemu"
    assert by_name(doc)["virDomainQemuMonitorCommand"].module == "qemu"


def test_macro_keeps_its_string_value_and_its_prose_only_as_info():
    macro = by_name(parse_api_xml(FIXTURES / "release-new" / "libvirt-api.xml"))["VIR_DOMAIN_TUNABLE_CPU_VCPUPIN"]
    assert macro.value == "cputune.vcpupin%u"
    assert macro.info == "text" and "text" not in repr(replace(macro, info=""))


def test_function_signature_and_description():
    symbols = by_name(parse_api_xml(FIXTURES / "release-new" / "libvirt-api.xml"))
    undefine = symbols["virDomainUndefineFlags"]
    assert undefine.returns == "int"
    assert undefine.args == (("domain", "virDomainPtr"), ("flags", "unsigned int"))
    assert undefine.info == "Undefine a domain."
    assert symbols["virDomainPMSuspendForDuration"].returns is None  # no <return>: no signature claimed


def write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "libvirt-api.xml"
    path.write_text(body)
    return path


@pytest.mark.parametrize(
    "body, message",
    [
        ("", "empty file"),
        ("<api name='libvirt'><symbols>", "not well-formed"),
        ("<html/>", "root element is <html>"),
        ("<api name='libvirt'><symbols><gadget name='x'/></symbols></api>", "unknown symbol kind <gadget>"),
        ("<api name='libvirt'><symbols><enum name='X' version='soon'/></symbols></api>", "'soon' is not a libvirt version"),
        ("<api name='libvirt'><symbols><macro name='X'/><macro name='X'/></symbols></api>", "duplicate symbol 'X'"),
        ("<api name='libvirt'><symbols><macro file='f'/></symbols></api>", "without a name"),
        ("<api><symbols/></api>", "no name attribute"),
    ],
)
def test_bad_xml_is_an_input_error_naming_the_file(tmp_path, body, message):
    path = write(tmp_path, body)
    with pytest.raises(InputError) as err:
        parse_api_xml(path)
    assert str(path) in str(err.value) and message in str(err.value)


def test_entity_expansion_bomb_is_refused(tmp_path):
    entities = "".join(f'<!ENTITY e{i} "{"&e%d;" % (i - 1) * 10}">' for i in range(1, 10))
    body = f'<?xml version="1.0"?><!DOCTYPE api [<!ENTITY e0 "boom">{entities}]><api name="libvirt"><symbols><macro name="X" string="&e9;"/></symbols></api>'
    with pytest.raises(InputError, match="DOCTYPE or entity"):
        parse_api_xml(write(tmp_path, body))


def test_external_entity_is_refused(tmp_path):
    body = '<?xml version="1.0"?><!DOCTYPE api [<!ENTITY x SYSTEM "file:///etc/passwd">]><api name="libvirt"><symbols><macro name="X" string="&x;"/></symbols></api>'
    with pytest.raises(InputError, match="DOCTYPE or entity"):
        parse_api_xml(write(tmp_path, body))


def test_missing_file_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="cannot read"):
        parse_api_xml(tmp_path / "nope.xml")
