"""Concrete functions -> one :class:`siglite.Model` with a signature per function.

Layout and naming follow TensorFlow's converter: entry subgraphs in alphabetical key order,
then helpers (branch/loop bodies), then the ``NoOp`` initializer that a ``CALL_ONCE`` at the
start of every entry runs once per interpreter. Variables no function assigns are frozen into
constants; assigned ones stay resource variables initialised with their current values.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any

import numpy as np

from siglite.ir import Model, Node, Signature, Subgraph, SubgraphBuilder, Tensor
from siglite.ir.lint import check

from .graph import SubgraphRef

READBACK_PREFIX = "__variable__/"


def _clone(subgraphs: Sequence[Subgraph]) -> tuple[list[Subgraph], dict[int, Tensor]]:
    """Deep copies of ``subgraphs`` (constant data shared), with SubgraphRefs re-pointed."""
    new_sg: dict[int, Subgraph] = {}
    tmap: dict[int, Tensor] = {}
    out = []
    for sg in subgraphs:
        for t in sg.tensors:
            tmap[id(t)] = copy.copy(t)
        c = Subgraph(sg.name, [tmap[id(t)] for t in sg.tensors])
        c.inputs = [tmap[id(t)] for t in sg.inputs]
        c.outputs = [tmap[id(t)] for t in sg.outputs]
        c.nodes = [
            Node(
                n.op,
                [None if t is None else tmap[id(t)] for t in n.inputs],
                [tmap[id(t)] for t in n.outputs],
                dict(n.attrs),
                n.version,
                [tmap[id(t)] for t in n.intermediates],
                n.custom_options,
            )
            for n in sg.nodes
        ]
        new_sg[id(sg)] = c
        out.append(c)
    for c in out:
        for n in c.nodes:
            for k, v in n.attrs.items():
                if isinstance(v, SubgraphRef):
                    n.attrs[k] = SubgraphRef(new_sg[id(v.subgraph)])
    return out, tmap


def _freeze(sg: Subgraph, frozen: dict[str, Any]) -> None:
    """Replace READ_VARIABLE of a never-assigned variable by a constant of its value."""
    handles = {
        id(n.outputs[0]): n.attrs.get("shared_name") for n in sg.nodes if n.op == "VAR_HANDLE"
    }
    kept = []
    for n in sg.nodes:
        name = handles.get(id(n.inputs[0])) if n.op == "READ_VARIABLE" else None
        if name in frozen:
            t = n.outputs[0]
            t.data = np.array(frozen[name].numpy())
            t.shape, t.shape_signature = tuple(t.data.shape), None
            continue
        kept.append(n)
    sg.nodes = kept
    readers = {id(t) for n in sg.nodes for t in n.inputs if t is not None}
    sg.nodes = [n for n in sg.nodes if n.op != "VAR_HANDLE" or id(n.outputs[0]) in readers]


def _initializer(variables: dict[str, Any], tables: dict[int, Any]) -> Subgraph:
    b = SubgraphBuilder("NoOp")
    from siglite.dtypes import resource

    for name in sorted(variables):
        var = variables[name]
        h = b.op(
            "VAR_HANDLE",
            outputs=[(resource, ())],
            name=f"{name}_handle",
            container="",
            shared_name=name,
        )
        value = b.const(var.numpy(), f"{name}_init", dtype=var.dtype)
        b.subgraph.nodes.append(Node("ASSIGN_VARIABLE", [h, value], []))
    for tid in sorted(tables):
        table = tables[tid]
        from .ops.lookup import emit_table_handle

        h = emit_table_handle(_BuilderTrace(b), table)
        keys = b.const(table.initializer.keys, f"{table.name}_keys", dtype=table.key_dtype)
        vals = b.const(table.initializer.values, f"{table.name}_values", dtype=table.value_dtype)
        b.subgraph.nodes.append(Node("HASHTABLE_IMPORT", [h, keys, vals], []))
    return b.subgraph


class _BuilderTrace:
    """Just enough of a Trace for :func:`emit_table_handle`."""

    def __init__(self, builder: SubgraphBuilder) -> None:
        self.builder = builder


def _readback(sg: Subgraph, names: Sequence[str], variables: dict[str, Any]) -> dict[str, Tensor]:
    """Append reads of ``names`` at the end of ``sg`` as extra outputs (eager calls)."""
    from siglite.dtypes import resource

    extra = {}
    for name in names:
        var = variables[name]
        h = Tensor(f"{name}_final_handle", resource, ())
        v = Tensor(f"{name}_final", var.dtype, var.shape)
        sg.tensors += [h, v]
        sg.nodes.append(Node("VAR_HANDLE", [], [h], {"container": "", "shared_name": name}))
        sg.nodes.append(Node("READ_VARIABLE", [h], [v]))
        sg.outputs.append(v)
        extra[READBACK_PREFIX + name] = v
    return extra


def _rename(sig: Signature, key: str, position: int, stateful: bool) -> None:
    """TensorFlow's converter names: ``<key>_<arg>:0`` and ``PartitionedCall[_i]:j``."""
    for name, t in sig.inputs.items():
        t.name = f"{key}_{name}:0"
    prefix = ("StatefulPartitionedCall" if stateful else "PartitionedCall") + (
        f"_{position}" if position else ""
    )
    inputs = {id(t) for t in sig.inputs.values()}
    seen: set[int] = set()
    for j, name in enumerate(sorted(sig.outputs)):
        t = sig.outputs[name]
        if id(t) in inputs or id(t) in seen or t.is_constant:
            continue
        seen.add(id(t))
        t.name = f"{prefix}:{j}"


def build_model(entries: Sequence[tuple[str, Any]], *, readback: bool = False) -> Model:
    """A model with one signature per ``(key, ConcreteFunction)``; keys sorted alphabetically.

    ``readback``: also output the final value of every variable an entry assigns (the eager
    runner copies them back into the Python ``Variable`` objects).
    """
    entries = sorted(entries, key=lambda e: e[0])
    variables: dict[str, Any] = {}
    assigned: set[str] = set()
    tables: dict[int, Any] = {}
    for _, cf in entries:
        variables.update(cf.trace.variables)
        assigned |= cf.trace.assigned
        tables.update(cf.trace.tables)
    frozen = {n: v for n, v in variables.items() if n not in assigned}
    model = Model(description="siglite")
    mains, helpers = [], []
    for key, cf in entries:
        subgraphs, tmap = _clone([cf.trace.subgraph, *cf.trace.helpers])
        for sg in subgraphs:
            _freeze(sg, frozen)
        main = subgraphs[0]
        main.name = key if len(entries) > 1 else "main"
        ins = {n: tmap[id(t)] for n, t in cf.inputs.items()}
        outs = {n: tmap[id(t)] for n, t in cf.outputs.items()}
        if readback:
            outs |= _readback(main, sorted(cf.trace.assigned), variables)
        model.signatures[key] = Signature(key, main, ins, outs)
        mains.append(main)
        helpers += subgraphs[1:]
    resources = {n: variables[n] for n in sorted(assigned)}
    if resources or tables:
        init = _initializer(resources, tables)
        helpers.append(init)
        for main in mains:
            main.nodes.insert(
                0, Node("CALL_ONCE", [], [], {"init_subgraph_index": SubgraphRef(init)})
            )
    model.subgraphs = mains + helpers
    _number_tables(model, len(resources), sorted(tables))
    _resolve_refs(model)
    for i, (key, cf) in enumerate(entries):
        _rename(model.signatures[key], key, i, bool(resources or tables) or cf.stateful)
    return check(model)


def _number_tables(model: Model, first: int, table_ids: Sequence[int]) -> None:
    """Give the hash tables the ids ``first, first + 1, ...``.

    LiteRT keeps variables (numbered 0, 1, ... in the order their handles are first made) and
    hash tables (numbered by ``table_id``) in one resource map, so the ids must not overlap.
    """
    new_id = {old: first + i for i, old in enumerate(table_ids)}
    for sg in model.subgraphs:
        for n in sg.nodes:
            if n.op == "HASHTABLE":
                n.attrs["table_id"] = new_id[n.attrs["table_id"]]


def _resolve_refs(model: Model) -> None:
    index = {id(sg): i for i, sg in enumerate(model.subgraphs)}
    for sg in model.subgraphs:
        for n in sg.nodes:
            for k, v in n.attrs.items():
                if isinstance(v, SubgraphRef):
                    n.attrs[k] = index[id(v.subgraph)]
