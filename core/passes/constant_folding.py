"""Constant folding: evaluate nodes whose inputs are all constants with the reference kernels.

The kernels come from the delegate registered as ``numpy`` (through the plugin registry, so core
never imports a delegate). Nodes with side effects, subgraph calls, resource or variant tensors,
and kernels that need the runtime context are left alone.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from typing import Any

import numpy as np

from ..ir.graph import Model, Node, Subgraph, Tensor
from ..ops.registry import BUILTINS, SELECT, find_op
from .layout import SUBGRAPH_ATTRS

# Results larger than this stay computed at run time: folding must not bloat the model.
MAX_FOLDED_ELEMENTS = 1 << 20

_OPAQUE = ("resource", "variant")
_lock = threading.Lock()
_delegate: Any = None


def _reference_delegate() -> Any:
    global _delegate
    with _lock:
        if _delegate is None:
            from ..plugins import registry

            factory = registry().delegates.get("numpy")
            _delegate = factory() if factory is not None else False
    return _delegate or None


def _foldable(node: Node) -> bool:
    schema = find_op(node.op)
    if schema is None or schema.side_effects or schema.opset not in (BUILTINS, SELECT):
        return False
    if any(k in SUBGRAPH_ATTRS for k in node.attrs):
        return False
    tensors = [t for t in node.inputs if t is not None] + node.outputs
    if any(t.dtype.name in _OPAQUE for t in tensors):
        return False
    return all(t is None or t.is_constant for t in node.inputs)


def evaluate_node(node: Node) -> list[np.ndarray] | None:
    """The outputs of ``node`` computed from its constant inputs, or ``None`` if not possible."""
    delegate = _reference_delegate()
    if delegate is None:
        return None
    kernel = delegate.kernel_for(node)
    if kernel is None or kernel.context:
        return None
    args = [None if t is None else t.data for t in node.inputs]
    try:
        result = kernel.fn(*args, **kernel.bind_attrs(node.attrs))
    except Exception:  # a kernel that refuses these inputs: leave the node for run time
        return None
    results = list(result) if isinstance(result, tuple | list) else [result]
    if len(results) != len(node.outputs):
        return None
    out = []
    for t, value in zip(node.outputs, results, strict=True):
        arr = np.asarray(value)
        if t.dtype.name != "string":
            arr = arr.astype(t.dtype.numpy, copy=False)
        if arr.size > MAX_FOLDED_ELEMENTS:
            return None
        out.append(arr)
    return out


def _make_constant(t: Tensor, value: np.ndarray) -> None:
    # (np.ascontiguousarray would turn a 0-d result into shape (1,))
    t.data = value if value.dtype == object else np.require(value, requirements="C")
    t.shape = tuple(int(d) for d in value.shape)
    t.shape_signature = None


def fold_constants_subgraph(sg: Subgraph, protect: Iterable[Tensor] = ()) -> Subgraph:
    """Fold constant nodes of one subgraph in place; ``protect``: tensors that must stay computed.

    Subgraph outputs are never turned into constants (runtimes expect outputs to be written).
    """
    keep = {id(t) for t in protect} | {id(t) for t in sg.outputs}
    nodes = []
    for node in sg.nodes:
        if _foldable(node) and not any(id(t) in keep for t in node.outputs):
            values = evaluate_node(node)
            if values is not None:
                for t, v in zip(node.outputs, values, strict=True):
                    _make_constant(t, v)
                continue
        nodes.append(node)
    sg.nodes = nodes
    return sg


def fold_constants(model: Model) -> Model:
    """Fold constant nodes in every subgraph (signature tensors stay computed)."""
    for sg in model.subgraphs:
        protect = model.signature_tensors(sg)
        fold_constants_subgraph(sg, protect)
    return model
