"""Readable text for subgraphs and models, one line per node."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from .graph import Model, Node, Subgraph, Tensor

_SHORT = {
    "float32": "f32", "float16": "f16", "float64": "f64", "bfloat16": "bf16", "int8": "i8",
    "int16": "i16", "int32": "i32", "int64": "i64", "uint8": "u8", "uint16": "u16",
    "uint32": "u32", "uint64": "u64", "bool": "bool", "string": "str", "resource": "res",
    "variant": "var", "int4": "i4", "complex64": "c64", "complex128": "c128",
}  # fmt: skip


_ENUM = re.compile(r"[A-Z][A-Z0-9_]*")


def short_dtype(dtype: Any) -> str:
    return _SHORT.get(dtype.name, dtype.name)


def type_str(t: Tensor) -> str:
    """``f32[-1,16]``-style type of a tensor."""
    dims = ",".join(str(d) for d in t.signature_shape)
    q = "q" if t.quantization is not None else ""
    return f"{q}{short_dtype(t.dtype)}[{dims}]"


def _attr(value: Any) -> str:
    if isinstance(value, str):
        # Enum values (SAME, RELU) read best bare; other text is quoted so that an empty or
        # spaced string stays visible.
        return value if _ENUM.fullmatch(value) else repr(value)
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, bytes):
        return f"<{len(value)} bytes>"
    if isinstance(value, np.ndarray):
        return f"array{list(value.shape)}"
    return repr(value)


def _operand(t: Tensor | None) -> str:
    return "_" if t is None else f"%{t.name}"


def format_node(node: Node) -> str:
    outs = ", ".join(f"%{t.name}" for t in node.outputs) or "()"
    types = ", ".join(type_str(t) for t in node.outputs)
    args = ", ".join(_operand(t) for t in node.inputs)
    line = f"{outs} : {types} = {node.op}({args})" if types else f"{outs} = {node.op}({args})"
    if node.attrs:
        line += " {" + ", ".join(f"{k}={_attr(v)}" for k, v in node.attrs.items()) + "}"
    return line


def format_subgraph(sg: Subgraph) -> str:
    ins = ", ".join(f"%{t.name} : {type_str(t)}" for t in sg.inputs)
    lines = [f"subgraph {sg.name or '<unnamed>'}({ins}):"]
    used = {id(t) for n in sg.nodes for t in n.inputs if t is not None}
    for t in sg.tensors:
        if t.data is not None and id(t) in used:
            kind = "variable" if t.is_variable else "constant"
            lines.append(f"    %{t.name} : {type_str(t)} = {kind}")
    lines += [f"    {format_node(n)}" for n in sg.nodes]
    lines.append("    return " + ", ".join(f"%{t.name}" for t in sg.outputs))
    return "\n".join(lines)


def format_model(model: Model) -> str:
    parts = []
    for key, sig in model.signatures.items():
        ins = ", ".join(f"{k}=%{t.name}" for k, t in sig.inputs.items())
        outs = ", ".join(f"{k}=%{t.name}" for k, t in sig.outputs.items())
        idx = model.subgraph_index(sig.subgraph)
        parts.append(f"signature {key!r} -> subgraph {idx}: ({ins}) -> ({outs})")
    parts += [format_subgraph(sg) for sg in model.subgraphs]
    return "\n".join(parts)
