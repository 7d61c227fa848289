"""Constant folding at conversion time: ONNX nodes whose inputs are all constants.

The value is computed with ``onnx.reference`` (ONNX's own reference implementation), so a folded
node is exactly what the ONNX specification says; shape arithmetic (``Shape -> Gather -> Concat
-> Reshape``) and weight preprocessing disappear from the converted model.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from siglite.ir import Tensor

from .context import ONNX_DTYPES, GraphContext, NodeView

# Ops whose value is not a function of their inputs, or that need graph context.
NOT_FOLDABLE = frozenset(
    {
        "RandomNormal", "RandomNormalLike", "RandomUniform", "RandomUniformLike", "Multinomial",
        "Bernoulli", "If", "Loop", "Scan", "SequenceMap", "ImageDecoder",
    }
)  # fmt: skip

# Folding creates a constant of this many elements at most (bigger results stay as ops).
MAX_FOLDED_ELEMENTS = 1 << 24

_NUMPY_OK = {np.dtype(d.numpy) for d in ONNX_DTYPES.values() if d.name != "string"}


def _foldable(node: NodeView) -> bool:
    if node.op_type in NOT_FOLDABLE or node.proto.domain not in ("", "ai.onnx"):
        return False
    if any(a.type in (5, 10) for a in node.proto.attribute):  # GRAPH / GRAPHS attributes
        return False
    return all(node.const(i) is not None for i in range(len(node.input_names)) if node.has_input(i))


def _estimate_ok(node: NodeView) -> bool:
    for i in range(len(node.output_names)):
        shape = node.out_sig(i) if node.output_names[i] in node.ctx.value_info else None
        if shape is not None and all(d >= 0 for d in shape):
            if int(np.prod(shape, dtype=np.int64)) > MAX_FOLDED_ELEMENTS:
                return False
    return True


def try_fold(ctx: GraphContext, node: NodeView) -> list[Tensor | None] | None:
    """The node's outputs as constants, or ``None`` when it cannot or should not be folded."""
    if not _foldable(node) or not _estimate_ok(node):
        return None
    from onnx.reference import ReferenceEvaluator

    feeds: dict[str, Any] = {}
    for i, name in enumerate(node.input_names):
        if name:
            feeds[name] = node.const(i)
    try:
        evaluator = ReferenceEvaluator(node.proto, opsets={"": ctx.opset})
        results = evaluator.run(None, feeds)
    except Exception:  # the handler converts it (or says precisely what is unsupported)
        return None
    outs: list[Tensor | None] = []
    for name, value in zip(node.output_names, results, strict=False):
        if not name:
            outs.append(None)
            continue
        arr = np.asarray(value)
        if arr.dtype not in _NUMPY_OK or arr.size > MAX_FOLDED_ELEMENTS:
            return None
        outs.append(ctx.const(arr, name))
    return outs
