"""Fuse a following activation into the op that produced its input (``fused_activation``).

``ADD -> RELU`` becomes ``ADD {fused_activation=RELU}`` when the ADD result has no other
reader and is not a subgraph or signature tensor. Only the activations every TFLite kernel
clamps to (RELU, RELU6, RELU_N1_TO_1) are fused by default; TANH fusion is opt-in because
several LiteRT kernels ignore a fused TANH.
"""

from __future__ import annotations

from ..ir.graph import Model, Node, Subgraph

# CONCATENATION has a fused_activation field too, but LiteRT's kernel refuses any value but NONE.
FUSABLE_OPS = frozenset(
    {
        "ADD", "SUB", "MUL", "DIV", "FULLY_CONNECTED", "CONV_2D", "DEPTHWISE_CONV_2D",
        "AVERAGE_POOL_2D", "MAX_POOL_2D", "L2_POOL_2D", "TRANSPOSE_CONV",
    }
)  # fmt: skip
ACTIVATIONS = frozenset({"RELU", "RELU6", "RELU_N1_TO_1"})


def _float(node: Node) -> bool:
    return all(t.quantization is None and t.dtype.is_floating for t in node.outputs)


def fuse_activations_subgraph(
    sg: Subgraph, protect: frozenset[int] = frozenset(), activations=ACTIVATIONS
) -> Subgraph:
    """Fuse activations in one subgraph, in place. ``protect``: ids of tensors to keep."""
    producers = sg.producers()
    consumers = sg.consumers()
    keep = protect | {id(t) for t in sg.outputs}
    removed: set[int] = set()
    for act in sg.nodes:
        if act.op not in activations or not act.inputs or act.inputs[0] is None:
            continue
        x = act.inputs[0]
        prod = producers.get(id(x))
        if prod is None or prod.op not in FUSABLE_OPS or id(prod) in removed:
            continue
        if prod.attrs.get("fused_activation", "NONE") != "NONE" or len(prod.outputs) != 1:
            continue
        if len(consumers.get(id(x), [])) != 1 or id(x) in keep or not _float(prod):
            continue
        prod.attrs["fused_activation"] = act.op
        prod.outputs = [act.outputs[0]]
        producers[id(act.outputs[0])] = prod
        removed.add(id(act))
    sg.nodes = [n for n in sg.nodes if id(n) not in removed]
    used = {id(t) for n in sg.nodes for t in (*n.inputs, *n.outputs) if t is not None}
    used |= {id(t) for t in (*sg.inputs, *sg.outputs)} | keep
    sg.tensors = [t for t in sg.tensors if id(t) in used or t.data is not None or t.is_variable]
    return sg


def fuse_activations(model: Model) -> Model:
    """Fuse activations in every subgraph of ``model``."""
    for sg in model.subgraphs:
        protect = frozenset(id(t) for t in model.signature_tensors(sg))
        fuse_activations_subgraph(sg, protect)
    return model
