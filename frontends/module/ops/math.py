"""``sl.math``: elementwise arithmetic, comparisons, logical ops, reductions and ``top_k``."""

from __future__ import annotations

from typing import Any

import numpy as np

from siglite.dtypes import as_dtype
from siglite.errors import SigliteError

from ..graph import default_dtype
from ._core import common_dtype, emit, op, rank_of, same_dtype


def _binary(op_name: str, doc: str, **attrs: Any):
    @op
    def fn(x: Any, y: Any, name: str | None = None) -> Any:
        return emit(op_name, x, y, dtype=same_dtype(op_name, x, y), name=name, **attrs)

    fn.__doc__ = doc
    return fn


def _unary(op_name: str, doc: str):
    @op
    def fn(x: Any, name: str | None = None) -> Any:
        return emit(op_name, x, dtype=common_dtype(x), name=name)

    fn.__doc__ = doc
    return fn


add = _binary("ADD", "``x + y`` elementwise with broadcasting (ADD).", fused_activation="NONE")
subtract = _binary("SUB", "``x - y`` elementwise (SUB).", fused_activation="NONE")
multiply = _binary("MUL", "``x * y`` elementwise (MUL).", fused_activation="NONE")
_div = _binary("DIV", "``x / y`` elementwise, in the inputs' dtype (DIV).", fused_activation="NONE")
floordiv = _binary("FLOOR_DIV", "``x // y`` elementwise (FLOOR_DIV).")
floormod = _binary("FLOOR_MOD", "``x % y`` with the sign of ``y`` (FLOOR_MOD).")
mod = floormod
pow = _binary("POW", "``x ** y`` elementwise (POW).")  # noqa: A001
maximum = _binary("MAXIMUM", "Elementwise maximum (MAXIMUM).")
minimum = _binary("MINIMUM", "Elementwise minimum (MINIMUM).")
squared_difference = _binary("SQUARED_DIFFERENCE", "``(x - y) ** 2`` (SQUARED_DIFFERENCE).")
atan2 = _binary("ATAN2", "Elementwise ``atan2(y, x)`` (ATAN2).")
equal = _binary("EQUAL", "``x == y`` elementwise (EQUAL).")
not_equal = _binary("NOT_EQUAL", "``x != y`` elementwise (NOT_EQUAL).")
less = _binary("LESS", "``x < y`` elementwise (LESS).")
less_equal = _binary("LESS_EQUAL", "``x <= y`` elementwise (LESS_EQUAL).")
greater = _binary("GREATER", "``x > y`` elementwise (GREATER).")
greater_equal = _binary("GREATER_EQUAL", "``x >= y`` elementwise (GREATER_EQUAL).")
logical_and = _binary("LOGICAL_AND", "Elementwise AND of booleans (LOGICAL_AND).")
logical_or = _binary("LOGICAL_OR", "Elementwise OR of booleans (LOGICAL_OR).")

negative = _unary("NEG", "``-x`` (NEG).")
abs = _unary("ABS", "``|x|`` (ABS).")  # noqa: A001
exp = _unary("EXP", "``e ** x`` (EXP).")
log = _unary("LOG", "Natural logarithm (LOG).")
sqrt = _unary("SQRT", "Square root (SQRT).")
rsqrt = _unary("RSQRT", "``1 / sqrt(x)`` (RSQRT).")
square = _unary("SQUARE", "``x * x`` (SQUARE).")
sin = _unary("SIN", "Sine (SIN).")
cos = _unary("COS", "Cosine (COS).")
tanh = _unary("TANH", "Hyperbolic tangent (TANH).")
sigmoid = _unary("LOGISTIC", "``1 / (1 + exp(-x))`` (LOGISTIC).")
floor = _unary("FLOOR", "Round down (FLOOR).")
ceil = _unary("CEIL", "Round up (CEIL).")
round = _unary("ROUND", "Round half to even (ROUND).")  # noqa: A001
sign = _unary("SIGN", "Sign of each element (SIGN).")
logical_not = _unary("LOGICAL_NOT", "Elementwise NOT of booleans (LOGICAL_NOT).")


@op
def truediv(x: Any, y: Any, name: str | None = None) -> Any:
    """``x / y`` with a floating result (DIV).

    Integer operands are cast to float32 first. (TensorFlow gives float64 for int32 and int64;
    float32 is what TFLite's DIV kernel supports.)
    """
    dt = same_dtype("truediv", x, y) or default_dtype(x)
    if dt.is_integer:
        from .array import cast

        x, y = cast(x, "float32"), cast(y, "float32")
    return _div(x, y, name=name)


divide = truediv


@op
def reciprocal(x: Any, name: str | None = None) -> Any:
    """``1 / x`` (DIV)."""
    return truediv(np.ones((), as_dtype(common_dtype(x) or "float32").numpy), x, name=name)


@op
def logical_xor(x: Any, y: Any, name: str | None = None) -> Any:
    """Elementwise XOR of booleans (NOT_EQUAL on booleans)."""
    return not_equal(x, y, name=name)


@op
def add_n(inputs: list[Any], name: str | None = None) -> Any:
    """The sum of a list of same-shaped tensors (a chain of ADD)."""
    if not inputs:
        raise SigliteError("add_n: needs at least one tensor")
    total = inputs[0]
    for i, x in enumerate(inputs[1:], start=2):
        total = add(total, x, name=name if i == len(inputs) else None)
    if len(inputs) == 1:
        from .array import identity

        return identity(total)
    return total


def _axes(x: Any, axis: Any) -> np.ndarray:
    if axis is None:
        return np.arange(rank_of(x), dtype=np.int32)
    return np.asarray(axis, dtype=np.int32).reshape(-1)


def _reducer(op_name: str, doc: str):
    @op
    def fn(x: Any, axis: Any = None, keepdims: bool = False, name: str | None = None) -> Any:
        return emit(op_name, x, _axes(x, axis), keep_dims=bool(keepdims), name=name)

    fn.__doc__ = doc
    return fn


reduce_sum = _reducer("SUM", "Sum over ``axis`` (all axes when None) (SUM).")
reduce_mean = _reducer("MEAN", "Mean over ``axis`` (MEAN).")
reduce_max = _reducer("REDUCE_MAX", "Maximum over ``axis`` (REDUCE_MAX).")
reduce_min = _reducer("REDUCE_MIN", "Minimum over ``axis`` (REDUCE_MIN).")
reduce_prod = _reducer("REDUCE_PROD", "Product over ``axis`` (REDUCE_PROD).")
reduce_any = _reducer("REDUCE_ANY", "Logical OR over ``axis`` (REDUCE_ANY).")


@op
def reduce_all(x: Any, axis: Any = None, keepdims: bool = False, name: str | None = None) -> Any:
    """Logical AND over ``axis``, written as NOT(REDUCE_ANY(NOT x)) (runs on every backend)."""
    return logical_not(reduce_any(logical_not(x), axis=axis, keepdims=keepdims), name=name)


def _arg(op_name: str, doc: str):
    @op
    def fn(x: Any, axis: int | None = None, output_type: Any = "int64", name: str | None = None):
        out = as_dtype(output_type)
        if axis is None:
            axis = 0
        return emit(op_name, x, np.array([axis], np.int32), output_type=out.tflite_name, name=name)

    fn.__doc__ = doc
    return fn


argmax = _arg("ARG_MAX", "Index of the largest value along ``axis`` (ARG_MAX).")
argmin = _arg("ARG_MIN", "Index of the smallest value along ``axis`` (ARG_MIN).")


@op
def cumsum(
    x: Any, axis: int = 0, exclusive: bool = False, reverse: bool = False, name: str | None = None
) -> Any:
    """Cumulative sum along ``axis`` (CUMSUM)."""
    return emit(
        "CUMSUM", x, np.array(axis, np.int32), exclusive=exclusive, reverse=reverse, name=name
    )


@op
def top_k(x: Any, k: int = 1, sorted: bool = True, name: str | None = None) -> Any:  # noqa: A002
    """The ``k`` largest values of the last axis and their indices (TOPK_V2)."""
    if not sorted:
        raise SigliteError("top_k: TOPK_V2 always sorts; sorted=False is not supported")
    values, indices = emit("TOPK_V2", x, np.array(k, np.int32), name=name)
    return TopKResult(values, indices)


class TopKResult(tuple):
    """``(values, indices)`` of :func:`top_k`, also reachable by name."""

    def __new__(cls, values: Any, indices: Any) -> TopKResult:
        return super().__new__(cls, (values, indices))

    @property
    def values(self) -> Any:
        return self[0]

    @property
    def indices(self) -> Any:
        return self[1]


@op
def l2_normalize(x: Any, axis: int = -1, epsilon: float = 1e-12, name: str | None = None) -> Any:
    """``x / sqrt(max(sum(x**2, axis), epsilon))`` along ``axis``."""
    ssum = reduce_sum(square(x), axis=axis, keepdims=True)
    return multiply(x, rsqrt(maximum(ssum, epsilon)), name=name)


@op
def reduce_logsumexp(x: Any, axis: Any = None, keepdims: bool = False) -> Any:
    """``log(sum(exp(x)))`` over ``axis``, computed stably."""
    mx = reduce_max(x, axis=axis, keepdims=True)
    out = add(log(reduce_sum(exp(subtract(x, mx)), axis=axis, keepdims=True)), mx)
    if not keepdims:
        from .array import squeeze

        out = squeeze(out, axis=_axes(x, axis).tolist())
    return out
