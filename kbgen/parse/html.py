"""Reading one of libvirt's generated HTML pages: never the network, no comments or processing instructions."""

from __future__ import annotations

from pathlib import Path

from lxml import etree

from kbgen.errors import InputError


def read_html(path: Path, expected: str):
    """The root element of the page at PATH; InputError naming the file otherwise (EXPECTED: what it should be)."""
    try:
        data = path.read_bytes()
    except OSError as err:
        raise InputError(path, f"cannot read: {err.strerror or err}") from None
    if not data.strip():
        raise InputError(path, f"empty file, expected {expected}")
    parser = etree.HTMLParser(no_network=True, remove_comments=True, remove_pis=True)
    try:
        root = etree.fromstring(data, parser)
    except (etree.XMLSyntaxError, ValueError) as err:
        raise InputError(path, f"cannot parse as HTML: {err}") from None
    if root is None:
        raise InputError(path, "no HTML content")
    return root
