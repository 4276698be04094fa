"""libvirt's release notes page, news.html: every release with its date.

Each release is a heading `vX.Y.Z (YYYY-MM-DD)` (12.8.0's page has 234, from
v0.0.1, 2005-12-19). Only the headings are read; the notes themselves are
libvirt's prose and are not kept.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from kbgen.errors import InputError
from kbgen.parse.html import read_html
from kbgen.versions import is_version

_HEADING = re.compile(r"v([0-9.]+) \(([0-9]{4})-([0-9]{2})-([0-9]{2})\)")


@dataclass(frozen=True)
class ReleaseDate:
    version: str
    date: str  # ISO 8601, YYYY-MM-DD


def parse_news(path: str | Path) -> list[ReleaseDate]:
    """The dated releases of news.html, newest first as the page lists them."""
    path = Path(path)
    root = read_html(path, "libvirt's news.html")
    releases: dict[str, ReleaseDate] = {}
    for heading in root.xpath("//h1 | //h2 | //h3 | //h4"):
        text = " ".join("".join(heading.itertext()).replace("\u00b6", "").split())
        match = _HEADING.fullmatch(text)
        if not match:
            continue
        release = _release(path, heading.sourceline, *match.groups())
        if release.version in releases and releases[release.version] != release:
            raise InputError(path, f"line {heading.sourceline}: v{release.version} is listed twice, with dates "
                                   f"{releases[release.version].date} and {release.date}")
        releases[release.version] = release
    if not releases:
        raise InputError(path, "no release headings 'vX.Y.Z (YYYY-MM-DD)': not libvirt's news.html")
    return list(releases.values())


def _release(path: Path, line: int, version: str, year: str, month: str, day: str) -> ReleaseDate:
    if not is_version(version):
        raise InputError(path, f"line {line}: heading version {version!r} is not a libvirt version")
    if not (1 <= int(month) <= 12 and 1 <= int(day) <= 31):
        raise InputError(path, f"line {line}: v{version}: {year}-{month}-{day} is not a date")
    return ReleaseDate(version, f"{year}-{month}-{day}")
