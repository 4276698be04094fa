"""The facts of each analysed source tree, cached between builds.

A tree's facts depend only on the tree (its tarball's sha256 or its git commit),
the analyser's code and the set of flag-taking APIs, so those form the key. An
entry carries the sha256 of its own content and is verified before use: a
damaged or foreign entry is reported and analysed again, never trusted.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Callable

from kbgen.atomic import atomic_write
from kbgen.inputs.sources import InputFile
from kbgen.parse import checkflags, drivertable, enumchecks, messages, protocol, symsfile, tree, typedparams, virsh
from kbgen.parse.tree import TreeFacts, facts_from_data, facts_to_data

_ANALYSER_MODULES = (tree, checkflags, drivertable, protocol, symsfile, typedparams, enumchecks, virsh, messages)


def analyser_version() -> str:
    """A digest of the analyser's own code: changing any of it invalidates every entry."""
    digest = hashlib.sha256()
    for module in _ANALYSER_MODULES:
        digest.update(Path(module.__file__).read_bytes())
    return digest.hexdigest()[:16]


class TreeCache:
    def __init__(self, directory: Path, read: bool = True):
        self.directory = directory
        self.read = read  # False: every tree is analysed again, and its entry rewritten
        self.analyser = analyser_version()
        self.hits = self.misses = 0

    def _path(self, source: InputFile, flag_apis: set[str]) -> Path | None:
        if not source.sha256:  # a local directory: nothing identifies its content
            return None
        key = json.dumps([source.sha256, source.release, source.origin, source.walk, self.analyser, sorted(flag_apis)])
        return self.directory / f"{hashlib.sha256(key.encode()).hexdigest()}.json"

    def get(self, source: InputFile, flag_apis: set[str], say: Callable[[str], None]) -> TreeFacts | None:
        path = self._path(source, flag_apis)
        if path is None or not self.read or not path.is_file():
            self.misses += 1
            return None
        try:
            digest, _, payload = path.read_bytes().partition(b"\n")
            if hashlib.sha256(payload).hexdigest().encode() != digest:
                raise ValueError("content does not match its sha256")
            facts = facts_from_data(json.loads(payload))
        except (OSError, ValueError, KeyError, TypeError) as err:
            say(f"{path}: damaged tree-facts cache entry ({err}); analysing {source.origin} again")
            self.misses += 1
            return None
        self.hits += 1
        return facts

    def put(self, source: InputFile, flag_apis: set[str], facts: TreeFacts) -> None:
        path = self._path(source, flag_apis)
        if path is None:
            return
        payload = json.dumps(facts_to_data(facts), separators=(",", ":")).encode()
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(path, hashlib.sha256(payload).hexdigest().encode() + b"\n" + payload)
