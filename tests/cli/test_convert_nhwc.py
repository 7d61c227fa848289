"""``siglite convert model.onnx --nhwc-io`` gives NHWC signature inputs and outputs."""

import subprocess
import sys

import numpy as np
import onnx
import onnxruntime as ort
from onnx import TensorProto, helper, numpy_helper

import siglite as sl


def _conv_model(path):
    w = numpy_helper.from_array(
        np.random.default_rng(0).normal(size=(4, 3, 3, 3)).astype(np.float32), "w"
    )
    graph = helper.make_graph(
        [helper.make_node("Conv", ["x", "w"], ["y"], pads=[1, 1, 1, 1])],
        "conv",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, 5, 5])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 4, 5, 5])],
        initializer=[w],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    onnx.save(model, path)
    return model


def _convert(*args):
    return subprocess.run([sys.executable, "-m", "siglite", "convert", *args],
                          capture_output=True, text=True, timeout=120)  # fmt: skip


def test_nhwc_io_matches_onnxruntime_on_transposed_data(tmp_path):
    model = _conv_model(tmp_path / "m.onnx")
    out = _convert(str(tmp_path / "m.onnx"), "-o", str(tmp_path / "m.tflite"), "--nhwc-io")
    assert out.returncode == 0, out.stderr
    runner = sl.Interpreter(model_path=str(tmp_path / "m.tflite")).get_signature_runner()
    assert runner.get_input_details()["x"]["shape"].tolist() == [1, 5, 5, 3]
    x = np.random.default_rng(1).normal(size=(1, 3, 5, 5)).astype(np.float32)
    want = ort.InferenceSession(model.SerializeToString()).run(None, {"x": x})[0]
    got = runner(x=x.transpose(0, 2, 3, 1))["y"]
    np.testing.assert_allclose(got, want.transpose(0, 2, 3, 1), rtol=1e-4, atol=1e-5)


def test_nhwc_io_refused_for_other_sources(tmp_path):
    out = _convert("json:loads", "-o", str(tmp_path / "m.tflite"), "--nhwc-io")
    assert out.returncode == 1 and "--nhwc-io applies to .onnx files only" in out.stderr
