"""``siglite convert FILE.py:NAME`` for the objects the Python API converts: torch dicts with
their options and several signatures, Converters from ``from_models``, models, ONNX protos.

Results are checked against torch eager, onnxruntime or LiteRT on the source model.
"""

from __future__ import annotations

import importlib.util

import numpy as np
import pytest
from ai_edge_litert.interpreter import Interpreter as LiteRT
from cli_support import FIXTURES, assert_clean_failure, siglite

import siglite as sl

TORCH_SOURCES = """
import torch

torch.manual_seed(0)
net = torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.Tanh()).eval()
head = torch.nn.Linear(4, 2).eval()
sample = torch.randn(2, 4)
batch = torch.export.Dim("batch", max=64)
dynamic = {"module": net, "sample_args": (sample,), "dynamic_shapes": {"input": {0: batch}}}
two = {"features": (net, (sample,)), "logits": {"module": head, "sample_args": (sample,)}}
typo = {"module": net, "sample_args": (sample,), "dynamic_shape": {"input": {0: batch}}}
"""


def _load(path, name):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def torch_file(tmp_path):
    pytest.importorskip("torch")
    if "torch" not in sl.load_plugins().frontends:
        pytest.skip("the torch frontend is not installed")
    path = tmp_path / "nets.py"
    path.write_text(TORCH_SOURCES)
    return path


def test_torch_dict_passes_dynamic_shapes(torch_file, tmp_path):
    import torch

    out = tmp_path / "dyn.tflite"
    done = siglite("convert", f"{torch_file}:dynamic", "-o", out)
    assert done.returncode == 0, done.stderr
    runner = sl.Interpreter(model_path=str(out)).get_signature_runner()
    assert runner.get_input_details()["input"]["shape_signature"].tolist() == [-1, 4]
    x = torch.randn(5, 4)
    want = _load(torch_file, "nets_dyn").net(x).detach().numpy()
    np.testing.assert_allclose(runner(input=x.numpy())["output_0"], want, rtol=1e-5, atol=1e-6)


def test_torch_dict_of_signatures(torch_file, tmp_path):
    import torch

    nets = _load(torch_file, "nets_two")
    out = tmp_path / "two.tflite"
    done = siglite("convert", f"{torch_file}:two", "-o", out)
    assert done.returncode == 0, done.stderr
    interpreter = sl.Interpreter(model_path=str(out))
    assert list(interpreter.get_signature_list()) == ["features", "logits"]
    x = torch.randn(2, 4)
    for key, module in (("features", nets.net), ("logits", nets.head)):
        got = interpreter.get_signature_runner(key)(input=x.numpy())["output_0"]
        np.testing.assert_allclose(got, module(x).detach().numpy(), rtol=1e-5, atol=1e-6)

    done = siglite("convert", f"{torch_file}:two", "-o", out, "--signature-key", "logits")
    assert done.returncode == 0, done.stderr
    assert list(sl.read_model(out).signatures) == ["logits"]
    bad = siglite("convert", f"{torch_file}:two", "-o", out, "--signature-key", "nope")
    assert_clean_failure(bad, "'nope'", "features, logits")


def test_unknown_key_in_a_torch_dict_is_named(torch_file, tmp_path):
    done = siglite("convert", f"{torch_file}:typo", "-o", tmp_path / "t.tflite")
    assert_clean_failure(done, "dynamic_shape", "dynamic_shapes")


def _two_signature_model() -> sl.Model:
    mb = sl.ModelBuilder()
    for key, op in (("add", "ADD"), ("mul", "MUL")):
        g = mb.subgraph(key)
        x = g.input("x", sl.float32, [-1, 3])
        g.output(g.op(op, x, g.const(np.float32(3.0), "c"), fused_activation="NONE"), "y")
        mb.signature(key, g)
    return mb.build()


MODEL_SOURCE = """
import siglite as sl

model = sl.read_model({path!r})
converter = sl.Converter.from_models({{"coder": {coder!r}, "ops": model}})
data = sl.write_model(model)
"""


@pytest.fixture
def model_file(tmp_path):
    src = tmp_path / "two.tflite"
    src.write_bytes(sl.write_model(_two_signature_model()))
    path = tmp_path / "models.py"
    coder = str(FIXTURES / "seed_saved_model_coding.tflite")
    path.write_text(MODEL_SOURCE.format(path=str(src), coder=coder))
    return path, src


def _same_as_litert(out, src, keys):
    x = np.linspace(-2, 2, 6, dtype=np.float32).reshape(2, 3)
    got = sl.Interpreter(model_path=str(out))
    want = LiteRT(model_path=str(src))
    for key in keys:
        np.testing.assert_array_equal(
            got.get_signature_runner(key)(x=x)["y"], want.get_signature_runner(key)(x=x)["y"]
        )


@pytest.mark.parametrize("name", ["model", "data"])
def test_signature_keys_out_of_model_order_keep_their_signatures(model_file, tmp_path, name):
    path, src = model_file
    out = tmp_path / "out.tflite"
    done = siglite("convert", f"{path}:{name}", "-o", out, "--signature-key", "mul",
                   "--signature-key", "add")  # fmt: skip
    assert done.returncode == 0, done.stderr
    _same_as_litert(out, src, ["add", "mul"])


def test_converter_from_models_keeps_its_settings(model_file, tmp_path):
    path, src = model_file
    out = tmp_path / "merged.tflite"
    done = siglite("convert", f"{path}:converter", "-o", out, "--select-ops")
    assert done.returncode == 0, done.stderr
    keys = list(sl.read_model(out).signatures)
    assert keys == ["add", "decode", "encode", "mul"]
    _same_as_litert(out, src, ["add", "mul"])


def test_onnx_model_proto_object(tmp_path):
    pytest.importorskip("onnx")
    ort = pytest.importorskip("onnxruntime")
    path = tmp_path / "proto.py"
    path.write_text(
        "import numpy as np\n"
        "from onnx import TensorProto, helper, numpy_helper\n"
        "w = numpy_helper.from_array(np.linspace(-1, 1, 6, dtype=np.float32).reshape(3, 2), 'w')\n"
        "graph = helper.make_graph([helper.make_node('MatMul', ['x', 'w'], ['y'])], 'g',\n"
        "    [helper.make_tensor_value_info('x', TensorProto.FLOAT, ['n', 3])],\n"
        "    [helper.make_tensor_value_info('y', TensorProto.FLOAT, ['n', 2])], [w])\n"
        "proto = helper.make_model(graph, opset_imports=[helper.make_opsetid('', 17)])\n"
    )
    out = tmp_path / "p.tflite"
    done = siglite("convert", f"{path}:proto", "-o", out, "--signature-key", "project")
    assert done.returncode == 0, done.stderr
    x = np.arange(6, dtype=np.float32).reshape(2, 3)
    proto = _load(path, "proto_src").proto
    session = ort.InferenceSession(proto.SerializeToString(), providers=["CPUExecutionProvider"])
    got = LiteRT(model_path=str(out)).get_signature_runner("project")(x=x)["y"]
    np.testing.assert_allclose(got, session.run(None, {"x": x})[0], rtol=1e-6)


def test_onnx_file_takes_one_signature_key(tmp_path):
    onnx = pytest.importorskip("onnx")
    from onnx import TensorProto, helper

    graph = helper.make_graph(
        [helper.make_node("Relu", ["x"], ["y"])],
        "g",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [2])],
    )
    src = tmp_path / "r.onnx"
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), src)
    done = siglite("convert", src, "-o", tmp_path / "r.tflite", "--signature-key", "a",
                   "--signature-key", "b")  # fmt: skip
    assert_clean_failure(done, "one signature", "2 keys")


def test_a_class_is_not_an_instance(tmp_path):
    path = tmp_path / "cls.py"
    path.write_text("import siglite as sl\n\nclass Net(sl.Module):\n    pass\n")
    done = siglite("convert", f"{path}:Net", "-o", tmp_path / "n.tflite")
    assert_clean_failure(done, "class Net", "instance")
