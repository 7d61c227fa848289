"""The README's main job: ``siglite demo`` runs the signatures walkthrough."""

import subprocess
import sys

import numpy as np

import siglite as sl
from siglite.demo import build_coding_model, run_demo


def test_demo_command_prints_the_walkthrough(tmp_path):
    out = subprocess.run(
        [sys.executable, "-m", "siglite", "demo", "-o", str(tmp_path / "m.tflite")],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    assert "'encode': {'inputs': ['x'], 'outputs': ['encoded_result']}" in out.stdout
    assert "[b'1.000000', b'2.000000', b'3.000000']" in out.stdout
    assert (tmp_path / "m.tflite").stat().st_size > 0


def test_demo_matches_tensorflow_fixture(fixtures_dir):
    """The demo model gives TF's own outputs (the fixture made by TF's converter)."""
    ref = np.load(fixtures_dir / "seed_saved_model_coding.npz", allow_pickle=False)
    results = run_demo(values=tuple(ref["encode/in/x"].tolist()))
    assert results["encoded"].astype(bytes).tolist() == ref["encode/out/encoded_result"].tolist()
    tf_model = sl.read_model(fixtures_dir / "seed_saved_model_coding.tflite")
    assert build_coding_model().get_signature_list() == tf_model.get_signature_list()
