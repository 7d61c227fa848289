"""The Keras-like API: names, weights, initialisation, summary, building and errors."""

from __future__ import annotations

import numpy as np
import pytest
from keras_oracle import randomize_weights, torch_forward

import siglite as sl
from siglite.frontends import sequential as keras

L = keras.layers


def small_cnn():
    return keras.Sequential(
        [
            keras.Input((6, 6, 3)),
            L.Conv2D(4, 3, padding="same"),
            L.DepthwiseConv2D(3, depth_multiplier=2),
            L.BatchNormalization(),
            L.GlobalAveragePooling2D(),
            L.Dense(2),
        ]
    )


def test_default_names_follow_keras():
    keras.clear_session()
    names = [L.Dense(1).name, L.Dense(1).name, L.Conv2D(1, 1).name, L.DepthwiseConv2D(1).name]
    names += [L.MaxPooling2D().name, L.BatchNormalization().name, L.ReLU().name]
    assert names == [
        "dense", "dense_1", "conv2d", "depthwise_conv2d", "max_pooling2d",
        "batch_normalization", "re_lu",
    ]  # fmt: skip
    assert keras.Sequential().name == "sequential"
    assert keras.Sequential().name == "sequential_1"


def test_weight_layouts_and_initial_values():
    model = small_cnn()
    conv, dw, bn, _, dense = model.layers
    assert [w.shape for w in conv.get_weights()] == [(3, 3, 3, 4), (4,)]
    assert [w.shape for w in dw.get_weights()] == [(3, 3, 4, 2), (8,)]
    assert [w.shape for w in dense.get_weights()] == [(8, 2), (2,)]
    gamma, beta, mean, var = bn.get_weights()
    assert [w.shape for w in (gamma, beta, mean, var)] == [(8,)] * 4
    np.testing.assert_array_equal(gamma, np.ones(8))
    np.testing.assert_array_equal(var, np.ones(8))
    np.testing.assert_array_equal(beta, np.zeros(8))
    np.testing.assert_array_equal(mean, np.zeros(8))
    np.testing.assert_array_equal(conv.get_weights()[1], np.zeros(4))
    assert [v.name.split("/")[-1] for v in bn.weights] == [
        "gamma", "beta", "moving_mean", "moving_variance",
    ]  # fmt: skip
    assert len(model.trainable_weights) == 8 and len(model.non_trainable_weights) == 2


def test_kernels_are_glorot_uniform():
    kernel = keras.Sequential([L.Dense(300, input_dim=200)]).get_weights()[0]
    limit = np.sqrt(6.0 / (200 + 300))
    assert np.abs(kernel).max() <= limit
    assert np.abs(kernel).max() > 0.99 * limit
    assert abs(float(kernel.std()) - limit / np.sqrt(3.0)) < 0.01 * limit


def test_initialisation_is_deterministic_and_per_layer():
    keras.clear_session()
    first = small_cnn().get_weights()
    keras.clear_session()
    again = small_cnn().get_weights()
    for a, b in zip(first, again, strict=True):
        np.testing.assert_array_equal(a, b)
    two = keras.Sequential([L.Dense(4, input_dim=4), L.Dense(4)]).get_weights()
    assert not np.allclose(two[0], two[2])


def test_set_get_weights_round_trip_changes_outputs():
    model = small_cnn()
    x = np.random.default_rng(0).normal(size=(2, 6, 6, 3)).astype(np.float32)
    before = model.predict(x)
    randomize_weights(model, seed=7)
    new = model.get_weights()
    model.set_weights(new)
    for a, b in zip(model.get_weights(), new, strict=True):
        np.testing.assert_array_equal(a, b)
    after = model.predict(x)
    assert not np.allclose(before, after)
    np.testing.assert_allclose(after, torch_forward(model, x), rtol=1e-5, atol=1e-5)
    layer = model.get_layer(index=-1)
    layer.set_weights([w * 2 for w in layer.get_weights()])
    np.testing.assert_array_equal(model.get_weights()[-1], new[-1] * 2)
    assert not np.allclose(model.predict(x), after)


def test_set_weights_checks_count_and_shapes():
    model = small_cnn()
    weights = model.get_weights()
    with pytest.raises(ValueError, match="expects"):
        model.set_weights(weights[:-1])
    with pytest.raises(ValueError, match="shape"):
        model.set_weights([w.T for w in weights])


def test_ir_layouts_of_conv_and_depthwise_filters():
    model = keras.Sequential(
        [
            keras.Input((6, 6, 3)),
            L.Conv2D(4, 3, padding="same"),
            L.DepthwiseConv2D(3, depth_multiplier=2),
            L.GlobalAveragePooling2D(),
        ]
    )
    randomize_weights(model, seed=1)
    nodes = {n.op: n for n in model.to_ir().subgraphs[0].nodes}
    conv, dw = model.layers[0], model.layers[1]
    np.testing.assert_array_equal(
        nodes["CONV_2D"].inputs[1].data, conv.kernel.numpy().transpose(3, 0, 1, 2)
    )
    dw_filter = nodes["DEPTHWISE_CONV_2D"].inputs[1].data
    assert dw_filter.shape == (1, 3, 3, 8)
    # output channel c * multiplier + m holds Keras' kernel[:, :, c, m]
    np.testing.assert_array_equal(dw_filter[0, :, :, 2 * 2 + 1], dw.kernel.numpy()[:, :, 2, 1])
    assert nodes["DEPTHWISE_CONV_2D"].attrs["depth_multiplier"] == 2
    assert "MEAN" in nodes


def test_signature_names_and_dynamic_batch():
    model = keras.Sequential([L.Dense(3, input_shape=(4,), name="first"), L.Dense(2)])
    sig = model.to_ir().signatures["serving_default"]
    assert list(sig.inputs) == ["first_input"] and list(sig.outputs) == ["output_0"]
    assert sig.inputs["first_input"].signature_shape == (-1, 4)
    assert sig.outputs["output_0"].signature_shape == (-1, 2)
    named = keras.Sequential([keras.Input((4,), name="features"), L.Dense(2)])
    assert list(named.to_ir().signatures["serving_default"].inputs) == ["features"]


def test_two_batch_sizes_and_batched_predict():
    model = keras.Sequential([keras.Input((5,)), L.Dense(4, activation="relu"), L.Dense(3)])
    randomize_weights(model, seed=2)
    x = np.random.default_rng(3).normal(size=(70, 5)).astype(np.float32)
    whole = model.predict(x, batch_size=100)
    np.testing.assert_allclose(model.predict(x, batch_size=32), whole, rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(model(x[:1]), whole[:1], rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(model(x[:9]), whole[:9], rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(whole, torch_forward(model, x), rtol=1e-5, atol=1e-5)


def test_builds_lazily_from_data_or_build():
    model = keras.Sequential([L.Dense(3), L.Dense(2)])
    assert not model.built
    with pytest.raises(ValueError, match="not built"):
        model.get_layer(index=0).set_weights([])
    with pytest.raises(sl.ConverterError, match="no input shape"):
        sl.Converter.from_keras_model(model)
    out = model.predict(np.ones((4, 7), np.float32))
    assert out.shape == (4, 2) and model.built
    assert model.get_weights()[0].shape == (7, 3)
    other = keras.Sequential([L.Conv2D(2, 3)])
    other.build((None, 5, 5, 1))
    assert other.output_shape == (None, 3, 3, 2)


def test_summary_prints_layers_shapes_and_params(capsys):
    model = small_cnn()
    assert model.summary() is None
    text = capsys.readouterr().out
    assert f'Model: "{model.name}"' in text
    for layer, shape in zip(model.layers, model.layer_output_shapes(), strict=True):
        line = next(ln for ln in text.splitlines() if ln.startswith(f"{layer.name} ("))
        assert "(None, " + ", ".join(str(d) for d in shape[1:]) in line
        assert line.split()[-1] == str(layer.count_params())
    total = sum(w.size for w in model.get_weights())
    assert model.count_params() == total
    assert f"Total params: {total}" in text
    assert "Non-trainable params: 16" in text


def test_get_layer_and_errors():
    model = small_cnn()
    assert model.get_layer(model.layers[2].name) is model.layers[2]
    with pytest.raises(ValueError, match="no layer"):
        model.get_layer("nope")
    with pytest.raises(sl.UnsupportedOpError, match="activation"):
        L.Dense(2, activation="no_such_activation")
    with pytest.raises(sl.ConverterError, match="Sequential"):
        sl.Converter.from_keras_model(object())
    with pytest.raises(TypeError):
        keras.Sequential([42])


def test_embedding_with_float_input_casts_indices():
    model = keras.Sequential([keras.Input((3,)), L.Embedding(10, 4), L.Flatten()])
    ops = [n.op for n in model.to_ir().subgraphs[0].nodes]
    assert ops[:2] == ["CAST", "GATHER"]
    x = np.array([[1, 2, 9], [0, 0, 5]], np.float32)
    np.testing.assert_allclose(model.predict(x), torch_forward(model, x), rtol=0, atol=0)


def test_frontend_is_registered_and_exposed():
    from siglite.plugins import registry

    assert "keras" in registry().frontends
    assert sl.keras.Sequential is keras.Sequential


@pytest.mark.parametrize("name", ["relu", "relu6", "sigmoid", "tanh", "softmax", "gelu", "elu"])
def test_numpy_activation_functions_match_torch(name):
    import torch
    from keras_oracle import _activation

    x = np.random.default_rng(5).normal(0, 3, (4, 6)).astype(np.float32)
    expected = _activation(name, torch.from_numpy(x)).numpy()
    np.testing.assert_allclose(keras.activations.get(name)(x), expected, rtol=1e-5, atol=1e-6)


def test_batch_norm_folds_into_a_linear_conv_or_dense_only():
    model = keras.Sequential(
        [
            keras.Input((6, 6, 3)),
            L.Conv2D(4, 3),
            L.BatchNormalization(),
            L.DepthwiseConv2D(3, activation="relu"),
            L.BatchNormalization(),
            L.Flatten(),
            L.Dense(3, use_bias=False),
            L.BatchNormalization(),
        ]
    )
    randomize_weights(model, seed=9)
    ops = [n.op for n in model.to_ir().subgraphs[0].nodes]
    assert ops == [
        "CONV_2D", "DEPTHWISE_CONV_2D", "MUL", "ADD", "RESHAPE", "FULLY_CONNECTED",
    ]  # fmt: skip
    x = np.random.default_rng(4).normal(size=(3, 6, 6, 3)).astype(np.float32)
    np.testing.assert_allclose(model.predict(x), torch_forward(model, x), rtol=1e-5, atol=1e-5)
