"""libvirt release versions: parsing, ordering, and the integer sort key.

libvirt numbers releases MAJOR.MINOR.MICRO and encodes them as
MAJOR * 1_000_000 + MINOR * 1_000 + MICRO (LIBVIR_VERSION_NUMBER). The database
stores that integer beside every version so that queries order and compare
versions with plain SQL, without importing packaging at query time.
"""

from __future__ import annotations

_DIGITS = frozenset("0123456789")  # not str.isdigit: that takes any Unicode digit
_WIDTHS = (4, 3, 3)  # MAJOR.MINOR.MICRO; no `re` here: kb's start-up would pay for importing it


def is_version(text: str) -> bool:
    """Whether TEXT is MAJOR.MINOR.MICRO in ASCII digits, at most 4, 3 and 3 of them."""
    parts = text.split(".")
    return len(parts) == 3 and all(0 < len(p) <= width and _DIGITS.issuperset(p) for p, width in zip(parts, _WIDTHS, strict=True))


def normalise_version(text: str) -> str:
    """The one spelling of a version: '012.08.0' -> '12.8.0'; ValueError for anything else."""
    return ".".join(str(int(part)) for part in _checked(text).split("."))


def parse_version(text: str) -> "packaging.version.Version":  # noqa: F821
    """A libvirt version such as '0.9.4'; ValueError for anything else."""
    from packaging.version import Version  # not at module level: `kb` needs only version_key

    return Version(_checked(text))


def version_key(text: str) -> int:
    """The LIBVIR_VERSION_NUMBER of a version string: '0.9.4' -> 9004."""
    major, minor, micro = (int(part) for part in _checked(text).split("."))
    return major * 1_000_000 + minor * 1_000 + micro


def key_version(key: int) -> str:
    """The inverse of version_key: 9004 -> '0.9.4'."""
    return f"{key // 1_000_000}.{key // 1_000 % 1_000}.{key % 1_000}"


def _checked(text: str) -> str:
    text = text.strip()
    if not is_version(text):
        raise ValueError(f"not a libvirt version (MAJOR.MINOR.MICRO): {text!r}")
    return text
