"""The tracing frontend: ``sl.Module``, ``sl.function``, ``sl.Variable``, TF-named ops and the
saved-model-like format.

    import siglite as sl

    class Model(sl.Module):
        @sl.function(input_signature=[sl.TensorSpec(shape=[None], dtype=sl.float32)])
        def encode(self, x):
            return {"encoded_result": sl.strings.as_string(x)}
"""

from __future__ import annotations

from typing import Any

import numpy as np

from . import saved_model, tensor_ops  # noqa: F401  (tensor_ops installs the operators)
from .function import ConcreteFunction, Function, TensorSpec, function
from .graph import SymbolicTensor, TensorShape, const_array, current_trace
from .ops import image, lookup, math, nn, strings
from .ops.array import (
    broadcast_to,
    cast,
    clip_by_value,
    concat,
    expand_dims,
    fill,
    gather,
    gather_nd,
    identity,
    matmul,
    one_hot,
    ones,
    ones_like,
    pad,
    range,
    rank,
    reshape,
    reverse,
    shape,
    size,
    slice,
    split,
    squeeze,
    stack,
    tile,
    transpose,
    unstack,
    where,
    zeros,
    zeros_like,
)
from .ops.control import cond, while_loop
from .ops.math import (
    abs,
    add,
    add_n,
    argmax,
    argmin,
    cumsum,
    divide,
    equal,
    exp,
    greater,
    greater_equal,
    less,
    less_equal,
    log,
    logical_and,
    logical_not,
    logical_or,
    maximum,
    minimum,
    multiply,
    negative,
    not_equal,
    pow,
    reduce_all,
    reduce_any,
    reduce_max,
    reduce_mean,
    reduce_min,
    reduce_prod,
    reduce_sum,
    sigmoid,
    sqrt,
    square,
    subtract,
    tanh,
)
from .variables import Module, Variable


def constant(value: Any, dtype: Any = None, shape: Any = None, name: str | None = None) -> Any:
    """A constant: a numpy array (or a traced constant inside a function)."""
    arr = const_array(value, dtype)
    if shape is not None:
        arr = np.broadcast_to(arr, tuple(shape)).copy()
    trace = current_trace()
    if trace is None:
        return arr
    return SymbolicTensor(trace, trace.builder.const(arr, name or "const", dtype=dtype))


def convert_to_tensor(value: Any, dtype: Any = None, name: str | None = None) -> Any:
    """Like :func:`constant`, but traced tensors and variables pass through."""
    if isinstance(value, SymbolicTensor | Variable):
        return value
    return constant(value, dtype, name=name)


truediv = math.truediv

__all__ = [
    "ConcreteFunction",
    "Function",
    "Module",
    "SymbolicTensor",
    "TensorShape",
    "TensorSpec",
    "Variable",
    "abs",
    "add",
    "add_n",
    "argmax",
    "argmin",
    "broadcast_to",
    "cast",
    "clip_by_value",
    "concat",
    "cond",
    "constant",
    "convert_to_tensor",
    "cumsum",
    "divide",
    "equal",
    "exp",
    "expand_dims",
    "fill",
    "function",
    "gather",
    "gather_nd",
    "greater",
    "greater_equal",
    "identity",
    "image",
    "less",
    "less_equal",
    "log",
    "logical_and",
    "logical_not",
    "logical_or",
    "lookup",
    "math",
    "matmul",
    "maximum",
    "minimum",
    "multiply",
    "negative",
    "nn",
    "not_equal",
    "one_hot",
    "ones",
    "ones_like",
    "pad",
    "pow",
    "range",
    "rank",
    "reduce_all",
    "reduce_any",
    "reduce_max",
    "reduce_mean",
    "reduce_min",
    "reduce_prod",
    "reduce_sum",
    "reshape",
    "reverse",
    "saved_model",
    "shape",
    "sigmoid",
    "size",
    "slice",
    "split",
    "sqrt",
    "square",
    "squeeze",
    "stack",
    "strings",
    "subtract",
    "tanh",
    "tile",
    "transpose",
    "truediv",
    "unstack",
    "where",
    "while_loop",
    "zeros",
    "zeros_like",
]
