"""Directories of the download cache that appear complete or not at all, also when builds share the cache.

Each build fills a private directory beside the target and renames it into place.
Targets are named after the digest of what they are unpacked from, so when two
builds race, both directories hold the same files: the first rename wins and the
other build uses the winner's directory.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from kbgen.errors import KbgenError


def publish_dir(target: Path, fill: Callable[[Path], None]) -> Path:
    """target, made by fill(directory) in a private directory unless it exists already."""
    if target.is_dir():
        return target
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = Path(tempfile.mkdtemp(dir=target.parent, prefix=f"{target.name}.partial."))
    except OSError as err:
        raise KbgenError(f"cannot write to the cache in {target.parent}: {err}") from None
    try:
        fill(partial)
        _rename(partial, target)
    finally:
        shutil.rmtree(partial, ignore_errors=True)
    return target


def discard_dir(target: Path) -> None:
    """Remove target at once (renamed aside, then deleted): no build ever sees it half removed."""
    aside = target.with_name(f"{target.name}.discarded.{os.getpid()}")
    try:
        os.rename(target, aside)
    except FileNotFoundError:
        return
    except OSError as err:
        raise KbgenError(f"cannot remove {target} from the cache: {err}") from None
    shutil.rmtree(aside, ignore_errors=True)


def _rename(partial: Path, target: Path) -> None:
    try:
        os.rename(partial, target)
    except OSError as err:
        if not target.is_dir():  # otherwise another build renamed its copy first
            raise KbgenError(f"cannot write {target} into the cache: {err}") from None
