"""Tar streams read in bounded time and memory: decompressed outside tarfile, with a cap on the bytes read.

tarfile's own stream mode ("r|xz") decompresses a whole compressed block at once
and copies what is left of it on every read: a 40 kB .deb of xz-compressed zeros
kept it busy for minutes. Here the decompressor hands out what is asked for and
no more, and reading past the cap raises OverCap.
"""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import tarfile
import zlib
from typing import IO

# What a corrupt compressed stream raises (bz2 and gzip: OSError).
DECOMPRESSION_ERRORS = (lzma.LZMAError, zlib.error, EOFError, OSError)
_OPENERS = {"": lambda f: f, "gz": lambda f: gzip.GzipFile(fileobj=f), "bz2": bz2.BZ2File, "xz": lzma.LZMAFile}
_MAGIC = {b"\x1f\x8b": "gz", b"BZh": "bz2", b"\xfd7zXZ\x00": "xz"}


class OverCap(Exception):
    """More than the cap was read."""


def open_tar_stream(stream: IO[bytes], compression: str, cap: int) -> tarfile.TarFile:
    """A stream-mode TarFile over stream; compression is "", "gz", "bz2", "xz", or "*": from its first bytes."""
    if compression == "*":
        compression = _sniff(stream)
    return tarfile.open(fileobj=_Capped(_OPENERS[compression](stream), cap), mode="r|")


def _sniff(stream: IO[bytes]) -> str:
    head = stream.read(6)
    stream.seek(-len(head), io.SEEK_CUR)
    return next((name for magic, name in _MAGIC.items() if head.startswith(magic)), "")


class _Capped(io.RawIOBase):
    def __init__(self, file: IO[bytes], cap: int):
        self._file = file
        self._left = cap

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:
        count = self._file.readinto(buffer)
        self._left -= count
        if self._left < 0:
            raise OverCap
        return count
