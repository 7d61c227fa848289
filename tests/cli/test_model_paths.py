"""What ``run``, ``bench`` and ``inspect`` say about the MODEL they are given: .onnx files,
saved-model directories, several signatures without ``--signature``, ``-o`` names, --version."""

from __future__ import annotations

import numpy as np
import pytest
from ai_edge_litert.interpreter import Interpreter as LiteRT
from cli_support import FIXTURES, assert_clean_failure, siglite

import siglite as sl

CODING = FIXTURES / "seed_saved_model_coding.tflite"
KERAS = FIXTURES / "seed_keras_sequential.tflite"


@pytest.fixture
def onnx_file(tmp_path):
    onnx = pytest.importorskip("onnx")
    from onnx import TensorProto, helper, numpy_helper

    w = numpy_helper.from_array(np.linspace(-1, 1, 8, dtype=np.float32).reshape(4, 2), "w")
    graph = helper.make_graph(
        [helper.make_node("MatMul", ["x", "w"], ["m"]), helper.make_node("Tanh", ["m"], ["y"])],
        "g",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["n", 4])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["n", 2])],
        [w],
    )
    path = tmp_path / "m.onnx"
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), path)
    return path


def test_run_converts_an_onnx_file_in_memory(onnx_file, tmp_path):
    ort = pytest.importorskip("onnxruntime")
    x = np.arange(8, dtype=np.float32).reshape(2, 4) / 4 - 1
    np.save(tmp_path / "x.npy", x)
    out = tmp_path / "y.npz"
    done = siglite("run", onnx_file, "--input", f"x={tmp_path / 'x.npy'}", "-o", out)
    assert done.returncode == 0, done.stderr
    session = ort.InferenceSession(str(onnx_file), providers=["CPUExecutionProvider"])
    with np.load(out, allow_pickle=False) as got:
        np.testing.assert_allclose(got["y"], session.run(None, {"x": x})[0], rtol=1e-5)


def test_inspect_of_an_onnx_file_says_to_convert_it(onnx_file):
    assert_clean_failure(siglite("inspect", onnx_file), "ONNX", "siglite convert")


def test_a_saved_model_directory_names_its_model_file(tmp_path):
    saved = tmp_path / "saved"
    saved.mkdir()
    (saved / "model.tflite").write_bytes(CODING.read_bytes())
    for command in ("inspect", "run", "bench"):
        done = siglite(command, saved)
        assert_clean_failure(done, "is a directory", str(saved / "model.tflite"))


@pytest.mark.parametrize("command", ["run", "bench"])
def test_several_signatures_need_signature(command):
    done = siglite(command, CODING, "--input", "x=[1.0]")
    assert_clean_failure(done, "2 signatures", "--signature KEY", "decode, encode")


def test_output_without_npz_suffix_reports_the_file_written(tmp_path):
    target = tmp_path / "result"
    done = siglite("run", KERAS, "--input", "x_input=[[1, 2, 3, 4]]", "-o", target)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split()[1] == f"{target}.npz"
    want = LiteRT(model_path=str(KERAS)).get_signature_runner()(
        x_input=np.array([[1, 2, 3, 4]], np.float32)
    )
    with np.load(f"{target}.npz", allow_pickle=False) as got:
        np.testing.assert_allclose(got["output_0"], want["output_0"], rtol=1e-6)


def test_bench_prints_the_signature_dtype_of_string_inputs():
    done = siglite("bench", CODING, "--signature", "decode", "--runs", "1", "--warmup", "1")
    assert done.returncode == 0, done.stderr
    dtype = sl.read_model(CODING).signatures["decode"].inputs["x"].dtype.name
    assert done.stdout.splitlines()[0] == f"signature 'decode', inputs: x {dtype}[1]"


def test_version():
    done = siglite("--version")
    assert done.returncode == 0
    assert done.stdout.strip() == f"siglite {sl.__version__}"
