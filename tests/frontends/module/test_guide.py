"""The TFLite signatures guide run with ``import siglite as tf``; TF's fixture is the oracle."""

from __future__ import annotations

import numpy as np
import pytest
from ai_edge_litert.interpreter import Interpreter as LiteRT

import siglite as tf


class Model(tf.Module):
    @tf.function(input_signature=[tf.TensorSpec(shape=[None], dtype=tf.float32)])
    def encode(self, x):
        result = tf.strings.as_string(x)
        return {"encoded_result": result}

    @tf.function(input_signature=[tf.TensorSpec(shape=[None], dtype=tf.string)])
    def decode(self, x):
        result = tf.strings.to_number(x)
        return {"decoded_result": result}


@pytest.fixture
def tf_fixture(fixtures_dir):
    path = fixtures_dir / "seed_saved_model_coding.tflite"
    expected = dict(np.load(fixtures_dir / "seed_saved_model_coding.npz", allow_pickle=False))
    return path, expected


def _convert_saved_model(tmp_path):
    model = Model()
    tf.saved_model.save(
        model,
        str(tmp_path / "saved_model"),
        signatures={
            "encode": model.encode.get_concrete_function(),
            "decode": model.decode.get_concrete_function(),
        },
    )
    converter = tf.lite.TFLiteConverter.from_saved_model(str(tmp_path / "saved_model"))
    converter.target_spec.supported_ops = [
        tf.lite.OpsSet.TFLITE_BUILTINS,
        tf.lite.OpsSet.SELECT_TF_OPS,
    ]
    return converter.convert()


def _convert_concrete():
    model = Model()
    converter = tf.lite.TFLiteConverter.from_concrete_functions(
        [model.encode.get_concrete_function(), model.decode.get_concrete_function()], model
    )
    converter.target_spec.supported_ops = [
        tf.lite.OpsSet.TFLITE_BUILTINS,
        tf.lite.OpsSet.SELECT_TF_OPS,
    ]
    return converter.convert()


@pytest.mark.parametrize("way", ["saved_model", "concrete_functions"])
def test_guide_module(way, tmp_path, tf_fixture, capsys):
    tflite_model = _convert_saved_model(tmp_path) if way == "saved_model" else _convert_concrete()
    interpreter = tf.lite.Interpreter(model_content=tflite_model)
    signatures = interpreter.get_signature_list()
    print(signatures)
    fixture_path, expected = tf_fixture
    oracle = LiteRT(model_path=str(fixture_path)).get_signature_list()
    assert capsys.readouterr().out.strip() == str(oracle)

    encode = interpreter.get_signature_runner("encode")
    decode = interpreter.get_signature_runner("decode")
    input = tf.constant([1, 2, 3], dtype=tf.float32)
    encoded = encode(x=input)
    decoded = decode(x=encoded["encoded_result"])
    assert encoded["encoded_result"].tolist() == expected["encode/out/encoded_result"].tolist()
    np.testing.assert_array_equal(decoded["decoded_result"], expected["decode/out/decoded_result"])
    # The file TensorFlow wrote runs the same way in siglite's interpreter.
    theirs = tf.lite.Interpreter(model_path=str(fixture_path))
    assert theirs.get_signature_list() == signatures
    got = theirs.get_signature_runner("encode")(x=input)["encoded_result"]
    assert got.tolist() == encoded["encoded_result"].tolist()


def test_fixture_inputs_give_fixture_outputs(tmp_path, tf_fixture):
    _, expected = tf_fixture
    interpreter = tf.lite.Interpreter(model_content=_convert_saved_model(tmp_path))
    enc = interpreter.get_signature_runner("encode")(x=expected["encode/in/x"])
    dec = interpreter.get_signature_runner("decode")(x=expected["decode/in/x"])
    assert enc["encoded_result"].tolist() == expected["encode/out/encoded_result"].tolist()
    np.testing.assert_array_equal(dec["decoded_result"], expected["decode/out/decoded_result"])


def test_tensor_names_follow_tf_converter(tmp_path, tf_fixture):
    ours = tf.lite.Interpreter(model_content=_convert_saved_model(tmp_path))
    theirs = LiteRT(model_path=str(tf_fixture[0]))
    for key in ("encode", "decode"):
        mine = ours.get_signature_runner(key).get_input_details()["x"]["name"]
        assert mine == theirs.get_signature_runner(key).get_input_details()["x"]["name"]


def test_guide_keras(fixtures_dir, capsys):
    pytest.importorskip("siglite.frontends.sequential")
    model = tf.keras.Sequential(
        [
            tf.keras.layers.Dense(2, input_dim=4, activation="relu", name="x"),
            tf.keras.layers.Dense(1, activation="relu", name="output"),
        ]
    )
    converter = tf.lite.TFLiteConverter.from_keras_model(model)
    tflite_model = converter.convert()
    interpreter = tf.lite.Interpreter(model_content=tflite_model)
    print(interpreter.get_signature_list())
    oracle = LiteRT(model_path=str(fixtures_dir / "seed_keras_sequential.tflite"))
    assert capsys.readouterr().out.strip() == str(oracle.get_signature_list())
    x = np.load(fixtures_dir / "seed_keras_sequential.npz")["serving_default/in/x_input"]
    ours = interpreter.get_signature_runner()(x_input=x)["output_0"]
    litert = LiteRT(model_content=tflite_model).get_signature_runner()(x_input=x)["output_0"]
    np.testing.assert_allclose(ours, litert, atol=1e-5)


def test_eager_calls_match_converted(tf_fixture):
    _, expected = tf_fixture
    model = Model()
    enc = model.encode(expected["encode/in/x"])["encoded_result"]
    assert enc.tolist() == expected["encode/out/encoded_result"].tolist()
    dec = model.decode(expected["decode/in/x"])["decoded_result"]
    np.testing.assert_array_equal(dec, expected["decode/out/decoded_result"])
