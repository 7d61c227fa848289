"""Elementwise, data-movement, reduction and softmax kernels that take ``out=``: filling it gives
bit for bit the values of a fresh result (the path taken without ``out``), and an ``out`` that
does not fit (shape, dtype, an overlapping input, a non-contiguous input) is left alone."""

from __future__ import annotations

import numpy as np
import pytest

import siglite as sl
import siglite.delegates.numpy.kernels  # noqa: F401  (registers the kernels)
from siglite.delegates.numpy.kernels import xp
from siglite.delegates.numpy.table import KERNELS
from siglite.runtime.plan import accepts_out

RNG = np.random.default_rng(11)
SPECIAL = np.array([np.nan, np.inf, -np.inf, 0.0, -0.0, 1e30, -1e30, 1e-40, 88.7, -104.0])


def rand(*shape, scale=3.0):
    """float32 values with NaN, infinities, signed zeros, huge and subnormal values mixed in."""
    x = (RNG.standard_normal(shape) * scale).astype(np.float32)
    flat = x.reshape(-1)
    n = min(flat.size // 3, SPECIAL.size)
    flat[RNG.choice(flat.size, n, replace=False)] = SPECIAL[:n]
    return x


def pos(*shape):
    return np.abs(rand(*shape)) + np.float32(0.5)


def i32(values):
    return np.array(values, np.int32)


UNARY = ["ABS", "NEG", "EXP", "LOG", "SQRT", "RSQRT", "SQUARE", "SIN", "COS", "TANH",
         "LOGISTIC", "RELU", "RELU6", "RELU_N1_TO_1", "ELU", "HARD_SWISH", "FLOOR", "CEIL",
         "ROUND", "SIGN"]  # fmt: skip
ACTS = ["NONE", "RELU", "RELU6", "RELU_N1_TO_1", "TANH"]

CASES = [(op, (rand(2, 7, 5, 3),), {}) for op in UNARY]
CASES += [(op, (pos(37),), {}) for op in ("LOG", "SQRT", "RSQRT")]
for op in ("ADD", "SUB", "MUL", "DIV"):
    for act in ACTS:
        CASES.append((op, (rand(2, 4, 4, 6), rand(1, 1, 1, 6)), {"fused_activation": act}))
    CASES.append((op, (rand(3, 5), rand(3, 5)), {}))
    CASES.append((op, (rand(1, 5), rand(4, 1)), {}))  # both operands broadcast
    CASES.append((op, (rand(3, 1, 5), np.array(1.5, np.float32)), {}))
CASES += [
    ("DIV", (rand(64), np.zeros(64, np.float32)), {}),
    ("MAXIMUM", (rand(2, 9, 3), rand(2, 9, 3)), {}),
    ("MAXIMUM", (rand(4, 6), rand(6)), {}),
    ("MINIMUM", (rand(2, 9, 3), rand(2, 9, 3)), {}),
    ("MINIMUM", (rand(4, 1), rand(1, 6)), {}),
    ("SQUARED_DIFFERENCE", (rand(3, 8), rand(8)), {}),
    ("PRELU", (rand(2, 5, 5, 4), rand(1, 1, 4)), {}),
    ("LEAKY_RELU", (rand(3, 7),), {"alpha": 0.1}),
    ("GELU", (rand(4, 9),), {"approximate": True}),
    ("GELU", (rand(4, 9),), {"approximate": False}),
    ("SOFTMAX", (rand(3, 10, scale=30),), {"beta": 0.7}),
    ("SOFTMAX", (RNG.standard_normal((2, 3, 1001)).astype(np.float32),), {}),
    ("SUM", (rand(2, 6, 6, 5), i32([1, 2])), {"keep_dims": True}),
    ("SUM", (RNG.standard_normal((3, 517)).astype(np.float32), i32([-1])), {}),
    ("MEAN", (RNG.standard_normal((2, 7, 7, 16)).astype(np.float32), i32([1, 2])),
     {"keep_dims": True}),
    ("MEAN", (RNG.standard_normal((4, 300)).astype(np.float32), i32([0, 1])), {}),
    ("TRANSPOSE", (rand(1, 6, 5, 7), i32([0, 3, 1, 2])), {}),
    ("TRANSPOSE", (rand(1, 4, 3, 5, 5), i32([0, 2, 1, 3, 4])), {}),
    ("TRANSPOSE", (np.arange(24, dtype=np.int8).reshape(2, 3, 4), i32([2, 0, 1])), {}),
    ("CONCATENATION", (rand(1, 4, 4, 3), rand(1, 4, 4, 5), rand(1, 4, 4, 1)),
     {"axis": 3, "fused_activation": "RELU6"}),
    ("CONCATENATION", (rand(2, 3), rand(5, 3)), {"axis": -2}),
    ("CONCATENATION", (np.arange(6, dtype=np.int32).reshape(2, 3), i32([[7, 8, 9]])), {}),
    ("PAD", (rand(1, 5, 6, 3), i32([[0, 0], [1, 2], [0, 1], [0, 0]])), {}),
    ("PAD", (np.arange(12, dtype=np.int32).reshape(3, 4), i32([[2, 0], [1, 3]])), {}),
    ("PADV2", (rand(1, 3, 4, 2), i32([[0, 0], [1, 1], [2, 0], [0, 0]]),
               np.array([-7.5], np.float32)), {}),
]  # fmt: skip
IDS = [f"{op}-{i}" for i, (op, _, _) in enumerate(CASES)]


@pytest.fixture
def small_out(monkeypatch):
    """Let the small arrays of these cases use out= (the kernels skip it below a size)."""
    monkeypatch.setattr(xp, "MIN_OUT_SIZE", 0)


def _kernel(op, inputs):
    kernel = KERNELS.get(op, inputs[0].dtype.name)
    assert kernel is not None and accepts_out(kernel.fn), op
    return kernel.fn


def _same_bits(got, want):
    got, want = np.asarray(got), np.asarray(want)
    assert got.dtype == want.dtype and got.shape == want.shape
    raw = {2: np.uint16, 4: np.uint32, 8: np.uint64}
    if got.dtype.kind == "f":
        got, want = got.view(raw[got.dtype.itemsize]), want.view(raw[want.dtype.itemsize])
    np.testing.assert_array_equal(got, want)


def _unaligned_out(shape, dtype):
    """A C-contiguous array at an odd element offset: the arena's views are 64-byte aligned,
    fresh arrays are not; the values must not depend on it."""
    n = int(np.prod(shape, dtype=np.int64))
    return np.full(n + 1, 77, dtype)[1:].reshape(shape)


@pytest.mark.usefixtures("small_out")
@pytest.mark.parametrize("op,inputs,attrs", CASES, ids=IDS)
def test_out_gets_the_fresh_results_bit_for_bit(op, inputs, attrs):
    fn = _kernel(op, inputs)
    with np.errstate(all="ignore"):
        want = np.asarray(fn(*inputs, **attrs))
        for out in (np.full(want.shape, 77, want.dtype), _unaligned_out(want.shape, want.dtype)):
            saved = [a.copy() for a in inputs]
            got = fn(*inputs, **attrs, out=out)
            assert got is out, "a fitting out must be filled and returned"
            _same_bits(out, want)
            for a, b in zip(inputs, saved, strict=True):
                _same_bits(a, b)  # inputs untouched


@pytest.mark.usefixtures("small_out")
@pytest.mark.parametrize("op,inputs,attrs", CASES, ids=IDS)
def test_out_that_does_not_fit_is_left_alone(op, inputs, attrs):
    fn = _kernel(op, inputs)
    with np.errstate(all="ignore"):
        want = np.asarray(fn(*inputs, **attrs))
        other = np.float64 if want.dtype != np.float64 else np.float32
        for out in (np.zeros((want.size + 1,), want.dtype), np.zeros(want.shape, other)):
            got = fn(*inputs, **attrs, out=out)
            assert got is not out and not out.any()
            _same_bits(got, want)


@pytest.mark.usefixtures("small_out")
@pytest.mark.parametrize("op", ["ADD", "MUL", "EXP", "TANH", "SOFTMAX", "HARD_SWISH"])
def test_out_overlapping_an_input_is_not_used(op):
    x = rand(4, 8)
    inputs = (x, rand(4, 8)) if op in ("ADD", "MUL") else (x,)
    fn = _kernel(op, inputs)
    with np.errstate(all="ignore"):
        want = fn(*inputs)
        got = fn(*inputs, out=x)
    assert got is not x
    _same_bits(got, want)


@pytest.mark.usefixtures("small_out")
@pytest.mark.parametrize("op", ["EXP", "SIN", "LOGISTIC", "SOFTMAX", "SUM"])
def test_non_contiguous_input_keeps_the_fresh_path(op):
    """A strided input may take another numpy loop than a contiguous out would."""
    x = np.ascontiguousarray(rand(6, 5).T)[:, ::2]
    inputs = (x, i32([0])) if op == "SUM" else (x,)
    fn = _kernel(op, inputs)
    with np.errstate(all="ignore"):
        want = np.asarray(fn(*inputs))
        out = np.zeros(want.shape, np.float32)
        got = fn(*inputs, out=out)
    assert got is not out and not out.any()
    _same_bits(got, want)


@pytest.mark.usefixtures("small_out")
def test_integer_arithmetic_ignores_out():
    """Only the float32 paths write into out; integer results are as before."""
    x, y = np.array([7, -7, 9], np.int32), np.array([2, 2, -4], np.int32)
    for op in ("ADD", "DIV", "MAXIMUM"):
        fn = _kernel(op, (x, y))
        out = np.zeros(3, np.int32)
        assert fn(x, y, out=out) is not out and not out.any()


@pytest.mark.parametrize("op", ["ADD", "TANH", "CONCATENATION"])
def test_small_results_skip_out_and_large_ones_use_it(op):
    """Below MIN_OUT_SIZE elements a fresh array is cheaper than checking out."""
    for n, used in ((xp.MIN_OUT_SIZE // 2 - 1, False), (xp.MIN_OUT_SIZE // 2, True)):
        a, b = rand(2, n), rand(2, n)
        inputs = (a, b) if op == "ADD" else (a,)
        want = np.concatenate([a]) if op == "CONCATENATION" else _kernel(op, inputs)(*inputs)
        out = np.zeros(want.shape, np.float32)
        with np.errstate(all="ignore"):
            got = _kernel(op, inputs)(*inputs, out=out)
        assert (got is out) == used
        _same_bits(got, want)


class _Shaped:
    def __init__(self, shape):
        self.shape = shape


def test_broadcast_shape_agrees_with_numpy():
    rng = np.random.default_rng(5)
    for _ in range(3000):
        count = int(rng.integers(1, 4))
        shapes = [tuple(int(d) for d in rng.choice([0, 1, 2, 3], int(rng.integers(0, 4))))
                  for _ in range(count)]  # fmt: skip
        try:
            want = np.broadcast_shapes(*shapes)
        except ValueError:
            want = None
        assert xp.broadcast_shape(*map(_Shaped, shapes)) == want, shapes


def _model(op: str, x_shape, *, const=None, **attrs) -> sl.Model:
    mb = sl.ModelBuilder()
    g = mb.subgraph("main")
    x = g.input("x", sl.float32, list(x_shape))
    args = [x] if const is None else [x, g.const(const, "c")]
    y = g.op(op, *args, **attrs)
    g.output(g.op("ADD", y, y), "y")  # y is an intermediate: it lives in the arena
    mb.signature("serving_default", g)
    return mb.build()


@pytest.mark.parametrize(
    "op,shape,const,attrs",
    [
        ("ADD", (4, 32, 64), np.full((64,), 0.25, np.float32), {"fused_activation": "RELU6"}),
        ("LOGISTIC", (128, 64), None, {}),
        ("SOFTMAX", (64, 130), None, {"beta": 1.0}),
        ("TRANSPOSE", (16, 32, 16), np.array([2, 0, 1], np.int32), {}),
        ("MEAN", (2, 4, 64, 64), np.array([1], np.int32), {"keep_dims": True}),
    ],
)
def test_runtime_results_match_litert(op, shape, const, attrs):
    """Through the interpreter (which passes the arena views as out=), against LiteRT; the
    results are large enough for the kernels to use out."""
    from ai_edge_litert.interpreter import Interpreter

    data = sl.write_model(_model(op, shape, const=const, **attrs))
    x = (RNG.standard_normal(shape) * 3).astype(np.float32)  # LiteRT's own limits aside
    ours = sl.Interpreter(model_content=data).get_signature_runner()
    theirs = Interpreter(model_content=data).get_signature_runner()
    for _ in range(2):  # the second run reuses the planned arena
        np.testing.assert_allclose(ours(x=x)["y"], theirs(x=x)["y"], rtol=1e-5, atol=1e-6)
