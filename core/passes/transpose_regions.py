"""Move a whole region of layout-free ops across a transpose when that removes transposes.

The local rules of :mod:`siglite.passes.transposes` move a transpose below one op at a time
and only when the transposed tensor has no other reader. A tensor read by several ops (SiLU's
``x * sigmoid(x)``, squeeze-excitation's ``x * gate(mean(x))``, a residual branch) keeps its
transpose pairs. Here the region of layout-free ops reachable from a transpose is grown as a
whole; when every non-constant value entering it comes through a transpose with the same
permutation, the region is rewritten in the pre-transpose layout if that leaves fewer
``TRANSPOSE`` nodes: the entering transposes die, readers outside the region get one
transpose per tensor, and transposes reading the region compose with the permutation (the
local rules then drop those that became identities).
"""

from __future__ import annotations

import numpy as np

from ..dtypes import int32
from ..ir.graph import Node, Subgraph, Tensor, unique_name
from .transposes import ELEMENTWISE, PADS, REDUCTIONS, _inverse, _per_channel, _perm, perm_constant


def layout_inputs(node: Node, rank: int) -> list[int] | None:
    """Indices of the inputs of a layout-free ``node`` that carry the layout, else None."""
    if len(node.outputs) != 1 or node.outputs[0].rank != rank or _per_channel(node):
        return None
    if node.op in ELEMENTWISE or node.op == "CONCATENATION":
        return [i for i, t in enumerate(node.inputs) if t is not None]
    arg = node.inputs[1] if len(node.inputs) > 1 else None
    if arg is None or arg.data is None:
        return None
    if node.op in REDUCTIONS and node.attrs.get("keep_dims", False):
        return [0]
    if node.op in PADS and arg.shape == (rank, 2):
        return [0]
    return None


class _Region:
    """The layout-free region grown from one transpose, and what rewriting it would cost."""

    def __init__(self, sg: Subgraph, perm: tuple[int, ...], protected: set[int]) -> None:
        self.sg, self.perm, self.protected = sg, perm, protected
        self.producer = sg.producers()
        self.consumers = sg.consumers()
        self.nodes: dict[int, Node] = {}
        self.logical: dict[int, Tensor] = {}  # tensors whose pre-image layout is used
        self.entering: dict[int, Node] = {}  # transposes whose outputs enter the region
        self.reshaped: dict[int, Tensor] = {}  # other inputs, whose re-layout is a RESHAPE

    def logical_inputs(self, node: Node) -> list[int]:
        """Indices of ``node``'s inputs in the region's layout (None: not layout-free)."""
        return layout_inputs(node, len(self.perm))

    def grow(self, seed: Node) -> bool:
        """Collect the region; False when a value enters it in another layout.

        It grows both ways: forward to every reader of a region tensor, backward to the
        layout-free producers of region inputs.
        """
        self.work: list[Tensor] = []
        self.todo: list[Node] = []
        self.enter(seed)
        while self.work or self.todo:
            if self.todo:
                if not self.add_node(self.todo.pop()):
                    return False
                continue
            t = self.work.pop()
            for c in self.consumers.get(id(t), []):
                if id(c) not in self.nodes and c.op != "TRANSPOSE":
                    if self.logical_inputs(c) is not None:  # else: read outside, an exit
                        self.nodes[id(c)] = c
                        self.todo.append(c)
        return True

    def enter(self, node: Node) -> None:
        self.entering[id(node)] = node
        self.mark(node.outputs[0])

    def mark(self, t: Tensor) -> None:
        if id(t) not in self.logical:
            self.logical[id(t)] = t
            self.work.append(t)

    def add_node(self, node: Node) -> bool:
        self.nodes[id(node)] = node
        for i in self.logical_inputs(node):
            if not self.admit(node.inputs[i]):
                return False
        self.mark(node.outputs[0])
        return True

    def admit(self, t: Tensor | None) -> bool:
        """An input of a region node: a region tensor, a constant, a same-perm transpose or
        the output of another layout-free node (which joins the region)."""
        if t is None or id(t) in self.logical:
            return True
        if t.data is not None:
            return t.rank <= len(self.perm)
        node = self.producer.get(id(t))
        if t.rank != len(self.perm):
            return False
        if node is None or (_perm(node) != self.perm and self.logical_inputs(node) is None):
            return self.reshapable(t)
        if _perm(node) == self.perm:
            self.enter(node)
            return True
        if id(node) in self.nodes:  # joined already; its output is marked when it is added
            return True
        if self.logical_inputs(node) is None:
            return False
        self.nodes[id(node)] = node
        self.todo.append(node)
        return True

    def reshapable(self, t: Tensor) -> bool:
        """``t`` in the other layout is a RESHAPE (only size-1 dims move, one unknown dim)."""
        sig = t.signature_shape
        moved = [d for d in _inverse(self.perm) if sig[d] != 1]
        if moved != sorted(moved) or sum(d < 0 for d in sig) > 1:
            return False
        self.reshaped[id(t)] = t
        self.logical[id(t)] = t  # (its other readers are unaffected: not pushed to work)
        return True

    def exits(self) -> list[Tensor]:
        """Logical tensors also read outside the region (or signature tensors)."""
        out = []
        for t in self.logical.values():
            if id(t) in self.reshaped:
                continue
            readers = self.consumers.get(id(t), [])
            outside = [n for n in readers if id(n) not in self.nodes and n.op != "TRANSPOSE"]
            if outside or id(t) in self.protected:
                out.append(t)
        return out

    def readers_transposes(self) -> list[Node]:
        found = {}
        for t in self.logical.values():
            for n in self.consumers.get(id(t), []) if id(t) not in self.reshaped else ():
                if n.op == "TRANSPOSE" and n.inputs[0] is t and _perm(n) is not None:
                    found[id(n)] = n
        return list(found.values())

    def worth_it(self) -> bool:
        if not self.nodes:
            return False
        before = len(self.entering) + len(self.readers_transposes())
        after = len(self.exits())
        for n in self.readers_transposes():
            composed = tuple(self.perm[i] for i in _perm(n))
            after += composed != tuple(range(len(composed)))
        return after < before


class _Rewrite:
    """Rewrite a grown region in the pre-transpose layout."""

    def __init__(self, region: _Region, names: set[str]) -> None:
        self.r = region
        self.names = names
        self.physical: dict[int, Tensor] = {}
        self.reshapes: dict[int, Node] = {}  # by id of the tensor reshaped

    def new_tensor(self, like: Tensor, shape, sig, data=None) -> Tensor:
        t = Tensor(self.unique(f"{like.name}_nhwc"), like.dtype, tuple(shape), tuple(sig), data)
        t.quantization = like.quantization
        return self.r.sg.add_tensor(t)

    def perm_tensor(self, perm: tuple[int, ...]) -> Tensor:
        return perm_constant(self.r.sg, perm, self.names)

    def unique(self, base: str) -> str:
        return unique_name(base, self.names)

    def pre_image(self, t: Tensor) -> Tensor:
        """The physical tensor of logical ``t`` (created for region outputs)."""
        if id(t) in self.physical:
            return self.physical[id(t)]
        node = self.r.entering.get(id(self.r.producer.get(id(t))))
        if node is not None:
            phys = node.inputs[0]
        elif id(t) in self.r.reshaped:
            phys = self.reshape(t)
        else:
            inv = _inverse(self.r.perm)
            sig = t.signature_shape
            phys = self.new_tensor(t, [t.shape[j] for j in inv], [sig[j] for j in inv])
        self.physical[id(t)] = phys
        return phys

    def reshape(self, t: Tensor) -> Tensor:
        """A RESHAPE of ``t`` into the pre-transpose layout, placed right after its producer."""
        inv = _inverse(self.r.perm)
        sig = t.signature_shape
        phys = self.new_tensor(t, [t.shape[j] for j in inv], [sig[j] for j in inv])
        target = np.array([sig[j] for j in inv], np.int32)
        shape = Tensor(self.unique("shape"), int32, target.shape, None, target)
        self.r.sg.add_tensor(shape)
        self.reshapes[id(t)] = Node("RESHAPE", [t, shape], [phys], {"new_shape": tuple(target)})
        return phys

    def const(self, t: Tensor) -> Tensor:
        rank = len(self.r.perm)
        if t.rank == 0:
            return t
        full = t.data.reshape((1,) * (rank - t.rank) + t.data.shape)
        data = np.ascontiguousarray(np.transpose(full, _inverse(self.r.perm)))
        return self.new_tensor(t, data.shape, data.shape, data)

    def remap_attributes(self, node: Node) -> None:
        """Axis attributes and axis/padding inputs in the pre-transpose layout."""
        perm, rank = self.r.perm, len(self.r.perm)
        if node.op == "CONCATENATION":
            node.attrs["axis"] = perm[node.attrs.get("axis", 0) % rank]
        elif node.op in REDUCTIONS:
            axes = node.inputs[1]
            new = np.array([perm[int(a) % rank] for a in np.asarray(axes.data).reshape(-1)])
            data = new.astype(axes.data.dtype).reshape(axes.shape)
            node.inputs[1] = self.new_tensor(axes, data.shape, data.shape, data)
        elif node.op in PADS:
            pads = node.inputs[1]
            data = np.zeros_like(pads.data)
            for i, p in enumerate(perm):
                data[p] = pads.data[i]
            node.inputs[1] = self.new_tensor(pads, data.shape, data.shape, data)

    def run(self) -> None:
        exits = {id(t) for t in self.r.exits()}
        readers = self.r.readers_transposes()
        for t in self.r.reshaped.values():
            self.pre_image(t)
        new_nodes: list[Node] = [
            n for t in self.r.sg.inputs if id(t) in self.reshapes for n in [self.reshapes[id(t)]]
        ]
        for node in self.r.sg.nodes:
            if id(node) in self.r.nodes:
                self.remap_attributes(node)
                for i in self.r.logical_inputs(node):
                    t = node.inputs[i]
                    if t is None:
                        continue
                    node.inputs[i] = self.const(t) if t.data is not None else self.pre_image(t)
                out = node.outputs[0]
                node.outputs[0] = self.pre_image(out)
                new_nodes.append(node)
                if id(out) in exits:
                    perm = self.perm_tensor(self.r.perm)
                    new_nodes.append(Node("TRANSPOSE", [node.outputs[0], perm], [out]))
                continue
            new_nodes.append(node)
            new_nodes.extend(self.reshapes[id(t)] for t in node.outputs if id(t) in self.reshapes)
        for n in readers:
            src = n.inputs[0]
            n.inputs[0] = self.pre_image(src)
            n.inputs[1] = self.perm_tensor(tuple(self.r.perm[i] for i in _perm(n)))
        # entering transposes still read by exits keep serving them; others die as dead code
        self.r.sg.nodes = new_nodes


def merge_duplicates(sg: Subgraph, protected: set[int]) -> bool:
    """Let equal transposes of one tensor (one per reader, as frontends emit them) share one."""
    first: dict[tuple, Tensor] = {}
    alias: dict[int, Tensor] = {}
    for node in sg.nodes:
        node.inputs = [alias.get(id(t), t) if t is not None else None for t in node.inputs]
        perm = _perm(node)
        if perm is None:
            continue
        key = (id(node.inputs[0]), perm)
        if key in first and id(node.outputs[0]) not in protected:
            alias[id(node.outputs[0])] = first[key]
        else:
            first.setdefault(key, node.outputs[0])
    return bool(alias)


def sink_regions(sg: Subgraph, protected: set[int]) -> bool:
    """Rewrite one profitable region of ``sg`` (in place); True when something changed."""
    protected = protected | {id(t) for t in sg.outputs}
    if merge_duplicates(sg, protected):
        return True
    for node in list(sg.nodes):
        perm = _perm(node)
        if perm is None or id(node.outputs[0]) in protected:
            continue
        region = _Region(sg, perm, protected)
        if region.grow(node) and region.worth_it():
            names = {t.name for t in sg.tensors}
            _Rewrite(region, names).run()
            return True
    return False
