"""Where kbgen keeps things: its committed files and the download cache.

The committed files (data/: manifest, snapshot; templates/) are the packages
kbgen.data and kbgen.templates when installed from a wheel, and the top-level
directories in a source checkout (including compat-mode editable installs,
which only put the checkout on sys.path). The knowledge base's default path is
in db.py, which `kb` imports without pathlib.
"""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

_CHECKOUT = Path(__file__).resolve().parent.parent


def committed_dir(name: str) -> Path:
    """`data` or `templates`, wherever this kbgen keeps them."""
    try:
        return Path(str(resources.files(f"kbgen.{name}")))
    except ModuleNotFoundError:
        return _CHECKOUT / name


def default_cache_dir() -> Path:
    """$KBGEN_CACHE_DIR, else $XDG_CACHE_HOME/kbgen, else ~/.cache/kbgen."""
    if explicit := os.environ.get("KBGEN_CACHE_DIR"):
        return Path(explicit)
    xdg = os.environ.get("XDG_CACHE_HOME")
    if xdg and os.path.isabs(xdg):
        return Path(xdg) / "kbgen"
    return Path.home() / ".cache" / "kbgen"
