"""Where kbgen's committed files are: data/ (manifest, snapshot) and templates/.

Installed from a wheel they are the packages kbgen.data and kbgen.templates;
in a source checkout (including compat-mode editable installs, which only put
the checkout on sys.path) they are the top-level directories.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

_CHECKOUT = Path(__file__).resolve().parent.parent


def committed_dir(name: str) -> Path:
    """`data` or `templates`, wherever this kbgen keeps them."""
    try:
        return Path(str(resources.files(f"kbgen.{name}")))
    except ModuleNotFoundError:
        return _CHECKOUT / name
