"""libvirt's API support matrix page, hvsupport.html.

The page holds one table per driver group (hypervisor, interface, network,
...), each with its own driver columns. A cell is empty, a version (the driver
implemented the API in that release), or a span `0.6.4 - 5.5.0` (implemented,
then removed). Rows whose API cell has no link are internal driver entry
points (migration steps) or virConnectSupportsFeature.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from kbgen.errors import InputError
from kbgen.parse.html import read_html
from kbgen.versions import is_version, parse_version

_SPAN = re.compile(r"^(\S+)\s*-\s*(\S+)$")


@dataclass(frozen=True)
class MatrixRow:
    api: str
    group: str
    version: str | None
    linked: bool


@dataclass(frozen=True)
class DriverCell:
    api: str
    driver: str
    group: str
    since: str
    removed: str | None = None


@dataclass
class SupportMatrix:
    path: str
    rows: list[MatrixRow] = field(default_factory=list)
    cells: list[DriverCell] = field(default_factory=list)
    drivers: dict[str, list[str]] = field(default_factory=dict)  # group -> driver columns


def group_name(anchor: str) -> str:
    """'virHypervisorDriver' -> 'hypervisor', 'virNWFilterDriver' -> 'nwfilter', 'commonapis' -> 'common'."""
    if anchor.endswith("apis"):
        return anchor.removesuffix("apis").lower()
    return anchor.removeprefix("vir").removesuffix("Driver").lower()


def parse_hvsupport(path: str | Path) -> SupportMatrix:
    path = Path(path)
    root = read_html(path, "libvirt's hvsupport.html")
    tables = root.xpath("//table")
    if not tables:
        raise InputError(path, "no tables found: not libvirt's API support matrix (hvsupport.html)")
    matrix = SupportMatrix(path=str(path))
    for table in tables:
        _read_table(path, table, matrix)
    return matrix


def _read_table(path: Path, table, matrix: SupportMatrix) -> None:
    anchors = table.xpath("preceding::h2[1]//a[@id]/@id")
    if not anchors:
        raise InputError(path, f"table at line {table.sourceline} has no <h2> heading with an anchor naming its driver group")
    group = group_name(anchors[0])
    header = [_text(th) for th in table.xpath("./thead/tr/th | ./tr[1]/th")]
    if header[:2] != ["API", "Version"] or len(header) < 3:
        raise InputError(path, f"table {group!r}: header is {header[:3]}..., expected API, Version, then driver columns")
    drivers = header[2:]
    matrix.drivers[group] = drivers
    for tr in table.xpath("./tbody/tr[td] | ./tr[td]"):  # header rows repeat inside tbody
        _read_row(path, group, drivers, tr, matrix)


def _read_row(path: Path, group: str, drivers: list[str], tr, matrix: SupportMatrix) -> None:
    cells = tr.xpath("./td")
    where = f"table {group!r}, line {tr.sourceline}"
    if len(cells) != len(drivers) + 2:
        raise InputError(path, f"{where}: row has {len(cells)} cells, the header has {len(drivers) + 2}")
    api = _text(cells[0])
    if not api:
        raise InputError(path, f"{where}: empty API cell")
    version = _text(cells[1]) or None
    if version is not None and not is_version(version):
        raise InputError(path, f"{where}: {api}: Version cell {version!r} is not a version")
    matrix.rows.append(MatrixRow(api=api, group=group, version=version, linked=bool(cells[0].xpath(".//a[@href]"))))
    for driver, td in zip(drivers, cells[2:], strict=True):
        text = _text(td)
        if text:
            since, removed = _span(path, f"{where}: {api}, driver {driver}", text)
            matrix.cells.append(DriverCell(api=api, driver=driver, group=group, since=since, removed=removed))


def _span(path: Path, where: str, text: str) -> tuple[str, str | None]:
    match = _SPAN.match(text)
    since, removed = match.groups() if match else (text, None)
    for value in (since, removed):
        if value is not None and not is_version(value):
            raise InputError(path, f"{where}: cell {text!r} is not a version or a span 'A - B'")
    if removed is not None and parse_version(removed) <= parse_version(since):
        raise InputError(path, f"{where}: span {text!r} removes the API before (or when) it was added")
    return since, removed


def _text(el) -> str:
    return " ".join("".join(el.itertext()).split())
