"""Tensor- and op-details dicts laid out exactly like LiteRT's Python API."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..ir import Node, Subgraph, Tensor
from ..ops import find_op


def details_dtype(t: Tensor) -> type:
    """The dtype LiteRT reports: ``np.bytes_`` for strings, ``np.object_`` for handles."""
    if t.dtype.name == "string":
        return np.bytes_
    if t.dtype._numpy is None:
        return np.object_
    return t.dtype.numpy.type


def quantization(t: Tensor) -> tuple[tuple[float, int], dict[str, Any]]:
    """The legacy ``(scale, zero_point)`` pair and the ``quantization_parameters`` dict."""
    q = t.quantization
    if q is None:
        scales = np.zeros(0, np.float32)
        zps = np.zeros(0, np.int32)
        axis = 0
    else:
        scales = np.asarray(q.scales, np.float32).reshape(-1)
        zps = np.asarray(q.zero_points).astype(np.int32).reshape(-1)
        axis = int(q.quantized_dimension)
    # Like TFLite, only per-tensor parameters fill the legacy pair.
    pair = (float(scales[0]), int(zps[0])) if scales.size == 1 and zps.size == 1 else (0.0, 0)
    params = {
        "scales": scales,
        "zero_points": zps,
        "quantized_dimension": axis,
        "block_size": 0,
    }
    return pair, params


def tensor_details(t: Tensor, index: int, shape: tuple[int, ...] | None = None) -> dict[str, Any]:
    """One tensor's details dict; ``shape`` is its current shape (the model's by default)."""
    current = t.shape if shape is None else shape
    sig = t.signature_shape
    if shape is not None and t.shape_signature is None and tuple(shape) != t.shape:
        sig = tuple(shape)  # a static tensor whose shape followed a resized input
    pair, params = quantization(t)
    return {
        "name": t.name,
        "index": int(index),
        "shape": np.array(current, dtype=np.int32),
        "shape_signature": np.array(sig, dtype=np.int32),
        "dtype": details_dtype(t),
        "quantization": pair,
        "quantization_parameters": params,
        "sparsity_parameters": {},
    }


def op_name(node: Node) -> str:
    """The name LiteRT shows for a node: the builtin name, or the custom code."""
    schema = find_op(node.op)
    if schema is not None and schema.custom_code is not None:
        return schema.custom_code
    return node.op


def ops_details(subgraph: Subgraph) -> list[dict[str, Any]]:
    """``_get_ops_details()`` entries for every node of ``subgraph``."""
    slot = {id(t): i for i, t in enumerate(subgraph.tensors)}
    out = []
    for i, node in enumerate(subgraph.nodes):
        ins = [-1 if t is None else slot[id(t)] for t in node.inputs]
        outs = [slot[id(t)] for t in node.outputs]
        out.append(
            {
                "index": i,
                "op_name": op_name(node),
                "inputs": np.array(ins, dtype=np.int32),
                "outputs": np.array(outs, dtype=np.int32),
                "operand_types": [details_dtype(t) for t in node.inputs if t is not None],
                "result_types": [details_dtype(t) for t in node.outputs],
            }
        )
    return out
