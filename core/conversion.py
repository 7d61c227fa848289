"""The conversion pipeline shared by every frontend: passes, then op-set checks."""

from __future__ import annotations

from typing import Any

from .errors import ConverterError
from .ir import Model, check
from .ops.registry import CUSTOM, SELECT, find_op
from .passes import (
    dedupe_constants,
    eliminate_dead_code,
    fold_constants,
    fuse_activations,
    matmul_to_fully_connected,
    order_signatures,
)


def _op_locations(model: Model, wanted: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for i, sg in enumerate(model.subgraphs):
        keys = [k for k, s in model.signatures.items() if s.subgraph is sg]
        label = f"signature {', '.join(map(repr, keys))}, " if keys else ""
        for j, node in enumerate(sg.nodes):
            schema = find_op(node.op)
            opset = schema.opset if schema is not None else CUSTOM
            if opset == wanted:
                outs = ", ".join(f"%{t.name}" for t in node.outputs)
                where = f"{label}subgraph {i} ({sg.name or 'unnamed'}) node {j} -> {outs}"
                found.setdefault(node.op, []).append(where)
    return found


def check_op_sets(model: Model, converter: Any) -> None:
    """Raise ConverterError listing Select / custom ops the target spec does not allow."""
    from .converter import OpsSet

    problems = []
    if OpsSet.SELECT_TF_OPS not in converter.target_spec.supported_ops:
        for op, where in _op_locations(model, SELECT).items():
            problems.append(f"  TF Select op {op} (used at {'; '.join(where)})")
    if not converter.allow_custom_ops:
        for op, where in _op_locations(model, CUSTOM).items():
            problems.append(f"  custom op {op} (used at {'; '.join(where)})")
    if problems:
        raise ConverterError(
            "some ops are not in the chosen op sets; add OpsSet.SELECT_TF_OPS to "
            "target_spec.supported_ops for TF Select ops, or set allow_custom_ops=True:\n"
            + "\n".join(problems)
        )


# Passes run in this order. Frontend-specific rewrites (such as the ONNX and torch frontends'
# transpose optimisation) run inside those frontends, before this pipeline.
PASSES: list[Any] = [
    eliminate_dead_code,
    fold_constants,
    matmul_to_fully_connected,
    fuse_activations,
    dedupe_constants,
    eliminate_dead_code,
    order_signatures,
]


def finalize(model: Model, converter: Any) -> Model:
    """Run the registered passes, lint, and check op sets."""
    for p in PASSES:
        model = p(model)
    check(model)
    check_op_sets(model, converter)
    return model
