"""Which quantized nodes the dtype-free (float-style) kernels may run.

A kernel registered without dtypes computes on the raw integers. That is right for ops that
only move or select values (RESHAPE, TRANSPOSE, GATHER ...), and for comparisons and min/max
when every quantized operand shares one scale and zero point; for anything arithmetic
(LEAKY_RELU, SUM, SQUARED_DIFFERENCE ...) it silently gives wrong numbers. Delegates that use
the shared kernel table ask :func:`integer_refusal` and leave such nodes alone, so loading
fails with a reason instead of running them.
"""

from __future__ import annotations

from typing import Any

# Values pass through unchanged (TFLite requires or ignores matching output parameters).
RAW_SAFE_OPS = frozenset(
    {"RESHAPE", "SQUEEZE", "EXPAND_DIMS", "TRANSPOSE", "GATHER", "GATHER_ND", "SLICE",
     "STRIDED_SLICE", "SPLIT", "SPLIT_V", "PACK", "UNPACK", "TILE", "BROADCAST_TO",
     "DEPTH_TO_SPACE", "SPACE_TO_DEPTH", "BATCH_TO_SPACE_ND", "SPACE_TO_BATCH_ND", "REVERSE_V2",
     "MIRROR_PAD", "RESIZE_NEAREST_NEIGHBOR", "SHAPE", "CAST", "ARG_MAX", "ARG_MIN",
     "ZEROS_LIKE", "SELECT", "SELECT_V2", "WHERE", "EMBEDDING_LOOKUP", "DEQUANTIZE",
     "QUANTIZE", "IF", "WHILE", "CALL_ONCE", "READ_VARIABLE", "ASSIGN_VARIABLE", "VAR_HANDLE"}
)  # fmt: skip
# Order-preserving ops: raw integers are right only when all quantized operands share params.
SAME_PARAMS_OPS = frozenset(
    {"MAXIMUM", "MINIMUM", "REDUCE_MAX", "REDUCE_MIN", "TOPK_V2", "EQUAL", "NOT_EQUAL", "LESS",
     "LESS_EQUAL", "GREATER", "GREATER_EQUAL", "CONCATENATION", "PAD", "PADV2"}
)  # fmt: skip
_INTEGER_DTYPES = frozenset({"int8", "uint8", "int16"})


def _params(t: Any) -> tuple | None:
    q = t.quantization
    if q is None or q.scales.size == 0:
        return None
    return (tuple(q.scales.tolist()), tuple(q.zero_points.tolist()), q.quantized_dimension)


def _quantized_integers(node: Any) -> list[Any]:
    tensors = [t for t in (*node.inputs, *node.outputs) if t is not None]
    return [t for t in tensors if t.dtype.name in _INTEGER_DTYPES and _params(t) is not None]


def integer_refusal(node: Any, kernel: Any) -> str | None:
    """Why ``kernel`` (found for ``node``) would compute a quantized node wrongly, else None.

    Only dtype-free kernels are in question: a kernel registered for integer dtypes knows the
    quantization.
    """
    if kernel is None or kernel.dtypes is not None or node.op in RAW_SAFE_OPS:
        return None
    quantized = _quantized_integers(node)
    if not quantized:
        return None
    if node.op in SAME_PARAMS_OPS:
        if len({_params(t) for t in quantized}) == 1:
            return None
        return f"quantized {node.op} with differing scales or zero points has no integer kernel"
    dtypes = "/".join(sorted({t.dtype.name for t in quantized}))
    return f"no integer kernel for quantized {node.op} ({dtypes})"
