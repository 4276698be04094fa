"""The README's command reference is what the parsers print for --help."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_readme_command_reference_matches_the_parsers():
    result = subprocess.run([sys.executable, "-m", "cogapp", "--check", "README.md"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, f"README.md is out of date; run `make docs`\n{result.stdout}{result.stderr}"


def test_the_check_fails_on_a_stale_block(tmp_path):
    readme = (ROOT / "README.md").read_text()
    stale = readme.replace("only this driver: its support", "only this driver: its old support", 1)
    assert stale != readme
    (tmp_path / "README.md").write_text(stale)
    (tmp_path / "docs").symlink_to(ROOT / "docs")
    result = subprocess.run([sys.executable, "-m", "cogapp", "--check", "README.md"], cwd=tmp_path, capture_output=True, text=True)
    assert result.returncode != 0
