"""Every ```python block of docs/guide/signatures.md runs, in order, as one script, and prints
what TensorFlow's own files and results (the fixtures) say it should."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from ai_edge_litert.interpreter import Interpreter as LiteRT

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "guide" / "signatures.md"


def _blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", GUIDE.read_text(encoding="utf-8"), flags=re.S)


def _signature_list(fixtures_dir: Path, name: str) -> str:
    return str(LiteRT(model_path=str(fixtures_dir / f"{name}.tflite")).get_signature_list())


def test_guide_has_code():
    assert len(_blocks()) >= 8


@pytest.fixture(scope="module")
def guide_output(tmp_path_factory) -> tuple[Path, list[str]]:
    tmp_path = tmp_path_factory.mktemp("guide")
    parts = [f"# --- block {i} of {GUIDE.name} ---\n{b}" for i, b in enumerate(_blocks())]
    script = tmp_path / "guide.py"
    script.write_text("\n".join(parts), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, str(script)], cwd=tmp_path, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, f"the guide failed:\n{done.stderr[-4000:]}"
    return tmp_path, done.stdout.splitlines()


def test_guide_blocks_run_in_order(guide_output):
    tmp_path, lines = guide_output
    assert any("TF Select op AsString" in line for line in lines)
    assert any("TF Select op StringToNumber" in line for line in lines)
    assert (tmp_path / "saved_model" / "saved_model.json").is_file()


def test_guide_prints_what_tensorflow_gives(guide_output, fixtures_dir):
    _, lines = guide_output
    # the module's signatures, once from the saved directory and once from concrete functions
    assert lines.count(_signature_list(fixtures_dir, "seed_saved_model_coding")) == 2
    assert _signature_list(fixtures_dir, "seed_concrete_coding") in lines
    assert _signature_list(fixtures_dir, "seed_keras_sequential") in lines
    expected = np.load(fixtures_dir / "seed_saved_model_coding.npz", allow_pickle=False)
    encoded = np.array(expected["encode/out/encoded_result"].tolist(), dtype=object)
    assert str(encoded) in lines  # [b'1.000000' b'2.000000' b'3.000000']
    assert str(expected["decode/out/decoded_result"]) in lines  # [1. 2. 3.]
