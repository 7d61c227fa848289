"""Float dense layers and normalizations with TFLite semantics: FULLY_CONNECTED, BATCH_MATMUL,
SOFTMAX, LOG_SOFTMAX, L2_NORMALIZATION, and EMBEDDING_LOOKUP (any value type)."""

from __future__ import annotations

import numpy as np

from siglite.errors import ExecutionError, InvalidModelError, UnsupportedOpError

from ..table import KERNELS
from .activations import activate_into, apply_activation
from .conv import array_module, matmul_nt, require_float, usable_out
from .xp import float_out

# TFLite's L2_NORMALIZATION divides by max(norm, this) so that all-zero rows stay zero.
L2_EPSILON = 1e-6


@KERNELS.register("FULLY_CONNECTED", dtypes=("float32",))
def fully_connected(
    x,
    weights,
    bias=None,
    *,
    fused_activation="NONE",
    keep_num_dims=False,
    weights_format="DEFAULT",
    out=None,
):
    """(..., I) x (O, I)^T + bias; the leading dims collapse unless ``keep_num_dims``."""
    if weights_format not in ("DEFAULT", 0):
        raise UnsupportedOpError(
            f"FULLY_CONNECTED: weights_format {weights_format} is not supported"
        )
    require_float("FULLY_CONNECTED", weights, bias)
    units, depth = weights.shape
    if x.size % depth:
        raise InvalidModelError(f"FULLY_CONNECTED: input {x.shape} does not hold rows of {depth}")
    rows = x.reshape(-1, depth)
    shape = (*x.shape[:-1], units) if keep_num_dims else (rows.shape[0], units)
    dest = usable_out(out, shape, x, weights)
    res = matmul_nt(rows, weights, None if dest is None else dest.reshape(rows.shape[0], units))
    if bias is not None:
        res += bias.astype(res.dtype, copy=False)
    res = activate_into(res, fused_activation)
    return dest if dest is not None else res.reshape(shape)


@KERNELS.register("BATCH_MATMUL", dtypes=("float32",))
def batch_matmul(x, y, *, adj_x=False, adj_y=False, out=None):
    """Matrix product over the last two axes with broadcast batch axes."""
    require_float("BATCH_MATMUL", y)
    xp = array_module(x)
    if adj_x:
        x = xp.swapaxes(x, -1, -2)
    if adj_y:
        y = xp.swapaxes(y, -1, -2)
    if out is not None and x.ndim >= 2 and y.ndim >= 2:
        batch = x.shape[:-2]
        if batch != y.shape[:-2]:
            batch = xp.broadcast_shapes(batch, y.shape[:-2])
        dest = usable_out(out, (*batch, x.shape[-2], y.shape[-1]), x, y)
        if dest is not None:
            return xp.matmul(x, y, out=dest)
    return xp.matmul(x, y)


@KERNELS.register("SOFTMAX", dtypes=("float32",))
def softmax(x, *, beta=1.0, out=None):
    """exp(beta * (x - max)) normalized over the last axis."""
    xp = array_module(x)
    if x.size == 0:  # max() of nothing has no identity
        return x.copy()
    top = x.max(axis=-1, keepdims=True)
    # Into out only for a C-contiguous x (as a fresh result is): the sums add in the same order.
    dest = float_out(out, x) if x.ndim else None
    if dest is None:
        e = xp.exp((x - top) * x.dtype.type(beta))
        return e / e.sum(axis=-1, keepdims=True)
    np.subtract(x, top, out=dest)
    np.multiply(dest, x.dtype.type(beta), out=dest)
    np.exp(dest, out=dest)
    return np.true_divide(dest, dest.sum(axis=-1, keepdims=True), out=dest)


@KERNELS.register("LOG_SOFTMAX", dtypes=("float32",))
def log_softmax(x):
    """x - max - log(sum(exp(x - max))) over the last axis."""
    xp = array_module(x)
    if x.size == 0:
        return x.copy()
    shifted = x - x.max(axis=-1, keepdims=True)
    return shifted - xp.log(xp.exp(shifted).sum(axis=-1, keepdims=True))


@KERNELS.register("L2_NORMALIZATION", dtypes=("float32",))
def l2_normalization(x, *, fused_activation="NONE"):
    """x / max(||x||, 1e-6) over the last axis."""
    xp = array_module(x)
    norm = xp.sqrt((x * x).sum(axis=-1, keepdims=True))
    out = x / xp.maximum(norm, x.dtype.type(L2_EPSILON))
    return apply_activation(out, fused_activation)


@KERNELS.register("EMBEDDING_LOOKUP", context=True)
def embedding_lookup(ctx, ids, value):
    """Rows of ``value`` picked by the 1-D int32 ``ids``; any value type.

    An int8/uint8 table with a float32 output is a hybrid lookup: rows are scaled by the
    table's (per-tensor or per-row) scale; the zero point must be 0.
    """
    xp = array_module(value)
    flat = ids.reshape(-1)
    rows = value.shape[0]
    if flat.size and (int(flat.min()) < 0 or int(flat.max()) >= rows):
        bad = int(flat[(flat < 0) | (flat >= rows)][0])
        raise ExecutionError(
            f"EMBEDDING_LOOKUP: index {bad} is out of bounds, the table has {rows} rows"
        )
    out_dtype = ctx.outputs[0].dtype.name
    if out_dtype == "float32" and value.dtype.kind in "iu" and value.dtype.itemsize == 1:
        return _hybrid_rows(ctx.inputs[1], xp.take(value, flat, axis=0), flat)
    return xp.take(value, flat, axis=0)


def _hybrid_rows(table, picked, flat):
    xp = array_module(picked)
    q = table.quantization
    if q is None or q.scales.size == 0:
        raise InvalidModelError(f"EMBEDDING_LOOKUP: table %{table.name} has no quantization")
    if q.zero_points.size and q.zero_points.any():
        raise InvalidModelError(f"EMBEDDING_LOOKUP: table %{table.name} needs zero point 0")
    # LiteRT reads the bytes of a uint8 table as int8 too; do the same to give its results.
    values = picked.view(xp.int8).astype(xp.float32)
    scales = xp.asarray(q.scales.astype("float32"))
    if q.per_channel:
        scales = scales[flat].reshape((-1,) + (1,) * (values.ndim - 1))
    return values * scales
