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

# Probe nodes: a float32 node first, then the integer kinds integer-only delegates take.
PROBE_DTYPES = ("float32", "int8", "int32")

HEADER = """\
# Op support

Generated from siglite's op registry and the kernel tables of the built-in delegates by
`python -m siglite.commands.ops_table docs/reference/ops.md`; do not edit by hand.

Each row is an op siglite knows: TFLite builtins by their schema name, TF Select ops by their
TensorFlow name (stored as `Flex<Name>` custom ops), and custom ops. A delegate column says which
input dtypes its kernel covers: `all` when the kernel takes any dtype, otherwise the list of
dtypes. A delegate that refuses float32 nodes of an op (an integer-only accelerator) shows the
probe dtypes it accepts instead (int8 means quantized int8). An empty cell means the delegate
does not take the op and the node runs on the next delegate in priority order (numpy last).
A delegate still checks each real node (dtypes, shapes, memory) when a model is loaded;
`siglite inspect MODEL --delegates NAME` shows the actual placement.
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
    quant = QuantParams(scales=[0.05], zero_points=[0]) if dtype == "int8" else None
    x = Tensor("x", dtype, (1, 8), quantization=quant)
    out_dtype = dtype
    schema = find_op(op)
    try:  # the op's own shape rule gives the output dtype (AsString: a string output)
        out_dtype = schema.infer([x], {})[0][0].name if schema and schema.infer else dtype
    except Exception:
        pass
    y = Tensor("y", out_dtype, (1, 8), quantization=quant if out_dtype == dtype else None)
    return Node(op, [x], [y])


def _cell(delegate: Any, op: str) -> str:
    """Kernel coverage (``all`` or dtypes), when the delegate claims a probe node of the op."""
    if delegate is None:
        return "?"
    accepted = []
    for dtype in PROBE_DTYPES:
        try:
            ok = delegate.supports(_probe(op, dtype)) is True
        except Exception:
            ok = False
        if ok:
            accepted.append(dtype)
    if not accepted:
        return ""
    kernel_dtypes = delegate.kernels.dtypes_of(op) if delegate.kernels.ops() else set()
    if accepted[0] == PROBE_DTYPES[0]:
        if not kernel_dtypes or None in kernel_dtypes:
            return "all"
        return ", ".join(sorted(str(d) for d in kernel_dtypes))
    return ", ".join(accepted)


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
