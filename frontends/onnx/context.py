"""Conversion state for one ONNX graph: value names to siglite tensors, node views, emitters."""

from __future__ import annotations

from typing import Any

import numpy as np

import siglite.dtypes as sdt
from siglite.errors import UnsupportedOpError
from siglite.ir import Subgraph, Tensor
from siglite.ir.emitter import GraphEmitter

# ONNX TensorProto.DataType numbers -> siglite dtypes (types numpy cannot hold are left out).
ONNX_DTYPES: dict[int, sdt.DType] = {
    1: sdt.float32, 2: sdt.uint8, 3: sdt.int8, 4: sdt.uint16, 5: sdt.int16, 6: sdt.int32,
    7: sdt.int64, 8: sdt.string, 9: sdt.bool_, 10: sdt.float16, 11: sdt.float64,
    12: sdt.uint32, 13: sdt.uint64, 14: sdt.complex64, 15: sdt.complex128,
}  # fmt: skip

FLOATS = frozenset({"float16", "float32", "float64"})
INTS = frozenset({"int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64"})
NUMERIC = FLOATS | INTS


def onnx_dtype(code: int, where: str) -> sdt.DType:
    """The siglite dtype of ONNX element type ``code``; ``where`` names the model part."""
    if code not in ONNX_DTYPES:
        import onnx

        name = onnx.TensorProto.DataType.Name(code) if code else "UNDEFINED"
        raise UnsupportedOpError(f"{where}: ONNX element type {name} is not supported")
    return ONNX_DTYPES[code]


class NodeView:
    """One ONNX node seen by a handler: inputs, attributes (tracked), inferred output types."""

    def __init__(self, proto: Any, ctx: GraphContext) -> None:
        import onnx

        self.proto = proto
        self.ctx = ctx
        self.op_type: str = proto.op_type
        self.name: str = proto.name or (proto.output[0] if proto.output else proto.op_type)
        self.input_names: list[str] = list(proto.input)
        self.output_names: list[str] = list(proto.output)
        self.attrs: dict[str, Any] = {
            a.name: onnx.helper.get_attribute_value(a) for a in proto.attribute
        }
        self._used: set[str] = set()

    @property
    def where(self) -> str:
        return f"ONNX node {self.name!r} ({self.op_type})"

    def error(self, what: str) -> UnsupportedOpError:
        """An UnsupportedOpError naming this node, its op type and what is missing."""
        return UnsupportedOpError(f"{self.where}: {what}")

    def attr(self, name: str, default: Any = None) -> Any:
        """Attribute ``name`` (bytes decoded to str), marking it as handled."""
        self._used.add(name)
        value = self.attrs.get(name, default)
        if isinstance(value, bytes):
            return value.decode()
        return value

    def check_attrs_used(self) -> None:
        """Reject attributes the handler did not read: their meaning would be lost silently."""
        extra = sorted(set(self.attrs) - self._used)
        if extra:
            raise self.error(f"attribute(s) {', '.join(extra)} not supported")

    def has_input(self, i: int) -> bool:
        return i < len(self.input_names) and self.input_names[i] != ""

    def input(self, i: int) -> Tensor | None:
        """Input ``i`` as a tensor (``None`` when omitted)."""
        if not self.has_input(i):
            return None
        return self.ctx.tensor(self.input_names[i])

    def inputs(self) -> list[Tensor | None]:
        return [self.input(i) for i in range(len(self.input_names))]

    def const(self, i: int) -> np.ndarray | None:
        """Input ``i``'s value when it is a constant, else ``None``."""
        t = self.input(i)
        return None if t is None else t.data

    def need_const(self, i: int, what: str) -> np.ndarray:
        value = self.const(i)
        if value is None:
            raise self.error(f"input {i} ({what}) must be a constant")
        return value

    def wants_output(self, i: int) -> bool:
        return i < len(self.output_names) and self.output_names[i] != ""

    def out_sig(self, i: int = 0) -> tuple[int, ...] | None:
        """Output ``i``'s shape from ONNX shape inference (-1 for dynamic), if known."""
        info = self.ctx.value_info.get(self.output_names[i])
        return None if info is None else info[1]

    def out_dtype(self, i: int = 0) -> sdt.DType | None:
        info = self.ctx.value_info.get(self.output_names[i])
        return None if info is None else info[0]


class GraphContext(GraphEmitter):
    """Builds one siglite subgraph while ONNX nodes are converted in order."""

    # Initializers are shared by name in ONNX already: only small constants (made by the
    # handlers, many of them equal) are looked up by content.
    share_limit = 64

    def __init__(self, subgraph: Subgraph, value_info: dict[str, Any], opset: int) -> None:
        super().__init__(subgraph)
        self.value_info = value_info  # name -> (dtype | None, shape signature | None)
        self.opset = opset
        self.values: dict[str, Tensor] = {}
        self.deferred_errors: dict[str, Exception] = {}

    def tensor(self, onnx_name: str) -> Tensor:
        if onnx_name not in self.values:
            raise UnsupportedOpError(f"ONNX value {onnx_name!r} is used before it is defined")
        return self.values[onnx_name]

    def const_array(self, value: Any, dtype: np.dtype | None, name: str) -> np.ndarray:
        """``value`` as an array; Python floats from handlers become float32, arrays keep theirs."""
        arr = np.asarray(value, dtype=dtype)
        if arr.dtype == np.float64 and dtype is None and not isinstance(value, np.ndarray):
            arr = arr.astype(np.float32)
        if arr.dtype.kind in "US":
            raise UnsupportedOpError(f"constant {name!r}: string constants are not supported")
        return arr

    def bind(self, onnx_name: str, tensor: Tensor) -> None:
        """Record that ONNX value ``onnx_name`` is ``tensor`` (named after it when unnamed)."""
        self.values[onnx_name] = tensor
