"""Tracing behaviour: naming, errors, module tracking and eager ops."""

from __future__ import annotations

import numpy as np
import pytest

import siglite as sl

from .helpers import convert, litert


class Dense(sl.Module):
    def __init__(self):
        super().__init__()
        self.w = sl.Variable(np.ones((2, 2), np.float32), name="w")


class Outer(sl.Module):
    def __init__(self):
        super().__init__()
        self.layers = [Dense(), Dense()]
        self.frozen = sl.Variable(np.zeros(2, np.float32), trainable=False)


def test_module_tracks_variables_and_submodules():
    m = Outer()
    assert len(m.submodules) == 2
    assert len(m.variables) == 3 and len(m.trainable_variables) == 2


def test_python_if_on_traced_tensor_points_to_cond():
    @sl.function(input_signature=[sl.TensorSpec([], sl.float32)])
    def f(x):
        if x > 0:
            return x
        return -x

    with pytest.raises(sl.SigliteError, match="sl.cond"):
        f.get_concrete_function()


def test_output_and_input_names():
    class Names(sl.Module):
        @sl.function(
            input_signature=[
                sl.TensorSpec([2], sl.float32, name="first"),
                sl.TensorSpec([2], sl.float32),
            ]
        )
        def pair(self, a, second):
            return a + second, a * second

    m = Names()
    data = convert(m, m.pair.get_concrete_function())
    interp = litert(data)
    assert interp.get_signature_list() == {
        "serving_default": {"inputs": ["first", "second"], "outputs": ["output_0", "output_1"]}
    }
    details = interp.get_signature_runner().get_input_details()
    assert details["first"]["name"] == "serving_default_first:0"
    a, b = np.ones(2, np.float32), np.full(2, 3, np.float32)
    got = interp.get_signature_runner()(first=a, second=b)
    want = m.pair(a, b)
    np.testing.assert_array_equal(got["output_0"], want[0])
    np.testing.assert_array_equal(got["output_1"], want[1])


def test_concrete_function_names_match_tf_fixture(fixtures_dir):
    from ai_edge_litert.interpreter import Interpreter as LiteRT

    class Coder(sl.Module):
        @sl.function(input_signature=[sl.TensorSpec(shape=[None], dtype=sl.float32)])
        def encode(self, x):
            return {"encoded_result": sl.strings.as_string(x)}

        @sl.function(input_signature=[sl.TensorSpec(shape=[None], dtype=sl.string)])
        def decode(self, x):
            return {"decoded_result": sl.strings.to_number(x)}

    m = Coder()
    data = convert(
        m, m.encode.get_concrete_function(), m.decode.get_concrete_function(), select=True
    )
    ours = sl.Interpreter(model_content=data)
    theirs = LiteRT(model_path=str(fixtures_dir / "seed_concrete_coding.tflite"))
    assert ours.get_signature_list() == theirs.get_signature_list()
    for i in range(2):  # decode, encode
        names = [d["name"] for d in theirs.get_tensor_details(i)]
        assert [d["name"] for d in ours.get_tensor_details(i)] == names


def test_wrong_input_is_refused():
    @sl.function(input_signature=[sl.TensorSpec([None], sl.float32)])
    def f(x):
        return x * 2.0

    with pytest.raises(sl.SigliteError, match="input signature"):
        f(np.array(["a"], dtype=object))
    with pytest.raises(sl.SigliteError, match="input signature"):
        f(np.ones((2, 2), np.float32))


def test_tensor_from_another_function_is_refused():
    leaked = []

    @sl.function(input_signature=[sl.TensorSpec([1], sl.float32)])
    def f(x):
        leaked.append(x)
        return x

    @sl.function(input_signature=[sl.TensorSpec([1], sl.float32)])
    def g(x):
        return x + leaked[0]

    f.get_concrete_function()
    with pytest.raises(sl.SigliteError, match="another traced function"):
        g.get_concrete_function()


def test_eager_ops_and_variables_behave_like_numpy():
    x = np.linspace(-2, 2, 7, dtype=np.float32)
    np.testing.assert_array_equal(sl.nn.relu(x), np.maximum(x, 0))
    v = sl.Variable(x)
    np.testing.assert_array_equal(v * 2.0, x * 2.0)
    np.testing.assert_array_equal(
        sl.reduce_sum(sl.reshape(v, [7, 1]), axis=0), x.sum(0, keepdims=1)
    )
    v.assign_sub(np.ones(7, np.float32))
    np.testing.assert_array_equal(v.numpy(), x - 1)
    assert sl.constant([1, 2]).dtype == np.int32 and sl.constant(1.5).dtype == np.float32


def test_function_without_signature_traces_per_spec():
    calls = []

    @sl.function
    def double(x):
        calls.append(x.dtype)
        return x + x

    np.testing.assert_array_equal(double(np.arange(3, dtype=np.int32)), np.arange(3) * 2)
    double(np.arange(3, dtype=np.int32))
    np.testing.assert_array_equal(double(np.ones(2, np.float32)), np.full(2, 2, np.float32))
    assert len(calls) == 2
