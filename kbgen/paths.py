"""Where kbgen keeps things: its committed files and the download cache.

The committed files (data/: manifest, snapshot; templates/) are the packages
kbgen.data and kbgen.templates when installed from a wheel (directories beside
this file), and the top-level directories of a source checkout (including
compat-mode editable installs, which only put the checkout on sys.path).
Only os.path here: `kb` finds the snapshot through this module on start-up.
"""

from __future__ import annotations

import os

_PACKAGE = os.path.dirname(os.path.abspath(__file__))
_CHECKOUT = os.path.dirname(_PACKAGE)


def committed_path(name: str) -> str:
    """`data` or `templates`, wherever this kbgen keeps them."""
    installed = os.path.join(_PACKAGE, name)
    return installed if os.path.isdir(installed) else os.path.join(_CHECKOUT, name)


def default_cache_path() -> str:
    """$KBGEN_CACHE_DIR, else $XDG_CACHE_HOME/kbgen, else ~/.cache/kbgen."""
    if explicit := os.environ.get("KBGEN_CACHE_DIR"):
        return explicit
    xdg = os.environ.get("XDG_CACHE_HOME")
    if xdg and os.path.isabs(xdg):
        return os.path.join(xdg, "kbgen")
    return os.path.join(os.path.expanduser("~"), ".cache", "kbgen")


def committed_dir(name: str) -> "Path":  # noqa: F821 - pathlib stays off kb's start-up path
    from pathlib import Path

    return Path(committed_path(name))


def default_cache_dir() -> "Path":  # noqa: F821
    from pathlib import Path

    return Path(default_cache_path())
