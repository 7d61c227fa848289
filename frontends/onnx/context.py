"""Conversion state for one ONNX graph: value names to siglite tensors, node views, emitters."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

import siglite.dtypes as sdt
from siglite.errors import UnsupportedOpError
from siglite.ir import Node, Subgraph, Tensor

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


def concrete(sig: Sequence[int]) -> tuple[int, ...]:
    """A concrete shape for a shape signature (dynamic dims become 1)."""
    return tuple(1 if d < 0 else int(d) for d in sig)


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


class GraphContext:
    """Builds one siglite subgraph while ONNX nodes are converted in order."""

    def __init__(self, subgraph: Subgraph, value_info: dict[str, Any], opset: int) -> None:
        self.sg = subgraph
        self.value_info = value_info  # name -> (dtype | None, shape signature | None)
        self.opset = opset
        self.values: dict[str, Tensor] = {}
        self._names: set[str] = set()
        self._const_cache: dict[tuple, Tensor] = {}
        self.deferred_errors: dict[str, Exception] = {}

    def unique(self, name: str) -> str:
        base, i = name or "t", 1
        name = base
        while name in self._names:
            name, i = f"{base}_{i}", i + 1
        self._names.add(name)
        return name

    def rename(self, t: Tensor, name: str) -> None:
        self._names.discard(t.name)
        t.name = self.unique(name)

    def tensor(self, onnx_name: str) -> Tensor:
        if onnx_name not in self.values:
            raise UnsupportedOpError(f"ONNX value {onnx_name!r} is used before it is defined")
        return self.values[onnx_name]

    def new_tensor(
        self, name: str, dtype: Any, sig: Sequence[int], data: np.ndarray | None = None
    ) -> Tensor:
        sig = tuple(int(d) for d in sig)
        t = Tensor(self.unique(name), sdt.as_dtype(dtype), concrete(sig), sig, data)
        return self.sg.add_tensor(t)

    def const(self, value: Any, name: str = "const", dtype: Any = None) -> Tensor:
        """A constant tensor; equal small constants are shared within the subgraph."""
        arr = np.asarray(value, dtype=None if dtype is None else sdt.as_dtype(dtype).numpy)
        if arr.dtype == np.float64 and dtype is None and not isinstance(value, np.ndarray):
            arr = arr.astype(np.float32)
        if arr.dtype.kind in "US":
            raise UnsupportedOpError(f"constant {name!r}: string constants are not supported")
        key = None
        if arr.size <= 64:
            key = (arr.dtype.str, arr.shape, arr.tobytes())
            if key in self._const_cache:
                return self._const_cache[key]
        if not arr.flags.c_contiguous:
            arr = arr.copy(order="C")  # ascontiguousarray would make 0-d arrays 1-d
        t = self.new_tensor(name, sdt.as_dtype(arr.dtype), arr.shape, data=arr)
        if key is not None:
            self._const_cache[key] = t
        return t

    def op(
        self,
        op: str,
        inputs: Sequence[Tensor | None],
        dtype: Any,
        sig: Sequence[int],
        name: str | None = None,
        **attrs: Any,
    ) -> Tensor:
        """Append a one-output node with an explicit output type; returns the output."""
        out = self.new_tensor(name or op.lower(), dtype, sig)
        self.sg.nodes.append(Node(op, list(inputs), [out], dict(attrs)))
        return out

    def op_multi(
        self,
        op: str,
        inputs: Sequence[Tensor | None],
        outs: Sequence[tuple[Any, Sequence[int]]],
        name: str | None = None,
        **attrs: Any,
    ) -> list[Tensor]:
        """Append a node with several outputs of the given ``(dtype, shape)``."""
        tensors = [
            self.new_tensor(f"{name or op.lower()}_{i}", d, s) for i, (d, s) in enumerate(outs)
        ]
        self.sg.nodes.append(Node(op, list(inputs), tensors, dict(attrs)))
        return tensors

    def bind(self, onnx_name: str, tensor: Tensor) -> None:
        """Record that ONNX value ``onnx_name`` is ``tensor`` (named after it when unnamed)."""
        self.values[onnx_name] = tensor
