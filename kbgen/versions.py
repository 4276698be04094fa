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


def surely_by(version: dict) -> str:
    """The release by which a version answer (exact, or a bound: docs/json.md VERSION) surely arrived."""
    return version["version"] if version["exact"] else version["upper"]


def latest(versions: list[dict | None]) -> dict | None:
    """The newest of VERSIONS, by the release each surely arrived by; None when there are none or one is unknown."""
    return max(versions, key=lambda v: version_key(surely_by(v))) if versions and None not in versions else None


def _checked(text: str) -> str:
    text = text.strip()
    if not is_version(text):
        raise ValueError(f"not a libvirt version (MAJOR.MINOR.MICRO): {text!r}")
    return text


def release_version(text: str) -> str:
    """The release a pasted version names: 'v9.0.0', '9.0.0-10.el9_2', '9.0.0-4+deb12u2', '10006000'
    (LIBVIR_VERSION_NUMBER) -> '9.0.0' / '10.6.0'; ValueError for anything else."""
    text = text.strip()
    if text and _DIGITS.issuperset(text) and len(text) <= 10:
        version = key_version(int(text))
        if is_version(version):
            return version
    core = text.removeprefix("v").removeprefix("V")
    for separator in "-+~":
        core = core.split(separator, 1)[0]
    if not is_version(core):
        raise ValueError(f"not a libvirt version: {text!r} (give MAJOR.MINOR.MICRO, e.g. 9.0.0, a package version such as "
                         "9.0.0-4+deb12u2, or a LIBVIR_VERSION_NUMBER such as 9000000)")
    return normalise_version(core)
