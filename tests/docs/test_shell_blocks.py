"""The ``siglite ...`` lines of the docs' ```bash blocks run and exit 0.

Each page's Python blocks run first, in a fresh directory, so the files they write (models,
saved models) are there. A ``FILE.py:NAME`` source that the page only describes is written
from the page's Python blocks above the command, as a reader would save them.
"""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parents[2] / "docs"
BLOCK = re.compile(r"(<!-- docs-test: skip[^>]*-->\s*\n)?```(python|bash)\n(.*?)```", re.S)
PY_SOURCE = re.compile(r"^([\w./-]+\.py):\w+$")


def _blocks(page: str) -> list[tuple[str, str]]:
    text = (DOCS / page).read_text(encoding="utf-8")
    return [(lang, code) for skip, lang, code in BLOCK.findall(text) if not skip]


def _commands(code: str) -> list[list[str]]:
    out = []
    for line in code.splitlines():
        words = shlex.split(line, comments=True)
        if words and words[0] == "siglite":
            out.append(words[1:])
    return out


def _pages() -> list[str]:
    pages = sorted(p.relative_to(DOCS).as_posix() for p in DOCS.rglob("*.md"))
    return [p for p in pages if any(_commands(c) for lang, c in _blocks(p) if lang == "bash")]


def _run(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args], cwd=cwd, capture_output=True, text=True, timeout=300
    )


@pytest.mark.parametrize("page", _pages())
def test_siglite_commands_in_bash_blocks_run(page, tmp_path):
    blocks = _blocks(page)
    python = [code for lang, code in blocks if lang == "python"]
    (tmp_path / "_page.py").write_text("\n".join(python), encoding="utf-8")
    done = _run(["_page.py"], tmp_path)
    assert done.returncode == 0, done.stderr[-3000:]
    above: list[str] = []
    for lang, code in blocks:
        if lang == "python":
            above.append(code)
            continue
        for args in _commands(code):
            for word in args:
                match = PY_SOURCE.match(word)
                if match and not (tmp_path / match.group(1)).exists():
                    (tmp_path / match.group(1)).write_text("\n".join(above), encoding="utf-8")
            done = _run(["-m", "siglite", *args], tmp_path)
            assert done.returncode == 0, f"{page}: siglite {shlex.join(args)}\n{done.stderr}"
