"""ONNX names that are Python keywords become usable keyword arguments of the runner."""

import numpy as np
import onnxruntime as ort
from onnx import TensorProto, helper

import siglite as sl


def test_keyword_input_name_gets_a_trailing_underscore():
    graph = helper.make_graph(
        [helper.make_node("Relu", ["class"], ["lambda"])],
        "g",
        [helper.make_tensor_value_info("class", TensorProto.FLOAT, [2])],
        [helper.make_tensor_value_info("lambda", TensorProto.FLOAT, [2])],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    runner = sl.Interpreter(model_content=sl.Converter.from_onnx(model).convert())
    runner = runner.get_signature_runner()
    x = np.array([-1.0, 2.0], np.float32)
    want = ort.InferenceSession(model.SerializeToString()).run(None, {"class": x})[0]
    np.testing.assert_array_equal(runner(class_=x)["lambda_"], want)
