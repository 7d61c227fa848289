"""Converted Keras-like models against LiteRT and against torch eager with the same weights."""

from __future__ import annotations

import numpy as np
import pytest
from keras_oracle import litert_run, randomize_weights, torch_forward

import siglite as sl
from siglite.frontends import sequential as keras

L = keras.layers


def mlp():
    return keras.Sequential(
        [
            keras.Input(shape=(6,), name="features"),
            L.Dense(16, activation="relu"),
            L.Dropout(0.5),
            L.Dense(8, activation="tanh"),
            L.Dense(8, activation="relu6", use_bias=False),
            L.Dense(5, activation="sigmoid"),
            L.Dense(3, activation="softmax"),
        ]
    )


def cnn():
    return keras.Sequential(
        [
            keras.Input(shape=(9, 10, 3), name="image"),
            L.Conv2D(6, 3, padding="same", activation="relu"),
            L.DepthwiseConv2D(3, strides=2, padding="same", depth_multiplier=2),
            L.BatchNormalization(),
            L.ReLU(max_value=6.0),
            L.Conv2D(8, (3, 2), strides=(1, 2), dilation_rate=1, padding="valid", use_bias=False),
            L.MaxPooling2D(pool_size=2, padding="same"),
            L.AveragePooling2D(pool_size=(2, 2), strides=1, padding="same"),
            L.Conv2D(4, 1, dilation_rate=1),
            L.GlobalAveragePooling2D(keepdims=True),
            L.Flatten(),
            L.Dense(10),
            L.Softmax(),
        ]
    )


def dilated_cnn():
    return keras.Sequential(
        [
            L.Conv2D(4, 3, dilation_rate=2, padding="same", input_shape=(8, 8, 2)),
            L.DepthwiseConv2D((3, 3), padding="valid", activation="relu"),
            L.AveragePooling2D(pool_size=3, strides=2, padding="valid"),
            L.BatchNormalization(epsilon=0.01),
            L.Flatten(),
            L.Dense(4, activation="gelu"),
        ]
    )


def layer_norm_model():
    return keras.Sequential(
        [
            keras.Input(shape=(5, 12)),
            L.LayerNormalization(epsilon=1e-5),
            L.Dense(7, activation="elu"),
            L.LayerNormalization(),
            L.Activation("hard_swish"),
            L.Reshape((-1,)),
            L.Dense(4, activation="leaky_relu"),
            L.Activation("hard_sigmoid"),
        ]
    )


def embedding_model():
    return keras.Sequential(
        [
            keras.Input(shape=(6,), dtype="int32", name="tokens"),
            L.Embedding(20, 8),
            L.LayerNormalization(),
            L.Activation("silu"),
            L.Flatten(),
            L.Dense(3),
            L.ReLU(negative_slope=0.1, threshold=0.05, max_value=1.5),
        ]
    )


def softmax_axis_model():
    return keras.Sequential(
        [
            keras.Input(shape=(3, 4)),
            L.Softmax(axis=1),
            L.Reshape((2, 6)),
            L.LeakyReLU(negative_slope=0.25),
            L.Activation("gelu"),
        ]
    )


MODELS = {
    "mlp": mlp,
    "cnn": cnn,
    "dilated_cnn": dilated_cnn,
    "layer_norm": layer_norm_model,
    "embedding": embedding_model,
    "softmax_axis": softmax_axis_model,
}


def _inputs(model, batch: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    shape = (batch, *model.input_shape[1:])
    if isinstance(model.layers[0], L.Embedding):
        return rng.integers(0, model.layers[0].input_dim, shape).astype(np.int32)
    return rng.normal(0, 1.0, shape).astype(np.float32)


@pytest.mark.parametrize("name", sorted(MODELS))
def test_model_matches_litert_and_torch(name):
    model = MODELS[name]()
    randomize_weights(model, seed=len(name))
    content = sl.Converter.from_keras_model(model).convert()
    siglite_runner = sl.Interpreter(model_content=content).get_signature_runner()
    for batch in (1, 5):
        x = _inputs(model, batch, seed=batch)
        expected = torch_forward(model, x)
        ours = model.predict(x)
        assert ours.shape == expected.shape
        np.testing.assert_allclose(ours, expected, rtol=1e-5, atol=1e-5)
        lite = litert_run(content, {model.input_name: x})["output_0"]
        np.testing.assert_allclose(lite, expected, rtol=1e-5, atol=1e-5)
        np.testing.assert_allclose(ours, lite, rtol=1e-5, atol=1e-5)
        from_file = siglite_runner(**{model.input_name: x})["output_0"]
        np.testing.assert_allclose(from_file, lite, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize(
    "activation",
    ["relu", "relu6", "sigmoid", "tanh", "softmax", "gelu", "elu", "leaky_relu", "linear"]
    + ["hard_swish", "hard_sigmoid", "silu", "swish", "exponential", "log_softmax"],
)
def test_each_activation(activation):
    model = keras.Sequential([L.Dense(6, activation=activation, input_dim=5)])
    randomize_weights(model, seed=3)
    x = np.random.default_rng(1).normal(0, 1, (4, 5)).astype(np.float32)
    content = sl.Converter.from_keras_model(model).convert()
    expected = torch_forward(model, x)
    np.testing.assert_allclose(model.predict(x), expected, rtol=1e-5, atol=1e-5)
    lite = litert_run(content, {model.input_name: x})["output_0"]
    np.testing.assert_allclose(lite, expected, rtol=1e-5, atol=1e-5)


def test_activation_callable_is_resolved():
    model = keras.Sequential([L.Dense(3, activation=keras.activations.relu6, input_dim=2)])
    randomize_weights(model, seed=4)
    x = np.random.default_rng(2).normal(0, 4, (3, 2)).astype(np.float32)
    np.testing.assert_allclose(model(x), torch_forward(model, x), rtol=1e-5, atol=1e-5)
