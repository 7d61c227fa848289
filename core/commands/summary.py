"""Facts about a :class:`~siglite.ir.Model` as plain data, shared by ``convert`` and ``inspect``.

Each function returns JSON-ready values; :func:`format_summary` turns them into text.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from ..ir import Model, Subgraph, Tensor
from .text import shape_str, size_str, table


def tensor_info(name: str, t: Tensor) -> dict[str, Any]:
    """Name, dtype, shape signature and quantization of a signature tensor."""
    info: dict[str, Any] = {"name": name, "dtype": t.dtype.name, "shape": list(t.signature_shape)}
    if t.quantization is not None:
        q = t.quantization
        info["quantization"] = {"scale": q.scale, "zero_point": q.zero_point}
    return info


def signatures(model: Model) -> list[dict[str, Any]]:
    """Each signature: key, subgraph index, inputs and outputs (sorted by name, as LiteRT)."""
    out = []
    for key, sig in model.signatures.items():
        out.append(
            {
                "key": key,
                "subgraph": model.subgraph_index(sig.subgraph),
                "inputs": [tensor_info(n, sig.inputs[n]) for n in sorted(sig.inputs)],
                "outputs": [tensor_info(n, sig.outputs[n]) for n in sorted(sig.outputs)],
            }
        )
    return out


def op_histogram(sg: Subgraph) -> dict[str, int]:
    """How often each op occurs in a subgraph, most frequent first (ties by name)."""
    return _most_frequent_first(Counter(node.op for node in sg.nodes))


def op_counts(model: Model) -> dict[str, int]:
    """Op occurrences over every subgraph."""
    return _most_frequent_first(Counter(node.op for sg in model.subgraphs for node in sg.nodes))


def _most_frequent_first(counts: Counter[str]) -> dict[str, int]:
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


def signature_rows(sigs: list[dict[str, Any]]) -> list[tuple[str, str, str, str, str]]:
    """Table rows ``(signature, in/out, name, dtype, shape)`` for :func:`table`."""
    rows = []
    for sig in sigs:
        for kind in ("inputs", "outputs"):
            for t in sig[kind]:
                rows.append((sig["key"], kind[:-1], t["name"], t["dtype"], shape_str(t["shape"])))
        if not sig["inputs"] and not sig["outputs"]:
            rows.append((sig["key"], "-", "-", "-", "-"))
    return rows


def format_summary(model: Model, size: int) -> str:
    """The text summary printed by ``siglite convert``."""
    sigs = signatures(model)
    lines = [f"size: {size_str(size)} ({size} bytes), {len(model.subgraphs)} subgraph(s)", ""]
    if sigs:
        lines.append(table(("signature", "io", "name", "dtype", "shape"), signature_rows(sigs)))
    else:
        lines.append("no signatures")
    counts = op_counts(model)
    lines.append("")
    lines.append(table(("op", "count"), counts.items()) if counts else "no ops")
    return "\n".join(lines)
