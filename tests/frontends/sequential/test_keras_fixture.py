"""The guide's Keras Sequential model against the TensorFlow-made fixture."""

from __future__ import annotations

import numpy as np
import pytest
from ai_edge_litert.interpreter import Interpreter as LiteRT

import siglite as sl
from siglite.frontends import sequential as keras


@pytest.fixture
def fixture(fixtures_dir):
    path = fixtures_dir / "seed_keras_sequential.tflite"
    with np.load(fixtures_dir / "seed_keras_sequential.npz", allow_pickle=False) as data:
        return path, dict(data)


def guide_model(data):
    model = keras.Sequential(
        [
            keras.layers.Dense(2, input_dim=4, activation="relu", name="x"),
            keras.layers.Dense(1, activation="relu", name="output"),
        ]
    )
    model.set_weights([data[f"weights/{layer}/{i}"] for layer in ("x", "output") for i in range(2)])
    return model


def test_signature_list_matches_tf(fixture):
    path, data = fixture
    content = sl.Converter.from_keras_model(guide_model(data)).convert()
    theirs = LiteRT(model_path=str(path)).get_signature_list()
    assert LiteRT(model_content=content).get_signature_list() == theirs
    assert sl.Interpreter(model_content=content).get_signature_list() == theirs


def test_outputs_match_tf_in_litert_and_siglite(fixture):
    path, data = fixture
    model = guide_model(data)
    x = data["serving_default/in/x_input"]
    expected = data["serving_default/out/output_0"]
    content = sl.Converter.from_keras_model(model).convert()
    lite = LiteRT(model_content=content).get_signature_runner("serving_default")(x_input=x)
    np.testing.assert_allclose(lite["output_0"], expected, rtol=0, atol=1e-6)
    ours = sl.Interpreter(model_content=content).get_signature_runner("serving_default")
    np.testing.assert_allclose(ours(x_input=x)["output_0"], expected, rtol=0, atol=1e-6)
    np.testing.assert_allclose(model.predict(x), expected, rtol=0, atol=1e-6)


def test_graph_has_the_shape_of_tfs(fixture):
    path, data = fixture
    converted = sl.Converter.from_keras_model(guide_model(data)).convert_model()
    tf_model = sl.read_model(str(path))
    ours, theirs = converted.subgraphs[0], tf_model.subgraphs[0]
    assert [n.op for n in ours.nodes] == [n.op for n in theirs.nodes]
    assert [n.attrs.get("fused_activation") for n in ours.nodes] == [
        n.attrs.get("fused_activation") for n in theirs.nodes
    ]
    sig, tf_sig = converted.signatures["serving_default"], tf_model.signatures["serving_default"]
    assert sig.inputs["x_input"].signature_shape == tf_sig.inputs["x_input"].signature_shape
    assert sig.outputs["output_0"].signature_shape == tf_sig.outputs["output_0"].signature_shape


def test_tflite_converter_spelling_gives_the_same_model(fixture):
    path, data = fixture
    model = guide_model(data)
    via_lite = sl.lite.TFLiteConverter.from_keras_model(model).convert()
    x = data["serving_default/in/x_input"]
    runner = LiteRT(model_content=via_lite).get_signature_runner("serving_default")
    np.testing.assert_allclose(
        runner(x_input=x)["output_0"], data["serving_default/out/output_0"], rtol=0, atol=1e-6
    )
