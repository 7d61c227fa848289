"""``siglite inspect MODEL``: signatures, tensors, ops, constants, metadata and placement."""

from __future__ import annotations

import argparse
import json
import os
from typing import Any

from ..ir import Model, Subgraph
from .summary import op_histogram, signature_rows, signatures
from .text import shape_str, size_str, table

HELP = "describe a .tflite model: signatures, tensors, ops, buffers, metadata"

DESCRIPTION = """\
Read MODEL with siglite's reader (no interpreter is built unless --delegates is given) and
describe it: the signatures with their inputs and outputs, every subgraph's op histogram and
tensors, the constant buffers and the metadata entries. --delegates builds an interpreter with
those delegates (in priority order; numpy always last) and shows which delegate runs each node.
--json prints the same facts as one JSON object.
"""


def add_parser(sub: argparse._SubParsersAction, parents: list) -> None:
    p = sub.add_parser(
        "inspect",
        help=HELP,
        description=DESCRIPTION,
        parents=parents,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("model", metavar="MODEL", help="a .tflite file")
    p.add_argument("--delegates", metavar="A,B", help="show the node placement on these delegates")
    p.add_argument("--json", action="store_true", help="print one JSON object instead of text")
    p.set_defaults(func=run)


def _tensor_rows(sg: Subgraph) -> list[dict[str, Any]]:
    ins, outs = {id(t) for t in sg.inputs}, {id(t) for t in sg.outputs}
    rows = []
    for i, t in enumerate(sg.tensors):
        kind = "input" if id(t) in ins else "output" if id(t) in outs else ""
        if t.is_variable:
            kind = "variable"
        elif t.data is not None:
            kind = "constant"
        row = {"index": i, "name": t.name, "dtype": t.dtype.name, "shape": list(t.signature_shape),
               "kind": kind, "bytes": int(t.data.nbytes) if t.data is not None else 0}  # fmt: skip
        if t.quantization is not None:
            row["quantization"] = repr(t.quantization)
        rows.append(row)
    return rows


def _buffers(model: Model) -> dict[str, Any]:
    constants = [t.data for sg in model.subgraphs for t in sg.tensors if t.data is not None]
    # Identical constants share one buffer in the file; count the distinct memory they view.
    distinct = {(a.__array_interface__["data"][0], a.nbytes) for a in constants}
    return {"constant_tensors": len(constants), "distinct": len(distinct),
            "bytes": int(sum(n for _, n in distinct))}  # fmt: skip


def _metadata(model: Model) -> list[dict[str, Any]]:
    out = []
    for name, value in model.metadata.items():
        data = bytes(value)
        text = data.rstrip(b"\0").decode("utf-8", "replace") if data else ""
        printable = text.isprintable() and len(text) <= 60
        out.append({"name": name, "bytes": len(data), "value": text if printable else None})
    return out


def _partitions(parts: Any) -> list[dict[str, Any]]:
    return [{"delegate": d or "<none>", "nodes": list(ids)} for d, ids in parts]


def _signature_placement(interpreter: Any, key: str) -> dict[str, Any]:
    p = interpreter.get_placement(key)
    copies = [
        {"tensor": c.tensor, "direction": c.direction, "delegate": c.delegate} for c in p.copies
    ]
    return {"signature": key, "subgraph": p.subgraph_index,
            "partitions": _partitions(p.partitions), "copies": copies,
            "reasons": {str(i): p.why(i) for i in p.reasons}, "counts": p.counts()}  # fmt: skip


def placement_data(model_path: str, delegates: list[str]) -> dict[str, Any]:
    """Which delegate runs each node, per signature (per subgraph for a model without
    signatures), for an interpreter with ``delegates``."""
    from ..runtime import Interpreter

    interpreter = Interpreter(model_path=model_path, delegates=delegates)
    names = [d.name for d in interpreter.delegates]
    if interpreter.model.signatures:
        entries = [_signature_placement(interpreter, k) for k in interpreter.model.signatures]
    else:
        placement = interpreter.placement()
        entries = [
            {"signature": None, "subgraph": i, "partitions": _partitions(placement.partitions(i)),
             "copies": [], "reasons": {}, "counts": {}}
            for i in range(len(interpreter.model.subgraphs))
        ]  # fmt: skip
    counts: dict[str, int] = {}
    for entry in entries:
        for part in entry["partitions"]:
            counts[part["delegate"]] = counts.get(part["delegate"], 0) + len(part["nodes"])
    return {"delegates": names, "entries": entries, "counts": counts}


def describe(model: Model, path: str, delegates: list[str]) -> dict[str, Any]:
    """Everything ``inspect`` shows, as JSON-ready data."""
    info: dict[str, Any] = {
        "path": path, "size": os.path.getsize(path), "version": model.version,
        "description": model.description, "signatures": signatures(model),
        "subgraphs": [
            {"index": i, "name": sg.name, "nodes": len(sg.nodes), "ops": op_histogram(sg),
             "tensors": _tensor_rows(sg)}
            for i, sg in enumerate(model.subgraphs)
        ],
        "buffers": _buffers(model), "metadata": _metadata(model),
    }  # fmt: skip
    if delegates:
        info["placement"] = placement_data(path, delegates)
    return info


def _subgraph_text(sg: dict[str, Any]) -> list[str]:
    lines = [f"subgraph {sg['index']} {sg['name']!r}: {sg['nodes']} nodes, "
             f"{len(sg['tensors'])} tensors"]  # fmt: skip
    if sg["ops"]:
        lines.append(table(("op", "count"), sg["ops"].items(), indent="  "))
    rows = [
        (t["index"], t["name"], t["dtype"], shape_str(t["shape"]), t["kind"],
         size_str(t["bytes"]) if t["bytes"] else "", t.get("quantization", ""))
        for t in sg["tensors"]
    ]  # fmt: skip
    header = ("#", "tensor", "dtype", "shape", "kind", "data", "quantization")
    lines.append(table(header, rows, indent="  "))
    return lines


def render(info: dict[str, Any]) -> str:
    """The text form of :func:`describe`."""
    lines = [f"model: {info['path']} ({size_str(info['size'])}), schema version "
             f"{info['version']}"]  # fmt: skip
    if info["description"]:
        lines.append(f"description: {info['description']}")
    lines += ["", "signatures:"]
    rows = signature_rows(info["signatures"])
    lines.append(table(("key", "io", "name", "dtype", "shape"), rows, "  ") if rows else "  none")
    for sg in info["subgraphs"]:
        lines += [""] + _subgraph_text(sg)
    b = info["buffers"]
    lines += ["", f"buffers: {b['constant_tensors']} constant tensors in {b['distinct']} "
              f"buffers, {size_str(b['bytes'])}"]  # fmt: skip
    meta = [(m["name"], m["bytes"], m["value"] or "") for m in info["metadata"]]
    lines += ["", "metadata:", table(("name", "bytes", "value"), meta, "  ") if meta else "  none"]
    if "placement" in info:
        p = info["placement"]
        lines += ["", f"placement on {', '.join(p['delegates'])}:"]
        for entry in p["entries"]:
            lines += _placement_text(entry)
        lines.append(
            "  nodes per delegate: " + ", ".join(f"{k} {v}" for k, v in p["counts"].items())
        )
    return "\n".join(lines)


def _placement_text(entry: dict[str, Any]) -> list[str]:
    label = f"signature {entry['signature']!r} " if entry["signature"] is not None else ""
    parts = [f"{r['delegate']}[{_span(r['nodes'])}]" for r in entry["partitions"]]
    lines = [f"  {label}subgraph {entry['subgraph']}: " + (", ".join(parts) or "no nodes")]
    for c in entry["copies"]:
        lines.append(f"    copy %{c['tensor']} {c['direction']} ({c['delegate']})")
    for node, why in entry["reasons"].items():
        lines.append(f"    node {node} not delegated: {why}")
    return lines


def _span(nodes: list[int]) -> str:
    if len(nodes) > 1 and nodes == list(range(nodes[0], nodes[-1] + 1)):
        return f"{nodes[0]}..{nodes[-1]}"
    return ",".join(map(str, nodes))


def run(args: argparse.Namespace) -> int:
    """Read the model and print the description."""
    from .run import delegate_list

    info = describe(_load(args.model), args.model, delegate_list(args.delegates))
    print(json.dumps(info, indent=2) if args.json else render(info))
    return 0


def _load(path: str) -> Model:
    """The model in the .tflite file ``path``; other paths get a message saying what to give."""
    from ..errors import InvalidModelError
    from ..format import read_model
    from .run import check_model_file

    if os.path.isfile(path) and path.lower().endswith(".onnx"):
        raise InvalidModelError(
            f"{path!r} is an ONNX model; inspect reads .tflite files (convert it first: "
            f"siglite convert {path} -o model.tflite)"
        )
    if not os.path.isfile(check_model_file(path)):
        raise InvalidModelError(f"no such model file: {path!r}")
    return read_model(path)
