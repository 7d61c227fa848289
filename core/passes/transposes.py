"""Transpose optimisation: cancel TRANSPOSE pairs and push transposes through layout-free ops.

Frontends of NCHW sources wrap each NHWC builtin in ``TRANSPOSE`` nodes. This pass, run to a
fixed point, removes what cancels:

* a chain ``TRANSPOSE(TRANSPOSE(x, p), q)`` becomes one transpose, or nothing when the
  permutations compose to the identity; constant inputs are transposed at conversion time;
* a transpose feeding an elementwise op (unary, binary, ``SELECT_V2``, ``PRELU``, ``CAST``
  ...) whose other inputs are constants or the same transpose moves below the op; so it does through
  ``CONCATENATION`` (axis remapped), reductions with constant axes and ``PAD``-like ops;
* a ``RESHAPE`` of a transpose that only moves size-1 dimensions reads the transpose's input.

Transposes only move towards the outputs and a move never adds one, so the pass terminates.
"""

from __future__ import annotations

from collections import deque

import numpy as np

from ..dtypes import int32
from ..ir.graph import Model, Node, Subgraph, Tensor, unique_name
from .dead_code import eliminate_dead_code_subgraph

ELEMENTWISE = frozenset(
    """ABS NEG EXP LOG SQRT RSQRT SIN COS TANH LOGISTIC RELU RELU6 RELU_N1_TO_1 RELU_0_TO_1
    LEAKY_RELU ELU HARD_SWISH GELU FLOOR CEIL ROUND SIGN CAST LOGICAL_NOT SQUARE ADD SUB MUL DIV
    POW MAXIMUM MINIMUM SQUARED_DIFFERENCE FLOOR_DIV FLOOR_MOD EQUAL NOT_EQUAL LESS LESS_EQUAL
    GREATER GREATER_EQUAL LOGICAL_AND LOGICAL_OR PRELU SELECT_V2 ADD_N ATAN2 BITWISE_XOR""".split()
)
REDUCTIONS = frozenset("MEAN SUM REDUCE_MAX REDUCE_MIN REDUCE_PROD REDUCE_ANY REDUCE_ALL".split())
PADS = frozenset({"PAD", "PADV2", "MIRROR_PAD"})


def _perm(node: Node | None) -> tuple[int, ...] | None:
    """The constant permutation of a TRANSPOSE ``node``, else None."""
    if node is None or node.op != "TRANSPOSE" or len(node.inputs) < 2 or node.inputs[1] is None:
        return None
    data = node.inputs[1].data
    return None if data is None else tuple(int(p) for p in np.asarray(data).reshape(-1))


def _inverse(perm: tuple[int, ...]) -> tuple[int, ...]:
    inv = [0] * len(perm)
    for i, p in enumerate(perm):
        inv[p] = i
    return tuple(inv)


def _is_identity(perm: tuple[int, ...]) -> bool:
    return perm == tuple(range(len(perm)))


def perm_constant(sg: Subgraph, perm: tuple[int, ...], names: set[str]) -> Tensor:
    """A new int32 constant of ``sg`` holding ``perm`` (a TRANSPOSE's second input)."""
    data = np.array(perm, np.int32)
    return sg.add_tensor(Tensor(unique_name("perm", names), int32, data.shape, None, data))


class _Rewriter:
    """One sweep over a subgraph in topological order, with producer/consumer maps kept current."""

    def __init__(self, sg: Subgraph, protected: set[int]) -> None:
        self.sg = sg
        self.protected = protected | {id(t) for t in sg.outputs}
        self.producer = sg.producers()
        self.uses = {k: len(v) for k, v in sg.consumers().items()}
        self.names = {t.name for t in sg.tensors}
        self.changed = False
        self.out: list[Node] = []

    # -- helpers -----------------------------------------------------------------------------
    def tensor(self, like: Tensor, shape: tuple[int, ...], sig: tuple[int, ...], dtype=None):
        t = Tensor(unique_name(f"{like.name}_nhwc", self.names), dtype or like.dtype, shape, sig)
        return self.sg.add_tensor(t)

    def const(self, value: np.ndarray, like: Tensor) -> Tensor:
        arr = value if value.flags.c_contiguous else value.copy(order="C")
        t = self.tensor(like, arr.shape, arr.shape, like.dtype)
        t.data = arr
        return t

    def perm_tensor(self, perm: tuple[int, ...]) -> Tensor:
        return perm_constant(self.sg, perm, self.names)

    def transposed_input(self, t: Tensor | None) -> tuple[Node, tuple[int, ...]] | None:
        if t is None:
            return None
        node = self.producer.get(id(t))
        perm = None if node is None else _perm(node)
        return None if perm is None else (node, perm)

    def set_input(self, node: Node, i: int, new: Tensor) -> None:
        old = node.inputs[i]
        if old is not None:
            self.uses[id(old)] = self.uses.get(id(old), 1) - 1
        self.uses[id(new)] = self.uses.get(id(new), 0) + 1
        node.inputs[i] = new

    def drop(self, node: Node) -> bool:
        for t in node.inputs:
            if t is not None:
                self.uses[id(t)] = self.uses.get(id(t), 1) - 1
        self.changed = True
        return True

    def removable(self, t: Tensor) -> bool:
        return self.uses.get(id(t), 0) == 1 and id(t) not in self.protected

    def append_transpose_after(self, node: Node, perm: tuple[int, ...]) -> None:
        """Make ``node`` write a permuted tensor and add a TRANSPOSE back to its old output."""
        y = node.outputs[0]
        inv = _inverse(perm)
        shape = tuple(y.shape[j] for j in inv)
        sig = tuple(y.signature_shape[j] for j in inv)
        inner = self.tensor(y, shape, sig)
        inner.quantization = y.quantization
        node.outputs[0] = inner
        self.producer[id(inner)] = node
        t_node = Node("TRANSPOSE", [inner, self.perm_tensor(perm)], [y])
        self.producer[id(y)] = t_node
        self.uses[id(inner)] = 1
        self.out.append(node)
        self.out.append(t_node)
        self.changed = True

    def replace_uses(self, old: Tensor, new: Tensor) -> bool:
        if id(old) in self.protected:
            return self.write_into(new, old)
        self.redirect(old, new)
        return True

    def write_into(self, src: Tensor, out: Tensor) -> bool:
        """Let the producer of ``src`` write the protected ``out`` directly (same value)."""
        node = self.producer.get(id(src))
        if node is None or id(src) in self.protected or src.shape != out.shape:
            return False
        node.outputs = [out if t is src else t for t in node.outputs]
        self.producer[id(out)] = node
        self.redirect(src, out)
        return True

    def redirect(self, old: Tensor, new: Tensor) -> None:
        """Make the nodes visited and pending read ``new`` where they read ``old``."""
        for n in (*self.out, *self.pending):
            for i, t in enumerate(n.inputs):
                if t is old:
                    self.set_input(n, i, new)
        self.changed = True

    # -- rules -------------------------------------------------------------------------------
    def visit_transpose(self, node: Node) -> bool:
        perm = _perm(node)
        if perm is None:
            return False
        x = node.inputs[0]
        if _is_identity(perm) and self.replace_uses(node.outputs[0], x):
            return self.drop(node)
        if x.data is not None and id(node.outputs[0]) not in self.protected:
            node.outputs[0].data = np.ascontiguousarray(np.transpose(x.data, perm))
            return self.drop(node)
        inner = self.transposed_input(x)
        if inner is None:
            return False
        first, p1 = inner
        composed = tuple(p1[i] for i in perm)
        self.set_input(node, 0, first.inputs[0])
        if _is_identity(composed) and self.replace_uses(node.outputs[0], first.inputs[0]):
            return self.drop(node)
        self.set_input(node, 1, self.perm_tensor(composed))
        self.changed = True
        return False

    def lift_inputs(self, node: Node, idx: list[int], perm: tuple[int, ...]) -> bool:
        """Replace inputs ``idx`` (transposes by ``perm`` or constants) by their pre-images."""
        rank = len(perm)
        inv = _inverse(perm)
        moved = 0
        for i in idx:
            t = node.inputs[i]
            tin = self.transposed_input(t)
            if tin is not None:
                moved += self.removable(t)
                self.set_input(node, i, tin[0].inputs[0])
            elif t.data is not None and t.rank <= rank:
                full = t.data.reshape((1,) * (rank - t.rank) + t.data.shape)
                if t.rank > 0:
                    self.set_input(node, i, self.const(np.transpose(full, inv), t))
        return moved > 0

    def candidates(self, node: Node, idx: list[int]) -> tuple[int, ...] | None:
        """The common perm when every non-constant input in ``idx`` is such a transpose."""
        perm = None
        found = 0
        for i in idx:
            t = node.inputs[i]
            if t is None:
                continue
            tin = self.transposed_input(t)
            if tin is None:
                if t.data is None:
                    return None
                continue
            if perm is not None and tin[1] != perm:
                return None
            perm = tin[1]
            found += self.removable(t)
        if perm is None or found == 0:
            return None
        rank = len(perm)
        for i in idx:
            t = node.inputs[i]
            if t is not None and t.data is not None and t.rank > rank:
                return None
        return perm

    def visit_layout_free(self, node: Node) -> bool:
        if len(node.outputs) != 1 or _per_channel(node):
            return False
        idx = [i for i, t in enumerate(node.inputs) if t is not None]
        if node.op in REDUCTIONS or node.op in PADS:
            idx = [0]
        elif node.op == "CONCATENATION":
            pass
        elif node.op not in ELEMENTWISE:
            return False
        perm = self.candidates(node, idx)
        if perm is None or node.outputs[0].rank != len(perm):
            return False
        if node.op == "CONCATENATION":
            node.attrs["axis"] = perm[node.attrs.get("axis", 0) % len(perm)]
        elif node.op in REDUCTIONS and not self.remap_axes(node, perm):
            return False
        elif node.op in PADS and not self.remap_pads(node, perm):
            return False
        self.lift_inputs(node, idx, perm)
        self.append_transpose_after(node, perm)
        return True

    def remap_axes(self, node: Node, perm: tuple[int, ...]) -> bool:
        axes = node.inputs[1]
        if axes is None or axes.data is None or not node.attrs.get("keep_dims", False):
            return False
        rank = len(perm)
        new = np.array([perm[int(a) % rank] for a in np.asarray(axes.data).reshape(-1)])
        self.set_input(node, 1, self.const(new.astype(axes.data.dtype).reshape(axes.shape), axes))
        return True

    def remap_pads(self, node: Node, perm: tuple[int, ...]) -> bool:
        pads = node.inputs[1]
        if pads is None or pads.data is None or pads.shape != (len(perm), 2):
            return False
        new = np.zeros_like(pads.data)
        for i, p in enumerate(perm):
            new[p] = pads.data[i]
        self.set_input(node, 1, self.const(new, pads))
        return True

    def visit_reshape(self, node: Node) -> bool:
        """RESHAPE(TRANSPOSE(x)) reads x directly when the transpose keeps the memory order."""
        tin = self.transposed_input(node.inputs[0])
        if tin is None or not _keeps_order(tin[0].inputs[0], tin[1]):
            return False
        self.set_input(node, 0, tin[0].inputs[0])
        self.changed = True
        return False

    def run(self) -> bool:
        self.pending = deque(self.sg.nodes)
        while self.pending:
            node = self.pending.popleft()
            if node.op == "TRANSPOSE":
                if self.visit_transpose(node):
                    continue
            elif node.op == "RESHAPE":
                self.visit_reshape(node)
            elif self.visit_layout_free(node):
                continue
            self.out.append(node)
        self.sg.nodes = self.out
        return self.changed


def _per_channel(node: Node) -> bool:
    tensors = [t for t in (*node.inputs, *node.outputs) if t is not None]
    return any(t.quantization is not None and t.quantization.per_channel for t in tensors)


def _keeps_order(x: Tensor, perm: tuple[int, ...]) -> bool:
    """True when permuting ``x`` by ``perm`` only moves dimensions of size 1."""
    sig = x.signature_shape
    moved = [p for p in perm if sig[p] != 1]
    return moved == sorted(moved)


def optimize_transposes_subgraph(sg: Subgraph, keep: tuple = (), max_sweeps: int = 50) -> Subgraph:
    """Run the rewrite sweeps on one subgraph until nothing changes (in place)."""
    from .transpose_regions import sink_regions

    protected = {id(t) for t in keep}
    for _ in range(max_sweeps):
        changed = _Rewriter(sg, protected).run()
        if not changed:  # the local rules are done: try moving whole regions
            changed = sink_regions(sg, protected)
        eliminate_dead_code_subgraph(sg, keep)
        if not changed:
            break
    return sg


def optimize_transposes(model: Model) -> Model:
    """Cancel and sink TRANSPOSE nodes in every subgraph (signature tensors are kept)."""
    for sg in model.subgraphs:
        keep = tuple(model.signature_tensors(sg))
        optimize_transposes_subgraph(sg, keep)
    return model
