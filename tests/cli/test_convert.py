"""``siglite convert``: every kind of SOURCE, checked by running the result in an oracle."""

from __future__ import annotations

import importlib.util

import numpy as np
import pytest
from ai_edge_litert.interpreter import Interpreter as LiteRT
from cli_support import CODER_SOURCE, FIXTURES, assert_clean_failure, siglite

import siglite as sl


@pytest.fixture
def coder_file(tmp_path):
    path = tmp_path / "coder.py"
    path.write_text(CODER_SOURCE)
    return path


def _summary_rows(stdout: str) -> list[list[str]]:
    return [ln.split() for ln in stdout.splitlines()]


def test_module_with_select_ops_matches_tensorflow(coder_file, tmp_path):
    out = tmp_path / "coder.tflite"
    done = siglite("convert", f"{coder_file}:coder", "-o", out, "--select-ops")
    assert done.returncode == 0, done.stderr
    rows = _summary_rows(done.stdout)
    assert ["encode", "output", "encoded_result", "string", "[-1]"] in rows
    assert ["scale", "input", "x", "float32", "[-1,", "3]"] in rows
    assert ["AsString", "1"] in rows
    assert f"({out.stat().st_size} bytes)" in done.stdout
    ref = np.load(FIXTURES / "seed_saved_model_coding.npz", allow_pickle=False)
    runner = sl.Interpreter(model_path=str(out)).get_signature_runner("encode")
    got = runner(x=ref["encode/in/x"])["encoded_result"]
    assert got.tolist() == ref["encode/out/encoded_result"].tolist()


def test_select_ops_are_refused_without_the_flag(coder_file, tmp_path):
    done = siglite("convert", f"{coder_file}:coder", "-o", tmp_path / "m.tflite")
    assert_clean_failure(done, "--select-ops", "AsString", "StringToNumber")
    assert not (tmp_path / "m.tflite").exists()


def test_signature_key_selects_a_builtin_only_signature_that_litert_runs(coder_file, tmp_path):
    out = tmp_path / "scale.tflite"
    done = siglite("convert", f"{coder_file}:coder", "-o", out, "--signature-key", "scale")
    assert done.returncode == 0, done.stderr
    oracle = LiteRT(model_path=str(out))
    assert list(oracle.get_signature_list()) == ["scale"]
    x = np.linspace(-2, 2, 12, dtype=np.float32).reshape(4, 3)
    spec = importlib.util.spec_from_file_location("coder_for_test", coder_file)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    eager = module.coder.scale(x)["y"]
    np.testing.assert_allclose(oracle.get_signature_runner("scale")(x=x)["y"], eager)


def test_keras_model_and_module_attr_form(coder_file, tmp_path):
    out = tmp_path / "net.tflite"
    done = siglite("convert", "coder:net", "-o", out, "--signature-key", "dense", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert ["FULLY_CONNECTED", "2"] in _summary_rows(done.stdout)
    runner = LiteRT(model_path=str(out)).get_signature_runner("dense")
    x = np.arange(8, dtype=np.float32).reshape(2, 4)
    got = sl.Interpreter(model_path=str(out)).get_signature_runner("dense")(x_input=x)
    np.testing.assert_allclose(got["output_0"], runner(x_input=x)["output_0"], rtol=1e-5)


def test_concrete_function_list_gets_the_key(coder_file, tmp_path):
    out = tmp_path / "f.tflite"
    done = siglite("convert", f"{coder_file}:functions", "-o", out, "--signature-key", "main")
    assert done.returncode == 0, done.stderr
    assert list(LiteRT(model_path=str(out)).get_signature_list()) == ["main"]


def test_saved_model_directory(tmp_path):
    from siglite.demo import build_coding_model

    saved = tmp_path / "saved"
    script = tmp_path / "save.py"
    script.write_text(CODER_SOURCE + "\nsl.saved_model.save(coder, 'saved')\n")
    assert siglite("convert", f"{script}:coder", "-o", tmp_path / "x", cwd=tmp_path).returncode
    assert (saved / "saved_model.json").is_file()
    out = tmp_path / "coding.tflite"
    done = siglite("convert", saved, "-o", out, "--select-ops", "--signature-key", "decode",
                   "--signature-key", "encode")  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert sl.read_model(out).get_signature_list() == build_coding_model().get_signature_list()
    bad = siglite("convert", saved, "-o", out, "--select-ops", "--signature-key", "nope")
    assert_clean_failure(bad, "nope")


def test_onnx_file_matches_onnxruntime(tmp_path):
    onnx = pytest.importorskip("onnx")
    ort = pytest.importorskip("onnxruntime")
    from onnx import TensorProto, helper, numpy_helper

    w = numpy_helper.from_array(np.linspace(-1, 1, 12, dtype=np.float32).reshape(4, 3), "w")
    graph = helper.make_graph(
        [helper.make_node("MatMul", ["x", "w"], ["m"]), helper.make_node("Relu", ["m"], ["y"])],
        "g",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["n", 4])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["n", 3])],
        [w],
    )
    src = tmp_path / "m.onnx"
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), src)
    out = tmp_path / "m.tflite"
    done = siglite("convert", src, "-o", out, "--signature-key", "mm")
    assert done.returncode == 0, done.stderr
    x = np.arange(8, dtype=np.float32).reshape(2, 4) - 3
    want = ort.InferenceSession(str(src), providers=["CPUExecutionProvider"]).run(None, {"x": x})
    got = LiteRT(model_path=str(out)).get_signature_runner("mm")(x=x)["y"]
    np.testing.assert_allclose(got, want[0], rtol=1e-5)


TORCH_SOURCE = """
import torch

torch.manual_seed(0)
net = torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.ReLU()).eval()
source = {"module": net, "sample_args": (torch.randn(2, 4),)}
"""


def test_torch_dict_matches_torch_eager(tmp_path):
    torch = pytest.importorskip("torch")
    if "torch" not in sl.load_plugins().frontends:
        pytest.skip("the torch frontend is not installed")
    script = tmp_path / "net.py"
    script.write_text(TORCH_SOURCE)
    out = tmp_path / "t.tflite"
    done = siglite("convert", f"{script}:source", "-o", out)
    assert done.returncode == 0, done.stderr
    spec = importlib.util.spec_from_file_location("torch_net_for_test", script)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    x = torch.randn(2, 4)
    want = module.source["module"](x).detach().numpy()
    runner = sl.Interpreter(model_path=str(out)).get_signature_runner()
    (got,) = runner(**{runner.input_names()[0]: x.numpy()}).values()
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


def test_bad_sources_are_one_line_errors(coder_file, tmp_path):
    out = tmp_path / "m.tflite"
    assert_clean_failure(siglite("convert", f"{coder_file}:missing", "-o", out), "missing")
    assert_clean_failure(siglite("convert", f"{coder_file}:not_a_model", "-o", out), "int")
    assert_clean_failure(siglite("convert", tmp_path / "absent.onnx", "-o", out), "absent.onnx")
    assert_clean_failure(siglite("convert", tmp_path / "absent.py:x", "-o", out), "absent.py")
    assert_clean_failure(siglite("convert", "no_such_module_xyz:x", "-o", out), "no_such_module")
    broken = tmp_path / "broken.py"
    broken.write_text("raise RuntimeError('user code failed')\n")
    assert_clean_failure(siglite("convert", f"{broken}:x", "-o", out), "user code failed")
    corrupt = tmp_path / "corrupt.onnx"
    corrupt.write_bytes(b"not an onnx model")
    assert_clean_failure(siglite("convert", corrupt, "-o", out))
    unknown = siglite("convert", f"{coder_file}:coder", "-o", out, "--signature-key", "nope")
    assert_clean_failure(unknown, "nope")
