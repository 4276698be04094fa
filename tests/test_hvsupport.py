import pytest
from conftest import FIXTURES

from kbgen.errors import InputError
from kbgen.parse.hvsupport import group_name, parse_hvsupport


def cells(matrix):
    return {(c.api, c.driver): c for c in matrix.cells}


def test_tables_and_their_driver_columns():
    matrix = parse_hvsupport(FIXTURES / "release-old" / "hvsupport.html")
    assert matrix.drivers == {"hypervisor": ["lxc", "qemu", "remote"], "nwfilter": ["nwfilter", "remote"]}
    assert len(matrix.rows) == 5


def test_version_cells_spans_and_empty_cells():
    matrix = cells(parse_hvsupport(FIXTURES / "release-old" / "hvsupport.html"))
    span = matrix[("virConnectDomainXMLFromNative", "qemu")]
    assert (span.since, span.removed, span.group) == ("0.6.4", "5.5.0", "hypervisor")
    assert matrix[("virDomainPMSuspendForDuration", "qemu")].since == "0.9.11"
    assert ("virDomainPMSuspendForDuration", "lxc") not in matrix


def test_rows_without_a_link_are_kept_and_marked():
    rows = {r.api: r for r in parse_hvsupport(FIXTURES / "release-old" / "hvsupport.html").rows}
    assert rows["virDomainMigratePrepare3"].linked is False
    assert rows["virDomainUndefineFlags"].linked is True
    assert rows["virDomainUndefineFlags"].version == "0.9.4"


def test_repeated_header_rows_inside_the_body_are_skipped():
    matrix = parse_hvsupport(FIXTURES / "release-old" / "hvsupport.html")
    assert "API" not in {r.api for r in matrix.rows}


def test_group_names():
    assert [group_name(a) for a in ("commonapis", "virHypervisorDriver", "virNWFilterDriver", "virNodeDeviceDriver")] == [
        "common", "hypervisor", "nwfilter", "nodedevice"]


TABLE = """<h2><a id="virHypervisorDriver">H</a></h2><table><thead><tr><th>API</th><th>Version</th><th>qemu</th></tr></thead>
<tbody>{rows}</tbody></table>"""


@pytest.mark.parametrize(
    "html, message",
    [
        ("", "empty file"),
        ("<html><body><p>no tables</p></body></html>", "no tables found"),
        ("<table><tr><th>API</th></tr></table>", "no <h2> heading"),
        ('<h2><a id="virHypervisorDriver">H</a></h2><table><thead><tr><th>API</th><th>qemu</th></tr></thead></table>', "expected API, Version"),
        (TABLE.format(rows="<tr><td>virA</td><td>1.0.0</td><td>1.0.0</td><td>2.0.0</td></tr>"), "row has 4 cells, the header has 3"),
        (TABLE.format(rows="<tr><td>virA</td><td>1.0.0</td><td>yes</td></tr>"), "cell 'yes' is not a version"),
        (TABLE.format(rows="<tr><td>virA</td><td>1.0.0</td><td>5.5.0 - 0.6.4</td></tr>"), "removes the API before"),
        (TABLE.format(rows="<tr><td>virA</td><td>one</td><td>1.0.0</td></tr>"), "Version cell 'one'"),
    ],
)
def test_bad_pages_are_input_errors_naming_the_file(tmp_path, html, message):
    path = tmp_path / "hvsupport.html"
    path.write_text(html)
    with pytest.raises(InputError) as err:
        parse_hvsupport(path)
    assert str(path) in str(err.value) and message in str(err.value)
