"""The tensor-level part of the interpreter API: set/get/view tensors and resize inputs."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from ..dtypes import as_dtype
from ..errors import DTypeError, InputError
from .executor import to_object


class StrictResizeError(InputError, RuntimeError):
    """A strict resize tried to change a dimension that is not ``-1`` (LiteRT raises
    RuntimeError here; this error is also a ValueError like siglite's other input errors)."""


def _type_name(arr: np.ndarray) -> str:
    try:
        return as_dtype(arr.dtype).tflite_name
    except DTypeError:
        return str(arr.dtype).upper()


class TensorAccessMixin:
    """set_tensor / get_tensor / tensor / resize_tensor_input on an engine (subgraph 0)."""

    _engine: Any
    _model: Any

    def _check_index(self, subgraph_index: int, index: Any) -> None:
        count = len(self._model.subgraphs[subgraph_index].tensors)
        if not isinstance(index, (int, np.integer)) or not 0 <= index < count:
            raise InputError(f"Invalid tensor index {index} exceeds max tensor index {count - 1}")

    def _value(self, subgraph_index: int, index: int, *, copy: bool) -> np.ndarray:
        self._check_index(subgraph_index, index)
        t = self._model.subgraphs[subgraph_index].tensors[index]
        rt = self._engine.existing_runtime(subgraph_index)
        value = None
        if rt is not None and rt.current is not None:
            value = rt.current.values[index]
        elif t.is_constant:
            value = t.data
        if value is None:
            raise InputError("Tensor data is null. Run allocate_tensors() first")
        return np.array(value, copy=True) if copy else value

    def get_tensor(self, tensor_index: int, subgraph_index: int = 0) -> Any:
        """A copy of a tensor's value; a 0-d tensor comes back as a numpy scalar."""
        self._check_subgraph(subgraph_index)  # type: ignore[attr-defined]
        with self._engine.lock:
            value = self._value(subgraph_index, tensor_index, copy=True)
        return value[()] if value.ndim == 0 else value

    def tensor(self, tensor_index: int) -> Callable[[], np.ndarray]:
        """A function returning a writable view of a subgraph-0 tensor's current value."""
        self._check_index(0, tensor_index)
        return lambda: self._value(0, tensor_index, copy=False)

    def set_tensor(self, tensor_index: int, value: Any) -> None:
        """Copy ``value`` into a subgraph-0 tensor; dtype and shape must match exactly."""
        with self._engine.lock:
            self._check_index(0, tensor_index)
            t = self._model.subgraphs[0].tensors[tensor_index]
            arr = self._checked(t, tensor_index, np.asarray(value))  # LiteRT checks this first
            rt = self._engine.existing_runtime(0)
            if rt is None or rt.current is None:
                raise InputError(
                    "Cannot set tensor: Tensor is unallocated. Try calling allocate_tensors() first"
                )
            rt.current.store(tensor_index, np.array(arr, copy=True), t)

    def _checked(self, t: Any, index: int, arr: np.ndarray) -> np.ndarray:
        where = f"for input {index}, name: {t.name} "
        if t.dtype.name == "string":
            if arr.dtype.kind not in "OSU":
                raise InputError(
                    f"Cannot set tensor: Got value of type {_type_name(arr)} but expected type "
                    f"STRING {where}"
                )
            arr = to_object(arr)
        elif arr.dtype != t.dtype.numpy:
            raise InputError(
                f"Cannot set tensor: Got value of type {_type_name(arr)} but expected type "
                f"{t.dtype.tflite_name} {where}"
            )
        expected = self._engine.current_shape(0, index) or t.shape
        if arr.ndim != len(expected):
            raise InputError(
                f"Cannot set tensor: Dimension mismatch. Got {arr.ndim} but expected "
                f"{len(expected)} for input {index}."
            )
        for axis, (got, want) in enumerate(zip(arr.shape, expected, strict=True)):
            if got != want:
                raise InputError(
                    f"Cannot set tensor: Dimension mismatch. Got {got} but expected {want} for "
                    f"dimension {axis} of input {index}."
                )
        return arr

    def resize_tensor_input(
        self, input_index: int, tensor_size: Sequence[int], strict: bool = False
    ) -> None:
        """Give a subgraph-0 input a new shape; call :meth:`allocate_tensors` afterwards.

        ``strict=True`` only lets the ``-1`` dimensions of the shape signature change.
        """
        with self._engine.lock:
            self._check_index(0, input_index)
            shape = tuple(int(d) for d in np.asarray(tensor_size).reshape(-1))
            t = self._model.subgraphs[0].tensors[input_index]
            rt = self._engine.runtime(0)
            pos = rt.positions.get(input_index)
            if pos is None:
                raise InputError(
                    f"tensor {input_index} (%{t.name}) is not an input of subgraph 0; only "
                    "inputs can be resized"
                )
            if any(d < 0 for d in shape):
                raise InputError(f"cannot resize input {input_index} to {shape}: negative size")
            if strict:
                _check_strict(input_index, t.signature_shape, rt.input_shapes[pos], shape)
            rt.resize_input(pos, shape)


def _check_strict(index: int, sig: tuple, current: tuple, shape: tuple) -> None:
    if len(shape) != len(sig):
        raise StrictResizeError(
            f"Attempting to resize tensor {index} of rank {len(sig)} to rank {len(shape)}. "
            "ResizeInputTensorStrict only allows mutating unknown dimensions identified by -1."
        )
    for axis, (want, got) in enumerate(zip(sig, shape, strict=True)):
        if want != -1 and got != want:
            raise StrictResizeError(
                f"Attempting to resize dimension {axis} of tensor {index} with value "
                f"{current[axis]} to {got}. ResizeInputTensorStrict only allows mutating unknown "
                "dimensions identified by -1."
            )
