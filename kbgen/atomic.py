"""Files that appear complete or not at all: written beside their final name, synced, then renamed."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path
from typing import IO, Iterator


@contextlib.contextmanager
def temp_file(directory: Path, prefix: str = ".") -> Iterator[tuple[IO[bytes], str]]:
    """A temp file in directory, removed on exit unless it was moved into place (see publish)."""
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=prefix, suffix=".part")
    try:
        with os.fdopen(fd, "wb") as out:
            yield out, tmp
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)


def publish(out: IO[bytes], tmp: str, path: Path) -> None:
    """Sync the temp file of temp_file() and rename it over path."""
    out.flush()
    os.fsync(out.fileno())
    os.replace(tmp, path)


def atomic_write(path: Path, data: bytes) -> None:
    with temp_file(path.parent, prefix=f".{path.name}.") as (out, tmp):
        out.write(data)
        publish(out, tmp, path)
