"""The ONNX frontend: inputs accepted, signatures, layouts, names, errors (oracle: onnxruntime)."""

from __future__ import annotations

import numpy as np
import pytest

onnx = pytest.importorskip("onnx")
ort = pytest.importorskip("onnxruntime")

from onnx import TensorProto, helper, numpy_helper  # noqa: E402

import siglite as sl  # noqa: E402

RNG = np.random.default_rng(0)


def make_model(nodes, inputs, outputs, inits=(), opset=17):
    graph = helper.make_graph(nodes, "g", inputs, outputs, initializer=list(inits))
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
    model.ir_version = 8
    return model


def conv_model(in_name="x", out_name="y", batch=1):
    w = numpy_helper.from_array(RNG.standard_normal((4, 3, 3, 3)).astype(np.float32), "w")
    b = numpy_helper.from_array(RNG.standard_normal(4).astype(np.float32), "b")
    nodes = [
        helper.make_node("Conv", [in_name, "w", "b"], ["c"], pads=[1, 1, 1, 1]),
        helper.make_node("Relu", ["c"], ["r"]),
        helper.make_node("MaxPool", ["r"], [out_name], kernel_shape=[2, 2], strides=[2, 2]),
    ]
    x = helper.make_tensor_value_info(in_name, TensorProto.FLOAT, [batch, 3, 8, 8])
    y = helper.make_tensor_value_info(out_name, TensorProto.FLOAT, None)
    return make_model(nodes, [x], [y], [w, b])


def ort_run(model, feeds):
    sess = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    return sess.run(None, feeds)


def sl_runner(model_bytes, key="serving_default"):
    return sl.Interpreter(model_content=model_bytes).get_signature_runner(key)


@pytest.mark.parametrize("form", ["proto", "bytes", "path"])
def test_conv_model_matches_onnxruntime(form, tmp_path):
    model = conv_model()
    src = {"proto": model, "bytes": model.SerializeToString()}.get(form)
    if form == "path":
        src = tmp_path / "m.onnx"
        onnx.save(model, src)
    content = sl.Converter.from_onnx(src).convert()
    x = RNG.standard_normal((1, 3, 8, 8)).astype(np.float32)
    got = sl_runner(content)(x=x)["y"]
    np.testing.assert_allclose(got, ort_run(model, {"x": x})[0], rtol=1e-4, atol=1e-5)


def test_nchw_at_signature_and_transposes_cancel():
    ir = sl.Converter.from_onnx(conv_model()).convert_model()
    sig = ir.signatures["serving_default"]
    assert sig.inputs["x"].shape == (1, 3, 8, 8)
    assert sig.outputs["y"].shape == (1, 4, 4, 4)
    ops = [n.op for n in sig.subgraph.nodes]
    assert ops.count("TRANSPOSE") == 2, ops  # one in, one out: the inner pairs cancelled
    assert "CONV_2D" in ops and "MAX_POOL_2D" in ops


def test_nhwc_io_option():
    model = conv_model()
    ir = sl.Converter.from_onnx(model, nhwc_io=True).convert_model()
    sig = ir.signatures["serving_default"]
    assert sig.inputs["x"].shape == (1, 8, 8, 3)
    assert sig.outputs["y"].shape == (1, 4, 4, 4)
    assert [n.op for n in sig.subgraph.nodes].count("TRANSPOSE") == 0
    x = RNG.standard_normal((1, 3, 8, 8)).astype(np.float32)
    content = sl.Converter.from_model(ir).convert()
    got = sl_runner(content)(x=x.transpose(0, 2, 3, 1))["y"]
    ref = ort_run(model, {"x": x})[0].transpose(0, 2, 3, 1)
    np.testing.assert_allclose(got, ref, rtol=1e-4, atol=1e-5)


def test_names_made_valid_and_dynamic_batch():
    model = conv_model("gpu_0/data:0", "prob/out", batch="N")
    ir = sl.Converter.from_onnx(model).convert_model()
    sig = ir.signatures["serving_default"]
    assert list(sig.inputs) == ["gpu_0_data_0"] and list(sig.outputs) == ["prob_out"]
    assert sig.inputs["gpu_0_data_0"].signature_shape == (-1, 3, 8, 8)
    assert sig.outputs["prob_out"].signature_shape[0] == -1
    x = RNG.standard_normal((2, 3, 8, 8)).astype(np.float32)
    got = sl_runner(sl.Converter.from_model(ir).convert())(gpu_0_data_0=x)["prob_out"]
    np.testing.assert_allclose(got, ort_run(model, {"gpu_0/data:0": x})[0], rtol=1e-4, atol=1e-5)


def _matmul_model(weight, op):
    w = numpy_helper.from_array(weight, "w")
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, weight.shape[0]])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, None)
    nodes = [helper.make_node("MatMul", ["x", "w"], ["m"]), helper.make_node(op, ["m"], ["y"])]
    return make_model(nodes, [x], [y], [w])


def test_multi_signature_shares_initializer_storage():
    weight = RNG.standard_normal((1024, 1024)).astype(np.float32)  # 4 MiB
    enc, dec = _matmul_model(weight, "Relu"), _matmul_model(weight, "Tanh")
    content = sl.Converter.from_onnx({"encode": enc, "decode": dec}).convert()
    assert len(content) < 5 * 1024 * 1024, len(content)
    interp = sl.Interpreter(model_content=content)
    assert set(interp.get_signature_list()) == {"encode", "decode"}
    x = RNG.standard_normal((2, 1024)).astype(np.float32)
    for key, model in (("encode", enc), ("decode", dec)):
        got = interp.get_signature_runner(key)(x=x)["y"]
        np.testing.assert_allclose(got, ort_run(model, {"x": x})[0], rtol=1e-4, atol=1e-4)


def test_old_opset_reshape_and_softmax():
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 3, 4])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, None)
    nodes = [helper.make_node("Softmax", ["x"], ["y"], axis=1)]  # opset 9: coerced to 2-D
    model = make_model(nodes, [x], [y], opset=9)
    xv = RNG.standard_normal((2, 3, 4)).astype(np.float32)
    got = sl_runner(sl.Converter.from_onnx(model).convert())(x=xv)["y"]
    np.testing.assert_allclose(got, ort_run(model, {"x": xv})[0], rtol=1e-5, atol=1e-6)


def test_unsupported_op_names_node_and_op():
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 3])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, None)
    model = make_model([helper.make_node("Erf", ["x"], ["y"], name="my_erf")], [x], [y])
    with pytest.raises(sl.UnsupportedOpError, match=r"my_erf.*Erf"):
        sl.Converter.from_onnx(model)


def test_unsupported_attribute_value_is_rejected():
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, 4, 4])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, None)
    node = helper.make_node("Resize", ["x", "", "s"], ["y"], mode="linear", antialias=1)
    s = numpy_helper.from_array(np.array([1, 1, 2, 2], np.float32), "s")
    model = make_model([node], [x], [y], [s])
    with pytest.raises(sl.UnsupportedOpError, match="Resize.*antialias"):
        sl.Converter.from_onnx(model)


def test_unknown_attribute_is_rejected():
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 3])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, None)
    node = helper.make_node("Relu", ["x"], ["y"], name="r", surprise=1)
    model = make_model([node], [x], [y])
    with pytest.raises(sl.UnsupportedOpError, match="surprise"):
        sl.Converter.from_onnx(model)


def test_unsupported_dtype_is_rejected():
    x = helper.make_tensor_value_info("x", TensorProto.BFLOAT16, [2, 3])
    y = helper.make_tensor_value_info("y", TensorProto.BFLOAT16, None)
    model = make_model([helper.make_node("Relu", ["x"], ["y"])], [x], [y])
    with pytest.raises(sl.UnsupportedOpError, match="BFLOAT16"):
        sl.Converter.from_onnx(model)


def test_bad_source_is_a_converter_error(tmp_path):
    with pytest.raises(sl.ConverterError):
        sl.Converter.from_onnx(tmp_path / "missing.onnx")
    with pytest.raises(sl.ConverterError):
        sl.Converter.from_onnx(b"not a model")


def test_import_siglite_does_not_import_onnx():
    import subprocess
    import sys

    code = "import sys, siglite; siglite.Converter; print('onnx' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
