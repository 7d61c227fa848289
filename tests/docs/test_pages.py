"""The documentation site: it builds with ``mkdocs build --strict`` and every ```python block
of every page runs, in order, as one script per page (docs/guide/signatures.md has its own
test). A block preceded by ``<!-- docs-test: skip REASON -->`` is left out.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
OWN_TESTS = {"guide/signatures.md"}  # run by tests/docs/test_guide.py
FENCE = re.compile(r"(<!-- docs-test: skip[^>]*-->\s*\n)?```python\n(.*?)```", re.S)


def pages() -> list[str]:
    return sorted(p.relative_to(DOCS).as_posix() for p in DOCS.rglob("*.md"))


def blocks(page: str) -> list[str]:
    text = (DOCS / page).read_text(encoding="utf-8")
    return [code for skip, code in FENCE.findall(text) if not skip]


def test_the_site_has_the_expected_pages():
    for page in ("index.md", "guide/converting.md", "guide/running.md", "plugins.md", "cli.md"):
        assert page in pages()
        assert blocks(page) or page == "cli.md", f"{page} has no python example"


def test_skip_markers_are_rare():
    skipped = sum(len(FENCE.findall((DOCS / p).read_text())) - len(blocks(p)) for p in pages())
    assert skipped <= 2


@pytest.mark.parametrize("page", [p for p in pages() if p not in OWN_TESTS and blocks(p)])
def test_python_blocks_run(page, tmp_path):
    parts = [f"# --- block {i} of {page} ---\n{code}" for i, code in enumerate(blocks(page))]
    script = tmp_path / "page.py"
    script.write_text("\n".join(parts), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, str(script)], cwd=tmp_path, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, f"{page} failed:\n{done.stderr[-4000:]}"


def test_mkdocs_build_strict(tmp_path):
    pytest.importorskip("mkdocs", reason="mkdocs is in the dev extra")
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet",
         "-f", str(ROOT / "mkdocs.yml"), "-d", str(tmp_path / "site")],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr + done.stdout
    assert (tmp_path / "site" / "guide" / "signatures" / "index.html").is_file()
    assert (tmp_path / "site" / "reference" / "ops" / "index.html").is_file()
