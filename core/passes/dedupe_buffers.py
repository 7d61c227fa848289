"""Merge identical constant tensors of a subgraph (same dtype, shape, quantization and bytes).

The file writer already stores identical buffers once across the model; merging the tensors
as well keeps the graph small and lets later passes see that two inputs are the same value.
"""

from __future__ import annotations

import hashlib

import numpy as np

from ..ir.graph import Model, Subgraph, Tensor


def _key(t: Tensor) -> tuple | None:
    if not t.is_constant or t.quantization is not None or t.sparsity is not None:
        return None
    data = t.data
    if data.dtype == object:
        raw = b"\0".join(bytes(v) for v in data.reshape(-1)) + repr(data.shape).encode()
    else:
        raw = np.ascontiguousarray(data).tobytes()
    return (t.dtype.name, tuple(t.shape), t.shape_signature, hashlib.sha256(raw).digest())


def dedupe_constants_subgraph(sg: Subgraph) -> Subgraph:
    """Make every reader of a duplicate constant read the first copy; drop the duplicates."""
    first: dict[tuple, Tensor] = {}
    replace: dict[int, Tensor] = {}
    outputs = {id(t) for t in sg.outputs} | {id(t) for t in sg.inputs}
    for t in sg.tensors:
        key = _key(t)
        if key is None or id(t) in outputs:
            continue
        if key in first:
            replace[id(t)] = first[key]
        else:
            first[key] = t
    if not replace:
        return sg
    for n in sg.nodes:
        n.inputs = [replace.get(id(t), t) if t is not None else None for t in n.inputs]
    sg.tensors = [t for t in sg.tensors if id(t) not in replace]
    return sg


def dedupe_constants(model: Model) -> Model:
    """Merge identical constants in every subgraph of ``model``."""
    for sg in model.subgraphs:
        dedupe_constants_subgraph(sg)
    return model
