"""Conversion state for one exported program: FX values to siglite tensors, emitters, errors."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

import siglite.dtypes as sdt
from siglite.errors import UnsupportedOpError
from siglite.ir import Subgraph, Tensor
from siglite.ir.emitter import ArrayKey, GraphEmitter

# torch dtype names -> siglite dtypes (bfloat16 and quantized types are not supported).
TORCH_DTYPES = {
    "float32": sdt.float32, "float16": sdt.float16, "float64": sdt.float64, "int8": sdt.int8,
    "uint8": sdt.uint8, "int16": sdt.int16, "int32": sdt.int32, "int64": sdt.int64,
    "bool": sdt.bool_, "complex64": sdt.complex64,
}  # fmt: skip


# TFLite builtins have (almost) no float16 kernels: float16 values are computed in float32,
# and only signature inputs and outputs keep float16.
COMPUTE_DTYPES = {sdt.float16: sdt.float32}


def torch_dtype(dtype: Any, where: str, compute: bool = True) -> sdt.DType:
    """The siglite dtype of a ``torch.dtype``; ``where`` names the model part.

    ``compute``: the dtype the converted graph computes in (float32 for float16).
    """
    name = str(dtype).replace("torch.", "")
    if name not in TORCH_DTYPES:
        raise UnsupportedOpError(f"{where}: torch dtype {name} is not supported")
    result = TORCH_DTYPES[name]
    return COMPUTE_DTYPES.get(result, result) if compute else result


def dim_of(d: Any) -> int:
    """A dimension from a fake tensor's shape: the int, or -1 when symbolic."""
    if isinstance(d, int):
        return d
    known = getattr(getattr(d, "node", None), "maybe_as_int", lambda: None)()
    return -1 if known is None else int(known)


def _frames(trace: str) -> list[tuple[str, str]]:
    """``(File "...", line N, in f)`` headers with their code lines, outermost first."""
    lines = [ln.strip() for ln in trace.strip().splitlines() if ln.strip()]
    frames = []
    for i, text in enumerate(lines):
        if text.startswith("File "):
            nxt = lines[i + 1] if i + 1 < len(lines) else ""
            frames.append((text, "" if nxt.startswith("File ") else nxt))
    return frames


def _in_torch(header: str) -> bool:
    import os

    import torch

    root = os.path.dirname(torch.__file__)
    return header.startswith(f'File "{root}')


def source_line(node: Any) -> str:
    """The Python source position of an FX node: the innermost frame outside torch itself."""
    frames = _frames(node.meta.get("stack_trace") or "")
    if frames:
        user = [f for f in frames if not _in_torch(f[0])]
        header, code = (user or frames)[-1]
        return f"{header}: {code}" if code else header
    stack = node.meta.get("source_fn_stack") or node.meta.get("nn_module_stack") or []
    if isinstance(stack, dict):
        stack = list(stack.values())
    if stack:
        return f"in {stack[-1][0]}"
    return "source line unknown"


class SymVal:
    """A dynamic integer (a symbolic size) computed at run time as an int32 scalar tensor."""

    def __init__(self, tensor: Tensor) -> None:
        self.tensor = tensor

    def __repr__(self) -> str:
        return f"SymVal(%{self.tensor.name})"


class Context(GraphEmitter):
    """Builds one siglite subgraph while the FX nodes of an exported program are converted.

    ``consts`` is shared by every signature of one conversion: equal constants everywhere are
    one array object, which the writer stores once.
    """

    def __init__(self, subgraph: Subgraph, consts: dict[ArrayKey, np.ndarray]) -> None:
        super().__init__(subgraph, consts)
        self.values: dict[str, Any] = {}
        self.node: Any = None  # the FX node being converted (for errors and output types)
        # names of FX nodes (batch norms) already folded into the op before them
        self.fused: set[str] = set()

    def error(self, what: str, node: Any = None) -> UnsupportedOpError:
        """An UnsupportedOpError naming the ATen op, ``what`` and the Python source line."""
        node = node if node is not None else self.node
        if node is None:
            return UnsupportedOpError(what)
        return UnsupportedOpError(f"aten op {node.target} ({what}) at {source_line(node)}")

    # -- constants -----------------------------------------------------------------------------
    def const_array(self, value: Any, dtype: np.dtype | None, name: str) -> np.ndarray:
        """``value`` (numpy array, torch tensor, number) as an array; float16 becomes float32."""
        if hasattr(value, "detach"):
            value = value.detach().cpu().contiguous().numpy()
        arr = np.asarray(value, dtype)
        if arr.dtype == np.float16:
            arr = arr.astype(np.float32)
        if arr.dtype.kind in "USO":
            raise self.error("string constants are not supported")
        return arr

    def const_dtype(self, dtype: sdt.DType) -> sdt.DType:
        """Constants are computed in float32 where the graph computes float16 in float32."""
        return COMPUTE_DTYPES.get(dtype, dtype)

    # -- the current FX node's result type -----------------------------------------------------
    def meta_val(self, node: Any = None, index: int | None = None) -> Any:
        val = (node if node is not None else self.node).meta.get("val")
        if index is not None and isinstance(val, (tuple, list)):
            val = val[index]
        return val

    def out_type(self, node: Any = None, index: int | None = None) -> tuple[sdt.DType, tuple]:
        """``(dtype, shape signature)`` of the FX node's (``index``-th) tensor result."""
        val = self.meta_val(node, index)
        if val is None or not hasattr(val, "shape"):
            raise self.error("the exported node has no tensor type", node)
        dtype = torch_dtype(val.dtype, f"result of {node or self.node}")
        return dtype, tuple(dim_of(d) for d in val.shape)

    def emit(self, op: str, inputs: Sequence[Tensor | None], **attrs: Any) -> Tensor:
        """Append ``op`` whose output is the current FX node's result (type from export)."""
        return self.op(op, inputs, self.out_type(), self.node.name, **attrs)
