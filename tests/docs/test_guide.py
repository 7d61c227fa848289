"""Every ```python block of docs/guide/signatures.md runs, in order, as one script."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "guide" / "signatures.md"


def _blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", GUIDE.read_text(encoding="utf-8"), flags=re.S)


def test_guide_has_code():
    assert len(_blocks()) >= 8


def test_guide_blocks_run_in_order(tmp_path):
    parts = [f"# --- block {i} of {GUIDE.name} ---\n{b}" for i, b in enumerate(_blocks())]
    script = tmp_path / "guide.py"
    script.write_text("\n".join(parts), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, str(script)], cwd=tmp_path, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, f"the guide failed:\n{done.stderr[-4000:]}"
    out = done.stdout
    assert "{'decode': {'inputs': ['x'], 'outputs': ['decoded_result']}, 'encode': " in out
    assert "TF Select op AsString" in out
    assert "{'serving_default': {'inputs': ['x_input'], 'outputs': ['output_0']}}" in out
    assert (tmp_path / "saved_model" / "saved_model.json").is_file()
