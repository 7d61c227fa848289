"""The edge delegate: an integer-only NPU in the style of Edge-TPU-class accelerators.

Like such an accelerator's compiler it maps only int8-quantized nodes of a fixed op list with
static shapes, within a budget of on-chip memory, into at most ``max_partitions`` partitions;
everything else runs on the CPU, and the placement reports it the way the compiler does
(``Interpreter.get_placement().report``: "edge: N of M nodes mapped, K partitions; on CPU:
OP #i (reason), ..."). It computes with the numpy delegate's integer kernels, which are
bit-exact with TFLite's reference kernels, so moving a node between the NPU and the CPU never
changes a result.

Options (``sl.load_delegate("edge", {...})``; strings are accepted, as LiteRT passes them):

* ``sram_bytes`` (default 8 MiB): on-chip memory for a partition's weights and activations.
  Nodes are placed in execution order; the first node that does not fit and every node after
  it in that partition run on the CPU.
* ``max_partitions`` (default 1): how many partitions the NPU runs (the largest are kept).
* ``ops``: the op list to map (default :data:`EDGE_OPS`).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from siglite.delegate import Delegate

from ..numpy.kernels.quantized.coverage import integer_refusal
from ..numpy.table import KERNELS

# The ops the NPU maps (int8 in, int8 out); DEQUANTIZE and float ops stay on the CPU.
EDGE_OPS: frozenset[str] = frozenset(
    {"ADD", "AVERAGE_POOL_2D", "BATCH_MATMUL", "CONCATENATION", "CONV_2D", "DEPTHWISE_CONV_2D",
     "FULLY_CONNECTED", "HARD_SWISH", "LOGISTIC", "MAX_POOL_2D", "MEAN", "MUL", "PAD", "PADV2",
     "QUANTIZE", "RELU", "RELU6", "RELU_N1_TO_1", "RESHAPE", "SOFTMAX", "SUB", "TANH"}
)  # fmt: skip
DEFAULT_SRAM_BYTES = 8 << 20
# Constant operands other than int8 the compiler accepts: biases, shapes, axes, paddings.
CONSTANT_DTYPES = frozenset({"int8", "int32"})


class EdgeDelegate(Delegate):
    """Integer-only NPU: int8 nodes from :data:`EDGE_OPS` with static shapes, in on-chip
    memory."""

    name = "edge"
    on_device = True

    def __init__(
        self,
        sram_bytes: int | str = DEFAULT_SRAM_BYTES,
        max_partitions: int | str = 1,
        ops: Iterable[str] | str | None = None,
    ) -> None:
        from ..numpy import kernels  # noqa: F401  (registers the integer kernels)

        super().__init__(KERNELS)
        self.sram_bytes = int(sram_bytes)
        self.max_partitions = int(max_partitions)
        if isinstance(ops, str):
            ops = [o.strip() for o in ops.split(",") if o.strip()]
        self.ops = frozenset(ops) if ops is not None else EDGE_OPS
        self.usage: dict[int, int] = {}  # node index -> bytes it uses on chip (last subgraph)

    def supports(self, node: Any, subgraph: Any = None) -> bool | str:
        """int8-quantized tensors, static shapes and an op the NPU knows."""
        if node.op not in self.ops:
            return f"{node.op} is not supported by the NPU"
        for t in node.outputs:
            why = _activation_problem(t)
            if why:
                return why
        for t in node.inputs:
            if t is None:
                continue
            why = _constant_problem(t) if t.is_constant else _activation_problem(t)
            if why:
                return why
        kernel = self.kernel_for(node)
        if kernel is None:
            return "no kernel"
        # an op given through ``ops=`` may only have a float-style kernel: never run it on
        # quantized data
        return integer_refusal(node, kernel) or True

    def select_partitions(self, partitions: list[list[int]], subgraph: Any):
        """Keep the largest ``max_partitions``; place their nodes while on-chip memory lasts."""
        ranked = sorted(partitions, key=len, reverse=True)
        chosen = {id(p) for p in ranked[: max(self.max_partitions, 0)]}
        kept, rejected = [], {}
        for p in partitions:
            if id(p) not in chosen:
                limit = f"partition limit reached (max_partitions={self.max_partitions})"
                rejected.update((i, limit) for i in p)
        used: set[int] = set()  # constants stored once
        total = 0
        self.usage = {}
        for p in (q for q in partitions if id(q) in chosen):
            fits = []
            for pos, i in enumerate(p):
                need = _node_bytes(subgraph.nodes[i], used)
                if total + need > self.sram_bytes:
                    reason = (
                        f"exceeds on-chip memory: needs {need} bytes, "
                        f"{self.sram_bytes - total} of {self.sram_bytes} left"
                    )
                    rejected.update((j, reason) for j in p[pos:])
                    break
                total += need
                self.usage[i] = need
                used.update(id(t) for t in subgraph.nodes[i].inputs if t is not None)
                fits.append(i)
            if fits:
                kept.append(fits)
        return kept, rejected

    def prepare(self, partition: Any) -> None:
        """The "compiled" partition: nothing beyond the checks made while claiming."""
        return None

    def to_device(self, value: Any) -> Any:
        # the simulated NPU reads the host buffer through DMA: no conversion needed
        return value

    def to_host(self, value: Any) -> np.ndarray:
        return np.asarray(value)


def _static(t: Any) -> bool:
    # the batch dimension may be dynamic in the signature; the compiled shape is the model's
    sig = t.signature_shape
    return all(d >= 0 for d in sig[1:]) and all(d > 0 for d in t.shape)


def _activation_problem(t: Any) -> str | None:
    if t.dtype.name != "int8":
        return f"tensor %{t.name} is {t.dtype.name}, not int8"
    q = t.quantization
    if q is None or q.scales.size == 0:
        return f"tensor %{t.name} is not quantized"
    if not _static(t):
        return f"tensor %{t.name} has a dynamic shape {list(t.signature_shape)}"
    return None


def _constant_problem(t: Any) -> str | None:
    if t.dtype.name not in CONSTANT_DTYPES:
        return f"constant %{t.name} is {t.dtype.name}, not int8 or int32"
    return None


def _node_bytes(node: Any, stored: set[int]) -> int:
    """On-chip bytes a node adds: its constants not stored yet and its output activations."""
    need = sum(
        int(t.data.nbytes)
        for t in node.inputs
        if t is not None and t.is_constant and id(t) not in stored
    )
    need += sum(int(np.prod(t.shape)) * t.dtype.numpy.itemsize for t in node.outputs)
    return need
