"""A model using the example plugin's custom op RotateLeft: built, written, read and run."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import siglite as sl


def _rotate_model() -> sl.Model:
    """``rot(x: i32[-1], shift: i32[]) -> y = RotateLeft(x, shift) + 1``.

    No ``outputs=``: the builder asks the plugin's shape rule, so the op must be known to the
    op registry without an explicit ``load_plugins()``.
    """
    mb = sl.ModelBuilder()
    g = mb.subgraph("main")
    x = g.input("x", sl.int32, [-1])
    shift = g.input("shift", sl.int32, [])
    y = g.op("RotateLeft", x, shift)
    g.output(g.op("ADD", y, g.const(np.int32(1), "one")), "y")
    mb.signature("rot", g)
    return mb.build()


def _rotate_left_oracle(values: np.ndarray, shift: int) -> list[int]:
    """Python's arbitrary-precision integers, wrapped back to int32."""
    out = []
    for v in values.tolist():
        u = v & 0xFFFFFFFF
        r = ((u << (shift % 32)) | (u >> (32 - shift % 32))) & 0xFFFFFFFF
        out.append(r - (1 << 32) if r >= 1 << 31 else r)
    return out


def test_rotate_left_model_writes_reads_and_runs():
    model = _rotate_model()
    assert model.subgraphs[0].nodes[0].outputs[0].signature_shape == (-1,)
    data = sl.write_model(model)

    from ai_edge_litert import schema_py_generated as schema

    root = schema.Model.GetRootAs(data, 0)
    codes = [root.OperatorCodes(i) for i in range(root.OperatorCodesLength())]
    assert [(c.BuiltinCode(), c.CustomCode()) for c in codes if c.CustomCode()] == [
        (32, b"RotateLeft")
    ]  # a plain custom op, not a Flex op

    again = sl.read_model(data)
    node = again.subgraphs[0].nodes[0]
    assert node.op == "RotateLeft" and node.custom_options == b""

    interp = sl.Interpreter(model_content=data)
    runner = interp.get_signature_runner("rot")
    x = np.array([1, -1, 0x12345678, -(2**31), 7], np.int32)
    for shift in (0, 1, 4, 31, 33):
        got = runner(x=x, shift=np.int32(shift))["y"]
        want = [(v + 1 + 2**31) % 2**32 - 2**31 for v in _rotate_left_oracle(x, shift)]
        assert got.dtype == np.int32 and got.tolist() == want, shift


def test_without_the_plugin_the_model_loads_and_the_op_is_reported(tmp_path):
    path = tmp_path / "rot.tflite"
    path.write_bytes(sl.write_model(_rotate_model()))
    script = textwrap.dedent(
        f"""
        import siglite as sl
        interp = sl.Interpreter(model_path={str(path)!r})
        print(interp.get_signature_list())
        try:
            interp.get_signature_runner("rot")(x=[1, 2], shift=1)
        except sl.UnsupportedOpError as exc:
            print("UNSUPPORTED", exc)
        """
    )
    out = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        env={**os.environ, "SIGLITE_LOAD_PLUGINS": ""},
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    assert "{'rot': {'inputs': ['shift', 'x'], 'outputs': ['y']}}" in out.stdout
    line = next(ln for ln in out.stdout.splitlines() if ln.startswith("UNSUPPORTED"))
    assert "RotateLeft" in line and "node 0" in line and "'rot'" in line


@pytest.mark.parametrize("shift", [np.int64(1), np.float32(1)])
def test_wrong_shift_type_is_refused_by_the_shape_rule(shift):
    mb = sl.ModelBuilder()
    g = mb.subgraph("main")
    x = g.input("x", sl.int32, [2])
    s = g.const(shift, "shift")
    with pytest.raises(sl.UnsupportedOpError, match="int32"):
        g.op("RotateLeft", x, s)
