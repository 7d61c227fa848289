"""TensorFlow behaviours of the tracing API: dtype rules, nested control flow, traced indices,
ops built from other builtins, and resources of several kinds in one model.

Each model runs three ways (LiteRT, siglite's interpreter, the eager call) and must agree.
"""

from __future__ import annotations

import numpy as np
import pytest

import siglite as sl

from .helpers import assert_close, check_three_ways, convert, litert

rng = np.random.default_rng(5)
S = sl.TensorSpec


def _f(*shape):
    return rng.normal(size=shape).astype(np.float32)


class _Holder(sl.Module):
    """A module to convert free functions with."""


def test_python_floats_do_not_silently_truncate_into_int_tensors():
    f = sl.function(lambda a: a * 2.5, input_signature=[S([3], sl.int32)])
    with pytest.raises(sl.SigliteError, match="whole number"):
        f.get_concrete_function()
    with pytest.raises(sl.SigliteError, match="whole number"):
        sl.multiply(np.arange(3, dtype=np.int32), 2.5)


def test_tensors_of_different_dtypes_are_not_mixed():
    f = sl.function(lambda a, b: a + b, input_signature=[S([3], sl.int64), S([3], sl.int32)])
    with pytest.raises(sl.SigliteError, match="int64 and int32.*sl.cast"):
        f.get_concrete_function()


def test_numpy_operand_takes_the_tensor_dtype_on_either_side():
    f = sl.function(
        lambda a: {"l": np.array([1.0, 2.0, 3.0]) + a, "r": a * np.float64(0.5)},
        input_signature=[S([2, 3], sl.float32)],
    )
    out = check_three_ways(_Holder(), f, {"a": _f(2, 3)})
    assert out["l"].dtype == np.float32 and out["r"].dtype == np.float32


def test_cond_with_nested_structures():
    def fn(x):
        r = sl.cond(
            sl.reduce_sum(x) > 0,
            lambda: {"a": x * 2.0, "pair": (x[:1], sl.constant(1))},
            lambda: {"a": -x, "pair": (x[1:], sl.constant(2))},
        )
        assert set(r) == {"a", "pair"} and isinstance(r["pair"], tuple)
        return {"a": r["a"], "p0": r["pair"][0], "p1": r["pair"][1]}

    f = sl.function(fn, input_signature=[S([None], sl.float32)])
    for x in (np.abs(_f(4)), -np.abs(_f(3))):
        check_three_ways(_Holder(), f, {"x": x})


def test_nested_function_outputs_are_refused_clearly():
    f = sl.function(lambda x: {"a": (x, x)}, input_signature=[S([2], sl.float32)])
    with pytest.raises(sl.SigliteError, match="output 'a' is a tuple"):
        f.get_concrete_function()


def test_cond_branches_must_match():
    f = sl.function(
        lambda x: sl.cond(x[0] > 0, lambda: {"a": x}, lambda: (x,)),
        input_signature=[S([2], sl.float32)],
    )
    with pytest.raises(sl.SigliteError, match="same structure"):
        f.get_concrete_function()


def test_while_loop_with_maximum_iterations_and_a_dict():
    def fn(n, x):
        def body(i, state):
            return i + 1, {"acc": state["acc"] + x, "prod": state["prod"] * 2.0}

        init = (sl.constant(0), {"acc": sl.zeros_like(x), "prod": x})
        i, state = sl.while_loop(lambda i, s: i < n, body, init, maximum_iterations=4)
        return {"i": i, "acc": state["acc"], "prod": state["prod"]}

    f = sl.function(fn, input_signature=[S([], sl.int32), S([None], sl.float32)])
    runs = {k: check_three_ways(_Holder(), f, {"n": np.int32(k), "x": _f(3)}) for k in (2, 9)}
    # the limit stops the loop although cond still holds
    assert runs[2]["i"] == 2 and runs[9]["i"] == 4


def test_while_loop_relaxes_a_growing_dimension():
    def fn(n):
        def body(i, a):
            return i + 1, sl.concat([a, sl.reshape(sl.cast(i, sl.float32), [1])], 0)

        # (LiteRT's WHILE refuses an empty starting tensor, so start with one element)
        return sl.while_loop(lambda i, a: i < n, body, (sl.constant(0), sl.zeros([1])))[1]

    f = sl.function(fn, input_signature=[S([], sl.int32)])
    out = check_three_ways(_Holder(), f, {"n": np.int32(4)})
    assert out["output_0"].shape == (5,)


@pytest.mark.parametrize("i", [0, 2, -1, -3])
def test_traced_scalar_indices(i):
    f = sl.function(
        lambda x, i: {
            "row": x[i],
            "col": x[:, i],
            "tail": x[i:],
            "mixed": x[0 : i + 4, ::-1][..., i],
            "i64": x[sl.cast(i, sl.int64), 1:],
        },
        input_signature=[S([4, 5]), S([], sl.int32)],
    )
    x = _f(4, 5)
    out = check_three_ways(_Holder(), f, {"x": x, "i": np.int32(i)})
    np.testing.assert_array_equal(out["row"], x[i])  # numpy indexing as a second oracle
    np.testing.assert_array_equal(out["mixed"], x[0 : i + 4, ::-1][..., i])


def test_ops_built_from_other_builtins():
    f = sl.function(
        lambda a, k: {
            "hot": sl.one_hot(k, 4),
            "hot0": sl.one_hot(k, 3, on_value=5, off_value=-1, axis=0, dtype=sl.int32),
            "ones": sl.ones_like(a),
            "addn": sl.add_n([a, a * 2.0, a]),
            "all": sl.reduce_all(a > -1.0, axis=1),
            "lse": sl.math.reduce_logsumexp(a[:1], axis=1),
        },
        input_signature=[S([None, 3]), S([None], sl.int32)],
    )
    k = np.array([0, 3, -1, 2], np.int32)
    out = check_three_ways(_Holder(), f, {"a": _f(1, 3), "k": k})
    np.testing.assert_array_equal(out["hot"], (k[:, None] == np.arange(4)).astype(np.float32))
    assert out["hot0"].shape == (3, 4) and out["lse"].shape == (1,)


def test_resize_of_unbatched_and_integer_images():
    f = sl.function(
        lambda img, u8: {
            "hwc": sl.image.resize(img, [5, 7]),
            "u8": sl.image.resize(u8, [6, 2]),
            "near": sl.image.resize(u8, [6, 2], method="nearest"),
        },
        input_signature=[S([4, 4, 3]), S([1, 3, 3, 1], sl.uint8)],
    )
    u8 = rng.integers(0, 255, (1, 3, 3, 1)).astype(np.uint8)
    out = check_three_ways(_Holder(), f, {"img": _f(4, 4, 3), "u8": u8})
    assert out["hwc"].shape == (5, 7, 3)
    assert out["u8"].dtype == np.float32 and out["near"].dtype == np.uint8


class _Resources(sl.Module):
    """Two variables and a hash table: LiteRT keeps them in one resource map."""

    def __init__(self):
        super().__init__()
        self.v = sl.Variable(np.zeros([2], np.float32), name="v")
        self.n = sl.Variable(np.int64(0), name="n")
        init = sl.lookup.KeyValueTensorInitializer(["a", "b"], [1, 2], value_dtype=sl.int64)
        self.table = sl.lookup.StaticHashTable(init, -1)

    @sl.function(input_signature=[S([2], sl.float32), S([], sl.int32)])
    def step(self, x, k):
        def body(i):
            self.v.assign_add(x)
            self.n.assign_add(np.int64(1))
            return i + 1

        sl.while_loop(lambda i: i < k, body, sl.constant(0))
        return {"v": self.v.read_value(), "n": self.n.read_value()}

    @sl.function(input_signature=[S([None], sl.string)])
    def ids(self, w):
        return {"ids": self.table.lookup(w) + self.n, "size": self.table.size()}


def test_variables_and_hash_tables_together():
    m = _Resources()
    data = convert(m, m.step.get_concrete_function(), m.ids.get_concrete_function())
    x, w = _f(2), np.array([b"a", b"c", b"b"], object)
    eager = _Resources()
    want = [eager.step(x, np.int32(3)), eager.step(x, np.int32(1)), eager.ids(w)]
    for interp in (litert(data), sl.Interpreter(model_content=data)):
        got = [
            interp.get_signature_runner("step")(x=x, k=np.int32(3)),
            interp.get_signature_runner("step")(x=x, k=np.int32(1)),
            interp.get_signature_runner("ids")(w=w),
        ]
        for g, e in zip(got, want, strict=True):
            assert_close({k: np.asarray(v) for k, v in g.items()}, e)


def test_hash_table_types_outside_tflite_are_refused():
    init = sl.lookup.KeyValueTensorInitializer(["a"], [1])  # string -> int32
    table = sl.lookup.StaticHashTable(init, -1)
    f = sl.function(lambda w: table.lookup(w), input_signature=[S([None], sl.string)])
    with pytest.raises(sl.SigliteError, match="value_dtype"):
        f.get_concrete_function()


def test_eager_ops_take_lists_and_reduce_to_scalars_like_numpy():
    x = np.array([[1.0, 2.0], [4.0, 8.0]], np.float32)
    for ours, theirs in (
        (sl.reduce_mean(x), np.mean(x)),
        (sl.reduce_sum([1, 2, 3]), np.sum([1, 2, 3])),
        (sl.reduce_max(x, axis=-1), np.max(x, axis=-1)),
        (sl.reduce_prod(x, axis=[0, 1], keepdims=True), np.prod(x, keepdims=True)),
    ):
        assert np.shape(ours) == np.shape(theirs)
        np.testing.assert_allclose(ours, theirs)


def test_divide_is_true_division_like_python():
    a, b = np.array([7, -7, 1], np.int32), np.array([2, 2, 4], np.int32)
    for fn in (sl.divide, sl.math.truediv, sl.math.divide):
        got = fn(a, b)
        assert got.dtype == np.float32
        np.testing.assert_allclose(got, a / b)
    np.testing.assert_array_equal(sl.math.floordiv(a, b), a // b)


def test_softmax_along_any_axis():
    f = sl.function(
        lambda x: {
            "s0": sl.nn.softmax(x, axis=0),
            "s1": sl.nn.softmax(x, axis=-2),
            "l1": sl.nn.log_softmax(x, axis=1),
            "last": sl.nn.softmax(x),
        },
        input_signature=[S([2, 3, 4])],
    )
    x = _f(2, 3, 4)
    out = check_three_ways(_Holder(), f, {"x": x})
    e = np.exp(x - x.max(axis=1, keepdims=True))
    np.testing.assert_allclose(out["l1"], np.log(e / e.sum(axis=1, keepdims=True)), atol=1e-5)
