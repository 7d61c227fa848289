"""``BATCH_MATMUL(x, W)`` with a constant 2-D ``W`` becomes ``FULLY_CONNECTED`` (as TF's
converter emits for dense layers), and a following ``ADD`` of a constant bias moves into the
FULLY_CONNECTED bias input, so that activations can then be fused into it."""

from __future__ import annotations

import numpy as np

from ..ir.graph import Model, Node, Subgraph, Tensor


def _fc_candidate(node: Node) -> bool:
    if node.op != "BATCH_MATMUL" or len(node.inputs) != 2 or node.attrs.get("adj_x"):
        return False
    x, w = node.inputs
    out = node.outputs[0]
    plain = all(t is not None and t.quantization is None for t in (x, w, out))
    return plain and w.is_constant and w.rank == 2 and x.rank >= 2 and out.dtype.name == "float32"


def _to_fc(sg: Subgraph, node: Node) -> Node:
    x, w = node.inputs
    weights = w.data if node.attrs.get("adj_y") else np.ascontiguousarray(w.data.T)
    wt = Tensor(f"{w.name}_fc", w.dtype, weights.shape, data=weights)
    sg.tensors.append(wt)
    attrs = {"fused_activation": "NONE", "keep_num_dims": True}
    return Node("FULLY_CONNECTED", [x, wt, None], node.outputs, attrs)


def _absorb_bias(sg: Subgraph, fc: Node, consumers: dict, protect: set[int]) -> Node | None:
    out = fc.outputs[0]
    users = consumers.get(id(out), [])
    if len(users) != 1 or id(out) in protect or users[0].op != "ADD":
        return None
    add = users[0]
    if add.attrs.get("fused_activation", "NONE") != "NONE":
        return None
    other = add.inputs[1] if add.inputs[0] is out else add.inputs[0]
    units = fc.inputs[1].shape[0]
    if other is None or not other.is_constant or other.data.size != units:
        return None
    if other.shape[-1:] != (units,) or out.shape[-1:] != (units,):
        return None
    bias = np.ascontiguousarray(other.data.reshape(units).astype(np.float32))
    bt = Tensor(f"{other.name}_bias", other.dtype, bias.shape, data=bias)
    sg.tensors.append(bt)
    fc.inputs[2] = bt
    fc.outputs = add.outputs
    return add


def matmul_to_fully_connected_subgraph(sg: Subgraph, protect: set[int] = frozenset()) -> Subgraph:
    """Rewrite one subgraph in place."""
    keep = set(protect) | {id(t) for t in sg.outputs}
    nodes = [_to_fc(sg, n) if _fc_candidate(n) else n for n in sg.nodes]
    sg.nodes = nodes
    consumers = sg.consumers()
    dropped: set[int] = set()
    for n in nodes:
        if n.op == "FULLY_CONNECTED" and n.inputs[2] is None and n.attrs.get("keep_num_dims"):
            add = _absorb_bias(sg, n, consumers, keep)
            if add is not None:
                dropped.add(id(add))
    sg.nodes = [n for n in nodes if id(n) not in dropped]
    return sg


def matmul_to_fully_connected(model: Model) -> Model:
    """Rewrite every subgraph of ``model`` (signature tensors are kept)."""
    for sg in model.subgraphs:
        protect = {id(t) for t in model.signature_tensors(sg)}
        matmul_to_fully_connected_subgraph(sg, protect)
    return model
