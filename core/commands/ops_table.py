"""The op-support table of the documentation (``docs/reference/ops.md``), built from the
op registry and the kernel tables of the built-in delegates.

``python -m siglite.commands.ops_table docs/reference/ops.md`` rewrites the page; a test
regenerates it and fails when the committed page is stale. Only built-in plugins are loaded
so that the page does not depend on what else is installed.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

HEADER = """\
# Op support

Generated from siglite's op registry and the kernel tables of the built-in delegates by
`python -m siglite.commands.ops_table docs/reference/ops.md`; do not edit by hand.

Each row is an op siglite knows: TFLite builtins by their schema name, TF Select ops by their
TensorFlow name (stored as `Flex<Name>` custom ops), and custom ops. A delegate column says which
input dtypes its kernel covers: `all` when the kernel takes any dtype, otherwise the list of
dtypes. An empty cell means the delegate has no kernel and the node runs on the next delegate
in priority order (numpy last).
"""


def _kernel_table(factory: Any) -> Any:
    try:
        return factory().kernels
    except Exception:
        # A delegate that cannot start here (no device) may still expose its table.
        return getattr(factory, "kernels", None)


def _cell(table: Any, extra: set[tuple[str, str]], name: str, op: str) -> str:
    if (name, op) in extra:
        return "all"
    if table is None or not table.has(op) and not table.dtypes_of(op):
        return ""
    dtypes = table.dtypes_of(op)
    if None in dtypes:
        return "all"
    return ", ".join(sorted(str(d) for d in dtypes))


def support_matrix() -> tuple[list[str], list[list[str]]]:
    """``(delegate names, rows)`` where a row is ``[op, op set, cell per delegate]``."""
    from ..ops.registry import all_ops, find_op
    from ..plugins import registry

    reg = registry()
    delegates = sorted(reg.delegates, key=lambda n: (n == "numpy", n))
    tables = {name: _kernel_table(reg.delegates[name]) for name in delegates}
    extra = set(reg.op_kernels)
    ops = set(all_ops())
    for table in tables.values():
        ops |= set(table.ops()) if table is not None else set()
    ops |= {op for _, op in extra}
    rows = []
    for op in sorted(ops, key=str.lower):
        schema = find_op(op)
        opset = schema.opset if schema is not None else "?"
        rows.append([op, opset] + [_cell(tables[d], extra, d, op) for d in delegates])
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
