"""Piping the output into a reader that stops early is not an error."""

import subprocess
import sys

import siglite as sl


def _long_model(path):
    mb = sl.ModelBuilder()
    g = mb.subgraph("main")
    x = g.input("x", sl.float32, [1])
    for _ in range(8000):
        x = g.op("ADD", x, x)
    g.output(x, "y")
    mb.signature("serving_default", g)
    path.write_bytes(sl.write_model(mb.build()))


def test_closed_pipe_is_quiet(tmp_path):
    model = tmp_path / "long.tflite"
    _long_model(model)
    cmd = f'"{sys.executable}" -m siglite inspect "{model}" | head -1'
    out = subprocess.run(["bash", "-o", "pipefail", "-c", cmd], capture_output=True, text=True)
    full = subprocess.run([sys.executable, "-m", "siglite", "inspect", str(model)],
                          capture_output=True, text=True)  # fmt: skip
    assert len(full.stdout) > 1 << 17, "the output must overflow the pipe buffer"
    assert "Broken pipe" not in out.stderr and "Traceback" not in out.stderr
    assert out.returncode == 0
