"""The words for a version that may be a bound, shared by `kb` and the site (as the jinja filter `bound`).

A version object (docs/json.md) is exact, `{"version": "0.9.4", "exact": true}`,
or a bound, `{"lower": "0.9.4", "after": null, "upper": "7.0.0", "exact": false}`:
not before `lower`, strictly after `after`, by `upper`. The words never read as
hvsupport's "0.6.4 - 5.5.0" (added, then removed). A version object may carry
the release's `date` (exact) or how many releases the bound spans (`span`),
from kbgen/answers/known_releases.py. Standard library only.
"""

from __future__ import annotations

from kbgen.versions import version_key


def bound_text(version: dict | None) -> str:
    """'0.9.4', 'between 0.9.4 and 7.0.0', 'after 7.0.0, by 9.0.0', '≤ 7.0.0 (first seen)'; 'unknown' for None."""
    if version is None:
        return "unknown"
    if version["exact"]:
        return version["version"]
    lower, after, upper = version["lower"], version["after"], version["upper"]
    if after and (not lower or version_key(after) >= version_key(lower)):
        return f"after {after}, by {upper}" + _span(version)
    if lower:
        return f"between {lower} and {upper}" + _span(version)
    return f"≤ {upper} (first seen)"


def _span(version: dict) -> str:
    span = version.get("span")
    return f" ({span} release{'s' if span != 1 else ''})" if span else ""


def dated_text(version: dict | None) -> str:
    """bound_text(), with the date of an exact release: '0.9.4, 2011-08-03'."""
    return bound_text(version) + (f", {version['date']}" if version and version.get("date") else "")


def date_suffix(version: dict | None) -> str:
    """' (2011-08-03)' for a dated exact release, for lists where a comma would separate items; '' otherwise."""
    return f" ({version['date']})" if version and version.get("date") else ""


def since_text(version: dict, word: str = "since") -> str:
    """bound_text() after WORD when the version is exact: 'since 0.9.4, 2011-08-03', 'between 0.9.4 and 7.0.0'."""
    return f"{word} {dated_text(version)}" if version["exact"] else bound_text(version)
