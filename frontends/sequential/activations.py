"""Activations by Keras name: numpy reference functions, and how each becomes TFLite ops.

``emit(g, x, name, scope)`` appends the ops of one activation to a subgraph builder. The ones
TFLite can fuse into FULLY_CONNECTED / CONV_2D / DEPTHWISE_CONV_2D / pooling are listed by
:func:`fused_code`; everything else becomes its own builtin op (or a few of them).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from siglite.errors import UnsupportedOpError
from siglite.ir import SubgraphBuilder, Tensor


def linear(x: Any) -> np.ndarray:
    """Identity."""
    return np.asarray(x)


def relu(x: Any) -> np.ndarray:
    """``max(x, 0)``."""
    return np.maximum(np.asarray(x), 0)


def relu6(x: Any) -> np.ndarray:
    """``min(max(x, 0), 6)``."""
    return np.clip(np.asarray(x), 0, 6)


def sigmoid(x: Any) -> np.ndarray:
    """``1 / (1 + exp(-x))``."""
    return 1.0 / (1.0 + np.exp(-np.asarray(x)))


def tanh(x: Any) -> np.ndarray:
    """Hyperbolic tangent."""
    return np.tanh(np.asarray(x))


def softmax(x: Any, axis: int = -1) -> np.ndarray:
    """Softmax over ``axis``."""
    x = np.asarray(x)
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def log_softmax(x: Any, axis: int = -1) -> np.ndarray:
    """Log of the softmax over ``axis``."""
    x = np.asarray(x)
    shifted = x - x.max(axis=axis, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))


def gelu(x: Any) -> np.ndarray:
    """Exact GELU, ``x * Phi(x)`` (Keras' default ``approximate=False``)."""
    x = np.asarray(x)
    return x * 0.5 * (1.0 + np.vectorize(math.erf, otypes=[x.dtype])(x / math.sqrt(2.0)))


def elu(x: Any) -> np.ndarray:
    """``x`` for ``x > 0`` else ``exp(x) - 1``."""
    x = np.asarray(x)
    return np.where(x > 0, x, np.expm1(np.minimum(x, 0)))


def leaky_relu(x: Any) -> np.ndarray:
    """``x`` for ``x >= 0`` else ``0.2 * x`` (Keras' default slope)."""
    x = np.asarray(x)
    return np.where(x >= 0, x, 0.2 * x)


def silu(x: Any) -> np.ndarray:
    """``x * sigmoid(x)``."""
    return np.asarray(x) * sigmoid(x)


def hard_sigmoid(x: Any) -> np.ndarray:
    """``relu6(x + 3) / 6``."""
    return relu6(np.asarray(x) + 3.0) / 6.0


def hard_swish(x: Any) -> np.ndarray:
    """``x * relu6(x + 3) / 6``."""
    return np.asarray(x) * hard_sigmoid(x)


def exponential(x: Any) -> np.ndarray:
    """``exp(x)``."""
    return np.exp(np.asarray(x))


_ALIASES = {"swish": "silu", "hard_silu": "hard_swish", None: "linear"}

_FUNCTIONS: dict[str, Callable[..., np.ndarray]] = {
    f.__name__: f
    for f in (linear, relu, relu6, sigmoid, tanh, softmax, log_softmax, gelu, elu)
    + (leaky_relu, silu, hard_sigmoid, hard_swish, exponential)
}


def resolve(activation: Any) -> str:
    """The canonical name of a Keras activation given as a name, ``None`` or a callable."""
    if activation is None or isinstance(activation, str):
        name = _ALIASES.get(activation, activation)
    else:
        name = getattr(activation, "__name__", None)
        name = _ALIASES.get(name, name)
    if name not in _FUNCTIONS:
        raise UnsupportedOpError(
            f"activation {activation!r} is not supported; expected one of {sorted(_FUNCTIONS)}"
        )
    return name


def get(activation: Any) -> Callable[..., np.ndarray]:
    """The numpy function of an activation (``keras.activations.get``)."""
    return _FUNCTIONS[resolve(activation)]


def fused_code(name: str) -> str | None:
    """The ``fused_activation`` value TFLite applies inside conv/FC/pool ops, if it has one."""
    return {"linear": "NONE", "relu": "RELU", "relu6": "RELU6"}.get(name)


def scalar(g: SubgraphBuilder, value: float, scope: str) -> Tensor:
    """A float32 scalar constant named ``<scope>/const``."""
    return g.const(np.float32(value), f"{scope}/const")


def _unary(op: str, **attrs: Any) -> Callable[[SubgraphBuilder, Tensor, str], Tensor]:
    def emit_one(g: SubgraphBuilder, x: Tensor, scope: str) -> Tensor:
        return g.op(op, x, name=f"{scope}/{op.title().replace('_', '')}", **attrs)

    return emit_one


def _hard_sigmoid(g: SubgraphBuilder, x: Tensor, scope: str) -> Tensor:
    shifted = g.op("ADD", x, scalar(g, 3.0, scope), name=f"{scope}/add", fused_activation="RELU6")
    return g.op("MUL", shifted, scalar(g, 1.0 / 6.0, scope), name=f"{scope}/HardSigmoid")


def _silu(g: SubgraphBuilder, x: Tensor, scope: str) -> Tensor:
    s = g.op("LOGISTIC", x, name=f"{scope}/Sigmoid")
    return g.op("MUL", x, s, name=f"{scope}/Silu")


def emit_softmax(g: SubgraphBuilder, x: Tensor, axis: int, scope: str, log: bool = False):
    """SOFTMAX over ``axis``; other axes than the last go through a pair of TRANSPOSEs."""
    op = "LOG_SOFTMAX" if log else "SOFTMAX"
    attrs = {} if log else {"beta": 1.0}
    rank = x.rank
    axis = axis + rank if axis < 0 else axis
    if not 0 <= axis < rank:
        raise UnsupportedOpError(f"{scope}: softmax axis {axis} is out of range for rank {rank}")
    if axis == rank - 1:
        return g.op(op, x, name=f"{scope}/{op.title().replace('_', '')}", **attrs)
    perm = list(range(rank))
    perm[axis], perm[-1] = perm[-1], perm[axis]
    p = g.const(np.array(perm, np.int32), f"{scope}/perm")
    moved = g.op("TRANSPOSE", x, p, name=f"{scope}/transpose")
    y = g.op(op, moved, name=f"{scope}/{op.title().replace('_', '')}", **attrs)
    return g.op("TRANSPOSE", y, p, name=f"{scope}/transpose_back")


_EMITTERS: dict[str, Callable[[SubgraphBuilder, Tensor, str], Tensor]] = {
    "linear": lambda g, x, scope: x,
    "relu": _unary("RELU"),
    "relu6": _unary("RELU6"),
    "sigmoid": _unary("LOGISTIC"),
    "tanh": _unary("TANH"),
    "softmax": lambda g, x, scope: emit_softmax(g, x, -1, scope),
    "log_softmax": lambda g, x, scope: emit_softmax(g, x, -1, scope, log=True),
    "gelu": _unary("GELU", approximate=False),
    "elu": _unary("ELU"),
    "leaky_relu": _unary("LEAKY_RELU", alpha=0.2),
    "silu": _silu,
    "hard_sigmoid": _hard_sigmoid,
    "hard_swish": _unary("HARD_SWISH"),
    "exponential": _unary("EXP"),
}


def emit(g: SubgraphBuilder, x: Tensor, name: str, scope: str) -> Tensor:
    """Append the ops of activation ``name`` (canonical, see :func:`resolve`) applied to ``x``."""
    return _EMITTERS[name](g, x, scope)
