"""The hand-written test fixtures, under the file names kbgen reads.

They are committed as `libvirt-api.fixture.xml`, `hvsupport.fixture.html`, ...
so that no file in the repository passes for one of libvirt's own; materialize()
copies the fixture tree into a temporary directory under the real names.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path

SOURCE = Path(__file__).parent / "fixtures"
MARK = ".fixture"


def materialize(source: Path = SOURCE) -> Path:
    target = Path(tempfile.mkdtemp(prefix="kbgen-fixtures-"))
    atexit.register(shutil.rmtree, target, True)
    for path in source.rglob("*"):
        if path.is_file():
            dest = target / path.relative_to(source)
            dest = dest.with_name(dest.name.replace(MARK, "", 1))
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, dest)
    return target
