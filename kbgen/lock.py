"""One writer at a time: an exclusive lock on a file beside what is written, taken without waiting."""

from __future__ import annotations

import fcntl
from contextlib import contextmanager
from pathlib import Path

from kbgen.errors import KbgenError


@contextmanager
def exclusive(target: Path, cannot_create: str, busy: str):
    """Hold `.NAME.lock` beside TARGET; KbgenError(busy) at once if another process holds it."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        lock = open(target.with_name(f".{target.name}.lock"), "w")  # noqa: SIM115 - closed by the with below
    except OSError as err:
        raise KbgenError(f"{cannot_create} ({err.strerror or err})") from None
    with lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise KbgenError(busy) from None
        yield
