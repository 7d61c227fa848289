"""The op-support table of the documentation (``docs/reference/ops.md``), built from the
op registry and the kernel tables of the built-in delegates.

``python -m siglite.commands.ops_table docs/reference/ops.md`` rewrites the page; a test
regenerates it and fails when the committed page is stale. Only built-in plugins are loaded
so that the page does not depend on what else is installed.
"""

from __future__ import annotations

import inspect
import os
import sys
from pathlib import Path
from typing import Any

import numpy as np

from ..ir import Node, QuantParams, Tensor
from ..ops.registry import find_op
from .op_dtypes import input_dtypes

HEADER = """\
# Op support

Generated from siglite's op registry and the built-in delegates by
`python -m siglite.commands.ops_table docs/reference/ops.md`; do not edit by hand.

Each row is an op siglite knows: TFLite builtins by their schema name, TF Select ops by their
TensorFlow name (stored as `Flex<Name>` custom ops), and custom ops. Each delegate is asked
whether it takes a node of the op for every dtype the op's first input really has (numbers
for arithmetic; bools and strings too for ops that move or compare values; strings for the
string ops). A cell lists the dtypes the delegate takes, `all` when it takes every one; int8
and uint8 mean quantized tensors (integer kernels with TFLite's fixed-point arithmetic). An
empty cell means the delegate does not take the op and the node runs on the next delegate in
priority order (numpy last). A delegate still checks each real node (dtypes, shapes, memory)
when a model is loaded; `siglite inspect MODEL --delegates NAME` shows the actual placement.
"""


def _delegate(factory: Any) -> Any:
    try:
        return factory()
    except Exception:
        pass
    # A device delegate that cannot start here may accept numpy as a stand-in device module;
    # its claims do not depend on the device.
    try:
        if "device_module" in inspect.signature(factory).parameters:
            return factory(device_module=np)
    except Exception:
        pass
    return None


def _probe(op: str, dtype: str) -> Node:
    """A node of ``op`` whose first input has ``dtype`` (int8/uint8: quantized); the output
    dtype comes from the op's shape rule. ``"none"``: a node without inputs."""
    if dtype == "none":
        return Node(op, [], [Tensor("y", "resource", ())])
    quant = QuantParams(scales=[0.05], zero_points=[0]) if dtype in ("int8", "uint8") else None
    inputs = [Tensor(f"x{i}", dtype, (1, 8), quantization=quant) for i in range(3)]
    out_dtype = _output_dtype(op, inputs, dtype)
    y = Tensor("y", out_dtype, (1, 8), quantization=quant if out_dtype == dtype else None)
    return Node(op, inputs[:1], [y])


def _output_dtype(op: str, inputs: list[Tensor], dtype: str) -> str:
    schema = find_op(op)
    if schema is None or schema.infer is None:
        return dtype
    for arity in (1, 2, 3):  # the shape rule needs as many inputs as the op has
        try:
            return schema.infer(inputs[:arity], {})[0][0].name
        except Exception:
            continue
    return dtype


def _claims(delegate: Any, op: str, dtype: str) -> bool:
    try:
        return delegate.supports(_probe(op, dtype)) is True
    except Exception:
        return False


def _cell(delegate: Any, op: str) -> str:
    """The input dtypes of ``op`` the delegate takes: ``all`` when it takes every one."""
    if delegate is None:
        return "?"
    takes = input_dtypes(op)
    if not takes:  # no inputs: ask about the op alone
        return "all" if _claims(delegate, op, "none") else ""
    accepted = [dt for dt in takes if _claims(delegate, op, dt)]
    if not accepted:
        return ""
    return "all" if len(accepted) == len(takes) and len(takes) > 1 else ", ".join(accepted)


def support_matrix() -> tuple[list[str], list[list[str]]]:
    """``(delegate names, rows)`` where a row is ``[op, op set, cell per delegate]``."""
    from ..ops.registry import all_ops
    from ..plugins import registry

    reg = registry()
    delegates = sorted(reg.delegates, key=lambda n: (n == "numpy", n))
    objects = {name: _delegate(reg.delegates[name]) for name in delegates}
    ops = set(all_ops()) | {op for _, op in reg.op_kernels}
    for obj in objects.values():
        ops |= set(obj.kernels.ops()) if obj is not None else set()
    rows = []
    for op in sorted(ops, key=str.lower):
        schema = find_op(op)
        opset = schema.opset if schema is not None else "?"
        rows.append([op, opset] + [_cell(objects[d], op) for d in delegates])
    return delegates, rows


def render() -> str:
    """The whole Markdown page."""
    delegates, rows = support_matrix()
    head = ["op", "op set", *delegates]
    lines = [HEADER, "| " + " | ".join(head) + " |", "|" + " --- |" * len(head)]
    for row in rows:
        lines.append("| " + " | ".join(f"`{row[0]}`" if i == 0 else c for i, c in
                                          enumerate(row)) + " |")  # fmt: skip
    counts = ", ".join(f"{d}: {sum(1 for r in rows if r[2 + i])}" for i, d in enumerate(delegates))
    lines += ["", f"{len(rows)} ops; with a kernel: {counts}.", ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Write the page to the path given (stdout without one), built-in plugins only."""
    args = sys.argv[1:] if argv is None else argv
    os.environ["SIGLITE_LOAD_PLUGINS"] = ""
    from ..plugins import reset_plugins

    reset_plugins()
    text = render()
    if args:
        Path(args[0]).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
