"""Running ``python -m siglite`` in a subprocess, and models the CLI tests build."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"

# A module with two string signatures (Select ops) and one builtin-only signature.
CODER_SOURCE = textwrap.dedent(
    """
    import siglite as sl


    class Coder(sl.Module):
        @sl.function(input_signature=[sl.TensorSpec(shape=[None], dtype=sl.float32)])
        def encode(self, x):
            return {"encoded_result": sl.strings.as_string(x)}

        @sl.function(input_signature=[sl.TensorSpec(shape=[None], dtype=sl.string)])
        def decode(self, x):
            return {"decoded_result": sl.strings.to_number(x)}

        @sl.function(input_signature=[sl.TensorSpec(shape=[None, 3], dtype=sl.float32)])
        def scale(self, x):
            return {"y": sl.nn.relu(x * 2.0 - 1.0)}


    coder = Coder()
    net = sl.keras.Sequential(
        [
            sl.keras.layers.Dense(3, input_dim=4, activation="relu", name="x"),
            sl.keras.layers.Dense(2, name="output"),
        ]
    )
    functions = [coder.scale.get_concrete_function()]
    not_a_model = 42
    """
)


def siglite(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """``python -m siglite ARGS`` with captured text output."""
    return subprocess.run(
        [sys.executable, "-m", "siglite", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
    )


def assert_clean_failure(done: subprocess.CompletedProcess, *needles: str) -> str:
    """Exit code 1 and one ``siglite: error:`` line on stderr containing every needle."""
    assert done.returncode == 1, (done.returncode, done.stdout, done.stderr)
    errors = [ln for ln in done.stderr.splitlines() if ln.startswith("siglite: error:")]
    assert len(errors) == 1, done.stderr
    assert "Traceback" not in done.stderr
    for needle in needles:
        assert needle in errors[0], errors[0]
    return errors[0]
