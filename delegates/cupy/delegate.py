"""The CuPy delegate: claims numeric nodes, runs the shared kernels on device arrays.

The kernels are the numpy delegate's, written against the array module of their inputs
(``xp = array_module(x)``), so the same code computes on the GPU when it is given CuPy arrays.
Partitions run as one block (the runtime fuses them): their inputs are copied to the device
once, intermediates stay there, and only what the host needs is copied back. Weights are
uploaded on the first run and stay on the device.

``CupyDelegate(device_module=...)`` accepts any module with CuPy's ``asarray``/``asnumpy``/
``ndarray`` (the tests use a numpy-backed stand-in); ``device_outputs=True`` leaves signature
outputs on the device (runners then return device arrays, and accept them as inputs without a
copy); ``ops`` restricts the claimed ops.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from typing import Any

import numpy as np

from siglite.delegate import Delegate, Kernel
from siglite.errors import DelegateError

from ..numpy.kernels.quantized.coverage import integer_refusal
from ..numpy.table import KERNELS

# Ops whose kernels work on host objects (strings, resources, subgraphs): never on the device.
HOST_ONLY_OPS = frozenset(
    {"VAR_HANDLE", "READ_VARIABLE", "ASSIGN_VARIABLE", "HASHTABLE", "HASHTABLE_IMPORT",
     "HASHTABLE_FIND", "HASHTABLE_SIZE", "IF", "WHILE", "CALL_ONCE", "CUSTOM"}
)  # fmt: skip
HOST_DTYPES = frozenset({"string", "resource", "variant"})


def _load_cupy() -> Any:
    try:
        import cupy

        cupy.cuda.runtime.getDeviceCount()
    except Exception as exc:
        raise DelegateError(
            f"the cupy delegate needs CuPy and a CUDA device ({type(exc).__name__}: {exc}); "
            "install the CuPy wheel matching your CUDA version, e.g. cupy-cuda12x"
        ) from exc
    return cupy


class CupyDelegate(Delegate):
    """GPU delegate: the numpy kernels on CuPy arrays, copies only at partition borders."""

    name = "cupy"
    on_device = True

    def __init__(
        self,
        device_module: Any = None,
        *,
        device_outputs: bool = False,
        ops: Iterable[str] | None = None,
    ) -> None:
        from ..numpy import kernels  # noqa: F401  (registers the shared kernels)

        super().__init__(KERNELS)
        self.device = device_module if device_module is not None else _load_cupy()
        self.xp = self.device
        self.device_outputs = _flag(device_outputs)
        self.ops = frozenset(ops) if ops is not None else None
        # a stand-in whose arrays subclass numpy's is adopted by a view, CuPy by asarray
        self._view = isinstance(self.device.ndarray, type) and issubclass(
            self.device.ndarray, np.ndarray
        )

    def supports(self, node: Any, subgraph: Any = None) -> bool | str:
        """Numeric, non-stateful nodes with a shared kernel (and in ``ops`` when given)."""
        if node.op in HOST_ONLY_OPS or any(k.endswith("subgraph_index") for k in node.attrs):
            return f"{node.op} runs on the host"
        if self.ops is not None and node.op not in self.ops:
            return f"{node.op} is not in the delegate's ops option"
        for t in [*node.inputs, *node.outputs]:
            if t is None:
                continue
            if t.dtype.name in HOST_DTYPES:
                return f"{t.dtype.name} tensor %{t.name} stays on the host"
            if t.is_variable:
                return f"variable tensor %{t.name} stays on the host"
        kernel = super().kernel_for(node)  # unwrapped: only checked here
        if kernel is None:
            return "no kernel"
        return integer_refusal(node, kernel) or True

    def kernel_for(self, node: Any) -> Kernel | None:
        """The shared kernel, its results kept as device arrays."""
        kernel = super().kernel_for(node)
        if kernel is None:
            return None
        return Kernel(kernel.op, self._on_device(kernel.fn), kernel.context, kernel.dtypes)

    def _on_device(self, fn: Any) -> Any:
        @functools.wraps(fn)
        def run(*args: Any, **attrs: Any) -> Any:
            result = fn(*args, **attrs)
            if isinstance(result, (tuple, list)):
                return tuple(self.adopt(r) for r in result)
            return self.adopt(result)

        return run

    def adopt(self, value: Any) -> Any:
        """A kernel result as a device array (already one on CuPy; a view for stand-ins)."""
        if value is None or isinstance(value, self.device.ndarray):
            return value
        if self._view and isinstance(value, np.ndarray):
            return value.view(self.device.ndarray)
        return self.device.asarray(value)

    def to_device(self, value: Any) -> Any:
        """Host -> device copy at a partition border."""
        return self.device.asarray(value)

    def to_host(self, value: Any) -> np.ndarray:
        """Device -> host copy at a partition border."""
        return self.device.asnumpy(value)


def _flag(value: Any) -> bool:
    # options may arrive as strings, as LiteRT's load_delegate passes them
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes", "on")
    return bool(value)
